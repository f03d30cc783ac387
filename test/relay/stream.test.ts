/**
 * Reading a mailbox as Server-Sent Events (spec §Relay binding, Reading a mailbox): entries live,
 * resuming with Last-Event-ID, the heartbeat, the end, and a slow reader dropped without holding
 * up the others or growing memory. In-process first, then over real HTTP through toNodeListener.
 */
import { connect } from 'node:net'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { generateKeyPair, signIntent, type KeyPair } from '../../src/index.js'
import { MemoryRelayBackend, type RelayBackend } from '../../src/relay/index.js'
import {
  authorization,
  cast,
  castable,
  EventReader,
  intentBody,
  relayInProcess,
  relayOnLoopback,
  subscribe,
  type TestRelay,
} from './support.js'

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms))

async function events(
  relay: TestRelay,
  key: KeyPair,
  headers: Record<string, string> = {},
  query = '',
  expiresIn?: number,
): Promise<{ response: Response; reader: EventReader }> {
  const response = await relay.call(`/mailboxes/${key.did}${query}`, {
    headers: {
      accept: 'text/event-stream',
      authorization: await authorization(relay, key, expiresIn === undefined ? {} : { expiresIn }),
      ...headers,
    },
  })
  // Not the body's text on success: an event stream's body ends only with the stream.
  if (response.status !== 200) expect.fail(`${response.status}: ${await response.text()}`)
  return { response, reader: new EventReader(response.body!) }
}

/** A backend that counts the watches open on it, to see streams stop watching. */
function counting(): { backend: RelayBackend; watching: () => number } {
  const memory = new MemoryRelayBackend()
  let watching = 0
  return {
    watching: () => watching,
    backend: {
      open: (i) => memory.open(i),
      info: (o) => memory.info(o),
      append: (o, e, l) => memory.append(o, e, l),
      read: (o, a, n) => memory.read(o, a, n),
      subscribers: () => memory.subscribers(),
      close: () => memory.close(),
      watch: (o, a, l) => {
        watching++
        const stop = memory.watch(o, a, l)
        let stopped = false
        return () => {
          if (!stopped) watching--
          stopped = true
          stop()
        }
      },
    },
  }
}

/** An intent as large as the model allows (about 12 KB), from a fresh key. */
async function bigIntent(): Promise<string> {
  const attributes: Record<string, string> = {}
  for (let i = 0; i < 32; i++) attributes[`a${i}`] = 'x'.repeat(200)
  const body = intentBody()
  return signIntent(
    { ...body, want: { ...body.want, item: { ...body.want.item, attributes } } },
    await generateKeyPair(),
  )
}

afterEach(() => {
  vi.useRealTimers()
})

describe('in-process', () => {
  test('entries come as events `message`, id their seq, data their JSON, as they are appended', async () => {
    const relay = await relayInProcess()
    const vendor = await subscribe(relay)
    const { response, reader } = await events(relay, vendor)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const { intent } = await castable(relay)
    await cast(relay, intent)
    const event = await reader.next()
    expect(event).toEqual({
      id: String(event!.data.seq),
      event: 'message',
      data: { seq: event!.data.seq, type: 'application/intentcast+jws', parts: [intent] },
    })
    await reader.cancel()
  })

  test('a stream starts after Last-Event-ID when sent, else after `after`: backlog first, then live', async () => {
    const relay = await relayInProcess()
    const vendor = await subscribe(relay)
    const intents: string[] = []
    for (let i = 0; i < 3; i++) {
      intents.push((await castable(relay)).intent)
      await cast(relay, intents[i]!)
    }
    const first = await events(relay, vendor)
    const one = await first.reader.next()
    await first.reader.cancel()
    const resumed = await events(relay, vendor, { 'last-event-id': one!.id }, '?after=0')
    expect((await resumed.reader.next())!.data.parts).toEqual([intents[1]])
    expect((await resumed.reader.next())!.data.parts).toEqual([intents[2]])
    const late = (await castable(relay)).intent
    await cast(relay, late)
    expect((await resumed.reader.next())!.data.parts).toEqual([late])
    await resumed.reader.cancel()
    const byQuery = await events(relay, vendor, {}, `?after=${one!.id}`)
    expect((await byQuery.reader.next())!.data.parts).toEqual([intents[1]])
    await byQuery.reader.cancel()
  })

  test('a bad Last-Event-ID is ERR_MALFORMED', async () => {
    const relay = await relayInProcess()
    const vendor = await subscribe(relay)
    const response = await relay.call(`/mailboxes/${vendor.did}`, {
      headers: { accept: 'text/event-stream', authorization: await authorization(relay, vendor), 'last-event-id': 'x' },
    })
    expect(response.status).toBe(400)
  })

  test('a comment line every 15 seconds', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const relay = await relayInProcess()
    const vendor = await subscribe(relay)
    const { reader } = await events(relay, vendor)
    vi.advanceTimersByTime(15_000)
    await cast(relay, (await castable(relay)).intent)
    await reader.next()
    expect(reader.comments).toBe(1)
    vi.advanceTimersByTime(30_000)
    await cast(relay, (await castable(relay)).intent)
    await reader.next()
    expect(reader.comments).toBe(3)
    await reader.cancel()
  })

  test('the stream ends when the access message expires, or the mailbox, or the handler closes', async () => {
    const relay = await relayInProcess()
    const vendor = await subscribe(relay)
    const started = Date.now()
    const byAccess = await events(relay, vendor, {}, '', 1)
    expect(await byAccess.reader.next()).toBeUndefined()
    expect(Date.now() - started).toBeLessThan(3_000)
    const shortLived = await subscribe(relay, {}, undefined, 2)
    const byMailbox = await events(relay, shortLived)
    expect(await byMailbox.reader.next()).toBeUndefined()
    const open = await events(relay, vendor)
    await relay.close()
    expect(await open.reader.next()).toBeUndefined()
  })

  test('a reader that leaves more than streamBufferBytes unread is dropped; the others and the appends go on', async () => {
    const { backend, watching } = counting()
    const relay = await relayInProcess({ backend, limits: { streamBufferBytes: 8_192 } })
    const vendor = await subscribe(relay)
    const slow = await events(relay, vendor)
    const fast = await events(relay, vendor)
    await tick()
    expect(watching()).toBe(2)
    const got: string[] = []
    const reading = (async () => {
      while (got.length < 20) got.push((await fast.reader.next())!.data.parts[0]!)
    })()
    const sent: string[] = []
    for (let i = 0; i < 20; i++) {
      const { intent } = await castable(relay)
      sent.push(intent)
      await cast(relay, intent)
    }
    await reading
    expect(got).toEqual(sent)
    expect(watching()).toBe(1)
    // The slow reader gets at most what was queued when it was dropped (the buffer and one event), then the break.
    let bytes = 0
    await expect(
      (async () => {
        for (let e = await slow.reader.next(); e !== undefined; e = await slow.reader.next())
          bytes += JSON.stringify(e.data).length
      })(),
    ).rejects.toThrow()
    expect(bytes).toBeLessThan(8_192 + 2_000)
    await fast.reader.cancel()
    expect(watching()).toBe(0)
  })

  test('catching up on a backlog larger than the buffer is paced by the reader, not dropped', async () => {
    const relay = await relayInProcess({ limits: { streamBufferBytes: 4_096 } })
    const vendor = await subscribe(relay)
    const sent: string[] = []
    for (let i = 0; i < 40; i++) {
      sent.push((await castable(relay)).intent)
      await cast(relay, sent[i]!)
    }
    const { reader } = await events(relay, vendor)
    const got: string[] = []
    while (got.length < 45) {
      await tick(2)
      got.push((await reader.next())!.data.parts[0]!)
      // New entries while it is still catching up: they queue behind the backlog, nobody is dropped.
      if (got.length === 5)
        for (let i = 0; i < 5; i++) {
          sent.push((await castable(relay)).intent)
          await cast(relay, sent.at(-1)!)
        }
    }
    expect(got).toEqual(sent)
    await reader.cancel()
  })
})

