/**
 * One vendor process for test/redis/processes.test.ts: a handler on the Redis stores, served on a
 * free loopback port. Several of these over one Redis, with one vendor key, stand for a vendor's
 * processes behind a load balancer. Prints `listening <port>` once it takes requests.
 *
 * Environment: REDIS_URL, PREFIX (the stores' key prefix), SEED (the vendor key's seed, 64 hex
 * digits), PORT (default: any free one), LEASE_MS (the thread lock's lease), ACCEPT_DELAY_MS (how long on.acceptance takes:
 * time for the test to kill the process in the middle of a move).
 */
import { createServer } from 'node:http'
import { Redis } from 'ioredis'
import { keyPairFromSeed, RedisAgreementStore, RedisReplayStore } from '../../src/index.js'
import { createVendorHandler, RedisThreadStore, toNodeListener } from '../../src/vendor/index.js'
import { offerFor, vendorTerms } from '../vendor/support.js'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`vendor-process: ${name} is not set`)
  return value
}

const redis = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: 1 })
const prefix = env('PREFIX')
const acceptDelay = Number(process.env.ACCEPT_DELAY_MS ?? 0)
const handler = createVendorHandler({
  keyPair: await keyPairFromSeed(Buffer.from(env('SEED'), 'hex')),
  terms: vendorTerms,
  on: {
    intent: offerFor('1900.00'),
    // Agrees to any price from 1800: the customer's counter is restated for it to accept.
    counter: (counter) => (Number(counter.payload.price.amount) >= 1800 ? 'agree' : null),
    acceptance: () => new Promise((resolve) => setTimeout(resolve, acceptDelay)),
    error: (error) => console.error('on.error', error),
  },
  stores: {
    replay: new RedisReplayStore(redis, { prefix: `${prefix}replay:` }),
    threads: new RedisThreadStore(redis, {
      prefix: `${prefix}threads:`,
      lock: { leaseMs: Number(process.env.LEASE_MS ?? 30_000) },
    }),
    agreements: new RedisAgreementStore(redis, { prefix: `${prefix}agreements:` }),
  },
})
await handler.ready
const server = createServer(toNodeListener(handler))
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as { port: number }).port}`)
})
