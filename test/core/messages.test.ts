/**
 * Messages people can act on (issue 13): a schema failure names the field, by its path, and says
 * what belongs there, in the same words whether a peer sent it (verify: ERR_SCHEMA) or the
 * calling program tried to sign it (sign*: ERR_INVALID_ARGUMENT). The codes are the contract;
 * these tests hold the wording, so a message that regresses to zod's "Invalid input" fails here.
 */
import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { parseWith } from '../../src/model/parse.js'
import {
  signAcceptance,
  signCounter,
  signIntent,
  signOffer,
  signSubscription,
  verify,
  type IntentBody,
  type OfferBody,
} from '../../src/index.js'
import {
  claimsFor,
  customer,
  expectCode,
  headerFor,
  intentBody,
  intentPayload,
  offerBody,
  RELAY,
  signCompact,
  SOME_DIGEST,
  SOON,
  T0,
  vendor,
} from '../helpers/fixtures.js'

type Json = Record<string, unknown>

const intent = (): Json => intentPayload()
const offer = (): Json => ({ ...claimsFor(vendor), aud: customer.did, ...structuredClone(offerBody(SOME_DIGEST)) })
const want = (p: Json): Json => p['want'] as Json
const without = (p: Json, key: string): Json => {
  const { [key]: _, ...rest } = p
  return rest
}
const conditions = (...terms: Json[]): Json => ({ agreement: 'SD-BASE', conditions: terms })

const DATE_TIME = 'an RFC 3339 date-time with an offset, like "2026-11-27T18:00:00Z"'
const DID = 'a DID such as did:key:z6Mk…'
const AGREEMENT = 'an IEEE 7012 agreement from the roster, such as "SD-BASE", or its DPV IRI'
const TERM_ID =
  'a catalog term such as "retention-days", or an extension term\'s IRI such as "https://example.com/terms#gift-wrap"'

/** A typical mistake: the message it is in, and the whole message `verify` gives for it. */
type Mistake = readonly [name: string, kind: 'intent' | 'offer', payload: () => Json, message: string]

