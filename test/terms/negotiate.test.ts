import { describe, expect, expectTypeOf, it } from 'vitest'
import { isIntentcastError } from '../../src/errors.js'
import { CounterPayload } from '../../src/model/counter.js'
import type { Deal } from '../../src/model/deal.js'
import type { TermSet } from '../../src/model/term-set.js'
import { negotiate, type NegotiationResult } from '../../src/terms/index.js'
import {
  asCounter,
  CUSTOMER,
  expectValidCounter,
  ext,
  intentPayload,
  offerPayload,
  refusal,
  VENDOR,
  verified,
} from './support.js'

const TERMS: TermSet = {
  agreements: ['SD-BASE', 'SD-BASE-A'],
  conditions: [
    { id: 'retention-days', value: '30', unit: 'day', required: true },
    { id: 'deletion-on-request', value: true, required: true },
    { id: 'returns-days', value: '14', unit: 'day' },
    { id: 'payment-methods', value: ['card', 'bank'] },
  ],
}
const WANT = { quantity: 1, maxPrice: { amount: '2000.00', currency: 'EUR' }, deliverBy: '2030-01-09T17:00:00Z' }
const intent = intentPayload(TERMS, WANT)

const GOOD = [
  { id: 'retention-days', value: '14', unit: 'day' },
  { id: 'deletion-on-request', value: true },
  { id: 'returns-days', value: '30', unit: 'day' },
  { id: 'payment-methods', value: ['card'] },
]
const good = (
  over: Partial<{ agreement: string; conditions: object[] }> = {},
  parts: Parameters<typeof offerPayload>[1] = {},
) =>
  offerPayload(
    { agreement: over.agreement ?? 'SD-BASE', conditions: (over.conditions ?? GOOD) as never },
    { price: { amount: '1899.00', currency: 'EUR' }, deliverBy: '2030-01-08T12:00:00Z', ...parts },
  )
const replace = (...terms: object[]) => [
  ...GOOD.filter((t) => !terms.some((x) => (x as { id: string }).id === t.id)),
  ...terms,
]

/** The result narrowed to a counter, as a program narrows it: on `outcome`. */
function counterOf(r: NegotiationResult): Extract<NegotiationResult, { outcome: 'counter' }> {
  if (r.outcome !== 'counter') throw new Error(`expected a counter, got ${r.outcome}`)
  return r
}

describe('negotiate: agreed', () => {
  it("agrees to an offer that meets every term, returning the offer's own terms unchanged", () => {
    const offer = good()
    expect(negotiate(intent, offer)).toEqual({ outcome: 'agreed', terms: offer.terms, conflicts: [] })
    // A verified offer's terms are returned as they are; a bare payload's, after its schema check, as a copy.
    expect(negotiate(verified(intent), verified(offer, 'C'.repeat(43))).terms).toBe(offer.terms)
  })

  it('agrees to an alternative the customer lists, and to an SD agreement no more permissive than one listed', () => {
    expect(negotiate(intent, good({ agreement: 'SD-BASE-A' })).outcome).toBe('agreed')
    expect(negotiate(intent, good({ agreement: 'SD-BASE-DP' })).outcome).toBe('agreed')
    expect(negotiate(intent, good({ agreement: 'https://w3id.org/dpv/standards/p7012#SD-BASE-A-DP' })).outcome).toBe(
      'agreed',
    )
  })

  it("yields a negotiable term on which the vendor's value is required, and says so", () => {
    const r = negotiate(
      intent,
      good({ conditions: replace({ id: 'returns-days', value: '7', unit: 'day', required: true }) }),
    )
    expect(r.outcome).toBe('agreed')
    expect(r.conflicts).toEqual([
      {
        term: 'returns-days',
        customer: { id: 'returns-days', value: '14', unit: 'day' },
        vendor: { id: 'returns-days', value: '7', unit: 'day', required: true },
        required: false,
        message:
          'The vendor states returns window of 7 days; you want at least 14 days. The vendor marks it required and you do not, so its value stands.',
      },
    ])
  })

  it('accepts verified messages as well as payloads, and answers a counter as it answers an offer', () => {
    const offer = good()
    expect(negotiate(verified(intent), verified(offer, 'C'.repeat(43))).outcome).toBe('agreed')
    const counter = CounterPayload.parse({
      ...asCounter({ quantity: 1, price: offer.price, deliverBy: offer.deliverBy, terms: offer.terms }),
      iss: VENDOR,
      aud: CUSTOMER,
    })
    expect(negotiate(verified(intent), counter).outcome).toBe('agreed')
  })
})

