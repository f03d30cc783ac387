/**
 * The element's own schema checks (src/r-button/schema.ts) against the model's zod schemas they
 * restate: the same verdict, and the same checked value, on generated near-valid input and on
 * every term set of the spec's vectors. A rule added to the model and missed by the element
 * fails here.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../src/envelope/checks.js'
import { IntentcastError } from '../../src/errors.js'
import { TermSet } from '../../src/model/term-set.js'
import { checkTermSet, checkTermsPayload } from '../../src/r-button/schema.js'
import { payloadOf, termSet } from './arbitraries.js'

type Outcome = { ok: true; value: unknown } | { ok: false; code: string }

function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() }
  } catch (e) {
    if (!(e instanceof IntentcastError)) throw e
    return { ok: false, code: e.code }
  }
}

/** Runs `prop` and checks that both verdicts came up often enough for the comparison to mean something. */
function differential(arb: fc.Arbitrary<unknown>, zod: (v: unknown) => Outcome, mine: (v: unknown) => Outcome): void {
  let passed = 0
  let failed = 0
  fc.assert(
    fc.property(arb, (value) => {
      const expected = zod(value)
      const actual = mine(value)
      expect(actual).toEqual(expected)
      if (expected.ok) passed++
      else failed++
    }),
    { numRuns: 3000 },
  )
  expect(passed, 'values that pass').toBeGreaterThan(300)
  expect(failed, 'values that fail').toBeGreaterThan(300)
}

const DID = 'did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH'

describe('checkTermSet', () => {
  it('accepts exactly what the TermSet schema accepts, and returns the same value', () => {
    differential(
      termSet,
      (v) => {
        const r = TermSet.safeParse(v)
        return r.success ? { ok: true, value: r.data } : { ok: false, code: 'ERR_INVALID_ARGUMENT' }
      },
      (v) => outcome(() => checkTermSet(v, 'x', 'ERR_INVALID_ARGUMENT')),
    )
  })

  it("accepts every term set of the spec's match vectors", () => {
    const vectors = JSON.parse(readFileSync(new URL('../../spec/vectors/terms.json', import.meta.url), 'utf8')) as {
      match: Array<{ customer: unknown; vendor: unknown }>
    }
    for (const { customer, vendor } of vectors.match) {
      expect(checkTermSet(customer, 'customer', 'ERR_SCHEMA')).toEqual(customer)
      expect(checkTermSet(vendor, 'vendor', 'ERR_SCHEMA')).toEqual(vendor)
    }
  })

  it('names the input, the path and the problem, under the code it is given', () => {
    const fails = (value: unknown) => () =>
      checkTermSet(value, 'vendor-terms is not a valid TermSet', 'ERR_INVALID_ARGUMENT')
    expect(fails(null)).toThrow('vendor-terms is not a valid TermSet: (root): expected an object')
    expect(fails({ agreements: [] })).toThrow(
      'vendor-terms is not a valid TermSet: agreements: expected 1 to 16 entries',
    )
    expect(fails({ agreements: ['SD-BASE', 'NOPE'] })).toThrow(
      'vendor-terms is not a valid TermSet: agreements.1: not an IEEE 7012 agreement in the roster',
    )
    expect(fails({ agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '30' }] })).toThrow(
      'conditions.0: term retention-days: unit must be day',
    )
    expect(fails({ agreements: ['SD-BASE'], extra: 1 })).toThrow(': (root): unknown member extra')
    expect(fails({})).toThrow(expect.objectContaining({ name: 'IntentcastError', code: 'ERR_INVALID_ARGUMENT' }))
    expect(() => checkTermSet({}, 'x', 'ERR_SCHEMA')).toThrow(expect.objectContaining({ code: 'ERR_SCHEMA' }))
  })

  it('refuses a member inherited from a prototype, as zod does', () => {
    const inherited = Object.create({ note: 'x' }) as Record<string, unknown>
    inherited.agreements = ['SD-BASE']
    expect(TermSet.safeParse(inherited).success).toBe(false)
    expect(() => checkTermSet(inherited, 'x', 'ERR_INVALID_ARGUMENT')).toThrow('unknown member note')
  })
})

describe('checkTermsPayload', () => {
  it("accepts exactly what verify's schema step accepts (TermsPayload, and exp after iat)", () => {
    differential(
      payloadOf(DID),
      (v) => outcome(() => checkSchema('terms', v)),
      (v) => outcome(() => checkTermsPayload(v)),
    )
  })

  it('says which claim is wrong', () => {
    const good = {
      v: '0.1',
      iss: DID,
      iat: 1767225600,
      jti: 'vector-jti-0007',
      role: 'vendor',
      terms: { agreements: ['SD-BASE'] },
    }
    expect(checkTermsPayload(good)).toEqual(good)
    expect(() => checkTermsPayload({ ...good, name: 'a\u0001b' })).toThrow(
      'terms: name: control characters or unpaired surrogates',
    )
    expect(() => checkTermsPayload({ ...good, exp: good.iat })).toThrow('terms: exp must be after iat')
    expect(() => checkTermsPayload({ ...good, aud: DID })).toThrow(
      expect.objectContaining({ code: 'ERR_SCHEMA', message: 'terms: (root): unknown member aud' }),
    )
  })
})
