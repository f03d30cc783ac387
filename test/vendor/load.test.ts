/**
 * Load: one vendor handler behind node:http takes 2,000 distinct intents from 50 concurrent
 * clients over loopback. Every one is answered with a valid offer; nothing fails.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { generateKeyPair, signIntent, verify } from '../../src/index.js'
import { intentBody, post, startVendor, type TestVendor } from './support.js'

const REQUESTS = 2_000
const CLIENTS = 50

let vendor: TestVendor
beforeAll(async () => {
  vendor = await startVendor()
})
afterAll(() => vendor.close())

test(`${REQUESTS} intents from ${CLIENTS} concurrent clients: every one answered with its offer`, async () => {
  const customers = await Promise.all(Array.from({ length: CLIENTS }, () => generateKeyPair()))
  // Each intent is distinct (its own jti), so the replay store lets every one through once.
  const intents = await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) => signIntent(intentBody(`item ${i}`), customers[i % CLIENTS]!)),
  )
  const endpoint = `${vendor.origin}/intentcast/messages`
  const answers: string[] = new Array(REQUESTS)
  const statuses = new Map<number, number>()
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < REQUESTS; i = next++) {
        const response = await post(endpoint, intents[i]!)
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        answers[i] = await response.text()
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  expect(Object.fromEntries(statuses)).toEqual({ 200: REQUESTS })
  const digests = new Set<string>()
  for (let i = 0; i < REQUESTS; i++) {
    const intent = await verify(intents[i]!, { expect: 'intent' })
    const offer = await verify(answers[i]!, { expect: 'offer', audience: intent.issuer })
    expect(offer.payload.inReplyTo).toBe(intent.digest)
    expect(offer.payload.item.name).toBe(`item ${i}`)
    digests.add(offer.digest)
  }
  expect(digests.size).toBe(REQUESTS)
  console.log(`load: ${REQUESTS} requests, ${CLIENTS} clients, ${Math.round(REQUESTS / seconds)} requests/s`)
}, 180_000) // generous: CI shares its cores with the other test files and coverage
