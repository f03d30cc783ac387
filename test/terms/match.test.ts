import { describe, expect, it } from 'vitest'
import { isIntentcastError } from '../../src/errors.js'
import type { TermSet } from '../../src/model/term-set.js'
import { TermsPayload } from '../../src/model/terms.js'
import { P7012_NAMESPACE } from '../../src/index.js'
import { matchTerms, R_BUTTON_STATUS } from '../../src/terms/index.js'
import { CUSTOMER, ext, shuffled, VENDOR } from './support.js'

const declaration = (role: 'customer' | 'vendor', terms: TermSet) =>
  TermsPayload.parse({
    v: '0.1',
    iss: role === 'customer' ? CUSTOMER : VENDOR,
    iat: 1_700_000_000,
    jti: `terms-${role}`,
    role,
    terms,
  })

const CUSTOMER_TERMS: TermSet = {
  agreements: ['SD-BASE', 'SD-BASE-A'],
  conditions: [
    { id: 'retention-days', value: '30', unit: 'day', required: true },
    { id: 'deletion-on-request', value: true, required: true },
    { id: 'payment-methods', value: ['card', 'bank'] },
    { id: 'warranty-months', value: '24', unit: 'month' },
  ],
}

const VENDOR_TERMS: TermSet = {
  agreements: ['SD-BASE', 'SD-BASE-ATP'],
  conditions: [
    { id: 'retention-days', value: '14', unit: 'day' },
    { id: 'deletion-on-request', value: true },
    { id: 'payment-methods', value: ['paypal', 'card', 'bank'] },
    { id: 'warranty-months', value: '36', unit: 'month' },
    { id: 'no-resale', value: true },
  ],
}

const withCondition = (set: TermSet, ...terms: TermSet['conditions'] & object) => ({
  ...set,
  conditions: [...(set.conditions ?? []).filter((t) => !terms.some((x) => x.id === t.id)), ...terms],
})

describe('matchTerms: lit', () => {
  it('is lit when the vendor takes the proffered agreement and meets every term', () => {
    const r = matchTerms(CUSTOMER_TERMS, VENDOR_TERMS)
    expect(r.state).toBe('lit')
    expect(r.status).toBe(`${P7012_NAMESPACE}AgreementAccepted`)
    expect(r.agreement).toBe('SD-BASE')
    expect(r.conflicts).toEqual([])
    // The vendor's values stand where they meet the bounds; a set narrows to what both list.
    expect(r.terms).toEqual({
      agreement: 'SD-BASE',
      conditions: [
        { id: 'deletion-on-request', value: true },
        { id: 'no-resale', value: true },
        { id: 'payment-methods', value: ['bank', 'card'] },
        { id: 'retention-days', value: '14', unit: 'day' },
        { id: 'warranty-months', value: '36', unit: 'month' },
      ],
    })
  })

  it('takes verified declarations, their payloads, or bare TermSets alike', () => {
    const c = declaration('customer', CUSTOMER_TERMS)
    const v = declaration('vendor', VENDOR_TERMS)
    const bare = matchTerms(CUSTOMER_TERMS, VENDOR_TERMS)
    expect(matchTerms(c, v)).toEqual(bare)
    expect(matchTerms({ payload: c }, { payload: v })).toEqual(bare)
  })

  it('refuses a declaration in the wrong argument', () => {
    const c = declaration('customer', CUSTOMER_TERMS)
    let caught: unknown
    try {
      matchTerms(c, c)
    } catch (e) {
      caught = e
    }
    expect(isIntentcastError(caught, 'ERR_INVALID_ARGUMENT')).toBe(true)
  })

  it('reads agreement IRIs and short IDs as the same agreement', () => {
    const r = matchTerms({ agreements: [`${P7012_NAMESPACE}SD-BASE`] }, { agreements: ['SD-BASE'] })
    expect(r.state).toBe('lit')
    expect(r.agreement).toBe('SD-BASE')
  })

  it('treats an obligation set to false as asking nothing', () => {
    const r = matchTerms(
      { agreements: ['PDC'], conditions: [{ id: 'no-resale', value: false, required: true }] },
      { agreements: ['PDC'] },
    )
    expect(r.state).toBe('lit')
    expect(r.terms).toEqual({ agreement: 'PDC' })
  })
})

