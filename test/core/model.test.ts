/**
 * The message model's typed terms (src/model/term.ts) and digest() on raw input: what `sign*`
 * refuses (ERR_INVALID_ARGUMENT) `verify` refuses too (ERR_SCHEMA), so a signer cannot emit a
 * message no one else can read.
 */
import { describe, expect, it } from 'vitest'
import type { Term } from '../../src/model/term-set.js'
import { digest, signTerms, verify, type TermsBody } from '../../src/index.js'
import { claimsFor, expectCode, headerFor, signCompact, SOON, T0, termsBody, vendor } from '../helpers/fixtures.js'

const withConditions = (conditions: unknown[]): TermsBody => ({
  ...termsBody,
  terms: { agreements: ['SD-BASE'], conditions: conditions as Term[] },
})

/** Signs through the API when it can; either way also signs by hand and checks what verify says. */
async function expectTerms(conditions: unknown[], valid: boolean): Promise<void> {
  const body = withConditions(conditions)
  if (valid) {
    const v = await verify(await signTerms(body, vendor, { now: T0 }), { now: SOON, expect: 'terms' })
    expect(v.payload.terms.conditions).toEqual(conditions)
  } else {
    await expectCode(signTerms(body, vendor, { now: T0 }), 'ERR_INVALID_ARGUMENT')
    const { exp: _, ...claims } = claimsFor(vendor)
    await expectCode(
      verify(await signCompact(headerFor('terms', vendor), { ...claims, ...body }, vendor), { now: SOON }),
      'ERR_SCHEMA',
    )
  }
}

describe('typed terms: catalog terms take their type from the catalog', () => {
  it.each([
    ['retention-days in days', [{ id: 'retention-days', value: '30', unit: 'day', required: true }]],
    ['deletion-on-request', [{ id: 'deletion-on-request', value: true }]],
    ['jurisdiction as a set', [{ id: 'jurisdiction', value: ['DE', 'EU'] }]],
    ['price with a currency unit', [{ id: 'price', value: '999.00', unit: 'EUR' }]],
    ['deliver-by as a date', [{ id: 'deliver-by', value: '2021-04-01T00:00:00Z' }]],
    ['warranty in months', [{ id: 'warranty-months', value: '24', unit: 'month' }]],
    ['payment methods', [{ id: 'payment-methods', value: ['card', 'sepa-debit'] }]],
    [
      'several terms',
      [
        { id: 'no-resale', value: true },
        { id: 'contact-via-agent', value: false },
      ],
    ],
  ])('valid: %s', async (_, conditions) => {
    await expectTerms(conditions, true)
  })

  it.each([
    ['a catalog term restating its type', [{ id: 'no-resale', value: true, type: 'obligation' }]],
    ['a catalog term with better', [{ id: 'retention-days', value: '30', unit: 'day', better: 'higher' }]],
    ['the wrong unit', [{ id: 'retention-days', value: '1', unit: 'month' }]],
    ['no unit', [{ id: 'retention-days', value: '30' }]],
    ['a price without a currency', [{ id: 'price', value: '999.00' }]],
    ['a price with a lower-case currency', [{ id: 'price', value: '999.00', unit: 'eur' }]],
    ['an obligation that is not a boolean', [{ id: 'deletion-on-request', value: 'yes' }]],
    ['a number that is not a decimal string', [{ id: 'retention-days', value: true, unit: 'day' }]],
    ['a float-looking number', [{ id: 'retention-days', value: '1e3', unit: 'day' }]],
    ['a date that is not RFC 3339', [{ id: 'deliver-by', value: 'tomorrow' }]],
    ['a set with a repeated token', [{ id: 'jurisdiction', value: ['DE', 'DE'] }]],
    ['a set given as a string', [{ id: 'jurisdiction', value: 'DE' }]],
    ['a unit on a set term', [{ id: 'jurisdiction', value: ['DE'], unit: 'day' }]],
    [
      'the same term twice',
      [
        { id: 'no-resale', value: true },
        { id: 'no-resale', value: false },
      ],
    ],
    ['an unknown short term', [{ id: 'gift-wrap', value: true }]],
  ])('invalid: %s', async (_, conditions) => {
    await expectTerms(conditions, false)
  })
})

describe('typed terms: extension terms are IRIs that carry their own type', () => {
  const id = 'https://shop.example/terms#gift-wrap'

  it.each([
    ['an obligation', [{ id, type: 'obligation', value: true }]],
    ['a number with better and unit', [{ id, type: 'number', better: 'lower', unit: 'day', value: '3' }]],
    ['a date with better', [{ id, type: 'date', better: 'lower', value: '2021-04-01T00:00:00Z' }]],
    ['a set', [{ id, type: 'set', value: ['red', 'blue'] }]],
  ])('valid: %s', async (_, conditions) => {
    await expectTerms(conditions, true)
  })

  it.each([
    ['no type', [{ id, value: true }]],
    ['a number without better', [{ id, type: 'number', unit: 'day', value: '3' }]],
    ['a number without unit', [{ id, type: 'number', better: 'lower', value: '3' }]],
    ['an obligation with better', [{ id, type: 'obligation', better: 'lower', value: true }]],
    ['an obligation with a unit', [{ id, type: 'obligation', unit: 'day', value: true }]],
    ['a date with a unit', [{ id, type: 'date', better: 'lower', unit: 'day', value: '2021-04-01T00:00:00Z' }]],
    ['an IRI without a fragment', [{ id: 'https://shop.example/terms', type: 'obligation', value: true }]],
    ['a non-http IRI', [{ id: 'urn:x:terms#gift', type: 'obligation', value: true }]],
    ['an unknown type', [{ id, type: 'colour', value: 'red' }]],
  ])('invalid: %s', async (_, conditions) => {
    await expectTerms(conditions, false)
  })
})

describe('7012 agreement IDs: short IDs and DPV IRIs name the same roster entry', () => {
  const iri = 'https://w3id.org/dpv/standards/p7012#SD-BASE'

  it('accepts the IRI form', async () => {
    const v = await verify(
      await signTerms({ ...termsBody, terms: { agreements: [iri, 'PDC-INTENT'] } }, vendor, { now: T0 }),
      { now: SOON, expect: 'terms' },
    )
    expect(v.payload.terms.agreements).toEqual([iri, 'PDC-INTENT'])
  })

  it('refuses one agreement named twice in two spellings, and names outside the roster', async () => {
    await expectCode(
      signTerms({ ...termsBody, terms: { agreements: [iri, 'SD-BASE'] } }, vendor),
      'ERR_INVALID_ARGUMENT',
    )
    await expectCode(
      signTerms({ ...termsBody, terms: { agreements: ['https://w3id.org/dpv/standards/p7012#NOPE'] } }, vendor),
      'ERR_INVALID_ARGUMENT',
    )
    await expectCode(signTerms({ ...termsBody, terms: { agreements: ['sd-base'] } }, vendor), 'ERR_INVALID_ARGUMENT')
  })
})

describe('digest() on raw input', () => {
  it('refuses what is not a message', async () => {
    await expectCode(() => digest('abc'), 'ERR_MALFORMED')
    await expectCode(() => digest('a.b'), 'ERR_MALFORMED')
    await expectCode(() => digest('.ab'), 'ERR_MALFORMED')
    await expectCode(() => digest('{"payload":1}'), 'ERR_MALFORMED')
    for (const bad of [null, undefined, 42, {}, { digest: 42 }])
      await expectCode(() => digest(bad as string), 'ERR_INVALID_ARGUMENT')
  })
})
