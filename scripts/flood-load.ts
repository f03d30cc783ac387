/**
 * The flood's load generator, one process of its own (started by scripts/flood.ts):
 *
 *   node --import tsx scripts/flood-load.ts --origin http://127.0.0.1:PORT --vendor DID \
 *     --intents N --counters M --concurrency C
 *
 * Sends N valid intents, each signed by a freshly generated key (so each costs the vendor a key
 * it has never seen, which no cache of its can spare it), and M valid counters to the offers
 * they get, signed by the intent's key, from C requests in flight over kept-alive connections.
 * The counters are of two sorts:
 * - chains: about a tenth of the counters go to counter chains, MAX_COUNTERS counters on one
 *   offer at a price the vendor agrees to (each is stored with the vendor's reply) and one more,
 *   which the vendor must refuse (409). Every chain counter is the largest valid counter, so the
 *   chains press on the thread store's byte bound (32 MiB): a default flood's chains store about
 *   four times that;
 * - the rest go one or a few per offer at a price the vendor ignores (202, not stored); one in
 *   ten of them is the largest valid counter too.
 * The largest valid counter is found by building it: a 1000-character note (the schema's most)
 * and extension terms of 32 tokens of 60 characters, added until one more byte would pass the
 * vendor's body limit (DEFAULT_MAX_BYTES, 64 KiB). The schema allows more terms (64) and longer
 * ones; the body limit is the bound a counter meets first.
 *
 * Prints `{ "flooding": true }` when it starts sending, and `{ "report": LoadReport }` at the end.
 */
import { Agent, request } from 'node:http'
import { parseArgs } from 'node:util'
import {
  digest,
  generateKeyPair,
  MEDIA_TYPE_JWS,
  signCounter,
  signIntent,
  type CounterBody,
  type IntentBody,
  type KeyPair,
  type Term,
} from '../src/index.js'
import { DEFAULT_MAX_BYTES } from '../src/lib/limits.js'
import { MAX_COUNTERS } from '../src/vendor/counter.js'
import { AGREEABLE_PRICE, LOWBALL_PRICE, percentiles, type LoadReport, type Unexpected } from './flood-shared.js'

/** The share of the counters that go to chains. */
const CHAIN_SHARE = 0.1
/** A chain: the counters the vendor stores, then the one it must refuse. */
const CHAIN = MAX_COUNTERS + 1
/** One in this many of the counters outside chains is the largest valid counter. */
const LARGEST_EVERY = 10
/** The most unexpected answers kept for the report: enough to see what went wrong. */
const KEEP_UNEXPECTED = 10

const { values } = parseArgs({
  options: {
    origin: { type: 'string' },
    vendor: { type: 'string' },
    intents: { type: 'string' },
    counters: { type: 'string' },
    concurrency: { type: 'string' },
  },
  strict: true,
})
const count = (name: 'intents' | 'counters' | 'concurrency'): number => {
  const n = Number(values[name])
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, 0 or more`)
  return n
}
if (values.origin === undefined || values.vendor === undefined) throw new Error('--origin and --vendor are required')
const endpoint = `${values.origin}/intentcast/messages`
const vendorDid = values.vendor
const intents = count('intents')
const counters = count('counters')
const concurrency = Math.max(1, count('concurrency'))

// flood.ts holds the other end of stdin: once it is gone, nobody reads this flood's report.
process.stdin.on('end', () => process.exit(1))
process.stdin.resume()

// ---- The plan: which offer gets which counters ---------------------------------------------------
// At least one chain whenever there are counters enough for one, so a small run still meets the cap.
const chains = Math.min(intents, Math.max(counters >= CHAIN ? 1 : 0, Math.floor((counters * CHAIN_SHARE) / CHAIN)))
const chainEvery = chains === 0 ? Infinity : Math.floor(intents / chains)
const singles = counters - chains * CHAIN
/** Spread evenly over the intents, chains or not: intent i gets singles [first(i), first(i + 1)). */
const firstSingle = (i: number): number => Math.floor((i * singles) / Math.max(1, intents))
const hasChain = (i: number): boolean => i % chainEvery === 0 && i / chainEvery < chains

// ---- Messages --------------------------------------------------------------------------------------
const intentBody = (i: number): IntentBody => ({
  want: {
    item: { name: `flood item ${i}`, category: 'bicycles' },
    quantity: 1,
    maxPrice: { amount: '2000.00', currency: 'EUR' },
    region: 'DE-BE',
  },
  terms: { agreements: ['SD-BASE'] },
})

const NOTE = 'Would you take less for it? '.repeat(40).slice(0, 1000)

const counterBody = (
  price: string,
  offer: string,
  intent: string,
  conditions: readonly Term[] | undefined,
): CounterBody => ({
  quantity: 1,
  price: { amount: price, currency: 'EUR' },
  terms: { agreement: 'SD-BASE', ...(conditions && { conditions: [...conditions] }) },
  inReplyTo: offer,
  intent,
  note: conditions ? NOTE : 'Would you take less?',
})

/** An extension term of `tokens` tokens, the last `last` characters long and the others 60. */
const setTerm = (i: number, tokens: number, last: number): Term => ({
  id: `https://example.com/terms#t${String(i).padStart(3, '0')}`,
  type: 'set',
  value: Array.from({ length: tokens }, (_, j) => `tok${j}`.padEnd(j === tokens - 1 ? last : 60, 'x')),
})