describe('matchTerms: agreements (IEEE 7012 accept / one alternative / reject)', () => {
  it('is partial when the vendor takes an alternative the customer lists', () => {
    const r = matchTerms(CUSTOMER_TERMS, { ...VENDOR_TERMS, agreements: ['SD-BASE-A'] })
    expect(r.state).toBe('partial')
    expect(r.status).toBe(R_BUTTON_STATUS.partial)
    expect(r.status).toBe(`${P7012_NAMESPACE}AgreementNegotiationCounterOfferMade`)
    expect(r.agreement).toBe('SD-BASE-A')
    expect(r.conflicts).toEqual([
      {
        term: 'agreement',
        customer: ['SD-BASE', 'SD-BASE-A'],
        vendor: ['SD-BASE-A'],
        required: false,
        message: 'The vendor does not take SD-BASE, your first choice; it takes SD-BASE-A, which you also accept.',
      },
    ])
  })

  it("prefers the customer's earlier alternative whatever the vendor's order", () => {
    const r = matchTerms(
      { agreements: ['SD-BASE', 'SD-BASE-A', 'SD-BASE-AT'] },
      { agreements: ['SD-BASE-AT', 'SD-BASE-A'] },
    )
    expect(r.agreement).toBe('SD-BASE-A')
  })

  it('is partial when the vendor offers one alternative outside a non-strict list: the least permissive SD it takes', () => {
    const r = matchTerms({ agreements: ['SD-BASE'] }, { agreements: ['SD-BASE-ATP-S3P', 'SD-BASE-AT', 'PDC'] })
    expect(r.state).toBe('partial')
    expect(r.agreement).toBe('SD-BASE-AT')
    expect(r.conflicts[0]!.message).toBe(
      'The vendor takes none of your agreements (SD-BASE); it offers SD-BASE-AT (Service delivery, analytics and tracking) instead.',
    )
  })

  it("takes the vendor's most preferred alternative when the SD chain does not apply", () => {
    expect(matchTerms({ agreements: ['PDC-INTENT'] }, { agreements: ['TPR', 'PDC'] }).agreement).toBe('TPR')
  })

  it('says so when the alternative restricts the vendor at least as much as a listed agreement', () => {
    const r = matchTerms({ agreements: ['SD-BASE-A'] }, { agreements: ['SD-BASE-DP'] })
    expect(r.state).toBe('partial')
    expect(r.conflicts[0]!.message).toContain('permits it no more than an agreement you accept')
  })

  it('is dark when the list is strict and the vendor takes none of it', () => {
    const r = matchTerms({ agreements: ['SD-BASE', 'SD-BASE-A'], strict: true }, { agreements: ['SD-BASE-ATP'] })
    expect(r.state).toBe('dark')
    expect(r.status).toBe(`${P7012_NAMESPACE}AgreementRefused`)
    expect(r.agreement).toBeUndefined()
    expect(r.terms.agreement).toBe('SD-BASE')
    expect(r.conflicts).toEqual([
      {
        term: 'agreement',
        customer: ['SD-BASE', 'SD-BASE-A'],
        vendor: ['SD-BASE-ATP'],
        required: true,
        message: 'The vendor takes none of SD-BASE, SD-BASE-A, and you accept no others.',
      },
    ])
  })

  it('is lit under a strict list when the vendor takes the proffered agreement', () => {
    expect(matchTerms({ ...CUSTOMER_TERMS, strict: true }, VENDOR_TERMS).state).toBe('lit')
  })
})

