/**
 * `npm run bench`: throughput of intentcast's hot paths, each as a ratio to raw node:crypto
 * Ed25519 verify measured in the same run, so the figures compare across noisy machines.
 * Prints one JSON document.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto'
import { generateKeyPair, MemoryReplayStore, signIntent, verify } from '../src/index.js'
import { coseBench, TYPICAL_INTENT } from './cose.js'
import { measure, type Result } from './harness.js'
import { httpBench } from './http.js'
import { relayBench } from './relay/main.js'
import { sealBench } from './seal.js'
import { termsBench } from './terms.js'

const customer = await generateKeyPair()
const body = TYPICAL_INTENT

// Distinct intents, so the replay store sees each jti once, as a vendor would.
const POOL = 40_000
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

let replay = new MemoryReplayStore({ maxEntries: POOL * 2 })
const sequential = await measure('verify(intent) end to end, sequential', 1, () =>
  verify(take(), { expect: 'intent', replay }),
)
results.push(sequential)
replay = new MemoryReplayStore({ maxEntries: POOL * 2 })
results.push(
  await measure('verify(intent) end to end, 1,000 in flight', 1000, () =>
    Promise.all(Array.from({ length: 1000 }, () => verify(take(), { expect: 'intent', replay }))),
  ),
)
results.push(await measure('signIntent', 1, () => signIntent(body, customer)))

const terms = await termsBench()
results.push(...terms.results)
const cose = await coseBench(measure, body, customer)
results.push(...cose.results)
const sealed = await sealBench(measure)
results.push(...sealed.results)
const http = await httpBench()
results.push(http)
const relay = await relayBench()
for (const figures of relay) results.push(...figures.results)

for (const r of results) r.ratio = Number((r.opsPerSec / baseline.opsPerSec).toFixed(3))
console.log(
  JSON.stringify(
    {
      node: process.version,
      intentBytes: sample.length,
      results,
      medians: [terms.rank],
      sizes: cose.sizes,
      sealedSizes: sealed.sizes,
      relay: relay.map(({ backend, latency, memory }) => ({ backend, ...latency, ...memory })),
      derived: {
        negotiateOverVerify: Number((terms.results[1]!.opsPerSec / sequential.opsPerSec).toFixed(1)),
        openOverVerify: sealed.openOverVerify,
        httpOverVerify: Number((http.opsPerSec / sequential.opsPerSec).toFixed(3)),
      },
    },
    null,
    2,
  ),
)