const MISTAKES: readonly Mistake[] = [
  [
    'a price as a number',
    'offer',
    () => ({ ...offer(), price: { amount: 2000, currency: 'EUR' } }),
    'offer: price.amount: a decimal string like "2000.00"',
  ],
  [
    'a price with a thousands separator',
    'offer',
    () => ({ ...offer(), price: { amount: '2,000.00', currency: 'EUR' } }),
    'offer: price.amount: a decimal string like "2000.00"',
  ],
  ['a price as one string', 'offer', () => ({ ...offer(), price: '999.00 EUR' }), 'offer: price: an object'],
  ['no price', 'offer', () => without(offer(), 'price'), 'offer: price: required'],
  [
    'a currency in lower case',
    'offer',
    () => ({ ...offer(), price: { amount: '999.00', currency: 'eur' } }),
    'offer: price.currency: an ISO 4217 currency code like "EUR"',
  ],
  ['no terms', 'intent', () => without(intent(), 'terms'), 'intent: terms: required'],
  [
    'a date without a time',
    'intent',
    () => ({ ...intent(), want: { ...want(intent()), deliverBy: '2026-11-27' } }),
    `intent: want.deliverBy: ${DATE_TIME}`,
  ],
  [
    'a date-time without an offset',
    'intent',
    () => ({ ...intent(), want: { ...want(intent()), deliverBy: '2026-11-27T18:00:00' } }),
    `intent: want.deliverBy: ${DATE_TIME}`,
  ],
  [
    'a day the month does not have',
    'intent',
    () => ({ ...intent(), want: { ...want(intent()), deliverBy: '2021-02-29T18:00:00Z' } }),
    'intent: want.deliverBy: a date that exists: 2021-02-29 does not',
  ],
  ['an extra member', 'intent', () => ({ ...intent(), foo: 1 }), 'intent: (root): unknown member "foo"'],
  [
    'an extra nested member',
    'intent',
    () => ({ ...intent(), want: { ...want(intent()), maxPrice: { amount: '1.00', currency: 'EUR', fx: 'USD' } } }),
    'intent: want.maxPrice: unknown member "fx"',
  ],
  ['an audience that is not a DID', 'intent', () => ({ ...intent(), aud: 'alice' }), `intent: aud: ${DID}`],
  [
    'a quantity with a fraction',
    'offer',
    () => ({ ...offer(), quantity: 1.5 }),
    'offer: quantity: a whole number from 1 to 1,000,000',
  ],
  [
    'a quantity as a string',
    'offer',
    () => ({ ...offer(), quantity: '2' }),
    'offer: quantity: a whole number from 1 to 1,000,000',
  ],
  [
    'a term with an unknown ID',
    'offer',
    () => ({ ...offer(), terms: conditions({ id: 'gift-wrap', value: true }) }),
    `offer: terms.conditions.0.id: ${TERM_ID}`,
  ],
  [
    'a term in the wrong unit',
    'offer',
    () => ({ ...offer(), terms: conditions({ id: 'retention-days', value: '30', unit: 'days' }) }),
    'offer: terms.conditions.0.unit: "day", the unit of "retention-days"',
  ],
  [
    'an obligation given as a word',
    'offer',
    () => ({ ...offer(), terms: conditions({ id: 'deletion-on-request', value: 'yes' }) }),
    'offer: terms.conditions.0.value: true or false: "deletion-on-request" is an obligation',
  ],
  [
    'a number term given as a word',
    'offer',
    () => ({ ...offer(), terms: conditions({ id: 'returns-days', value: 'thirty', unit: 'day' }) }),
    'offer: terms.conditions.0.value: a decimal string like "30": "returns-days" is a number',
  ],
  [
    'a term twice',
    'offer',
    () => ({ ...offer(), terms: conditions({ id: 'no-resale', value: true }, { id: 'no-resale', value: true }) }),
    'offer: terms.conditions: each term at most once: "no-resale" appears twice',
  ],
  [
    'an agreement outside the roster',
    'intent',
    () => ({ ...intent(), terms: { agreements: ['GDPR'] } }),
    `intent: terms.agreements.0: ${AGREEMENT}`,
  ],
  [
    'no agreements',
    'intent',
    () => ({ ...intent(), terms: { agreements: [] } }),
    'intent: terms.agreements: a list of 1 to 16 IEEE 7012 agreements, such as ["SD-BASE"]',
  ],
  [
    'a region spelt out',
    'intent',
    () => ({ ...intent(), want: { ...want(intent()), region: 'Berlin' } }),
    'intent: want.region: an ISO 3166 country or subdivision code like "DE" or "DE-BE"',
  ],
  [
    'an empty item name',
    'intent',
    () => ({ ...intent(), want: { ...want(intent()), item: { name: '' } } }),
    'intent: want.item.name: text of 1 to 200 characters',
  ],
  [
    'a strict flag as a word',
    'intent',
    () => ({ ...intent(), terms: { agreements: ['SD-BASE'], strict: 'yes' } }),
    'intent: terms.strict: true or false',
  ],
]