describe('matchTerms: conditions', () => {
  it('is dark when a required term is not met, with a sentence a person can read', () => {
    const r = matchTerms(
      CUSTOMER_TERMS,
      withCondition(VENDOR_TERMS, { id: 'retention-days', value: '90', unit: 'day' }),
    )
    expect(r.state).toBe('dark')
    expect(r.conflicts).toEqual([
      {
        term: 'retention-days',
        customer: { id: 'retention-days', value: '30', unit: 'day', required: true },
        vendor: { id: 'retention-days', value: '90', unit: 'day' },
        required: true,
        message: 'The vendor states data retention of 90 days; you allow at most 30 days.',
      },
    ])
    // The proposal holds the customer's bound.
    expect(r.terms.conditions).toContainEqual({ id: 'retention-days', value: '30', unit: 'day' })
  })

  it('is partial when only negotiable terms conflict; the terms carry the customer position', () => {
    const r = matchTerms(
      CUSTOMER_TERMS,
      withCondition(VENDOR_TERMS, { id: 'warranty-months', value: '12', unit: 'month' }),
    )
    expect(r.state).toBe('partial')
    expect(r.conflicts.map((c) => [c.term, c.required, c.message])).toEqual([
      ['warranty-months', false, 'The vendor states warranty of 12 months; you want at least 24 months.'],
    ])
    expect(r.terms.conditions).toContainEqual({ id: 'warranty-months', value: '24', unit: 'month' })
  })

  it("lets a vendor's required value stand against a negotiable customer bound", () => {
    const r = matchTerms(
      CUSTOMER_TERMS,
      withCondition(VENDOR_TERMS, { id: 'warranty-months', value: '12', unit: 'month', required: true }),
    )
    expect(r.state).toBe('partial')
    expect(r.terms.conditions).toContainEqual({ id: 'warranty-months', value: '12', unit: 'month' })
  })

  it('is dark when a required term is one the vendor does not state', () => {
    const r = matchTerms(CUSTOMER_TERMS, {
      ...VENDOR_TERMS,
      conditions: VENDOR_TERMS.conditions!.filter((t) => t.id !== 'deletion-on-request'),
    })
    expect(r.state).toBe('dark')
    expect(r.conflicts[0]).toMatchObject({
      term: 'deletion-on-request',
      vendor: null,
      required: true,
      message: 'The vendor does not commit to deletion on request; you ask for it.',
    })
  })

  it('is dark when the vendor declines a required obligation', () => {
    const r = matchTerms(CUSTOMER_TERMS, withCondition(VENDOR_TERMS, { id: 'deletion-on-request', value: false }))
    expect(r.conflicts[0]!.message).toBe('The vendor declines deletion on request; you ask for it.')
    expect(r.state).toBe('dark')
  })

  it('is partial when sets do not overlap on a negotiable term', () => {
    const r = matchTerms(CUSTOMER_TERMS, withCondition(VENDOR_TERMS, { id: 'payment-methods', value: ['paypal'] }))
    expect(r.state).toBe('partial')
    expect(r.conflicts[0]!.message).toBe('The vendor supports payment methods paypal; you accept only bank, card.')
  })

  it('compares decimals exactly, not as floats', () => {
    const c: TermSet = { agreements: ['PDC'], conditions: [{ id: 'price', value: '0.3', unit: 'EUR', required: true }] }
    expect(
      matchTerms(c, { agreements: ['PDC'], conditions: [{ id: 'price', value: '0.30000000', unit: 'EUR' }] }).state,
    ).toBe('lit')
    expect(
      matchTerms(c, { agreements: ['PDC'], conditions: [{ id: 'price', value: '0.30000001', unit: 'EUR' }] }).state,
    ).toBe('dark')
    const big: TermSet = {
      agreements: ['PDC'],
      conditions: [{ id: 'price', value: '900719925474099.3', unit: 'EUR', required: true }],
    }
    expect(
      matchTerms(big, { agreements: ['PDC'], conditions: [{ id: 'price', value: '900719925474099.31', unit: 'EUR' }] })
        .state,
    ).toBe('dark')
  })

  it('compares dates exactly, across offsets and below the millisecond', () => {
    const c: TermSet = {
      agreements: ['PDC'],
      conditions: [{ id: 'deliver-by', value: '2030-01-09T18:00:00Z', required: true }],
    }
    const at = (value: string) =>
      matchTerms(c, { agreements: ['PDC'], conditions: [{ id: 'deliver-by', value }] }).state
    expect(at('2030-01-09T19:00:00+01:00')).toBe('lit')
    expect(at('2030-01-09T19:00:00.0000001+01:00')).toBe('dark')
    expect(at('2030-01-09T17:59:59.999999999Z')).toBe('lit')
    expect(at('2030-01-09T12:30:00-05:30')).toBe('lit')
    expect(at('2030-01-09T13:00:00-05:30')).toBe('dark')
  })

  it('is a conflict, never a silent pass, when units differ', () => {
    const c: TermSet = {
      agreements: ['PDC'],
      conditions: [
        { id: 'price', value: '100', unit: 'EUR' },
        { id: ext('weight'), type: 'number', better: 'lower', unit: 'kg', value: '20' },
      ],
    }
    const v: TermSet = {
      agreements: ['PDC'],
      conditions: [
        { id: 'price', value: '10', unit: 'USD' },
        { id: ext('weight'), type: 'number', better: 'lower', unit: 'lb', value: '1' },
      ],
    }
    const r = matchTerms(c, v)
    expect(r.state).toBe('partial')
    expect(r.conflicts.map((x) => x.message)).toEqual([
      'The vendor states weight as a number in lb, lower is better and you as a number in kg, lower is better, so the two cannot be compared.',
      'The vendor states price as a number in USD, lower is better and you as a number in EUR, lower is better, so the two cannot be compared.',
    ])
  })
})