describe('over HTTP (toNodeListener)', () => {
  test('events arrive live; a client that goes away stops the stream watching', async () => {
    const { backend, watching } = counting()
    const relay = await relayOnLoopback({ backend })
    try {
      const vendor = await subscribe(relay)
      const controller = new AbortController()
      const response = await fetch(`${relay.url}/mailboxes/${vendor.did}`, {
        headers: { accept: 'text/event-stream', authorization: await authorization(relay, vendor) },
        signal: controller.signal,
      })
      expect(response.headers.get('content-type')).toBe('text/event-stream')
      expect(response.headers.get('content-length')).toBeNull()
      const reader = new EventReader(response.body!)
      const { intent } = await castable(relay)
      await cast(relay, intent)
      expect((await reader.next())!.data.parts).toEqual([intent])
      expect(watching()).toBe(1)
      controller.abort()
      for (let i = 0; i < 100 && watching() > 0; i++) await tick(10)
      expect(watching()).toBe(0)
    } finally {
      await relay.close()
    }
  })

  test('a client that stops reading is dropped once its unread events pass the buffer; others and appends go on', async () => {
    const { backend, watching } = counting()
    const relay = await relayOnLoopback({
      backend,
      limits: { streamBufferBytes: 65_536, entries: 10_000, bytes: 256 * 2 ** 20 },
    })
    try {
      const vendor = await subscribe(relay)
      const { port } = new URL(relay.url)
      // A raw client that sends its request and then reads nothing at all.
      const socket = connect(Number(port), '127.0.0.1')
      await new Promise<void>((resolve) => socket.once('connect', resolve))
      socket.pause()
      socket.write(
        `GET /relay/mailboxes/${vendor.did} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n` +
          `Authorization: ${await authorization(relay, vendor)}\r\n\r\n`,
      )
      const fast = await events(relay, vendor)
      for (let i = 0; i < 100 && watching() < 2; i++) await tick(10)
      expect(watching()).toBe(2)
      let got = 0
      const reading = (async () => {
        while ((await fast.reader.next()) !== undefined) got++
      })()
      // Far more than the socket buffers of loopback hold: the unread events pile up in the stream.
      let slowest = 0
      let sent = 0
      for (let i = 0; i < 1_500 && watching() === 2; i++) {
        const intent = await bigIntent()
        const started = performance.now()
        await cast(relay, intent)
        slowest = Math.max(slowest, performance.now() - started)
        sent++
      }
      expect(watching()).toBe(1)
      for (let i = 0; i < 200 && got < sent; i++) await tick(10)
      expect(got).toBe(sent)
      // No append waited for the reader that was not reading.
      expect(slowest).toBeLessThan(1_000)
      socket.destroy()
      await fast.reader.cancel()
      await reading.catch(() => {})
    } finally {
      await relay.close()
    }
  })
})