describe('negotiate: counter', () => {
  it('moves every conflicting term to the customer position and keeps the rest of the offer', () => {
    const offer = good(
      {
        agreement: 'SD-BASE-ATP',
        conditions: replace(
          { id: 'retention-days', value: '90', unit: 'day' },
          { id: 'payment-methods', value: ['paypal'] },
        ),
      },
      { price: { amount: '2100.00', currency: 'EUR' }, deliverBy: '2030-01-12T12:00:00Z' },
    )
    const r = counterOf(negotiate(intent, offer))
    expect(r.counter).toEqual({
      quantity: 1,
      price: { amount: '2000.00', currency: 'EUR' },
      deliverBy: '2030-01-09T17:00:00Z',
      terms: {
        agreement: 'SD-BASE',
        conditions: [
          { id: 'deletion-on-request', value: true },
          { id: 'payment-methods', value: ['bank', 'card'] },
          { id: 'retention-days', value: '30', unit: 'day' },
          { id: 'returns-days', value: '30', unit: 'day' },
        ],
      },
    })
    expect(r.terms).toEqual(r.counter.terms)
    expectValidCounter(r.counter)
    expect(r.conflicts.map((c) => [c.term, c.required])).toEqual([
      ['agreement', false],
      ['deliver-by', true],
      ['payment-methods', false],
      ['price', true],
      ['retention-days', true],
    ])
    expect(r.conflicts.find((c) => c.term === 'price')!.message).toBe(
      'The vendor states price of 2100.00 EUR; you allow at most 2000.00 EUR.',
    )
  })

  it('adds a term the customer asks for and the offer leaves out', () => {
    const r = counterOf(
      negotiate(
        intent,
        good({ conditions: GOOD.filter((t) => t.id !== 'deletion-on-request') }, { deliverBy: undefined as never }),
      ),
    )
    expect(r.counter.deliverBy).toBe('2030-01-09T17:00:00Z')
    expect(r.counter.terms.conditions).toContainEqual({ id: 'deletion-on-request', value: true })
  })

  it("counters a price in another currency with the customer's ceiling", () => {
    const r = counterOf(negotiate(intent, good({}, { price: { amount: '10.00', currency: 'USD' } })))
    expect(r.counter.price).toEqual({ amount: '2000.00', currency: 'EUR' })
    expect(r.conflicts[0]!.message).toContain('cannot be compared')
  })

  it('carries an extension term the customer asks for into the counter with its type', () => {
    const i = intentPayload(
      { agreements: ['SD-BASE'], conditions: [{ id: ext('gift-wrap'), type: 'obligation', value: true }] },
      WANT,
    )
    const r = counterOf(negotiate(i, good({ conditions: [] })))
    expect(r.counter.terms.conditions).toEqual([{ id: ext('gift-wrap'), type: 'obligation', value: true }])
    expectValidCounter(r.counter)
  })
})

