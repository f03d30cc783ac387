/**
 * Type-level tests of what the main entry ('intentcast') names: `Proposal` and `Deal`.
 * Checked by `tsc --noEmit`.
 */
import { describe, expectTypeOf, it } from 'vitest'
import {
  Deal,
  dealOf,
  sameDeal,
  type AcceptancePayload,
  type AgreementPayload,
  type CounterPayload,
  type DealTerms,
  type Format,
  type IntentPayload,
  type Money,
  type OfferPayload,
  type Proposal,
  type Verified,
} from '../../src/index.js'

describe('Proposal is a verified offer or counter', () => {
  it('in either envelope by default', () => {
    expectTypeOf<Proposal>().toEqualTypeOf<Verified<'offer' | 'counter'>>()
    expectTypeOf<Proposal>().toEqualTypeOf<Verified<'offer', Format> | Verified<'counter', Format>>()
    expectTypeOf<Proposal['kind']>().toEqualTypeOf<'offer' | 'counter'>()
    expectTypeOf<Proposal['payload']>().toEqualTypeOf<OfferPayload | CounterPayload>()
  })

  it('in one envelope when asked', () => {
    expectTypeOf<Proposal<'jws'>>().toEqualTypeOf<Verified<'offer' | 'counter', 'jws'>>()
    expectTypeOf<Proposal<'cose'>['message']>().toEqualTypeOf<Uint8Array>()
  })

  it('nothing else is a proposal', () => {
    expectTypeOf<Verified<'offer'>>().toExtend<Proposal>()
    expectTypeOf<Verified<'counter'>>().toExtend<Proposal>()
    expectTypeOf<Verified<'intent'>>().not.toExtend<Proposal>()
    expectTypeOf<Verified<'acceptance'>>().not.toExtend<Proposal>()
    expectTypeOf<Verified<'agreement'>>().not.toExtend<Proposal>()
  })
})

describe('Deal, from the main entry', () => {
  it('is a schema (a value) and the type it parses to', () => {
    expectTypeOf<ReturnType<typeof Deal.parse>>().toEqualTypeOf<Deal>()
    expectTypeOf<keyof Deal>().toEqualTypeOf<'quantity' | 'price' | 'deliverBy' | 'terms'>()
    expectTypeOf<Deal['quantity']>().toEqualTypeOf<number>()
    expectTypeOf<Deal['price']>().toEqualTypeOf<Money>()
    expectTypeOf<Deal['terms']>().toEqualTypeOf<DealTerms>()
    expectTypeOf<Deal>().toHaveProperty('deliverBy')
    // deliverBy is optional: a deal without it is a Deal.
    expectTypeOf<Omit<Deal, 'deliverBy'>>().toExtend<Deal>()
  })

  it('offers, counters, acceptances and agreements each carry one; an intent does not', () => {
    expectTypeOf<OfferPayload>().toExtend<Deal>()
    expectTypeOf<CounterPayload>().toExtend<Deal>()
    expectTypeOf<AcceptancePayload>().toExtend<Deal>()
    expectTypeOf<AgreementPayload>().toExtend<Deal>()
    expectTypeOf<IntentPayload>().not.toExtend<Deal>()
  })

  it('dealOf and sameDeal take any message that carries a deal', () => {
    expectTypeOf(dealOf).parameter(0).toEqualTypeOf<Deal>()
    expectTypeOf(dealOf).returns.toEqualTypeOf<Deal>()
    expectTypeOf(sameDeal).parameters.toEqualTypeOf<[Deal, Deal]>()
    expectTypeOf(sameDeal).returns.toEqualTypeOf<boolean>()
    expectTypeOf(dealOf).toBeCallableWith({} as OfferPayload)
    expectTypeOf(sameDeal).toBeCallableWith({} as AcceptancePayload, {} as AgreementPayload)
  })
})
