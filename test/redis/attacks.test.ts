/**
 * Attacks on the Redis stores, from a hostile review (issue 9): what one cheap request costs,
 * how long a stranger's thread stays, a Redis filled by strangers, a Redis that stops answering,
 * and two stores on one prefix. Each failed before the fix it names.
 */
import type { ChildProcess } from 'node:child_process'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, test } from 'vitest'
import {
  dealOf,
  generateKeyPair,
  RedisAgreementStore,
  RedisReplayStore,
  signCounter,
  signIntent,
  verify,
  type KeyPair,
  type Term,
} from '../../src/index.js'
import { createVendorHandler, RedisThreadStore } from '../../src/vendor/index.js'
import { startRedis, testRedis } from './support.js'
import { acceptanceFor, freshIntent, intentBody, postTo, vendorOptions } from '../vendor/support.js'

const redis = await testRedis('review of the Redis stores')
const own: ChildProcess[] = []
afterAll(async () => {
  for (const c of own) {
    c.kill('SIGCONT')
    c.kill('SIGKILL')
  }
  await redis?.close()
})
const prefix = (): string => `review:${Math.random()}:`

/** A redis-server of this file's own, with extra arguments (maxmemory…). */
async function ownRedis(args: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const started = await startRedis(args)
  if (!started) throw new Error('redis-server did not start')
  own.push(started.child)
  return started
}

/** Set terms of ~2 KiB each, as many as keep a signed message under `limit` bytes. */
async function padding(sign: (conditions: Term[]) => Promise<string>, limit = 60_000): Promise<Term[]> {
  const term = (i: number): Term => ({
    id: `https://example.com/terms#t${i}`,
    type: 'set',
    value: Array.from({ length: 32 }, (_, j) => `tok${j}`.padEnd(60, 'x')),
  })
  const terms: Term[] = []
  while ((await sign([...terms, term(terms.length)])).length <= limit) terms.push(term(terms.length))
  return terms
}

/** A counting client: how many bytes the stores read back from Redis. */
function counting(client: Redis) {
  let read = 0
  return {
    client: {
      async eval(script: string, n: number, ...rest: Array<string | number>) {
        const out = await client.eval(script, n, ...rest)
        if (typeof out === 'string') read += out.length
        return out
      },
    },
    read: () => read,
    reset: () => void (read = 0),
  }
}

describe.skipIf(!redis)('cost of a lookup', () => {
  test('re-posting a public intent does not read its whole thread back from Redis each time', async () => {
    const key = await generateKeyPair()
    const c = counting(await redis!.client())
    const p = prefix()
    const handler = createVendorHandler(
      vendorOptions(key, '1900.00', {
        on: { counter: () => 'agree' },
        stores: { threads: new RedisThreadStore(c.client, { prefix: p }) },
      }),
    )
    await handler.ready
    // The attacker's own thread, grown to the cap with the largest counters (each restated by the vendor).
    const { intent, customer } = await freshIntent()
    const offer = await (await postTo(handler, intent)).text()
    const o = await verify(offer, { expect: 'offer' })
    const body = (conditions: Term[]) => ({
      ...dealOf(o.payload),
      terms: { agreement: 'SD-BASE', conditions },
      inReplyTo: o.digest,
      intent: o.payload.inReplyTo,
    })
    const big = await padding((conditions) => signCounter(body(conditions), customer, { audience: key.did }))
    for (let i = 0; i < 16; i++) {
      const r = await postTo(handler, await signCounter(body(big), customer, { audience: key.did }))
      expect(r.status).toBe(200)
    }
    // Now one cheap request, repeated: the intent's bytes (public: it was broadcast).
    // It used to read the whole thread (1.9 MB) and verify it again each time; a thread this
    // process decoded at this version is not read again.
    c.reset()
    for (let i = 0; i < 20; i++) expect((await postTo(handler, intent)).status).toBe(200)
    expect(c.read() / 20).toBeLessThan(65_536)
  }, 120_000)
})

describe.skipIf(!redis)('bounded by time', () => {
  test("a stranger's thread does not stay in Redis for the intent's exp it chose (up to year 5138)", async () => {
    const key = await generateKeyPair()
    const client = await redis!.client()
    const p = prefix()
    const handler = createVendorHandler(
      vendorOptions(key, '1900.00', { stores: { threads: new RedisThreadStore(client, { prefix: p }) } }),
    )
    await handler.ready
    const intent = await signIntent(intentBody(), await generateKeyPair(), { expiresIn: 10 * 365 * 86_400 })
    expect((await postTo(handler, intent)).status).toBe(200) // the offer itself lives an hour
    const digest = (await verify(intent, { expect: 'intent' })).digest
    const ttlDays = (await client.pttl(`${p}t:${digest}`)) / 86_400_000
    // Nothing can move once the offer expired (1 h): keep it an hour or so past that, not 10 years.
    expect(ttlDays).toBeLessThan(1)
  })
})

