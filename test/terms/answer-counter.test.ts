// Over 250 lines on purpose: one describe per outcome of answerCounter, as negotiate.test.ts has, plus its properties.
/**
 * answerCounter, the vendor's answer to a customer's counter: the mirror of negotiate. One
 * describe per outcome, then the arguments, then properties over random intents, offers and
 * vendor positions.
 */
import fc from 'fast-check'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { CounterPayload } from '../../src/model/counter.js'
import type { Deal } from '../../src/model/deal.js'
import type { IntentPayload } from '../../src/model/intent.js'
import type { TermSet } from '../../src/model/term-set.js'
import { answerCounter, negotiate, type VendorAnswer, type VendorPosition } from '../../src/terms/index.js'
import {
  asCounter,
  CUSTOMER,
  expectValidCounter,
  INTENT_DIGEST,
  intentArb,
  intentPayload as intentWith,
  offerNear,
  refusal,
  RUNS,
  shuffled,
  termSet,
  VENDOR,
  verified,
} from './support.js'

// The customer: SD-BASE or SD-BASE-A, 30 days' retention at most (a hard limit), a returns window
// of at least 14 days, and card or PayPal, both negotiable; at most 2000 EUR, by 20 January.
const CUSTOMER_TERMS: TermSet = {
  agreements: ['SD-BASE', 'SD-BASE-A'],
  conditions: [
    { id: 'retention-days', value: '30', unit: 'day', required: true },
    { id: 'returns-days', value: '14', unit: 'day' },
    { id: 'payment-methods', value: ['card', 'paypal'] },
  ],
}
const WANT = { maxPrice: { amount: '2000.00', currency: 'EUR' }, deliverBy: '2030-01-20T12:00:00Z' }
const intentPayload = (terms: TermSet, want: object = WANT): IntentPayload => intentWith(terms, want)
const intent = intentPayload(CUSTOMER_TERMS)

// The shop: SD-BASE or SD-BASE-A; keeps data 30 days and deletes on request (negotiable); card or
// SEPA and a 14-day returns window, both required; at least 900 EUR an item; delivers from the 10th.
const SHOP: TermSet = {
  agreements: ['SD-BASE', 'SD-BASE-A'],
  conditions: [
    { id: 'retention-days', value: '30', unit: 'day' },
    { id: 'deletion-on-request', value: true },
    { id: 'payment-methods', value: ['card', 'sepa'], required: true },
    { id: 'returns-days', value: '14', unit: 'day', required: true },
  ],
}
const position: VendorPosition = {
  terms: SHOP,
  minUnitPrice: { amount: '900.00', currency: 'EUR' },
  earliestDelivery: '2030-01-10T12:00:00Z',
}

const MEETS = [
  { id: 'retention-days', value: '30', unit: 'day' },
  { id: 'deletion-on-request', value: true },
  { id: 'payment-methods', value: ['card'] },
  { id: 'returns-days', value: '14', unit: 'day' },
]
const replace = (...terms: object[]) => [
  ...MEETS.filter((t) => !terms.some((x) => (x as { id: string }).id === t.id)),
  ...terms,
]
/** The customer's counter: by default one that meets every position of the shop. */
const counter = (over: Partial<{ agreement: string; conditions: object[] }> = {}, deal: Partial<Deal> = {}) =>
  asCounter({
    quantity: 1,
    price: { amount: '1900.00', currency: 'EUR' },
    deliverBy: '2030-01-15T12:00:00Z',
    terms: { agreement: over.agreement ?? 'SD-BASE', conditions: over.conditions ?? MEETS },
    ...deal,
  })

/** The result narrowed to a counter, as a program narrows it: on `outcome`. */
function counterOf(r: VendorAnswer): Extract<VendorAnswer, { outcome: 'counter' }> {
  if (r.outcome !== 'counter') throw new Error(`expected a counter, got ${r.outcome}: ${JSON.stringify(r.conflicts)}`)
  return r
}