describe('matchTerms: extension terms', () => {
  const wrap = { id: ext('gift-wrap'), type: 'obligation' as const, value: true }

  it('is dark when the customer requires an extension term the vendor does not declare', () => {
    const r = matchTerms(
      { agreements: ['SD-BASE'], conditions: [{ ...wrap, required: true }] },
      { agreements: ['SD-BASE'] },
    )
    expect(r.state).toBe('dark')
    expect(r.conflicts[0]!.message).toBe('The vendor does not commit to gift-wrap; you ask for it.')
  })

  it('is dark when the vendor requires an extension term the customer does not declare', () => {
    const r = matchTerms(
      { agreements: ['SD-BASE'] },
      { agreements: ['SD-BASE'], conditions: [{ ...wrap, required: true }] },
    )
    expect(r.state).toBe('dark')
    expect(r.conflicts).toEqual([
      {
        term: wrap.id,
        customer: null,
        vendor: { ...wrap, required: true },
        required: true,
        message: `The vendor requires gift-wrap (${wrap.id}), which your terms do not cover.`,
      },
    ])
  })

  it('carries an extension term the vendor states without requiring it, and matches one both declare', () => {
    expect(matchTerms({ agreements: ['SD-BASE'] }, { agreements: ['SD-BASE'], conditions: [wrap] })).toMatchObject({
      state: 'lit',
      terms: { conditions: [wrap] },
    })
    expect(
      matchTerms(
        { agreements: ['SD-BASE'], conditions: [{ ...wrap, required: true }] },
        { agreements: ['SD-BASE'], conditions: [wrap] },
      ).state,
    ).toBe('lit')
  })

  it('is a conflict when the two sides define an extension term differently', () => {
    const r = matchTerms(
      {
        agreements: ['SD-BASE'],
        conditions: [
          { id: ext('battery'), type: 'number', better: 'higher', unit: 'Wh', value: '500', required: true },
        ],
      },
      {
        agreements: ['SD-BASE'],
        conditions: [{ id: ext('battery'), type: 'number', better: 'lower', unit: 'Wh', value: '600' }],
      },
    )
    expect(r.state).toBe('dark')
    expect(r.conflicts[0]!.message).toContain('cannot be compared')
  })
})

describe('matchTerms: determinism', () => {
  it('does not depend on the order of conditions or of set values', () => {
    const base = matchTerms(
      CUSTOMER_TERMS,
      withCondition(
        VENDOR_TERMS,
        { id: 'retention-days', value: '90', unit: 'day' },
        { id: 'payment-methods', value: ['paypal'] },
      ),
    )
    for (let seed = 1; seed < 20; seed++) {
      const c = { ...CUSTOMER_TERMS, conditions: shuffled(CUSTOMER_TERMS.conditions, seed)! }
      const v = withCondition(
        VENDOR_TERMS,
        { id: 'retention-days', value: '90', unit: 'day' },
        { id: 'payment-methods', value: ['paypal'] },
      )
      expect(matchTerms(c, { ...v, conditions: shuffled(v.conditions, seed * 7)! })).toEqual(base)
    }
  })
})
