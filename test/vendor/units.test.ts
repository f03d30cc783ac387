import { describe, expect, test } from 'vitest'
import { castIntent } from '../../src/wallet/index.js'
import { MemoryThreadStore } from '../../src/vendor/index.js'
import { problemFor } from '../../src/http/problem.js'
import { parseProblem } from '../../src/http/problem.js'
import { generateKeyPair, signIntent, signOffer, verify, Thread } from '../../src/index.js'
import { KeyedQueue } from '../../src/vendor/keyed-queue.js'
import { movableUntil } from '../../src/vendor/thread-store.js'
import { intentBody, offerFor } from './support.js'

async function thread() {
  const customer = await generateKeyPair()
  const intent = await verify(await signIntent(intentBody(), customer), { expect: 'intent' })
  const offer = await verify(
    await signOffer({ ...offerFor('1.00')(intent), inReplyTo: intent.digest }, await generateKeyPair(), {
      audience: customer.did,
    }),
    { expect: 'offer' },
  )
  return { intent, offer, thread: new Thread(intent).add(offer) }
}

describe('MemoryThreadStore', () => {
  test('finds a thread by any of its messages and forgets the least recently stored first', async () => {
    const store = new MemoryThreadStore({ maxThreads: 2 })
    const a = await thread()
    const b = await thread()
    const c = await thread()
    store.set(a.thread, 0)
    store.set(b.thread, 0)
    store.set(a.thread, a.thread.messages.length) // touched again: b is now the oldest
    store.set(c.thread, 0)
    expect(store.size).toBe(2)
    expect(store.get(a.offer.digest)).toBe(a.thread)
    expect(store.get(b.intent.digest)).toBeUndefined()
    expect(store.get(b.offer.digest)).toBeUndefined()
    expect(store.get(c.intent.digest)).toBe(c.thread)
  })
})

describe('KeyedQueue', () => {
  test('one task at a time per key, in order; other keys do not wait; a failure does not block the next; keys are forgotten once idle', async () => {
    const queue = new KeyedQueue()
    const log: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const first = queue.run('a', async () => {
      log.push('a1 start')
      await gate
      log.push('a1 end')
      throw new Error('a1 failed')
    })
    const second = queue.run('a', async () => {
      log.push('a2')
      return 2
    })
    const other = queue.run('b', async () => {
      log.push('b1')
      return 'b'
    })
    expect(await other).toBe('b')
    expect(queue.size).toBe(1) // b is done and forgotten; a still has work
    expect(log).toEqual(['a1 start', 'b1'])
    release()
    await expect(first).rejects.toThrow('a1 failed')
    expect(await second).toBe(2)
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2'])
    expect(queue.size).toBe(0)
  })
})

describe('problems', () => {
  test("a peer's answer that is not an intentcast problem is ERR_UNREACHABLE", () => {
    expect(parseProblem(502, 'text/html', '<h1>Bad gateway</h1>').code).toBe('ERR_UNREACHABLE')
    expect(parseProblem(500, 'application/problem+json', '{not json').code).toBe('ERR_UNREACHABLE')
    expect(parseProblem(400, 'application/problem+json', '{"code":"ERR_NONSENSE"}').code).toBe('ERR_UNREACHABLE')
    const known = parseProblem(409, 'application/problem+json; charset=utf-8', '{"code":"ERR_REPLAY"}')
    expect(known).toMatchObject({ code: 'ERR_REPLAY', status: 409, detail: 'Message already received' })
  })

  test('anything but an IntentcastError is an internal error that says nothing', () => {
    expect(problemFor(new Error('secret'))).toMatchObject({ status: 500, code: 'ERR_INTERNAL' })
    expect(JSON.stringify(problemFor(new Error('secret')))).not.toMatch(/secret/)
  })
})

test('an abort during the backoff between retries rejects at once', async () => {
  const customer = await generateKeyPair()
  const intent = await signIntent(intentBody(), customer)
  const controller = new AbortController()
  const failing = async (): Promise<Response> => {
    setTimeout(() => controller.abort(new Error('stop')), 20)
    throw new TypeError('fetch failed')
  }
  const started = Date.now()
  await expect(
    castIntent(intent, [{ origin: 'https://v.example', endpoint: 'https://v.example/m' }], {
      fetch: failing,
      signal: controller.signal,
      backoffMs: 10_000,
    }),
  ).rejects.toThrow('stop')
  expect(Date.now() - started).toBeLessThan(2_000)
})