describe('negotiate: rejected', () => {
  it('rejects when a hard limit meets a term the vendor requires', () => {
    const r = negotiate(
      intent,
      good({ conditions: replace({ id: 'retention-days', value: '90', unit: 'day', required: true }) }),
    )
    expect(r.outcome).toBe('rejected')
    expect(r).not.toHaveProperty('counter')
    expect(r.conflicts[0]!.message).toBe(
      'The vendor states data retention of 90 days; you allow at most 30 days. Both sides mark it required, so no counter can settle it.',
    )
  })

  it('rejects a price the vendor marks firm above the ceiling', () => {
    const r = negotiate(
      intent,
      good(
        { conditions: replace({ id: 'price', value: '1', unit: 'EUR', required: true }) },
        { price: { amount: '2500', currency: 'EUR' } },
      ),
    )
    expect(r.outcome).toBe('rejected')
    expect(r.conflicts.map((c) => c.term)).toEqual(['price'])
  })

  it('rejects an agreement outside a strict list', () => {
    const strict = intentPayload({ ...TERMS, strict: true }, WANT)
    const r = negotiate(strict, good({ agreement: 'SD-BASE-DP' }))
    expect(r.outcome).toBe('rejected')
    expect(r.conflicts).toEqual([
      {
        term: 'agreement',
        customer: ['SD-BASE', 'SD-BASE-A'],
        vendor: ['SD-BASE-DP'],
        required: true,
        message:
          'The vendor offers SD-BASE-DP (Service delivery only, with data portability); you accept only SD-BASE, SD-BASE-A.',
      },
    ])
  })

  it('rejects a term the vendor requires that the customer does not declare', () => {
    const r = negotiate(
      intent,
      good({ conditions: [...GOOD, { id: ext('arbitration'), type: 'obligation', value: true, required: true }] }),
    )
    expect(r.outcome).toBe('rejected')
    expect(r.conflicts[0]!.message).toBe(
      `The vendor requires arbitration (${ext('arbitration')}), which your terms do not cover.`,
    )
  })

  it('rejects another quantity than the one wanted', () => {
    const r = negotiate(intent, good({}, { quantity: 2 }))
    expect(r.outcome).toBe('rejected')
    expect(r.conflicts[0]).toMatchObject({ term: 'quantity', customer: 1, vendor: 2, required: true })
  })
})

describe('negotiate: links', () => {
  const fails = (f: () => unknown) => {
    try {
      f()
    } catch (e) {
      return isIntentcastError(e, 'ERR_BROKEN_LINK')
    }
    return false
  }

  it('refuses a proposal addressed to someone else', () => {
    expect(fails(() => negotiate(intent, { ...good(), aud: VENDOR }))).toBe(true)
  })

  it("refuses a proposal that answers another intent, when the intent's digest is known", () => {
    expect(fails(() => negotiate(verified(intent, 'Z'.repeat(43)), good()))).toBe(true)
    const counter = {
      ...asCounter({ quantity: 1, price: good().price, terms: good().terms }),
      iss: VENDOR,
      aud: CUSTOMER,
      intent: 'Z'.repeat(43),
    }
    expect(fails(() => negotiate(verified(intent), counter))).toBe(true)
  })
})

describe('negotiate: the result', () => {
  it('carries the counter deal exactly when the outcome is counter, which the type says too', () => {
    expectTypeOf<Extract<NegotiationResult, { outcome: 'counter' }>['counter']>().toEqualTypeOf<Deal>()
    expectTypeOf<Extract<NegotiationResult, { outcome: 'agreed' }>>().not.toHaveProperty('counter')
    expectTypeOf<Extract<NegotiationResult, { outcome: 'rejected' }>>().not.toHaveProperty('counter')
    expectTypeOf<NegotiationResult['outcome']>().toEqualTypeOf<'agreed' | 'counter' | 'rejected'>()
    const offers = [
      good(),
      good({ agreement: 'SD-BASE-ATP' }),
      good({ conditions: replace({ id: 'retention-days', value: '90', unit: 'day', required: true }) }),
    ]
    expect(offers.map((o) => negotiate(intent, o)).map((r) => [r.outcome, 'counter' in r])).toEqual([
      ['agreed', false],
      ['counter', true],
      ['rejected', false],
    ])
    const r = negotiate(intent, offers[1]!)
    // @ts-expect-error: the counter deal is reached by narrowing on the outcome
    void r.counter
    if (r.outcome === 'counter') expectTypeOf(r.counter).toEqualTypeOf<Deal>()
  })
})

