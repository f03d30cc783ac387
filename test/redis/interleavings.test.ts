/**
 * The interleavings property (test/vendor/interleavings.ts) against RedisThreadStore on a real
 * Redis: every thread read back is decoded and re-verified from Redis, and every move goes
 * through the store's lock and its versioned write.
 */
import { afterAll, describe, test } from 'vitest'
import { RedisThreadStore } from '../../src/vendor/index.js'
import { interleavings } from '../vendor/interleavings.js'
import { testRedis } from './support.js'

const redis = await testRedis('Redis interleavings')
afterAll(() => redis?.close())

describe.skipIf(!redis)('random interleavings on RedisThreadStore (issue 9)', () => {
  test('never a 500, never an illegal stored thread, and retries get their first answer', async () => {
    const client = await redis!.client()
    // A prefix per scenario: each starts from an empty store, as with a new MemoryThreadStore.
    await interleavings(() => new RedisThreadStore(client, { prefix: `fuzz:${Math.random()}:` }))
  })
})