/**
 * The conditions that make a counter the largest that still passes the body limit. Its size
 * depends only on lengths that are the same for every flood counter (a did:key, a digest, a
 * jti, the prices, the times), so the conditions are found once, with a throwaway key.
 */
async function largestConditions(): Promise<{ conditions: Term[]; bytes: number }> {
  const key = await generateKeyPair()
  const placeholder = 'A'.repeat(43) // a digest's length
  const size = async (conditions: readonly Term[]) =>
    (
      await signCounter(counterBody(AGREEABLE_PRICE, placeholder, placeholder, conditions), key, {
        audience: vendorDid,
      })
    ).length
  const full: Term[] = []
  while ((await size([...full, setTerm(full.length, 32, 60)])) <= DEFAULT_MAX_BYTES)
    full.push(setTerm(full.length, 32, 60))
  // Then one more term: as many tokens as fit with the last one short, then that one grown a
  // character at a time while it fits.
  let tokens = 1
  while (tokens < 32 && (await size([...full, setTerm(full.length, tokens + 1, 1)])) <= DEFAULT_MAX_BYTES) tokens++
  let last = 1
  while (last < 60 && (await size([...full, setTerm(full.length, tokens, last + 1)])) <= DEFAULT_MAX_BYTES) last++
  const conditions = [...full, setTerm(full.length, tokens, last)]
  const bytes = await size(conditions)
  // A token of one character would make the extra term fit at once; if not even that, keep `full`.
  return bytes <= DEFAULT_MAX_BYTES ? { conditions, bytes } : { conditions: full, bytes: await size(full) }
}

// ---- Sending ---------------------------------------------------------------------------------------
const statuses = { intent: {} as Record<string, number>, counter: {} as Record<string, number> }
const firstUnexpected: Unexpected[] = []
const latencies: number[] = []
let unexpected = 0
let networkErrors = 0
let firstNetworkError: string | undefined
let bytesSent = 0
let largestSent = 0

// node:http rather than fetch: measured here, undici's fetch and its web streams took a fifth of
// the generator's CPU, which the vendor, on the other core, would then wait for.
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })

/** One POST over a kept-alive connection: the status and the whole answer. */
function post(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': MEDIA_TYPE_JWS, 'content-length': Buffer.byteLength(body) }
    const req = request(endpoint, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Posts one message; the answer's body when it has the expected status, else undefined (counted). */
async function send(kind: 'intent' | 'counter', body: string, expected: number): Promise<string | undefined> {
  const started = performance.now()
  let answer: { status: number; text: string }
  try {
    answer = await post(body)
  } catch (e) {
    networkErrors++
    firstNetworkError ??= String(e)
    return undefined
  }
  const { status, text } = answer
  latencies.push(performance.now() - started)
  bytesSent += body.length
  statuses[kind][status] = (statuses[kind][status] ?? 0) + 1
  if (status === expected) return text
  unexpected++
  if (firstUnexpected.length < KEEP_UNEXPECTED)
    firstUnexpected.push({ kind, expected, status, detail: text.slice(0, 300) })
  return undefined
}

async function counter(key: KeyPair, price: string, offer: string, intent: string, largest: Term[] | undefined) {
  const signed = await signCounter(counterBody(price, offer, intent, largest), key, { audience: vendorDid })
  if (largest) largestSent++
  return signed
}

/** One intent under a fresh key, then the counters the plan gives its offer. */
async function flood(i: number, largest: Term[]): Promise<void> {
  const key = await generateKeyPair()
  const intent = await signIntent(intentBody(i), key)
  const offer = await send('intent', intent, 200)
  if (offer === undefined) return
  const [offerDigest, intentDigest] = [digest(offer), digest(intent)]
  // The ignored counters first: they are not stored, so they do not count towards the cap the
  // chain then reaches (after it, every counter in the thread is refused, these too).
  for (let j = firstSingle(i); j < firstSingle(i + 1); j++) {
    const conditions = j % LARGEST_EVERY === 0 ? largest : undefined
    await send('counter', await counter(key, LOWBALL_PRICE, offerDigest, intentDigest, conditions), 202)
  }
  if (hasChain(i)) {
    for (let k = 0; k < CHAIN; k++) {
      const body = await counter(key, AGREEABLE_PRICE, offerDigest, intentDigest, largest)
      if ((await send('counter', body, k < MAX_COUNTERS ? 200 : 409)) === undefined && k < MAX_COUNTERS) break
    }
  }
}

const largest = await largestConditions()
console.log(JSON.stringify({ flooding: true }))
const started = performance.now()
const cpu = process.cpuUsage()
let next = 0
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < intents; i = next++) await flood(i, largest.conditions)
  }),
)
const used = process.cpuUsage(cpu)
const report: LoadReport = {
  intents,
  counters,
  chains,
  statuses,
  unexpected,
  firstUnexpected,
  networkErrors,
  ...(firstNetworkError !== undefined && { firstNetworkError }),
  bytesSent,
  largestCounter: { bytes: largest.bytes, limit: DEFAULT_MAX_BYTES, sent: largestSent },
  latencyMs: percentiles(latencies),
  elapsedMs: Math.round(performance.now() - started),
  cpuMs: Math.round((used.user + used.system) / 1000),
}
console.log(JSON.stringify({ report }))
process.exit(0)