describe('negotiate: arguments', () => {
  it('refuses a bare intent that fails its schema with ERR_INVALID_ARGUMENT naming the argument and the issue', () => {
    const { want: _, ...noWant } = intent
    expect(refusal(() => negotiate(noWant as never, good()))).toBe(
      'ERR_INVALID_ARGUMENT: negotiate: intent is not an intent payload: want: required',
    )
    const nope = { ...intent, terms: { agreements: ['NOPE'] } }
    expect(refusal(() => negotiate(nope as never, good()))).toBe(
      'ERR_INVALID_ARGUMENT: negotiate: intent is not an intent payload: terms.agreements.0: an IEEE 7012 agreement from the roster, such as "SD-BASE", or its DPV IRI',
    )
    expect(refusal(() => negotiate({ payload: nope } as never, good()))).toMatch(
      /^ERR_INVALID_ARGUMENT: negotiate: intent is not an intent payload: terms\.agreements\.0: /,
    )
  })

  it('refuses a bare offer or counter that fails its schema, never a TypeError', () => {
    const numeric = {
      ...good(),
      terms: { agreement: 'SD-BASE', conditions: [{ id: 'retention-days', value: 14, unit: 'day' }] },
    }
    expect(refusal(() => negotiate(intent, numeric as never))).toMatch(
      /^ERR_INVALID_ARGUMENT: negotiate: proposal is not an offer payload: terms\.conditions\.0\.value: /,
    )
    const { price: _, ...noPrice } = good()
    expect(refusal(() => negotiate(intent, noPrice as never))).toBe(
      'ERR_INVALID_ARGUMENT: negotiate: proposal is not an offer payload: price: required',
    )
    const counter = {
      ...asCounter({ quantity: 1, price: good().price, terms: good().terms }),
      iss: VENDOR,
      aud: CUSTOMER,
      quantity: 0,
    }
    expect(refusal(() => negotiate(intent, counter))).toMatch(
      /^ERR_INVALID_ARGUMENT: negotiate: proposal is not a counter payload: quantity: /,
    )
    expect(refusal(() => negotiate(intent, 'offer' as never))).toBe(
      'ERR_INVALID_ARGUMENT: negotiate: proposal is string; pass a message verify returned, or its payload',
    )
    expect(refusal(() => negotiate(undefined as never, good()))).toBe(
      'ERR_INVALID_ARGUMENT: negotiate: intent is undefined; pass a message verify returned, or its payload',
    )
  })

  it('refuses a verified message of the wrong kind, and says what to pass', () => {
    expect(refusal(() => negotiate(verified(good()) as never, good()))).toBe(
      'ERR_INVALID_ARGUMENT: negotiate: intent is a verified offer; pass an intent, as verify returned it or its payload',
    )
    expect(refusal(() => negotiate(verified(intent), verified(intent) as never))).toBe(
      'ERR_INVALID_ARGUMENT: negotiate: proposal is a verified intent; pass an offer or a counter, as verify returned it or its payload',
    )
  })

  it('checks a copy of a verified message, and keeps a digest stored beside a payload for the link check', () => {
    expect(negotiate({ ...verified(intent) }, good()).outcome).toBe('agreed')
    expect(refusal(() => negotiate({ ...verified(intent, 'Z'.repeat(43)) }, good()))).toBe(
      'ERR_BROKEN_LINK: the proposal answers a different intent',
    )
    expect(negotiate({ payload: intent }, good()).outcome).toBe('agreed')
    expect(
      refusal(() => negotiate({ payload: intent, digest: 'Z'.repeat(43) }, { ...good(), inReplyTo: 'Y'.repeat(43) })),
    ).toBe('ERR_BROKEN_LINK: the proposal answers a different intent')
    expect(refusal(() => negotiate({ payload: intent, digest: 42 } as never, good()))).toMatch(
      /^ERR_INVALID_ARGUMENT: negotiate: intent: digest: /,
    )
  })
})
