/** RedisReplayStore against a real Redis (./support.ts). */
import type { Redis } from 'ioredis'
import { afterAll, describe, expect, test } from 'vitest'
import { createVendorHandler, RedisThreadStore } from '../../src/vendor/index.js'
import { RedisReplayStore } from '../../src/index.js'
import { generateKeyPair, IntentcastError, verify } from '../../src/index.js'
import { freshIntent, offerFor, post, serve, vendorTerms, type Running } from '../vendor/support.js'
import { testRedis } from './support.js'

const redis = await testRedis('Redis replay-store')
const first = await redis?.client()
const client = (): Promise<Redis> => redis!.client()

const running: Running[] = []
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()))
  await redis?.close()
})

describe.skipIf(!first)('RedisReplayStore', () => {
  test('a key is taken once, expires with the message, and keeps to its prefix', async () => {
    const redis = first!
    const prefix = `test:${Date.now()}:${Math.random()}:`
    const store = new RedisReplayStore(redis, { prefix })
    const until = Date.now() + 60_000
    expect(await store.add('did:key:z1 jti-1', until)).toBe(true)
    expect(await store.add('did:key:z1 jti-1', until)).toBe(false)
    expect(await store.add('did:key:z1 jti-2', until)).toBe(true)
    const ttl = await redis.pttl(`${prefix}did:key:z1 jti-1`)
    expect(ttl).toBeGreaterThan(55_000)
    expect(ttl).toBeLessThanOrEqual(60_000)

    expect(await store.add('short', Date.now() + 50)).toBe(true)
    await new Promise((r) => setTimeout(r, 120))
    expect(await store.add('short', Date.now() + 50)).toBe(true)
    // A time already past still records the key, for a millisecond.
    expect(await store.add('past', Date.now() - 10_000)).toBe(true)
  })

  test('exactly one of 200 concurrent adds of one key wins', async () => {
    const stores = [
      new RedisReplayStore(await client(), { prefix: 'race:' }),
      new RedisReplayStore(await client(), { prefix: 'race:' }),
    ]
    const key = `k-${Math.random()}`
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => stores[i % 2]!.add(key, Date.now() + 10_000)),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  test('50 concurrent submissions of one intent across two vendor processes sharing Redis: one offer, the answer to all', async () => {
    const key = await generateKeyPair()
    const prefix = `vendor:${Math.random()}:`
    const { intent, customer } = await freshIntent()
    let made = 0
    // Two handlers with their own Redis connections stand for two processes behind one load balancer.
    const instances = await Promise.all(
      [0, 1].map(async () => {
        const connection = await client()
        const replay = new RedisReplayStore(connection, { prefix })
        const threads = new RedisThreadStore(connection, { prefix })
        return serve(
          createVendorHandler({
            keyPair: key,
            terms: vendorTerms,
            on: { intent: (i) => ((made += 1), offerFor('1900.00')(i)) },
            stores: { replay, threads },
          }),
        )
      }),
    )
    running.push(...instances)
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(`${instances[i % 2]!.origin}/intentcast/messages`, intent)),
    )
    // One offer is made, decided once, and every copy gets it: the stores are shared, and a copy
    // that arrives while the first is in flight, at either process, waits for the thread's lock
    // and then finds the answer stored (spec §HTTP binding, Retries).
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200))
    const offers = new Set(await Promise.all(responses.map((r) => r.text())))
    expect(offers.size).toBe(1)
    await verify([...offers][0]!, { expect: 'offer', audience: customer.did })
    expect(made).toBe(1)
  })
})

test('the client is typed structurally: anything with set(key, value, "PX", ms, "NX") fits', async () => {
  const seen: unknown[][] = []
  const fake = { set: async (...args: unknown[]) => (seen.push(args), 'OK' as const) }
  const store = new RedisReplayStore(fake, { prefix: 'p:', now: () => 1000 })
  expect(await store.add('k', 3500)).toBe(true)
  expect(seen).toEqual([['p:k', '1', 'PX', 2500, 'NX']])
  expect(() => new RedisReplayStore({} as never)).toThrow(IntentcastError)
})
