/**
 * The vendor under flood, one process of its own (started by scripts/flood.ts):
 *
 *   node --max-old-space-size=256 --expose-gc --import tsx scripts/flood-vendor.ts
 *
 * A vendor as a site would run it: `createVendorHandler` behind `toNodeListener` on 127.0.0.1
 * (port 0), with the default in-memory stores. It offers on every intent, so counters can
 * follow, and agrees to a counter at 1800.00 EUR or more (the honest customer's, and the
 * flood's counter chains); a lower one gets no answer (202), and is therefore not stored.
 *
 * Besides the vendor it answers GET /flood/stats with its memory figures (the peaks of
 * heapUsed and rss, sampled every 100 ms), the stores' sizes and the answers it gave, by
 * status. `?gc=1` first collects garbage, so `heapUsed` then is what the process retains: the
 * stores, not the garbage the flood left. It prints one JSON line when it is listening and one
 * more when it stops (SIGTERM, or its stdin closing).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getHeapStatistics } from 'node:v8'
import { generateKeyPair, MemoryReplayStore } from '../src/index.js'
import { createVendorHandler, MemoryThreadStore, toNodeListener } from '../src/vendor/index.js'
import { AGREE_FROM, OFFER_PRICE, STATS_PATH, type VendorReady, type VendorStats } from './flood-shared.js'

// Constructed with their defaults, as the handler would make them, only so that their sizes can
// be read: the flood is about the bounds a vendor gets without configuring any.
const threads = new MemoryThreadStore()
const replay = new MemoryReplayStore()
const statuses = new Map<number, number>()
let errors = 0
let slowestMs = 0
let firstError: string | undefined

const key = await generateKeyPair()
const handler = createVendorHandler({
  keyPair: key,
  terms: { role: 'vendor', name: 'Flood Cycles', terms: { agreements: ['SD-BASE'] } },
  on: {
    intent: (intent) => ({
      item: intent.payload.want.item,
      quantity: 1,
      price: { amount: OFFER_PRICE, currency: 'EUR' },
      terms: { agreement: 'SD-BASE' },
    }),
    counter: (counter) => (Number(counter.payload.price.amount) >= AGREE_FROM ? 'agree' : null),
    error: (e) => {
      errors++
      firstError ??= e instanceof Error ? (e.stack ?? e.message) : String(e)
    },
    outcome: (event) => {
      statuses.set(event.status, (statuses.get(event.status) ?? 0) + 1)
      slowestMs = Math.max(slowestMs, event.ms)
    },
  },
  stores: { threads, replay },
})
await handler.ready

let peakHeapUsed = 0
let peakRss = 0
let samples = 0
function sample(): NodeJS.MemoryUsage {
  const usage = process.memoryUsage()
  peakHeapUsed = Math.max(peakHeapUsed, usage.heapUsed)
  peakRss = Math.max(peakRss, usage.rss)
  samples++
  return usage
}
sample()
const sampler = setInterval(sample, 100)

const started = performance.now()
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return Math.round((user + system) / 1000)
}
function stats(collect: boolean): VendorStats {
  // Only present under --expose-gc; without it the figures are as they stand.
  if (collect) (globalThis as { gc?: () => void }).gc?.()
  const usage = sample()
  return {
    heapLimit: getHeapStatistics().heap_size_limit,
    peakHeapUsed,
    peakRss,
    heapUsed: usage.heapUsed,
    rss: usage.rss,
    samples,
    uptimeMs: Math.round(performance.now() - started),
    cpuMs: cpuMs(),
    threads: { size: threads.size, bytes: threads.bytes },
    replay: { size: replay.size, bytes: replay.bytes },
    statuses: Object.fromEntries(statuses),
    slowestMs: Math.round(slowestMs),
    errors,
    ...(firstError !== undefined && { firstError }),
  }
}

const vendor = toNodeListener(handler)
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const url = new URL(req.url ?? '/', 'http://vendor.invalid')
  if (req.method === 'GET' && url.pathname === STATS_PATH) {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    res.end(JSON.stringify(stats(url.searchParams.get('gc') === '1')))
    return
  }
  vendor(req, res)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address() as AddressInfo
console.log(JSON.stringify({ ready: { port, did: key.did, pid: process.pid } satisfies VendorReady }))

let stopping = false
function stop(): void {
  if (stopping) return
  stopping = true
  clearInterval(sampler)
  console.log(JSON.stringify({ exit: stats(false) }))
  server.closeAllConnections()
  server.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
// flood.ts holds the other end of stdin: when it closes, whoever started this vendor is gone
// (finished, killed, crashed), and a vendor nobody will stop must not outlive it.
process.stdin.on('end', stop)
process.stdin.resume()
