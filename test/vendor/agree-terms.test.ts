/**
 * `'agree'` is judged against the vendor's own terms declaration (issue 13): a shop that declared
 * card or SEPA and a 14-day returns window must not sign PayPal and 30 days because its code
 * looked only at the price. Over real HTTP, with the SDK's wallet as the customer.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { isIntentcastError, type Deal, type Term, type TermsBody, type Verified } from '../../src/index.js'
import { answerCounter, negotiate } from '../../src/terms/index.js'
import {
  MemoryThreadStore,
  type CounterDecision,
  type OfferReply,
  type VendorCallbacks,
  type VendorOutcome,
} from '../../src/vendor/index.js'
import { Wallet } from '../../src/wallet/index.js'
import { intentBody, startVendor, type TestVendor } from './support.js'

const RETENTION: Term = { id: 'retention-days', value: '30', unit: 'day' }
const CARD_OR_SEPA: Term = { id: 'payment-methods', value: ['card', 'sepa'], required: true }
const RETURNS_14: Term = { id: 'returns-days', value: '14', unit: 'day', required: true }

/** The test shop of the issue: card or SEPA, and 14 days for returns, both required. */
const SHOP: TermsBody = {
  role: 'vendor',
  name: 'Test Shop',
  terms: { agreements: ['SD-BASE', 'SD-BASE-A'], conditions: [RETENTION, CARD_OR_SEPA, RETURNS_14] },
}

/** The shop offers under its declared terms. */
const offerUnder =
  (terms: TermsBody) =>
  (intent: Verified<'intent'>): OfferReply => ({
    item: intent.payload.want.item,
    quantity: 1,
    price: { amount: '1900.00', currency: 'EUR' },
    terms: { agreement: 'SD-BASE', conditions: terms.terms.conditions! },
  })

/** The customer's counter: a little less, by PayPal, with 30 days for returns. */
const PAYPAL: Deal = {
  quantity: 1,
  price: { amount: '1850.00', currency: 'EUR' },
  terms: {
    agreement: 'SD-BASE',
    conditions: [
      RETENTION,
      { id: 'payment-methods', value: ['paypal'] },
      { id: 'returns-days', value: '30', unit: 'day' },
    ],
  },
}
/** The same price cut under the shop's own terms. */
const CHEAPER: Deal = {
  quantity: 1,
  price: { amount: '1850.00', currency: 'EUR' },
  terms: { agreement: 'SD-BASE', conditions: [RETENTION, CARD_OR_SEPA, RETURNS_14] },
}

const running: TestVendor[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})

/** The shop on loopback, with its thread store, what on.error heard, and every outcome. */
async function shop(counter: VendorCallbacks['counter'], terms: TermsBody = SHOP) {
  const threads = new MemoryThreadStore()
  const errors: unknown[] = []
  const outcomes: VendorOutcome[] = []
  const vendor = await startVendor('1900.00', {
    terms,
    stores: { threads },
    on: {
      intent: offerUnder(terms),
      ...(counter && { counter }),
      error: (e) => errors.push(e),
      outcome: (e) => outcomes.push(e),
    },
  })
  running.push(vendor)
  return { vendor, threads, errors, outcomes }
}

/** A wallet's cast to `vendor`, and the one offer it got. */
async function offered(vendor: TestVendor) {
  const wallet = Wallet.create()
  const { offers } = await wallet.cast(intentBody(), [vendor.origin])
  expect(offers).toHaveLength(1)
  return { wallet, offer: offers[0]! }
}

const conditionsOf = (a: Verified<'agreement'>) => a.payload.terms.conditions