describe('toNodeListener', () => {
  test('a handler that throws becomes a 500 problem that says nothing, and the server goes on', async () => {
    const { serve } = await import('./support.js')
    let calls = 0
    const running = await serve(async () => {
      if (calls++ === 0) throw new Error('secret detail')
      return new Response('fine')
    })
    try {
      const first = await fetch(running.origin)
      expect(first.status).toBe(500)
      expect(first.headers.get('content-type')).toBe('application/problem+json')
      expect(await first.text()).not.toMatch(/secret/)
      const second = await fetch(running.origin)
      expect(await second.text()).toBe('fine')
      expect(second.headers.get('content-length')).toBe('4')
    } finally {
      await running.close()
    }
  })

  test('a client that goes away while the handler works leaves nothing counted and cancels its event stream', async () => {
    const { serve } = await import('./support.js')
    const { load } = await import('../../src/crypto/load.js')
    const { connect } = await import('node:net')
    const settle = () => new Promise((r) => setTimeout(r, 50))
    // Promise.withResolvers arrived in Node 22.
    const deferred = () => {
      let resolve!: () => void
      const promise = new Promise<void>((r) => (resolve = r))
      return { promise, resolve }
    }
    let cancelled = 0
    let arrived = deferred()
    let working = deferred()
    const running = await serve(async (request) => {
      arrived.resolve()
      await working.promise
      const events = new ReadableStream<Uint8Array>({ cancel: () => void cancelled++ })
      return request.url.endsWith('/events')
        ? new Response(events, { headers: { 'content-type': 'text/event-stream' } })
        : new Response('too late')
    })
    try {
      for (const path of ['/answer', '/events']) {
        arrived = deferred()
        working = deferred()
        const before = load.serving
        const socket = connect(Number(new URL(running.origin).port), '127.0.0.1')
        socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`)
        await arrived.promise
        expect(load.serving).toBe(before + 1)
        socket.destroy() // gone before the handler answers
        await settle()
        working.resolve()
        await settle()
        expect(load.serving).toBe(before)
      }
      expect(cancelled).toBe(1)
    } finally {
      await running.close()
    }
  })

  test('an answer the SDK made is written from the body it kept; one rewrapped or read is read as a stream', async () => {
    const { serve } = await import('./support.js')
    const { respond } = await import('../../src/http/respond.js')
    const bytes = Uint8Array.from([0xd2, 0x84, 0x00, 0xff])
    const answers: Array<() => Response> = [
      () => respond('café ✓', { status: 200 }), // kept as text: its length is counted in UTF-8 bytes
      () => respond(bytes, { status: 200, headers: { 'content-type': 'application/cose' } }),
      () => new Response(respond('rewrapped', { status: 200 }).body, { status: 201 }), // a middleware's copy
    ]
    let i = 0
    const running = await serve(async () => answers[i++]!())
    try {
      const text = await fetch(running.origin)
      expect([await text.text(), text.headers.get('content-length')]).toEqual(['café ✓', '9'])
      const binary = await fetch(running.origin)
      expect(new Uint8Array(await binary.arrayBuffer())).toEqual(bytes)
      const copy = await fetch(running.origin)
      expect([copy.status, await copy.text(), copy.headers.get('content-length')]).toEqual([201, 'rewrapped', '9'])
    } finally {
      await running.close()
    }
  })
})

describe('store bounds are checked: a NaN or negative bound is the caller’s mistake', () => {
  test('MemoryThreadStore and MemoryReplayStore refuse bounds that would leave them unbounded', async () => {
    const { MemoryReplayStore } = await import('../../src/index.js')
    for (const bad of [Number.NaN, -1, 0, 1.5]) {
      expect(() => new MemoryThreadStore({ maxThreads: bad })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      )
      expect(() => new MemoryReplayStore({ maxEntries: bad })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      )
    }
  })
})

describe('MemoryThreadStore is bounded by bytes and by time (issue 9, finding 1)', () => {
  test('message bytes stay within maxBytes; the least recently touched threads go first', async () => {
    const made = await Promise.all(Array.from({ length: 6 }, () => thread()))
    const one = made[0]!.thread.messages.reduce((n, m) => n + m.message.length, 0)
    const store = new MemoryThreadStore({ maxBytes: one * 3 + 10 })
    for (const m of made) {
      store.set(m.thread, 0)
      expect(store.bytes).toBeLessThanOrEqual(one * 3 + 10)
    }
    expect(store.size).toBe(3)
    expect(store.get(made[0]!.intent.digest)).toBeUndefined()
    expect(store.get(made[5]!.offer.digest)).toBe(made[5]!.thread)
    expect(store.bytes).toBe(3 * one)
  })

  test('a thread no agreement came of is dropped an hour after no move can join it: its offer’s end, not the intent’s', async () => {
    let now = new Date()
    const store = new MemoryThreadStore({ now: () => now })
    const a = await thread()
    const ends = a.offer.payload.exp
    expect(ends).toBeLessThan(a.intent.payload.exp) // the offer's hour, within the intent's day
    store.set(a.thread, 0)
    expect(store.get(a.intent.digest)).toBe(a.thread)
    now = new Date((ends + 1_800) * 1000) // half an hour after the offer expired: still kept
    expect(store.get(a.intent.digest)).toBe(a.thread)
    now = new Date((ends + 3_601) * 1000) // an hour after: gone, though the intent runs for hours yet
    expect(store.get(a.offer.digest)).toBeUndefined()
    expect(store.size).toBe(0)
    expect(store.bytes).toBe(0)
  })

  test('an intent that claims a ten-year life keeps its thread no longer than its offer can move', async () => {
    const customer = await generateKeyPair()
    const intent = await verify(await signIntent(intentBody(), customer, { expiresIn: 10 * 365 * 86_400 }), {
      expect: 'intent',
    })
    const offer = await verify(
      await signOffer({ ...offerFor('1900.00')(intent), inReplyTo: intent.digest }, await generateKeyPair(), {
        audience: customer.did,
      }),
      { expect: 'offer' },
    )
    const t = new Thread(intent).add(offer)
    expect(movableUntil(t)).toBe(offer.payload.exp)
    let now = new Date()
    const store = new MemoryThreadStore({ now: () => now })
    store.set(t, 0)
    expect(store.get(intent.digest)).toBe(t)
    now = new Date((offer.payload.exp + 3_601) * 1000)
    expect(store.get(intent.digest)).toBeUndefined()
  })

  test('a thread that can no longer move is swept from the head of the recency order whenever one is stored', async () => {
    const store = new MemoryThreadStore()
    const twoHoursAgo = new Date(Date.now() - 7_200_000) // its intent ended 2 h ago, over the hour a thread is kept
    const customer = await generateKeyPair()
    const intent = await verify(await signIntent(intentBody(), customer, { now: twoHoursAgo, expiresIn: 60 }), {
      expect: 'intent',
      now: twoHoursAgo,
    })
    store.set(new Thread(intent), 0) // long expired by the real clock: swept at once, taking no room
    const fresh = await thread()
    store.set(fresh.thread, 0)
    expect(store.size).toBe(1)
    expect(store.get(fresh.intent.digest)).toBe(fresh.thread)
  })

  test('maxBytes and now are checked', () => {
    for (const maxBytes of [Number.NaN, 0, -1]) {
      expect(() => new MemoryThreadStore({ maxBytes })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      )
    }
  })
})

describe('MemoryReplayStore is bounded by bytes as well as entries (issue 9, finding 1)', () => {
  test('long keys (DIDs of other methods) cannot grow it past maxBytes; the oldest go first', async () => {
    const { MemoryReplayStore } = await import('../../src/index.js')
    const store = new MemoryReplayStore({ maxBytes: 10_000 })
    const key = (i: number) => `did:web:${'x'.repeat(480)}.example ${String(i).padStart(8, '0')}`
    const far = Date.now() + 3_600_000
    for (let i = 0; i < 200; i++) {
      expect(await store.add(key(i), far)).toBe(true)
      expect(store.bytes).toBeLessThanOrEqual(10_000)
    }
    expect(await store.add(key(199), far)).toBe(false) // the newest is still remembered
    expect(await store.add(key(0), far)).toBe(true) // the oldest was forgotten to make room
    expect(() => new MemoryReplayStore({ maxBytes: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    )
  })
})