/** The vendor's counter deal as the signed counter the customer receives. */
const vendorCounter = (deal: Deal) =>
  CounterPayload.parse({
    v: '0.1',
    iss: VENDOR,
    aud: CUSTOMER,
    iat: 1_700_000_300,
    exp: 1_700_003_900,
    jti: 'counter-0002',
    inReplyTo: 'C'.repeat(43),
    intent: INTENT_DIGEST,
    ...deal,
  })

describe('answerCounter: agreed', () => {
  it('agrees to a counter that meets the floor, the delivery limit and every term, returning its terms unchanged', () => {
    const c = counter()
    expect(answerCounter(intent, c, position)).toEqual({ outcome: 'agreed', terms: c.terms, conflicts: [] })
    // Verified inputs are read as they are; the terms are the counter's own object.
    const v = verified(c, 'D'.repeat(43))
    expect(answerCounter(verified(intent), v, position).terms).toBe(c.terms)
    // At the floor exactly, and with no delivery date (which promises none), still agreed.
    const { deliverBy: _d, ...noDate } = counter({}, { price: { amount: '900.0', currency: 'EUR' } })
    expect(answerCounter(intent, noDate, position).outcome).toBe('agreed')
  })

  it('concedes a negotiable statement and a term the declaration does not state, and lists both', () => {
    const c = counter({
      conditions: replace(
        { id: 'retention-days', value: '14', unit: 'day' },
        { id: 'warranty-months', value: '24', unit: 'month' },
      ),
    })
    const r = answerCounter(intent, c, position)
    expect(r.outcome).toBe('agreed')
    expect(r.conflicts).toEqual([
      {
        term: 'retention-days',
        customer: { id: 'retention-days', value: '14', unit: 'day' },
        vendor: { id: 'retention-days', value: '30', unit: 'day' },
        required: false,
        message:
          "The counter asks for data retention of 14 days; you state 30 days. You do not mark it required, so the counter's value stands.",
      },
      {
        term: 'warranty-months',
        customer: { id: 'warranty-months', value: '24', unit: 'month' },
        vendor: null,
        required: false,
        message: 'The counter asks for warranty of 24 months, which your terms do not state.',
      },
    ])
  })

  it('takes an agreement by either spelling, and a set the vendor supports in any order', () => {
    const c = counter({
      agreement: 'https://w3id.org/dpv/standards/p7012#SD-BASE-A',
      conditions: replace({ id: 'payment-methods', value: ['sepa', 'card'] }),
    })
    expect(answerCounter(intent, c, position).outcome).toBe('agreed')
  })
})