describe.skipIf(!redis)('bounded by bytes', () => {
  test("strangers' threads cannot make the vendor fail: the thread store's own bound keeps Redis from filling", async () => {
    const { url } = await ownRedis(['--maxmemory', '6mb', '--maxmemory-policy', 'noeviction'])
    const client = new Redis(url, { maxRetriesPerRequest: 1 })
    const key = await generateKeyPair()
    const errors: unknown[] = []
    const handler = createVendorHandler(
      vendorOptions(key, '1900.00', {
        on: { error: (e) => errors.push(e) },
        stores: {
          replay: new RedisReplayStore(client),
          // Bounded below what this Redis holds, beside the replay keys and the agreements.
          threads: new RedisThreadStore(client, { maxBytes: 2 * 2 ** 20 }),
          agreements: new RedisAgreementStore(client),
        },
      }),
    )
    await handler.ready
    // Strangers: fresh keys, ~60 KB intents (terms they proffer), each answered with an offer.
    const fat = async (k: KeyPair) => {
      const conditions = await padding((c) =>
        signIntent({ ...intentBody(), terms: { agreements: ['SD-BASE'], conditions: c } }, k),
      )
      return (k2: KeyPair) => signIntent({ ...intentBody(), terms: { agreements: ['SD-BASE'], conditions } }, k2)
    }
    const make = await fat(await generateKeyPair())
    const statuses: number[] = []
    for (let i = 0; i < 120; i++) statuses.push((await postTo(handler, await make(await generateKeyPair()))).status)
    const tally: Record<number, number> = {}
    for (const s of statuses) tally[s] = (tally[s] ?? 0) + 1
    expect(tally).toEqual({ 200: 120 }) // each offered, none a 500
    // An honest customer still negotiates to the end.
    const { intent, customer } = await freshIntent()
    const offer = await (await postTo(handler, intent)).text()
    const agreed = await postTo(handler, await acceptanceFor(customer, [intent, offer]))
    expect(agreed.status).toBe(200)
    expect(errors).toEqual([])
    client.disconnect()
  }, 120_000)
})

describe.skipIf(!redis)('Redis unavailable', () => {
  test('a Redis that stops answering is a 500 within the lock wait, not a request that hangs', async () => {
    const { url, child } = await ownRedis()
    const client = new Redis(url) // ioredis defaults, as in the README
    client.on('error', () => {})
    const key = await generateKeyPair()
    const errors: unknown[] = []
    const handler = createVendorHandler(
      vendorOptions(key, '1900.00', {
        on: { error: (e) => errors.push(e) },
        stores: {
          threads: new RedisThreadStore(client, { lock: { waitMs: 500 } }),
          agreements: new RedisAgreementStore(client),
        },
      }),
    )
    await handler.ready
    const { intent, customer } = await freshIntent()
    const offer = await (await postTo(handler, intent)).text()
    const body = await acceptanceFor(customer, [intent, offer])
    child.kill('SIGSTOP') // a Redis that hangs (or a network partition without RST)
    try {
      const answer = await Promise.race([
        postTo(handler, body).then((r) => r.status),
        new Promise<string>((r) => setTimeout(() => r('still waiting after 5 s'), 5_000)),
      ])
      expect(answer).toBe(500)
    } finally {
      child.kill('SIGCONT')
      client.disconnect()
    }
  }, 20_000)
})

describe.skipIf(!redis)('prefixes', () => {
  test('a thread store and an agreement store given the same prefix are refused, or do not collide', async () => {
    const key = await generateKeyPair()
    const client = await redis!.client()
    const p = prefix()
    let built: ReturnType<typeof createVendorHandler>
    try {
      built = createVendorHandler(
        vendorOptions(key, '1900.00', {
          stores: {
            threads: new RedisThreadStore(client, { prefix: p }),
            agreements: new RedisAgreementStore(client, { prefix: p }),
          },
        }),
      )
    } catch {
      return // refused at construction: fine
    }
    const handler = built
    await handler.ready
    const { intent, customer } = await freshIntent()
    const offer = await (await postTo(handler, intent)).text()
    const agreed = await postTo(handler, await acceptanceFor(customer, [intent, offer]))
    expect(agreed.status).toBe(200)
    // The customer's retry of its intent is still answered from the thread.
    expect((await postTo(handler, intent)).status).toBe(200)
    // And the agreement's thread is found by the thread store.
    const threads = new RedisThreadStore(client, { prefix: p })
    expect(await threads.get((await verify(intent, { expect: 'intent' })).digest)).toBeDefined()
    // And the agreement store finds its record by the agreement's digest (the retry path once the thread is gone).
    const agreements = new RedisAgreementStore(client, { prefix: p })
    const a = await verify(await agreed.text(), { expect: 'agreement' })
    expect((await agreements.list()).digests).toEqual([a.digest])
    expect(await agreements.get(a.digest)).toBeDefined()
  })
})
