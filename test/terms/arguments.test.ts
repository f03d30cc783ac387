/**
 * What the terms functions do with arguments that are not messages verify returned: checked
 * against the model's schemas and refused with ERR_INVALID_ARGUMENT, never a TypeError and never
 * a silent answer; and what they do with verified messages: read them as they are, unchecked.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { IntentcastError, isIntentcastError } from '../../src/errors.js'
import { IntentPayload } from '../../src/model/intent.js'
import { OfferPayload } from '../../src/model/offer.js'
import { TermSet } from '../../src/model/term-set.js'
import { TermsPayload } from '../../src/model/terms.js'
import {
  matchTerms,
  negotiate,
  parseTermSet,
  rankOffers,
  safeParseTermSet,
  type TermSetParseResult,
} from '../../src/terms/index.js'
import { CUSTOMER, intentPayload, offerPayload, refusal, termSet, VENDOR, verified } from './support.js'

const VENDOR_TERMS: TermSet = {
  agreements: ['SD-BASE'],
  conditions: [{ id: 'retention-days', value: '14', unit: 'day' }],
}
const declaration = (role: 'customer' | 'vendor', terms: TermSet) =>
  TermsPayload.parse({
    v: '0.1',
    iss: role === 'customer' ? CUSTOMER : VENDOR,
    iat: 1_700_000_000,
    jti: `terms-${role}`,
    role,
    terms,
  })

afterEach(() => {
  vi.restoreAllMocks()
})

describe('matchTerms: bare arguments', () => {
  it('refuses an agreement outside the roster (it answered customer: [null] before)', () => {
    expect(refusal(() => matchTerms({ agreements: ['NOPE'] }, VENDOR_TERMS))).toBe(
      'ERR_INVALID_ARGUMENT: matchTerms: customer is not a valid TermSet: agreements.0: an IEEE 7012 agreement from the roster, such as "SD-BASE", or its DPV IRI',
    )
    expect(refusal(() => matchTerms(VENDOR_TERMS, { agreements: ['SD-BASE', 'NOPE'] }))).toMatch(
      /^ERR_INVALID_ARGUMENT: matchTerms: vendor is not a valid TermSet: agreements\.1: /,
    )
  })

  it('refuses a numeric term value (it threw TypeError: b.indexOf is not a function before)', () => {
    const numeric = {
      agreements: ['SD-BASE'],
      conditions: [{ id: 'retention-days', value: 30, unit: 'day', required: true }],
    }
    expect(refusal(() => matchTerms(numeric as never, VENDOR_TERMS))).toBe(
      'ERR_INVALID_ARGUMENT: matchTerms: customer is not a valid TermSet: conditions.0.value: true or false, a string of at most 64 characters, or a list of 1 to 32 tokens (a letter or digit, then letters, digits, ".", "_", ":" or "-")',
    )
    expect(
      refusal(() =>
        matchTerms(VENDOR_TERMS, {
          agreements: ['SD-BASE'],
          conditions: [{ id: 'retention-days', value: 14, unit: 'day' }],
        } as never),
      ),
    ).toMatch(/^ERR_INVALID_ARGUMENT: matchTerms: vendor is not a valid TermSet: conditions\.0\.value: /)
  })

  it('refuses what is not an object, a bad declaration payload, and a declaration of the other party', () => {
    expect(refusal(() => matchTerms(null as never, VENDOR_TERMS))).toBe(
      'ERR_INVALID_ARGUMENT: matchTerms: customer is null; pass a TermSet, or a terms declaration verify returned, or its payload',
    )
    expect(refusal(() => matchTerms(VENDOR_TERMS, 'SD-BASE' as never))).toMatch(
      /^ERR_INVALID_ARGUMENT: matchTerms: vendor is string; /,
    )
    const bad = { ...declaration('vendor', VENDOR_TERMS), terms: { agreements: [] } }
    expect(refusal(() => matchTerms(VENDOR_TERMS, bad as never))).toMatch(
      /^ERR_INVALID_ARGUMENT: matchTerms: vendor is not a terms declaration payload: terms\.agreements: /,
    )
    expect(refusal(() => matchTerms(VENDOR_TERMS, { payload: bad }))).toMatch(
      /^ERR_INVALID_ARGUMENT: matchTerms: vendor is not a terms declaration payload: terms\.agreements: /,
    )
    expect(refusal(() => matchTerms(declaration('vendor', VENDOR_TERMS), VENDOR_TERMS))).toBe(
      "ERR_INVALID_ARGUMENT: matchTerms: customer must be a customer's terms declaration, not a vendor's",
    )
    expect(refusal(() => matchTerms(verified(intentPayload(VENDOR_TERMS)) as never, VENDOR_TERMS))).toBe(
      'ERR_INVALID_ARGUMENT: matchTerms: customer is a verified intent; pass a terms declaration, as verify returned it or its payload',
    )
  })

  it('takes a verified declaration as it is, and checks a bare one', () => {
    const spy = vi.spyOn(TermsPayload, 'safeParse')
    const v = declaration('vendor', VENDOR_TERMS)
    expect(matchTerms(VENDOR_TERMS, verified(v)).state).toBe('lit')
    expect(spy).not.toHaveBeenCalled()
    expect(matchTerms(VENDOR_TERMS, v).state).toBe('lit')
    expect(spy).toHaveBeenCalledTimes(1)
  })

  it('refuses, with ERR_INVALID_ARGUMENT and never anything else, any value that is not a TermSet or a declaration', () => {
    const value = fc.anything({
      withNullPrototype: true,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withBigInt: true,
      withDate: true,
    })
    // Valid term sets with one thing broken: a value, an ID, a unit, an agreement, a flag, or an extra member.
    const broken = fc
      .tuple(
        termSet(),
        value,
        fc.constantFrom('value', 'id', 'unit', 'required', 'agreement', 'agreements', 'strict', 'conditions', 'extra'),
        fc.nat(),
      )
      .map(([set, v, where, n]) => {
        const copy = structuredClone(set) as Record<string, unknown> & {
          agreements: unknown[]
          conditions?: Array<Record<string, unknown>>
        }
        const term = copy.conditions?.[n % Math.max(1, copy.conditions.length)]
        if (term && ['value', 'id', 'unit', 'required'].includes(where)) term[where] = v
        else if (where === 'agreement') copy.agreements[n % copy.agreements.length] = v
        else copy[where === 'extra' ? `x${n % 3}` : where] = v
        return copy
      })
    const accepted = (x: unknown) =>
      TermSet.safeParse(x).success ||
      TermsPayload.safeParse(x).success ||
      (typeof x === 'object' && x !== null && 'payload' in x && TermsPayload.safeParse(x.payload).success)
    fc.assert(
      fc.property(fc.oneof(value, broken), fc.boolean(), (x, first) => {
        fc.pre(!accepted(x))
        let caught: unknown
        try {
          if (first) matchTerms(x as never, VENDOR_TERMS)
          else matchTerms(VENDOR_TERMS, x as never)
        } catch (e) {
          caught = e
        }
        expect(isIntentcastError(caught, 'ERR_INVALID_ARGUMENT'), String(caught)).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })
})

describe('parseTermSet and safeParseTermSet', () => {
  it('return a checked copy of a valid term set', () => {
    const set = {
      agreements: ['SD-BASE', 'https://w3id.org/dpv/standards/p7012#SD-BASE-A'],
      strict: true,
      conditions: [{ id: 'payment-methods', value: ['card'] }],
    }
    const parsed = parseTermSet(set)
    expect(parsed).toEqual(set)
    expect(parsed).not.toBe(set)
    expect(safeParseTermSet(set)).toEqual({ success: true, data: set })
    expectTypeOf(parsed).toEqualTypeOf<TermSet>()
    expectTypeOf(safeParseTermSet).returns.toEqualTypeOf<TermSetParseResult>()
  })

  it('refuse an invalid one with ERR_INVALID_ARGUMENT locating the first issue; safeParseTermSet returns that error', () => {
    const cases: Array<[unknown, string]> = [
      [
        { agreements: ['NOPE'] },
        'agreements.0: an IEEE 7012 agreement from the roster, such as "SD-BASE", or its DPV IRI',
      ],
      [{ agreements: [] }, 'agreements: '],
      [
        { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: 30, unit: 'day' }] },
        'conditions.0.value: ',
      ],
      [
        { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '30', unit: 'month' }] },
        'conditions.0.unit: "day", the unit of "retention-days"',
      ],
      [{ agreements: ['SD-BASE'], extra: true }, '(root): '],
      [null, '(root): '],
      ['SD-BASE', '(root): '],
    ]
    for (const [x, issue] of cases) {
      expect(refusal(() => parseTermSet(x))).toContain(
        `ERR_INVALID_ARGUMENT: parseTermSet: the value is not a valid TermSet: ${issue}`,
      )
      const r = safeParseTermSet(x)
      expect(r.success).toBe(false)
      if (!r.success) {
        expect(r.error).toBeInstanceOf(IntentcastError)
        expect(`${r.error.code}: ${r.error.message}`).toBe(refusal(() => parseTermSet(x)))
      }
    }
  })
})

describe('rankOffers: arguments', () => {
  const intent = intentPayload({ agreements: ['SD-BASE'] })
  const offer = (jti: string) => offerPayload({ agreement: 'SD-BASE' }, { jti })

  it('refuses a bare offer that fails its schema, naming its index, rather than excluding it', () => {
    const bad = { ...offer('offer-0002'), price: { amount: 100, currency: 'EUR' } }
    expect(refusal(() => rankOffers(intent, [offer('offer-0001'), bad as never]))).toMatch(
      /^ERR_INVALID_ARGUMENT: rankOffers: offers\[1\] is not an offer payload: price\.amount: /,
    )
    const numeric = offerPayload({ agreement: 'SD-BASE' })
    const withNumber = {
      ...numeric,
      terms: { agreement: 'SD-BASE', conditions: [{ id: 'warranty-months', value: 24, unit: 'month' }] },
    }
    expect(refusal(() => rankOffers(intent, [withNumber as never]))).toMatch(
      /^ERR_INVALID_ARGUMENT: rankOffers: offers\[0\] is not an offer payload: terms\.conditions\.0\.value: /,
    )
  })

  it('refuses a bad intent, offers that are not an array, and an offer that is not an object', () => {
    expect(refusal(() => rankOffers({ ...intent, want: {} } as never, [offer('offer-0001')]))).toMatch(
      /^ERR_INVALID_ARGUMENT: rankOffers: intent is not an intent payload: want\.item: /,
    )
    expect(refusal(() => rankOffers(intent, offer('offer-0001') as never))).toBe(
      'ERR_INVALID_ARGUMENT: rankOffers: offers must be an array of offers or counters',
    )
    expect(refusal(() => rankOffers(intent, [offer('offer-0001'), 7 as never]))).toBe(
      'ERR_INVALID_ARGUMENT: rankOffers: offers[1] is number; pass a message verify returned, or its payload',
    )
  })

  it('checks no verified offer again: ranking a thousand of them parses no schema', () => {
    const offers = Array.from({ length: 1000 }, (_, i) =>
      verified(offer(`offer-${String(i).padStart(4, '0')}`), 'C'.repeat(43)),
    )
    const spies = [
      vi.spyOn(OfferPayload, 'safeParse'),
      vi.spyOn(IntentPayload, 'safeParse'),
      vi.spyOn(TermSet, 'safeParse'),
    ]
    const r = rankOffers(verified(intent), offers)
    expect(r.ranked).toHaveLength(1000)
    for (const s of spies) expect(s).not.toHaveBeenCalled()
    // A bare intent is checked once, whatever the number of offers.
    rankOffers(intent, offers)
    expect(spies[1]).toHaveBeenCalledTimes(1)
    expect(spies[0]).not.toHaveBeenCalled()
  })

  it('returns each offer as given, bare ones included', () => {
    const bare = offer('offer-0001')
    expect(rankOffers(intent, [bare]).ranked[0]!.offer).toBe(bare)
  })
})

describe('negotiate: arguments, at random', () => {
  it('answers or refuses with an IntentcastError; a payload that fails its schema is ERR_INVALID_ARGUMENT', () => {
    const intent = intentPayload(
      { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '30', unit: 'day', required: true }] },
      { maxPrice: { amount: '100', currency: 'EUR' } },
    )
    const base = offerPayload(
      { agreement: 'SD-BASE', conditions: [{ id: 'retention-days', value: '30', unit: 'day' }] },
      { price: { amount: '90', currency: 'EUR' } },
    )
    const paths = [
      ['price', 'amount'],
      ['price'],
      ['quantity'],
      ['deliverBy'],
      ['terms', 'agreement'],
      ['terms', 'conditions'],
      ['terms', 'conditions', 0, 'value'],
      ['terms', 'conditions', 0, 'unit'],
      ['aud'],
      ['inReplyTo'],
      ['extra'],
    ] as const
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.anything({ withNullPrototype: true, withBoxedValues: true, withBigInt: true }),
        (path, value) => {
          const offer = structuredClone(base) as unknown as Record<string | number, unknown>
          let at = offer
          for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>
          at[path[path.length - 1]!] = value
          let caught: unknown
          try {
            negotiate(intent, offer as never)
          } catch (e) {
            caught = e
          }
          if (OfferPayload.safeParse(offer).success)
            expect(caught === undefined || isIntentcastError(caught, 'ERR_BROKEN_LINK'), String(caught)).toBe(true)
          else expect(isIntentcastError(caught, 'ERR_INVALID_ARGUMENT'), String(caught)).toBe(true)
        },
      ),
      { numRuns: 500 },
    )
  })
})