describe('answerCounter: counter', () => {
  it('counters a price below the floor with the floor, per item times the quantity, and nothing else changed', () => {
    const c = counter({}, { price: { amount: '850.00', currency: 'EUR' } })
    const r = counterOf(answerCounter(intent, c, position))
    // Conditions come sorted by ID, as in every result.
    const sorted = [...MEETS].sort((a, b) => (a.id < b.id ? -1 : 1))
    expect(r.counter).toEqual({
      ...dealOf(c),
      price: { amount: '900.00', currency: 'EUR' },
      terms: { agreement: 'SD-BASE', conditions: sorted },
    })
    expect(r.terms).toEqual(r.counter.terms)
    expect(r.conflicts).toEqual([
      {
        term: 'price',
        customer: { id: 'price', value: '850.00', unit: 'EUR' },
        vendor: { id: 'price', value: '900.00', unit: 'EUR', required: true },
        required: true,
        message: 'The counter offers 850.00 EUR; your floor is 900.00 EUR. A counter restores yours.',
      },
    ])
    expectValidCounter(r.counter)
    // Two items: 1800.00; a floor for the deal above that wins.
    const two = counter({}, { quantity: 2, price: { amount: '1700.00', currency: 'EUR' } })
    expect(counterOf(answerCounter(intent, two, position)).counter.price).toEqual({
      amount: '1800.00',
      currency: 'EUR',
    })
    const dealFloor = { ...position, minPrice: { amount: '1850', currency: 'EUR' } }
    expect(counterOf(answerCounter(intent, two, dealFloor)).counter.price).toEqual({ amount: '1850', currency: 'EUR' })
    // Exact decimals: 3 × 0.05 is 0.15, not 0.15000000000000002.
    const three = counter({}, { quantity: 3, price: { amount: '0.1', currency: 'EUR' } })
    const cents = { terms: SHOP, minUnitPrice: { amount: '0.05', currency: 'EUR' } }
    expect(counterOf(answerCounter(intent, three, cents)).counter.price).toEqual({ amount: '0.15', currency: 'EUR' })
  })

  it('counters a delivery earlier than the vendor can make with its earliest', () => {
    const c = counter({}, { deliverBy: '2030-01-09T12:00:00+02:00' })
    const r = counterOf(answerCounter(intent, c, position))
    expect(r.counter.deliverBy).toBe('2030-01-10T12:00:00Z')
    expect(r.conflicts.map((x) => x.message)).toEqual([
      'The counter asks for delivery by 2030-01-09T12:00:00+02:00; you deliver no earlier than 2030-01-10T12:00:00Z. A counter restores yours.',
    ])
  })

  it("restores the vendor's required terms: a set narrowed to what both list, a returns window, a term left out", () => {
    const c = counter({
      conditions: [
        { id: 'retention-days', value: '30', unit: 'day' },
        { id: 'payment-methods', value: ['paypal', 'card'] },
        { id: 'returns-days', value: '30', unit: 'day', required: true },
      ],
    })
    const r = counterOf(answerCounter(intent, c, position))
    expect(r.counter.terms).toEqual({
      agreement: 'SD-BASE',
      conditions: [
        { id: 'payment-methods', value: ['card'] },
        { id: 'retention-days', value: '30', unit: 'day' },
        { id: 'returns-days', value: '14', unit: 'day' },
      ],
    })
    expect(r.conflicts.map((x) => [x.term, x.required, x.message])).toEqual([
      [
        'payment-methods',
        true,
        'The counter lists payment methods card, paypal; you support only card, sepa. A counter restores yours.',
      ],
      [
        'returns-days',
        true,
        'The counter asks for returns window of 30 days; you state 14 days. A counter restores yours.',
      ],
    ])
    const left = counter({ conditions: MEETS.filter((t) => t.id !== 'payment-methods') })
    const back = counterOf(answerCounter(intent, left, position))
    expect(back.counter.terms.conditions).toContainEqual({ id: 'payment-methods', value: ['card', 'sepa'] })
    expect(back.conflicts[0]!.message).toBe(
      'The counter leaves out payment methods, which you require (card, sepa). A counter restores yours.',
    )
  })

  it("marks a restored term firm where the intent holds it negotiably, so the customer's negotiate yields it", () => {
    // This customer wants a 30-day returns window, negotiably; the shop requires 14.
    const wants30 = intentPayload({
      ...CUSTOMER_TERMS,
      conditions: [
        { id: 'retention-days', value: '30', unit: 'day', required: true },
        { id: 'returns-days', value: '30', unit: 'day' },
      ],
    })
    const c = counter({ conditions: replace({ id: 'returns-days', value: '30', unit: 'day' }) })
    const r = counterOf(answerCounter(wants30, c, position))
    expect(r.counter.terms.conditions).toContainEqual({ id: 'returns-days', value: '14', unit: 'day', required: true })
    const seen = negotiate(wants30, vendorCounter(r.counter))
    expect(seen.outcome).toBe('agreed')
    expect(seen.conflicts.map((x) => x.term)).toEqual(['returns-days'])
    // Where the intent states nothing, or the restored value meets it, nothing is marked.
    expect(counterOf(answerCounter(intent, c, position)).counter.terms.conditions).toContainEqual({
      id: 'returns-days',
      value: '14',
      unit: 'day',
    })
  })

  it('counters an agreement the vendor does not take with one the intent accepts: listed, or covered by the SD chain', () => {
    const c = counter({ agreement: 'SD-BASE-ATP' })
    const r = counterOf(answerCounter(intent, c, position))
    expect(r.counter.terms.agreement).toBe('SD-BASE')
    expect(r.conflicts.map((x) => x.message)).toEqual([
      "The counter names SD-BASE-ATP (Service delivery, analytics, tracking and profiling); you take only SD-BASE, SD-BASE-A. A counter proposes SD-BASE, which the customer's intent accepts.",
    ])
    expect(negotiate(intent, vendorCounter(r.counter)).outcome).toBe('agreed')
    // An intent proffering SD-BASE-ATP alone: SD-BASE permits the vendor less, so it is covered.
    const atp = intentPayload({ agreements: ['SD-BASE-ATP'] })
    const covered = counterOf(answerCounter(atp, c, position))
    expect(covered.counter.terms.agreement).toBe('SD-BASE')
    expect(negotiate(atp, vendorCounter(covered.counter)).outcome).toBe('agreed')
  })

  it("drops the customer's own required flags, which in the vendor's counter would claim a firmness of the vendor's", () => {
    const c = counter({}, { price: { amount: '1.00', currency: 'EUR' } })
    const firm = asCounter({
      ...dealOf(c),
      terms: { agreement: 'SD-BASE', conditions: [...MEETS.slice(0, 3), { ...MEETS[3]!, required: true }] },
    })
    const r = counterOf(answerCounter(intent, firm, position))
    expect(r.counter.terms.conditions!.some((t) => t.required)).toBe(false)
  })
})

