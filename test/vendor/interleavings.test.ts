/**
 * Issue 9: random interleavings of moves from the customer, the vendor and third parties never
 * give a 500 or an illegal state (the property: ./interleavings.ts), against the memory store;
 * test/redis/interleavings.test.ts runs it against Redis.
 */
import { describe, expect, test } from 'vitest'
import { dealOf, generateKeyPair, signCounter, signIntent, verify, type Proposal } from '../../src/index.js'
import { createVendorHandler, MemoryThreadStore, type ThreadStore } from '../../src/vendor/index.js'
import { interleavings } from './interleavings.js'
import { intentBody, postTo, problemOf, vendorOptions } from './support.js'

/**
 * The store under test. The property only ever reads it (`get`), so it runs as written against
 * any ThreadStore (test/redis/interleavings.test.ts runs it on Redis).
 */
function makeThreadStore(): ThreadStore {
  return new MemoryThreadStore()
}

describe('random interleavings of customer, vendor and strangers (issue 9)', () => {
  test('never a 500, never an illegal stored thread, and retries get their first answer', () =>
    interleavings(makeThreadStore))

  /**
   * Found by the property above (an `echo` of a vendor counter), and kept here minimal: the
   * vendor's own counter, posted back to it, was looked up as a retry and answered 202 ("taken,
   * no answer now"), and once the customer had countered it, 200 with the customer's counter, to
   * whoever held the vendor's bytes. A counter addressed to the customer is not the vendor's to
   * take (spec §HTTP binding, Processing: 422 ERR_AUDIENCE).
   */
  test("the vendor's own counter posted back to it is refused, before and after the customer counters it", async () => {
    const threads = makeThreadStore()
    const key = await generateKeyPair()
    const handler = createVendorHandler(
      vendorOptions(key, '1900.00', { stores: { threads }, on: { counter: () => 'agree' } }),
    )
    const customer = await generateKeyPair()
    const intent = await verify(await signIntent(intentBody(), customer, { audience: key.did }), { expect: 'intent' })
    const post = (body: string) => postTo(handler, body)
    const counterTo = async (p: Proposal) => {
      const sent = await signCounter({ ...dealOf(p.payload), inReplyTo: p.digest, intent: intent.digest }, customer, {
        audience: key.did,
      })
      return verify(await (await post(sent)).text(), { expect: 'counter' })
    }
    const offer = await verify(await (await post(intent.message)).text(), { expect: 'offer' })
    const vendors = await counterTo(offer)
    const stored = async () => (await threads.get(intent.digest))!.messages.map((m) => m.digest)
    const before = await stored()
    const echoed = await post(vendors.message)
    expect(await stored()).toEqual(before) // nothing was taken, whatever the answer says
    expect(echoed.status).toBe(422)
    expect((await problemOf(echoed)).code).toBe('ERR_AUDIENCE')
    await counterTo(vendors)
    const grown = await stored()
    const again = await post(vendors.message)
    expect(await stored()).toEqual(grown)
    expect(again.status).toBe(422)
    expect((await problemOf(again)).code).toBe('ERR_AUDIENCE')
  })
})
