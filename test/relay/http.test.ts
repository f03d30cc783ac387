/**
 * The relay as an HTTP server (spec §HTTP binding, as §Relay binding, Endpoints asks): routes,
 * methods, CORS, media types and limits, the rate limit, outcomes, and the line between a
 * client's fault (4xx with a code) and the relay's own failure (500, reported to on.error).
 */
import { describe, expect, test } from 'vitest'
import { generateKeyPair, IntentcastError, signSubscription } from '../../src/index.js'
import {
  createRelayHandler,
  MemoryRelayBackend,
  type RelayBackend,
  type RelayHandlerOptions,
  type RelayOutcome,
} from '../../src/relay/index.js'
import {
  cast,
  castable,
  expectProblem,
  JWS,
  post,
  read,
  relayInProcess,
  relayOnLoopback,
  subscribe,
  URL_,
} from './support.js'

describe('routes and methods', () => {
  test('a path the relay does not serve is 404, a method a route does not take 405 with Allow; neither has a code', async () => {
    const relay = await relayInProcess()
    for (const path of ['/relay', '/relay/', '/relay/intents/x', '/relay/mailboxes/not-a-did', '/other/intents', '/']) {
      const response = await relay.handler(new Request(`https://relay.example${path}`, { method: 'POST', body: 'x' }))
      expect(response.status, path).toBe(404)
      expect(await response.json()).toMatchObject({ type: 'about:blank', status: 404 })
    }
    const get = await relay.call('/intents')
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST, OPTIONS')
    const del = await relay.call(`/mailboxes/${(await generateKeyPair()).did}`, { method: 'DELETE' })
    expect(del.status).toBe(405)
    expect(del.headers.get('allow')).toBe('GET, POST, OPTIONS')
    const options = await relay.call('/subscriptions', { method: 'OPTIONS' })
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'POST, OPTIONS'])
  })

  test('a relay at the root of its origin serves /intents', async () => {
    const relay = await relayInProcess({ url: 'https://relay.example' })
    const vendor = await subscribe(relay)
    const { intent, mailbox } = await castable(relay)
    expect(await cast(relay, intent)).toEqual({ mailbox, delivered: 1 })
    expect(mailbox.startsWith('https://relay.example/mailboxes/did:key:')).toBe(true)
    expect((await read(relay, vendor)).entries).toHaveLength(1)
  })

  test('CORS: allowed origins get the headers, a preflight the methods and Authorization, Last-Event-ID; others nothing', async () => {
    const relay = await relayInProcess({ http: { cors: ['https://wallet.example'] } })
    const did = (await generateKeyPair()).did
    const preflight = await relay.call(`/mailboxes/${did}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://wallet.example', 'access-control-request-method': 'GET' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://wallet.example')
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS')
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type, Authorization, Last-Event-ID')
    const refused = await relay.call(`/mailboxes/${did}`, { headers: { origin: 'https://wallet.example' } })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://wallet.example')
    expect(refused.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/)
    const other = await relay.call('/intents', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('bodies (spec §HTTP binding, Request bodies and Limits)', () => {
  test('another media type or a content coding is 415 with Accept-Post', async () => {
    const relay = await relayInProcess()
    const { intent } = await castable(relay)
    for (const headers of [{ 'content-type': 'text/plain' }, {}, { 'content-type': JWS, 'content-encoding': 'gzip' }]) {
      const response = await relay.call('/intents', { method: 'POST', headers, body: intent })
      expect(response.headers.get('accept-post')).toBe(
        'application/intentcast+jws, application/intentcast+cose, application/intentcast+jwe, application/intentcast-sealed+cose',
      )
      await expectProblem(response, 415, 'ERR_MALFORMED')
    }
  })

  test('a body over the limit is 413, by its Content-Length or as it arrives; one too slow 408', async () => {
    const relay = await relayInProcess({ limits: { maxBodyBytes: 1_000, bodyTimeoutMs: 100 } })
    await expectProblem(
      relay.call('/intents', { method: 'POST', headers: { 'content-type': JWS, 'content-length': '5000' }, body: 'x' }),
      413,
      'ERR_TOO_LARGE',
    )
    await expectProblem(post(relay, '/subscriptions', 'x'.repeat(1_001)), 413, 'ERR_TOO_LARGE')
    const slow = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array([0x65])) })
    await expectProblem(
      relay.call('/intents', {
        method: 'POST',
        headers: { 'content-type': JWS },
        body: slow,
        duplex: 'half',
      } as RequestInit),
      408,
      'ERR_TIMEOUT',
    )
  })
})

describe('on.admit, on.outcome, on.error', () => {
  test('admit hears the client’s address from toNodeListener, to rate-limit by client before any work', async () => {
    const seen: Array<string | undefined> = []
    const relay = await relayOnLoopback({ on: { admit: (_request, client) => (seen.push(client.address), false) } })
    try {
      const refused = await relay.call('/intents', { method: 'POST', headers: { 'content-type': JWS }, body: 'x' })
      expect(refused.status).toBe(429)
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatch(/^(::ffff:)?127\.0\.0\.1$/)
    } finally {
      await relay.close()
    }
  })

  test('admit turns a request away with 429 and Retry-After before reading its body', async () => {
    let pulled = false
    const relay = await relayInProcess({ on: { admit: () => false } })
    const body = new ReadableStream<Uint8Array>(
      {
        pull: (c) => {
          pulled = true
          c.close()
        },
      },
      { highWaterMark: 0 },
    )
    const response = await relay.call('/intents', {
      method: 'POST',
      headers: { 'content-type': JWS },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('1')
    expect(pulled).toBe(false)
  })

  test('outcome hears every answer with its route and code, and no DID', async () => {
    const events: RelayOutcome[] = []
    const relay = await relayInProcess({ on: { outcome: (e) => events.push(e) } })
    await subscribe(relay)
    await post(relay, '/intents', 'garbage')
    await relay.call('/nowhere')
    expect(events.map(({ ms: _ms, ...e }) => e)).toEqual([
      { method: 'POST', route: 'subscriptions', status: 201, result: 'answered' },
      { method: 'POST', route: 'intents', status: 400, result: 'refused', code: 'ERR_MALFORMED' },
      { method: 'GET', route: undefined, status: 404, result: 'refused' },
    ])
    const throwing = await relayInProcess({
      on: {
        outcome: () => {
          throw new Error('metrics down')
        },
      },
    })
    expect((await post(throwing, '/intents', 'garbage')).status).toBe(400)
  })

  test('a backend that fails (even with an IntentcastError) is a 500 that says nothing, reported with its cause', async () => {
    const errors: unknown[] = []
    const memory = new MemoryRelayBackend()
    const cause = new IntentcastError('ERR_BROKEN_LINK', 'nats: no responders')
    const failing: RelayBackend = {
      open: (i) => memory.open(i),
      info: (o) => memory.info(o),
      append: () => Promise.reject(cause),
      read: () => Promise.reject(new Error('disk on fire')),
      watch: (o, a, l) => memory.watch(o, a, l),
      subscribers: () => memory.subscribers(),
      close: () => memory.close(),
    }
    const relay = await relayInProcess({ backend: failing, on: { error: (e) => errors.push(e) } })
    const vendor = await subscribe(relay)
    const response = await post(relay, '/intents', (await castable(relay)).intent)
    const p = await expectProblem(response, 500, 'ERR_INTERNAL')
    expect(p.detail).not.toMatch(/nats/)
    const reading = await relay.call(`/mailboxes/${vendor.did}`, {
      headers: {
        authorization: `Intentcast ${await (await import('../../src/index.js')).signAccess(vendor, { audience: `${URL_}/mailboxes/${vendor.did}` })}`,
      },
    })
    await expectProblem(reading, 500, 'ERR_INTERNAL')
    expect(errors).toEqual([cause, new Error('disk on fire')])
  })

  test('a replay store or an admit that throws is a 500 too; an on.error that throws changes nothing', async () => {
    const errors: unknown[] = []
    const relay = await relayInProcess({
      stores: { replay: { add: () => Promise.reject(new Error('redis down')) } },
      on: { error: (e) => errors.push(e) },
    })
    const subscription = await signSubscription({ filters: {} }, await generateKeyPair(), { audience: URL_ })
    await expectProblem(post(relay, '/subscriptions', subscription), 500, 'ERR_INTERNAL')
    await expectProblem(post(relay, '/intents', (await castable(relay)).intent), 500, 'ERR_INTERNAL')
    expect(errors.map((e) => (e as Error).message)).toEqual(['redis down', 'redis down'])
    const admitting = await relayInProcess({
      on: {
        admit: () => {
          throw new Error('limiter down')
        },
        error: () => {
          throw new Error('logger down')
        },
      },
    })
    await expectProblem(post(admitting, '/intents', 'x'), 500, 'ERR_INTERNAL')
  })
})

describe('options are checked at once: ERR_INVALID_ARGUMENT naming the option', () => {
  const bad: Array<[string, unknown]> = [
    ['url is required', {}],
    ['url is required', { url: 'relay.example' }],
    ['written as a URL parser writes it', { url: 'ftp://relay.example/relay' }],
    ['written as a URL parser writes it', { url: 'https://relay.example/relay?x=1' }],
    ['written as a URL parser writes it', { url: 'https://Relay.Example/relay' }],
    ['unknown option "backends"', { url: URL_, backends: {} }],
    ['unknown option "limits.perSenders"', { url: URL_, limits: { perSenders: 1 } }],
    ['limits.perSender must be a positive whole number', { url: URL_, limits: { perSender: 0 } }],
    [
      'limits.streamBufferBytes must be a positive whole number',
      { url: URL_, limits: { streamBufferBytes: Number.NaN } },
    ],
    ['backend is a RelayBackend', { url: URL_, backend: { open: () => true } }],
    ['stores.replay is a ReplayStore', { url: URL_, stores: { replay: {} } }],
    ['on.error must be a function', { url: URL_, on: { error: 'log' } }],
    ['unknown option "on.intent"', { url: URL_, on: { intent: () => null } }],
    ["http.cors is '*' or a list of origins", { url: URL_, http: { cors: ['wallet.example'] } }],
    ['options must be an object', null],
  ]
  test.each(bad)('%s', (message, options) => {
    expect(() => createRelayHandler(options as RelayHandlerOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining(message) as string }),
    )
  })

  test('MemoryRelayBackend checks its own', () => {
    for (const options of [{ maxMailboxes: 0 }, { maxBytes: -1 }, { maxMailbox: 3 }, { now: 5 }])
      expect(() => new MemoryRelayBackend(options as never)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      )
  })

  test('ready rejects when the backend cannot list subscriptions; requests then fail as 500, and recover with it', async () => {
    let down = true
    const memory = new MemoryRelayBackend()
    const flaky: RelayBackend = {
      open: (i) => memory.open(i),
      info: (o) => memory.info(o),
      append: (o, e, l) => memory.append(o, e, l),
      read: (o, a, n) => memory.read(o, a, n),
      watch: (o, a, l) => memory.watch(o, a, l),
      subscribers: () => (down ? Promise.reject(new Error('unreachable')) : memory.subscribers()),
      close: () => memory.close(),
    }
    const handler = createRelayHandler({ url: URL_, backend: flaky, on: { error: () => {} } })
    await expect(handler.ready).rejects.toThrow()
    const relay = {
      url: URL_,
      handler,
      call: (p: string, i?: RequestInit) => handler(new Request(URL_ + p, i)),
      close: () => handler.close(),
    }
    await expectProblem(post(relay, '/intents', (await castable(relay)).intent), 500, 'ERR_INTERNAL')
    down = false
    expect((await cast(relay, (await castable(relay)).intent)).delivered).toBe(0)
  })
})