describe("'agree' and the vendor's own declaration", () => {
  test('refuses to sign PayPal and 30-day returns against card or SEPA and 14 days: 500 to the customer, the reasons to on.error', async () => {
    const { vendor, threads, errors, outcomes } = await shop(() => 'agree')
    const { wallet, offer } = await offered(vendor)

    // The vendor's own mistake: ERR_INTERNAL, which the wallet does not take as a refusal of its counter.
    await expect(wallet.counter(offer, PAYPAL)).rejects.toMatchObject({ code: 'ERR_INTERNAL' })
    expect(outcomes.at(-1)).toMatchObject({ status: 500, result: 'failed', code: 'ERR_INTERNAL' })
    expect(errors).toHaveLength(1)
    const error = errors[0]
    expect(isIntentcastError(error, 'ERR_INVALID_ARGUMENT')).toBe(true)
    const message = (error as Error).message
    expect(message).toContain("on.counter agreed to a counter that breaks the vendor's own terms declaration")
    expect(message).toContain('The counter lists payment methods paypal; you support only card, sepa.')
    expect(message).toContain('The counter asks for returns window of 30 days; you state 14 days.')
    expect(message).toContain('{ agree: true, overrideTerms: true }')

    // Nothing was signed or stored: the thread is as the offer left it, and the customer carries on.
    const digest = offer.thread.intent.digest
    expect(threads.get(digest)!.messages.map((m) => m.kind)).toEqual(['intent', 'offer'])
    const { agreement } = await wallet.accept(offer)
    expect(conditionsOf(agreement)).toEqual([RETENTION, CARD_OR_SEPA, RETURNS_14])
  })

  test('refuses a counter that changes the quantity or the currency: a price the vendor judged was for its own', async () => {
    // The pattern the docs show: agree when the price is close enough, read as a number.
    const { vendor, threads, errors } = await shop((c) => (Number(c.payload.price.amount) >= 1800 ? 'agree' : null))
    const { wallet, offer } = await offered(vendor)
    for (const deal of [
      { ...CHEAPER, quantity: 1000 },
      { ...CHEAPER, price: { amount: '1850', currency: 'JPY' } },
    ]) {
      await expect(wallet.counter(offer, deal)).rejects.toMatchObject({ code: 'ERR_INTERNAL' })
      expect((errors.at(-1) as Error).message).toContain(
        "'agree' takes only a counter of the same quantity and currency",
      )
    }
    expect(threads.get(offer.thread.intent.digest)!.messages.map((m) => m.kind)).toEqual(['intent', 'offer'])
    // The same quantity and currency, a lower price: signed, and the customer accepts it.
    const { reply } = await wallet.counter(offer, CHEAPER)
    const { agreement } = await wallet.accept(reply!)
    expect(agreement.payload).toMatchObject({ quantity: 1, price: { amount: '1850.00', currency: 'EUR' } })
  })

  test('refuses an agreement the declaration does not take; signs a counter within the declaration', async () => {
    const { vendor, errors } = await shop(() => 'agree')
    const { wallet, offer } = await offered(vendor)
    const atp = { ...CHEAPER, terms: { ...CHEAPER.terms, agreement: 'SD-BASE-ATP' } }
    await expect(wallet.counter(offer, atp)).rejects.toMatchObject({ code: 'ERR_INTERNAL' })
    expect((errors[0] as Error).message).toContain('you take only SD-BASE, SD-BASE-A')

    const { reply } = await wallet.counter(offer, CHEAPER)
    expect(reply!.proposal.payload).toMatchObject({ price: { amount: '1850.00' }, terms: CHEAPER.terms })
    const { agreement } = await wallet.accept(reply!)
    expect(agreement.payload.price.amount).toBe('1850.00')
    expect(errors).toHaveLength(1)
  })

  test('{ agree: true, overrideTerms: true } signs it on purpose, down to the agreement', async () => {
    const decide = vi.fn((): CounterDecision => ({ agree: true, overrideTerms: true }))
    const { vendor, errors } = await shop(decide)
    const { wallet, offer } = await offered(vendor)
    const { reply } = await wallet.counter(offer, PAYPAL)
    expect(reply!.proposal.payload.terms).toEqual(PAYPAL.terms)
    const { agreement } = await wallet.accept(reply!)
    expect(conditionsOf(agreement)).toEqual(PAYPAL.terms.conditions)
    expect(decide).toHaveBeenCalledOnce()
    expect(errors).toEqual([])
    // `{ agree: true }` alone is 'agree': judged like it.
    const plain = await shop(() => ({ agree: true }))
    const again = await offered(plain.vendor)
    await expect(again.wallet.counter(again.offer, PAYPAL)).rejects.toMatchObject({ code: 'ERR_INTERNAL' })
  })

  test('a statement not marked required is negotiable: agree concedes it', async () => {
    const loose: TermsBody = {
      ...SHOP,
      terms: {
        ...SHOP.terms,
        conditions: [RETENTION, { ...CARD_OR_SEPA, value: ['card', 'paypal'] }, { ...RETURNS_14, required: false }],
      },
    }
    const { vendor, errors } = await shop(() => 'agree', loose)
    const { wallet, offer } = await offered(vendor)
    const { reply } = await wallet.counter(offer, PAYPAL)
    expect(reply!.proposal.payload.terms).toEqual(PAYPAL.terms)
    expect(errors).toEqual([])
  })

  test('a malformed agree is the vendor’s mistake too: 500, and ERR_INVALID_ARGUMENT to on.error', async () => {
    for (const wrong of [{ agree: false }, { agree: true, overrideTerms: 'yes' }, { agree: true, note: 'deal' }]) {
      const { vendor, errors } = await shop(() => wrong as unknown as CounterDecision)
      const { wallet, offer } = await offered(vendor)
      await expect(wallet.counter(offer, CHEAPER)).rejects.toMatchObject({ code: 'ERR_INTERNAL' })
      expect(errors.map((e) => isIntentcastError(e, 'ERR_INVALID_ARGUMENT'))).toEqual([true])
    }
  })
})

describe('answerCounter in on.counter', () => {
  test("counters PayPal and 30 days with the shop's own terms restored, which the customer accepts", async () => {
    const { vendor, errors } = await shop((c, { thread, terms }) => {
      const r = answerCounter(thread.intent, c, { terms, minPrice: { amount: '1800.00', currency: 'EUR' } })
      if (r.outcome === 'agreed') return 'agree'
      if (r.outcome === 'counter') return { ...r.counter, note: 'Card or SEPA, and 14 days for returns.' }
      return null
    })
    const { wallet, offer } = await offered(vendor)
    // Below the floor: the floor.
    const low = await wallet.counter(offer, { ...CHEAPER, price: { amount: '1700.00', currency: 'EUR' } })
    expect(low.reply!.proposal.payload.price).toEqual({ amount: '1800.00', currency: 'EUR' })
    const { reply } = await wallet.counter(offer, PAYPAL)
    const back = reply!.proposal
    expect(back.payload).toMatchObject({
      price: { amount: '1850.00', currency: 'EUR' },
      note: 'Card or SEPA, and 14 days for returns.',
    })
    expect(back.payload.terms.conditions).toEqual([
      { id: 'payment-methods', value: ['card', 'sepa'] },
      RETENTION,
      { id: 'returns-days', value: '14', unit: 'day' },
    ])
    // The customer's own negotiate takes it as it stands, and the shop countersigns.
    expect(negotiate(reply!.thread.intent, back).outcome).toBe('agreed')
    const { agreement } = await wallet.accept(reply!)
    expect(agreement.payload.price.amount).toBe('1850.00')
    expect(errors).toEqual([])
  })
})