describe('verify: a signed message that breaks its schema is refused with the field and what it expects', () => {
  it.each(MISTAKES)('%s', async (_, kind, payload, message) => {
    const signer = kind === 'offer' ? vendor : customer
    const token = await signCompact(headerFor(kind, signer), payload(), signer)
    const e = await expectCode(verify(token, { now: SOON }), 'ERR_SCHEMA')
    expect(e.message).toBe(message)
  })

  it('never falls back to zod\'s "Invalid input", nor prints a pattern', async () => {
    for (const [, kind, payload] of MISTAKES) {
      const signer = kind === 'offer' ? vendor : customer
      const e = await expectCode(
        verify(await signCompact(headerFor(kind, signer), payload(), signer), { now: SOON }),
        'ERR_SCHEMA',
      )
      expect(e.message).not.toMatch(/Invalid input|\^|\$\/|\[A-Z/)
    }
  })
})

/** The fixture intent body with `change` applied, as a plain-JavaScript caller might pass it. */
const intentWith = (change: Json): IntentBody => ({ ...structuredClone(intentBody), ...change })
const offerWith = (change: Json): OfferBody => ({ ...offerBody(SOME_DIGEST), ...change })
const signed = { now: T0, audience: customer.did }

describe("sign*: a body that breaks its schema is the program's mistake, located and explained the same way", () => {
  it('a bad price', async () => {
    const e = await expectCode(
      signOffer(offerWith({ price: { amount: 1999.5, currency: 'EUR' } }), vendor, signed),
      'ERR_INVALID_ARGUMENT',
    )
    expect(e.message).toBe('invalid offer: price.amount: a decimal string like "2000.00"')
  })

  it('no terms', async () => {
    const { terms: _, ...noTerms } = structuredClone(intentBody)
    const e = await expectCode(signIntent(noTerms as IntentBody, customer, { now: T0 }), 'ERR_INVALID_ARGUMENT')
    expect(e.message).toBe('invalid intent: terms: required')
  })

  it('a date without a time', async () => {
    const e = await expectCode(
      signIntent(intentWith({ want: { ...intentBody.want, deliverBy: '2021-04-01' } }), customer, { now: T0 }),
      'ERR_INVALID_ARGUMENT',
    )
    expect(e.message).toBe(`invalid intent: want.deliverBy: ${DATE_TIME}`)
  })

  it('an extra member', async () => {
    const e = await expectCode(signIntent(intentWith({ foo: 1 }), customer, { now: T0 }), 'ERR_INVALID_ARGUMENT')
    expect(e.message).toBe('invalid intent: (root): unknown member "foo"')
  })

  it('several extra members, quoted and counted', async () => {
    const e = await expectCode(
      signIntent(intentWith({ a: 1, b: 2, 'c\nd': 3, e: 4, f: 5 }), customer, { now: T0 }),
      'ERR_INVALID_ARGUMENT',
    )
    expect(e.message).toBe('invalid intent: (root): unknown members "a", "b", "c\\nd" and 2 more')
  })

  it('an audience that is not a DID', async () => {
    const e = await expectCode(
      signIntent(structuredClone(intentBody), customer, { now: T0, audience: 'alice' }),
      'ERR_INVALID_ARGUMENT',
    )
    expect(e.message).toBe(`invalid intent: aud: ${DID}`)
  })

  it('a jti that is too short', async () => {
    const e = await expectCode(
      signIntent(structuredClone(intentBody), customer, { now: T0, jti: 'short' }),
      'ERR_INVALID_ARGUMENT',
    )
    expect(e.message).toBe('invalid intent: jti: 8 to 64 base64url characters')
  })

  it('a quantity with a fraction', async () => {
    const e = await expectCode(signOffer(offerWith({ quantity: 0.5 }), vendor, signed), 'ERR_INVALID_ARGUMENT')
    expect(e.message).toBe('invalid offer: quantity: a whole number from 1 to 1,000,000')
  })

  it('a term with an unknown ID', async () => {
    const e = await expectCode(
      signOffer(offerWith({ terms: conditions({ id: 'gift-wrap', value: true }) }), vendor, signed),
      'ERR_INVALID_ARGUMENT',
    )
    expect(e.message).toBe(`invalid offer: terms.conditions.0.id: ${TERM_ID}`)
  })

  it('an extension term without its type', async () => {
    const gift = { id: 'https://shop.example/terms#gift-wrap', value: true }
    const e = await expectCode(
      signOffer(offerWith({ terms: conditions(gift) }), vendor, signed),
      'ERR_INVALID_ARGUMENT',
    )
    expect(e.message).toBe(
      'invalid offer: terms.conditions.0.type: "obligation", "number", "date" or "set": ' +
        '"https://shop.example/terms#gift-wrap" is an extension term',
    )
  })
})

describe('sign*: a message addressed to one party says so with the right article', () => {
  it.each([
    ['an offer', () => signOffer(offerBody(SOME_DIGEST), vendor, { now: T0 })],
    ['a counter', () => signCounter({} as never, vendor, { now: T0 })],
    ['an acceptance', () => signAcceptance({} as never, customer, { now: T0 })],
  ])('%s', async (noun, sign) => {
    const e = await expectCode(sign(), 'ERR_INVALID_ARGUMENT')
    expect(e.message).toBe(`${noun} is addressed to one party: pass options.audience`)
  })

  it('a subscription is JWS only', async () => {
    const options = { now: T0, audience: RELAY, format: 'cose' } as never
    const e = await expectCode(signSubscription({ filters: {} }, vendor, options), 'ERR_INVALID_ARGUMENT')
    expect(e.message).toBe('a subscription is JWS only (spec §Relay binding)')
  })
})

describe('parseWith: what a schema without its own messages is worded as, by the issue', () => {
  const schema = z.object({
    flag: z.boolean(),
    role: z.enum(['customer', 'vendor', 'relay']),
    tags: z.array(z.string()).check(z.minLength(1), z.maxLength(2)),
    nested: z.optional(z.strictObject({ n: z.number() })),
  })
  const good = { flag: true, role: 'vendor', tags: ['a'] }
  const message = (value: unknown) => {
    try {
      parseWith(schema, value, 'x', 'ERR_SCHEMA')
    } catch (e) {
      return (e as Error).message
    }
    return 'passed'
  }

  it('a member that is not there is required; one of the wrong type says the type', () => {
    expect(message({ ...good, flag: undefined })).toBe('x: flag: required')
    expect(message({ ...good, flag: 'yes' })).toBe('x: flag: true or false')
    expect(message({ ...good, nested: 1 })).toBe('x: nested: an object')
    expect(message({ ...good, nested: {} })).toBe('x: nested.n: required')
    expect(message({ ...good, nested: { n: 'one' } })).toBe('x: nested.n: a number')
    expect(message('flag')).toBe('x: (root): an object')
  })

  it('an enum lists its values; a list says its bounds', () => {
    expect(message({ ...good, role: 'buyer' })).toBe('x: role: "customer", "vendor" or "relay"')
    expect(message({ ...good, tags: [] })).toBe('x: tags: at least 1 entry')
    expect(message({ ...good, tags: ['a', 'b', 'c'] })).toBe('x: tags: at most 2 entries')
  })

  it('an unknown member of a strict object is named', () => {
    expect(message({ ...good, nested: { n: 1, m: 2 } })).toBe('x: nested: unknown member "m"')
  })

  it('a getter that throws when read again for the message is taken as present, not thrown', () => {
    let reads = 0
    const tricky = {
      ...good,
      get flag() {
        if (reads++ > 0) throw new Error('read twice')
        return 'yes'
      },
    }
    expect(message(tricky)).toBe('x: flag: true or false')
  })

  it('keeps the code it is given', () => {
    expect(() => parseWith(schema, {}, 'x', 'ERR_INVALID_ARGUMENT')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: 'x: flag: required' }),
    )
  })
})

describe('Text(200) in item attributes counts code points, as every other Text field does', () => {
  it('takes 200 emoji and refuses 201', async () => {
    const { Item } = await import('../../src/model/primitives.js')
    const item = (n: number) => ({ name: 'cargo bike', attributes: { colour: '😀'.repeat(n) } })
    expect(Item.safeParse(item(200)).success).toBe(true)
    expect(Item.safeParse(item(201)).success).toBe(false)
    expect(Item.safeParse({ name: '😀'.repeat(200) }).success).toBe(true)
  })
})

describe('a value zod cannot read is refused with the caller’s code, never a TypeError', () => {
  it('a list whose length is an object without a prototype (found by the negotiate property)', async () => {
    const { TermSet } = await import('../../src/model/term-set.js')
    const { matchTerms } = await import('../../src/terms/index.js')
    const bad = { agreements: ['SD-BASE'], conditions: { length: Object.create(null) as object } }
    expect(() => parseWith(TermSet, bad, 'a term set', 'ERR_INVALID_ARGUMENT')).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARGUMENT',
        message: 'a term set: a value that can be read (reading this one threw)',
      }),
    )
    expect(() => matchTerms(bad as never, { agreements: ['SD-BASE'] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    )
  })
})
