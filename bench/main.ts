/**
 * `npm run bench`: throughput of intentcast's hot paths, each as a ratio to raw node:crypto
 * Ed25519 verify measured in the same run, so the figures compare across noisy machines.
 * Prints one JSON document, and writes it to bench/results/<YYYY-MM-DD>.json (UTC date).
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { generateKeyPair, MemoryReplayStore, signIntent, verify } from '../src/index.js'
import { coseBench, TYPICAL_INTENT } from './cose.js'
import { measure, type Result } from './harness.js'
import { relayBench } from './relay/main.js'
import { sealBench } from './seal.js'
import { termsBench } from './terms.js'
import { vendorBench } from './vendor/main.js'

// First, in a heap not yet holding the verify pools below: rankOffers is what a wallet runs, and a
// wallet's heap does not hold 60,000 signed intents and a replay store of 120,000 entries.
const terms = await termsBench()

const customer = await generateKeyPair()
const body = TYPICAL_INTENT

// Distinct intents, so the replay store sees each jti once, as a vendor would.
const POOL = 60_000
const intents: string[] = []
for (let i = 0; i < POOL; i++) intents.push(await signIntent(body, customer))
let next = 0
const take = () => intents[next++ % POOL]!

// The baseline: the same signature check with nothing around it.
const sample = intents[0]!
const dot = sample.lastIndexOf('.')
const signingInput = Buffer.from(sample.slice(0, dot))
const signature = Buffer.from(sample.slice(dot + 1), 'base64url')
const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: customer.publicJwk.x }, format: 'jwk' })

const results: Result[] = []
const baseline = await measure('node:crypto Ed25519 verify (baseline)', 1, () =>
  nodeVerify(null, signingInput, key, signature),
)
results.push(baseline)

/**
 * Runs `task` `total` times with `IN_FLIGHT` calls outstanding at every moment: each call that
 * ends starts the next. Batches of 1,000 joined by Promise.all would measure phases instead
 * (all parsing, then all signatures, then all schema checks), leaving a core idle in each.
 */
const IN_FLIGHT = 1000
async function inFlight(total: number, task: () => Promise<unknown>): Promise<void> {
  let started = 0
  const worker = async (): Promise<void> => {
    while (started < total) {
      started++
      await task()
    }
  }
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, total) }, worker))
}

let replay = new MemoryReplayStore({ maxEntries: POOL * 2 })
const sequential = await measure('verify(intent) end to end, sequential', 1, () =>
  verify(take(), { expect: 'intent', replay }),
)
results.push(sequential)
replay = new MemoryReplayStore({ maxEntries: POOL * 2 })
results.push(
  await measure('verify(intent) end to end, 1,000 in flight', 5 * IN_FLIGHT, () =>
    inFlight(5 * IN_FLIGHT, () => verify(take(), { expect: 'intent', replay })),
  ),
)
results.push(await measure('signIntent', 1, () => signIntent(body, customer)))

results.push(...terms.results)
const cose = await coseBench(measure, body, customer)
results.push(...cose.results)
const sealed = await sealBench(measure)
results.push(...sealed.results)
const vendor = await vendorBench()
results.push(...vendor.results)
const relay = await relayBench()
for (const figures of relay) results.push(...figures.results)

for (const r of results) r.ratio = Number((r.opsPerSec / baseline.opsPerSec).toFixed(3))
// The one vendor process on in-memory stores: the figure the in-process HTTP one used to be.
const http = vendor.results[0]!
const document = JSON.stringify(
  {
    date: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    intentBytes: sample.length,
    results,
    medians: [terms.rank],
    sizes: cose.sizes,
    sealedSizes: sealed.sizes,
    relay: relay.map(({ backend, latency, memory }) => ({ backend, ...latency, ...memory })),
    vendor: {
      scenarios: vendor.scenarios.map((s) => ({
        ...s,
        ratio: Number((s.rps / baseline.opsPerSec).toFixed(3)),
        perVendorCpuSecondRatio: Number((s.requestsPerVendorCpuSecond / baseline.opsPerSec).toFixed(3)),
      })),
      ...(vendor.skipped !== undefined && { skipped: vendor.skipped }),
    },
    derived: {
      negotiateOverVerify: Number((terms.results[1]!.opsPerSec / sequential.opsPerSec).toFixed(1)),
      openOverVerify: sealed.openOverVerify,
      httpOverVerify: Number((http.opsPerSec / sequential.opsPerSec).toFixed(3)),
    },
  },
  null,
  2,
)
console.log(document)
const folder = new URL('results/', import.meta.url)
mkdirSync(folder, { recursive: true })
writeFileSync(new URL(`${new Date().toISOString().slice(0, 10)}.json`, folder), document + '\n')