describe('answerCounter: rejected', () => {
  it('rejects an agreement the vendor does not take when the intent accepts none it takes, whatever else the counter says', () => {
    const pdcOnly = intentPayload({ agreements: ['PDC'] })
    const c = counter({ agreement: 'SD-BASE-ATP' }, { price: { amount: '1.00', currency: 'EUR' } })
    const r = answerCounter(pdcOnly, c, position)
    expect(r.outcome).toBe('rejected')
    expect(r.terms).toEqual(c.terms)
    expect(r.conflicts[0]).toEqual({
      term: 'agreement',
      customer: ['SD-BASE-ATP'],
      vendor: ['SD-BASE', 'SD-BASE-A'],
      required: true,
      message:
        "The counter names SD-BASE-ATP (Service delivery, analytics, tracking and profiling); you take only SD-BASE, SD-BASE-A. The customer's intent accepts none of them, so no counter can settle it.",
    })
    // A strict list outside what the vendor takes: the same.
    const strict = intentPayload({ agreements: ['SD-BASE-ATP'], strict: true })
    expect(answerCounter(strict, c, position).outcome).toBe('rejected')
  })

  it('rejects a required term broken where the intent holds the customer to it: no counter can settle it', () => {
    const paypalOnly = intentPayload({
      agreements: ['SD-BASE'],
      conditions: [{ id: 'payment-methods', value: ['paypal'], required: true }],
    })
    const c = counter({ conditions: replace({ id: 'payment-methods', value: ['paypal'] }) })
    const r = answerCounter(paypalOnly, c, position)
    expect(r.outcome).toBe('rejected')
    expect(r.conflicts.map((x) => x.message)).toEqual([
      "The counter lists payment methods paypal; you support only card, sepa. Yours breaks a hard limit of the customer's intent, so no counter can settle it.",
    ])
    // The same counter from a customer who does not insist: a counter restoring card or SEPA.
    expect(
      counterOf(answerCounter(intentPayload({ agreements: ['SD-BASE'] }), c, position)).counter.terms.conditions,
    ).toContainEqual({
      id: 'payment-methods',
      value: ['card', 'sepa'],
    })
  })

  it("rejects a floor above the intent's maxPrice, and an earliest delivery after its deliverBy", () => {
    const dear = { ...position, minUnitPrice: { amount: '2000.01', currency: 'EUR' } }
    expect(answerCounter(intent, counter(), dear).outcome).toBe('rejected')
    const late = { ...position, earliestDelivery: '2030-01-21T00:00:00Z' }
    expect(answerCounter(intent, counter(), late).outcome).toBe('rejected')
    // A floor in another currency than the customer's ceiling cannot meet it either.
    const usd = { terms: SHOP, minPrice: { amount: '1.00', currency: 'USD' } }
    expect(answerCounter(intent, counter(), usd).outcome).toBe('rejected')
    // Without a ceiling, the counter moves to the vendor's currency.
    const open = intentPayload(CUSTOMER_TERMS, {})
    expect(counterOf(answerCounter(open, counter(), usd)).counter.price).toEqual({ amount: '1.00', currency: 'USD' })
  })

  it('rejects a per-item floor whose total no price can state', () => {
    const huge = { terms: SHOP, minUnitPrice: { amount: '999999999999999999', currency: 'EUR' } }
    const r = answerCounter(intentPayload(CUSTOMER_TERMS, {}), counter({}, { quantity: 2 }), huge)
    expect(r.outcome).toBe('rejected')
    expect(r.conflicts[0]!.message).toMatch(/No price a message can state reaches it/)
  })
})

