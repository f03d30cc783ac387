/**
 * RedisReplayStore against a real Redis: REDIS_URL if set, else a redis-server this file starts
 * on a free loopback port. With neither, the tests are skipped with a notice, except under CI,
 * where they fail: CI installs redis-server so that they run.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, test } from 'vitest'
import { createVendorHandler } from '../../src/vendor/index.js'
import { RedisReplayStore } from '../../src/index.js'
import { generateKeyPair, IntentcastError, verify } from '../../src/index.js'
import { freshIntent, offerFor, post, serve, vendorTerms, type Running } from '../vendor/support.js'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function connect(url: string): Promise<Redis | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: 1000,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.ping()
    return client
  } catch {
    client.disconnect()
    return undefined
  }
}

/** Starts redis-server on a free port, if it is installed; resolves once it answers. */
async function startRedis(): Promise<{ url: string; child: ChildProcess } | undefined> {
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true))
    child.once('spawn', () => resolve(false))
  })
  if (failed) return undefined
  const url = `redis://127.0.0.1:${port}`
  for (let i = 0; i < 50; i++) {
    const probe = await connect(url)
    if (probe) {
      probe.disconnect()
      return { url, child }
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill()
  return undefined
}

const own = process.env.REDIS_URL ? undefined : await startRedis()
const url = process.env.REDIS_URL ?? own?.url
const clients: Redis[] = []
const first = url ? await connect(url) : undefined
if (first) clients.push(first)
if (!first) {
  const why = url ? `Redis at ${url} is unreachable` : 'no REDIS_URL and no redis-server to start'
  if (process.env.CI) throw new Error(`Redis tests must run under CI: ${why}`)
  console.warn(
    `\n⚠  SKIPPING the Redis replay-store tests: ${why}. Install redis-server or set REDIS_URL to run them.\n`,
  )
}

const running: Running[] = []
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()))
  for (const c of clients) c.disconnect()
  own?.child.kill()
})

async function client(): Promise<Redis> {
  const c = (await connect(url!))!
  clients.push(c)
  return c
}

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

  test('50 concurrent submissions of one intent across two vendor processes sharing Redis: exactly one offer is made', async () => {
    const key = await generateKeyPair()
    const prefix = `vendor:${Math.random()}:`
    // Two handlers with their own Redis connections stand for two processes behind one load balancer.
    const instances = await Promise.all(
      [0, 1].map(async () => {
        const replay = new RedisReplayStore(await client(), { prefix })
        return serve(
          createVendorHandler({
            keyPair: key,
            terms: vendorTerms,
            on: { intent: offerFor('1900.00') },
            stores: { replay },
          }),
        )
      }),
    )
    running.push(...instances)
    const { intent, customer } = await freshIntent()
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(`${instances[i % 2]!.origin}/intentcast/messages`, intent)),
    )
    // Exactly one offer is made. A copy that arrives once its thread is stored gets that same
    // offer back (spec §HTTP binding, Retries); one that arrives while the first is in flight, or
    // at the other process (its thread store is its own memory), is a replay.
    const offers = new Set<string>()
    for (const r of responses) {
      if (r.status === 200)
        offers.add((await verify(await r.text(), { expect: 'offer', audience: customer.did })).message)
      else {
        expect(r.status).toBe(409)
        expect((await r.json()).code).toBe('ERR_REPLAY')
      }
    }
    expect(offers.size).toBe(1)
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
