/**
 * Found in review: ways a customer's valid message, or the vendor's own store, still became a
 * 500 or was blamed on the customer. Each test failed before its fix.
 */
import { describe, expect, test, vi } from 'vitest'
import {
  dealOf,
  generateKeyPair,
  signCounter,
  signIntent,
  verify,
  verifyThread,
  type Proposal,
} from '../../src/index.js'
import { MAX_COUNTERS } from '../../src/vendor/counter.js'
import { createVendorHandler, MemoryThreadStore, type ThreadStore } from '../../src/vendor/index.js'
import { intentBody, postTo, problemOf, vendorOptions } from './support.js'

async function offered(on: Parameters<typeof vendorOptions>[2]) {
  const key = await generateKeyPair()
  const errors: unknown[] = []
  const handler = createVendorHandler(
    vendorOptions(key, '1900.00', { ...on, on: { ...on?.on, error: (e) => errors.push(e) } }),
  )
  await handler.ready
  const customer = await generateKeyPair()
  const intent = await verify(await signIntent(intentBody(), customer), { expect: 'intent' })
  const offer = await verify(await (await postTo(handler, intent.message)).text(), { expect: 'offer' })
  return { handler, errors, customer, intent, offer }
}

describe('a customer’s valid counter is never a 500', () => {
  test('a counter just under the body limit, restated by the vendor a few bytes over it, is answered', async () => {
    const { handler, errors, customer, intent, offer } = await offered({ on: { counter: () => 'agree' } })
    const sign = (conditions: object[]) =>
      signCounter(
        {
          ...dealOf(offer.payload),
          terms: { agreement: 'SD-BASE', conditions } as never,
          inReplyTo: offer.digest,
          intent: intent.digest,
        },
        customer,
        { audience: offer.issuer, jti: 'abcdefgh' },
      )
    const set = (i: number, k: number, last: number) => ({
      id: `https://example.com/terms#t${String(i).padStart(3, '0')}`,
      type: 'set',
      value: Array.from({ length: k }, (_, j) => `tok${j}`.padEnd(j === k - 1 ? last : 60, 'x')),
    })
    // Fill the counter with extension terms until it is within 12 bytes of 64 KiB.
    const full: object[] = []
    while ((await sign([...full, set(full.length, 32, 60)])).length <= 65_536) full.push(set(full.length, 32, 60))
    let counter = ''
    search: for (let k = 1; k <= 32; k++)
      for (let last = 5; last <= 60; last++) {
        const candidate = await sign([...full, set(full.length, k, last)])
        if (candidate.length > 65_536) break search
        if (candidate.length > 65_536 - 12) {
          counter = candidate
          break search
        }
      }
    expect(counter.length).toBeGreaterThan(65_536 - 12)
    const response = await postTo(handler, counter)
    expect(response.status).toBe(200)
    expect(errors).toEqual([])
  })

  test('a counter that expires while on.counter decides is a 409, not a reply the thread refuses', async () => {
    // The clock is the test's: the counter arrives just inside its tolerance, and deciding on it
    // takes the vendor three seconds, with no real waiting (a loaded machine cannot move the edge).
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const { handler, errors, customer, intent, offer } = await offered({
        on: {
          counter: () => {
            vi.setSystemTime(Date.now() + 3_000)
            return 'agree' as const
          },
        },
      })
      vi.setSystemTime(offer.payload.iat * 1000)
      // Expired 29 s before the offer: inside verify's 30 s tolerance on arrival, past it once the vendor has decided.
      const counter = await signCounter(
        { ...dealOf(offer.payload), inReplyTo: offer.digest, intent: intent.digest },
        customer,
        { audience: offer.issuer, now: new Date((offer.payload.iat - 30) * 1000), expiresIn: 1 },
      )
      const response = await postTo(handler, counter)
      expect(response.status).toBe(409)
      expect((await problemOf(response)).code).toBe('ERR_ILLEGAL_MOVE')
      expect(errors).toEqual([])
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('the vendor’s own store failing is a 500 reported to on.error, not the customer’s fault', () => {
  test('a thread store that throws an IntentcastError (a stored thread that no longer verifies)', async () => {
    const memory = new MemoryThreadStore()
    let broken = false
    const threads: ThreadStore = {
      get: async (digest) => (broken ? verifyThread(['not a message']) : memory.get(digest)),
      set: (thread, expected) => memory.set(thread, expected),
    }
    const { handler, errors, customer, intent, offer } = await offered({ stores: { threads } })
    const counter = await signCounter(
      { ...dealOf(offer.payload), inReplyTo: offer.digest, intent: intent.digest },
      customer,
      {
        audience: offer.issuer,
      },
    )
    broken = true
    const response = await postTo(handler, counter)
    expect(response.status).toBe(500)
    expect((await problemOf(response)).code).toBe('ERR_INTERNAL')
    expect(errors).toHaveLength(1)
  })
})

describe('a customer cannot grow a stored thread without end (issue 9, finding 1)', () => {
  test('a counter answered 202 is not stored', async () => {
    const threads = new MemoryThreadStore()
    const { handler, customer, intent, offer } = await offered({ stores: { threads } })
    const counter = await signCounter(
      { ...dealOf(offer.payload), inReplyTo: offer.digest, intent: intent.digest },
      customer,
      {
        audience: offer.issuer,
      },
    )
    expect((await postTo(handler, counter)).status).toBe(202)
    expect(threads.get(intent.digest)!.messages.map((m) => m.kind)).toEqual(['intent', 'offer'])
  })

  test(`a customer makes at most ${MAX_COUNTERS} counters in one thread; the vendor's code never hears of more`, async () => {
    let heard = 0
    const { handler, customer, intent, offer } = await offered({ on: { counter: () => (heard++, 'agree') } })
    let last: Proposal<'jws'> = offer
    for (let i = 0; i < MAX_COUNTERS; i++) {
      const counter = await signCounter(
        { ...dealOf(last.payload), inReplyTo: last.digest, intent: intent.digest },
        customer,
        {
          audience: offer.issuer,
        },
      )
      const answer = await postTo(handler, counter)
      expect(answer.status).toBe(200)
      last = await verify(await answer.text(), { expect: 'counter' })
    }
    const one = await signCounter(
      { ...dealOf(last.payload), inReplyTo: last.digest, intent: intent.digest },
      customer,
      {
        audience: offer.issuer,
      },
    )
    const refused = await postTo(handler, one)
    expect(refused.status).toBe(409)
    expect((await problemOf(refused)).code).toBe('ERR_ILLEGAL_MOVE')
    expect(heard).toBe(MAX_COUNTERS)
  })
})