describe('answerCounter: arguments', () => {
  it('a counter that is not the intent issuer’s move in this thread: ERR_BROKEN_LINK', () => {
    const stranger = CounterPayload.parse({ ...counter(), iss: VENDOR, aud: CUSTOMER })
    expect(refusal(() => answerCounter(intent, stranger, position))).toBe(
      "ERR_BROKEN_LINK: the counter is not signed by the intent's issuer",
    )
    const elsewhere = CounterPayload.parse({ ...counter(), intent: 'E'.repeat(43) })
    expect(refusal(() => answerCounter(verified(intent), elsewhere, position))).toBe(
      'ERR_BROKEN_LINK: the counter belongs to a different intent',
    )
  })

  it('a caller’s mistake is ERR_INVALID_ARGUMENT, naming it', () => {
    const c = counter()
    const customers = { v: '0.1', iss: CUSTOMER, iat: 1, jti: 'terms-0001', role: 'customer', terms: SHOP }
    const cases: [unknown, unknown, unknown, string][] = [
      [{ want: 1 }, c, position, 'answerCounter: intent is not an intent payload'],
      [intent, { ...c, price: 5 }, position, 'answerCounter: counter is not a counter payload'],
      [intent, verified(intent), position, 'answerCounter: counter is a verified intent; pass a counter'],
      [intent, c, { ...position, floor: '1' }, 'answerCounter: vendor is not a VendorPosition'],
      [
        intent,
        c,
        { terms: SHOP, earliestDelivery: 'tomorrow' },
        'answerCounter: vendor is not a VendorPosition: earliestDelivery',
      ],
      [
        intent,
        c,
        { terms: SHOP, minPrice: { amount: '1', currency: 'EUR' }, minUnitPrice: { amount: '1', currency: 'USD' } },
        'answerCounter: vendor: minPrice and minUnitPrice must be in one currency',
      ],
      [
        intent,
        c,
        { terms: customers },
        "answerCounter: vendor.terms must be a vendor's terms declaration, not a customer's",
      ],
      [intent, c, { terms: { agreements: ['NOPE'] } }, 'answerCounter: vendor.terms is not a valid TermSet'],
      [intent, c, {}, 'answerCounter: vendor.terms is undefined'],
      [intent, c, null, 'answerCounter: vendor is null'],
    ]
    for (const [i, x, p, message] of cases)
      expect(refusal(() => answerCounter(i as never, x as never, p as never))).toContain(
        `ERR_INVALID_ARGUMENT: ${message}`,
      )
  })

  it('takes the declaration verified, as its payload, or as a bare TermSet, with one result', () => {
    const payload = { v: '0.1', iss: VENDOR, iat: 1_700_000_000, jti: 'terms-0001', role: 'vendor', terms: SHOP }
    const c = counter({ conditions: replace({ id: 'returns-days', value: '30', unit: 'day' }) })
    const expected = answerCounter(intent, c, position)
    expect(answerCounter(intent, c, { ...position, terms: payload as never })).toEqual(expected)
    expect(answerCounter(intent, c, { ...position, terms: verified(payload) as never })).toEqual(expected)
  })

  it('narrows on outcome to reach the counter deal', () => {
    const r = answerCounter(intent, counter(), position)
    expectTypeOf(r.outcome).toEqualTypeOf<'agreed' | 'counter' | 'rejected'>()
    if (r.outcome === 'counter') expectTypeOf(r.counter).toEqualTypeOf<Deal>()
    // @ts-expect-error: only a counter carries one
    void r.counter
  })
})

