/**
 * What the flood's three processes agree on (scripts/flood.ts, flood-vendor.ts, flood-load.ts):
 * the vendor's pricing, the path of its figures, the heap it runs in and the budget it must stay
 * within, and the JSON each child reports. Apart from flood.ts so that neither child loads the
 * orchestrator (and the wallet) into its own heap.
 */

/** The vendor's heap: `--max-old-space-size`, in MiB (the "small heap"). */
export const VENDOR_HEAP_MIB = 256

/**
 * The bound the vendor's peak heapUsed must stay under: 192 MiB, three quarters of its heap.
 *
 * What the vendor can hold, from its default stores' own bounds (measured with this flood):
 * - the process itself, at rest: ~11 MiB;
 * - MemoryThreadStore: at most 10,000 threads and 32 MiB of messages as they came over the wire.
 *   A message is kept as its wire string with its parsed payload and header, which comes to
 *   about 3 times its wire bytes (10,000 flood threads of intent and offer, 15.7 MiB on the
 *   wire, retained ~46 MiB; a store full of chains of the largest counters, ~31 MiB, ~80 MiB).
 *   A full store: ~96 MiB;
 * - MemoryReplayStore: at most 100,000 keys and 16 MiB of key characters; did:key keys are ~80
 *   characters, so a full one is ~8 MiB of strings plus the Map's entries: some 15 to 20 MiB;
 * - in flight: each request holds its body (up to 64 KiB) as a string, its decoded payload and
 *   parsed JSON, and an agreed counter's reply as large again: a few hundred KiB each, some
 *   10 MiB for the 48 the flood keeps in flight;
 * - MemoryAgreementStore: 8 MiB of messages, ~27 MiB of heap when full (anyone can accept an
 *   offer made to anyone; the flood makes no agreements but its honest customer's).
 * That is ~157 MiB retained at worst, with the garbage between collections on top (the flood
 * measures peaks of 110 to 140 MiB and 86 to 98 MiB retained after a full collection). 192 MiB
 * leaves room for that garbage while still showing the heap stays well clear of the 256 MiB
 * limit, at which V8 would abort the process.
 */
export const HEAP_BUDGET_BYTES = 192 * 2 ** 20

/** Where the vendor process serves its figures, outside the vendor's own paths. */
export const STATS_PATH = '/flood/stats'

/** The least price (EUR) at which the vendor agrees to a counter; below it, no answer (202). */
export const AGREE_FROM = 1800

/** What the vendor's offer asks (EUR). */
export const OFFER_PRICE = '1900.00'

/**
 * The counter prices the flood and the honest customer use: one the vendor agrees to, one it
 * ignores. The same length, so a counter's size does not depend on which it carries.
 */
export const AGREEABLE_PRICE = '1850.00'
export const LOWBALL_PRICE = '1000.00'

/** The vendor's first stdout line (as `{ ready }`). */
export interface VendorReady {
  readonly port: number
  readonly did: string
  readonly pid: number
}

/** What GET STATS_PATH answers, and what the vendor prints last, on SIGTERM (as `{ exit }`). */
export interface VendorStats {
  /** V8's heap limit under --max-old-space-size (the old space plus the young generation). */
  readonly heapLimit: number
  readonly peakHeapUsed: number
  readonly peakRss: number
  /** At the time of asking; after a full garbage collection when asked with `?gc=1`. */
  readonly heapUsed: number
  readonly rss: number
  readonly samples: number
  readonly uptimeMs: number
  /** CPU time the process has used, user and system together. */
  readonly cpuMs: number
  readonly threads: { readonly size: number; readonly bytes: number }
  readonly replay: { readonly size: number; readonly bytes: number }
  /** The vendor's answers by status, as `on.outcome` heard them (documents as well as messages). */
  readonly statuses: Readonly<Record<string, number>>
  /**
   * The longest one request took in the handler, from the Request to the Response: beside the
   * clients' latency, it tells time spent in the handler from time spent waiting for the process.
   */
  readonly slowestMs: number
  /** Failures reported to `on.error`: every 500 is one. */
  readonly errors: number
  readonly firstError?: string
}

/** Latency figures, in milliseconds. */
export interface Percentiles {
  readonly count: number
  readonly p50: number
  readonly p95: number
  readonly max: number
}

/** One answer the load generator did not expect, for the report. */
export interface Unexpected {
  readonly kind: 'intent' | 'counter'
  readonly expected: number
  readonly status: number
  readonly detail: string
}

/** The load generator's last stdout line (as `{ report }`); it prints `{ flooding: true }` first. */
export interface LoadReport {
  readonly intents: number
  readonly counters: number
  /** Counter chains: MAX_COUNTERS agreed counters on one offer, then one more (409). */
  readonly chains: number
  /** Answers by kind of message, then by status. */
  readonly statuses: { readonly intent: Record<string, number>; readonly counter: Record<string, number> }
  readonly unexpected: number
  readonly firstUnexpected: readonly Unexpected[]
  readonly networkErrors: number
  readonly firstNetworkError?: string
  readonly bytesSent: number
  /** The largest valid counter the generator could build under the body limit, and how many it sent. */
  readonly largestCounter: { readonly bytes: number; readonly limit: number; readonly sent: number }
  readonly latencyMs: Percentiles
  readonly elapsedMs: number
  /** CPU time the generator used while sending (signing, keys, HTTP). */
  readonly cpuMs: number
}

/** p50, p95 and max of `values` (milliseconds, rounded to 0.1). */
export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  const round = (n: number) => Math.round(n * 10) / 10
  return { count: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted.at(-1) ?? 0) }
}
