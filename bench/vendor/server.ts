/**
 * The vendor handler under benchmark, in its own process: `createVendorHandler` on loopback,
 * answering every intent with an offer, as a shop's catalogue lookup would. Reads:
 *
 * - PORT: where to listen (127.0.0.1);
 * - VENDOR_SEED: the vendor's 32-byte signing seed in hex, so that every process of a run is
 *   one vendor;
 * - REDIS_URL: when set and not empty, the replay, thread and agreement stores are the Redis
 *   ones on it, under PREFIX (so that runs on one Redis never meet); otherwise the in-memory
 *   defaults.
 *
 * Prints `listening <port>`, then answers `GET /bench/cpu` with the CPU time it has used
 * (process.cpuUsage, µs), for the figure per second of the vendor's own CPU.
 */
import { createServer } from 'node:http'
import { Redis } from 'ioredis'
import { keyPairFromSeed, RedisAgreementStore, RedisReplayStore } from '../../src/index.js'
import { createVendorHandler, RedisThreadStore, toNodeListener, type VendorStores } from '../../src/vendor/index.js'

const port = Number(process.env.PORT ?? 0)
const seed = process.env.VENDOR_SEED
if (!seed || !/^[0-9a-f]{64}$/.test(seed)) throw new Error('VENDOR_SEED is the vendor seed: 64 hex digits')
const keyPair = await keyPairFromSeed(Buffer.from(seed, 'hex'))

const redisUrl = process.env.REDIS_URL
const prefix = process.env.PREFIX ?? 'bench:'
let stores: VendorStores = {}
if (redisUrl) {
  // One connection for the three stores, as the stores' own examples share one.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  stores = {
    replay: new RedisReplayStore(redis, { prefix: `${prefix}replay:` }),
    threads: new RedisThreadStore(redis, { prefix: `${prefix}threads:` }),
    agreements: new RedisAgreementStore(redis, { prefix: `${prefix}agreements:` }),
  }
}

const handler = createVendorHandler({
  keyPair,
  terms: { role: 'vendor', terms: { agreements: ['SD-BASE'] } },
  on: {
    intent: (intent) => ({
      item: intent.payload.want.item,
      quantity: 1,
      price: { amount: '1000.00', currency: 'EUR' },
      terms: { agreement: 'SD-BASE' },
    }),
  },
  stores,
})
await handler.ready
const listener = toNodeListener(handler)
const server = createServer((req, res) => {
  if (req.url === '/bench/cpu') {
    res.end(JSON.stringify(process.cpuUsage()))
    return
  }
  listener(req, res)
})
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`))
process.on('SIGTERM', () => process.exit(0))