describe('answerCounter: properties', () => {
  const money = fc
    .tuple(fc.integer({ min: 0, max: 150 }), fc.constantFrom('', '.5', '.00'), fc.constantFrom('EUR', 'EUR', 'USD'))
    .map(([n, f, currency]) => ({ amount: `${n}${f}`, currency }))
  const positionArb = fc
    .record(
      {
        terms: termSet(),
        minPrice: money,
        minUnitPrice: money.map((m) => ({ ...m, currency: 'EUR' })),
        earliestDelivery: fc.constantFrom('2030-01-02T00:00:00Z', '2030-01-08T12:00:00+02:00'),
      },
      { requiredKeys: ['terms'] },
    )
    .filter((p) => !(p.minPrice && p.minUnitPrice && p.minPrice.currency !== p.minUnitPrice.currency))
  const customerCounter = (i: IntentPayload, offer: Parameters<typeof negotiate>[1]) => {
    const n = negotiate(i, offer)
    if (n.outcome === 'rejected') return undefined
    return asCounter(n.outcome === 'counter' ? n.counter : dealOf(offer as Deal))
  }
  /**
   * A vendor near the counter, so that every outcome comes up: its agreement taken, its
   * conditions declared, each maybe required, and limits from the position arbitrary.
   */
  const near = (c: CounterPayload) =>
    fc.tuple(positionArb, fc.array(fc.boolean(), { minLength: 70, maxLength: 70 })).map(([p, firm]) => ({
      ...p,
      terms: {
        agreements: [c.terms.agreement],
        conditions: (c.terms.conditions ?? []).map(({ required: _, ...t }, k) =>
          firm[k] ? { ...t, required: true } : t,
        ),
      },
    }))
  // The customer's counter: negotiate's own, or the offer restated when negotiate agreed.
  const scene = intentArb
    .chain((i) => fc.tuple(fc.constant(i), offerNear(i)))
    .map(([i, offer]) => [i, customerCounter(i, offer)] as const)
    .filter((x): x is readonly [IntentPayload, CounterPayload] => x[1] !== undefined)
    .chain(([i, c]) =>
      fc.tuple(fc.constant(i), fc.constant(c), fc.oneof(positionArb, near(c)), fc.integer({ min: 1, max: 2 ** 31 })),
    )

  it("its counter is one it agrees to, never crosses the customer's hard limits, and never reorders a result", () => {
    const outcomes = new Map<string, number>()
    fc.assert(
      fc.property(scene, ([i, c, p, seed]) => {
        const r = answerCounter(i, c, p)
        outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1)
        const again = answerCounter(
          i,
          CounterPayload.parse({
            ...c,
            terms: { ...c.terms, ...(c.terms.conditions && { conditions: shuffled(c.terms.conditions, seed) }) },
          }),
          {
            ...p,
            terms: { ...p.terms, ...(p.terms.conditions && { conditions: shuffled(p.terms.conditions, seed) }) },
          },
        )
        // The order of conditions and set tokens changes nothing but the counter's own terms, returned as given.
        expect({ ...again, terms: undefined }).toEqual({ ...r, terms: undefined })
        if (r.outcome === 'rejected') expect(r.conflicts.some((x) => x.required)).toBe(true)
        if (r.outcome !== 'counter') return
        expectValidCounter(r.counter)
        // Sent back as the customer's counter, the vendor's own counter is agreed.
        expect(answerCounter(i, asCounter(r.counter), p).outcome).toBe('agreed')
        // The customer's negotiate never has to reject it: no hard limit of the intent is crossed.
        expect(negotiate(i, vendorCounter(r.counter)).outcome).not.toBe('rejected')
      }),
      RUNS,
    )
    for (const o of ['agreed', 'counter', 'rejected']) expect(outcomes.get(o) ?? 0, o).toBeGreaterThan(40)
  })
})

function dealOf(p: Deal): Deal {
  const { quantity, price, deliverBy, terms } = p
  return { quantity, price, ...(deliverBy !== undefined && { deliverBy }), terms }
}
