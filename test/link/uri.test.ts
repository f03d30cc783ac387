/**
 * `intentcast:` links (spec §COSE binding, Links and QR codes): the exact grammar, strict
 * reading with the right codes, verification of both parts, and properties over random and
 * mutated links.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeCbor } from '../../src/cose/cbor-encode.js'
import { CborTag } from '../../src/cose/cbor-value.js'
import { IntentcastError } from '../../src/errors.js'
import { countersign, signAgreement, signIntent, signOffer, signTerms, verify } from '../../src/index.js'
import { BASE45_ALPHABET, decodeBase45, encodeBase45 } from '../../src/link/base45.js'
import { LINK_DEFAULT_MAX_BYTES, parseIntentcastUri, toIntentcastUri, verifyIntentcastUri } from '../../src/index.js'
import {
  SOME_DIGEST,
  T0,
  agreementBodyFor,
  customer,
  expectCode,
  intentBody,
  offerBody,
  termsBody,
  vendor,
} from '../helpers/fixtures.js'

const now = T0
const cose = { now, format: 'cose' } as const
const intent = await signIntent(intentBody, customer, { ...cose, jti: 'link-intent-0001' })
const terms = await signTerms(termsBody, vendor, { ...cose, jti: 'link-terms-0001' })
const offer = await signOffer(offerBody(SOME_DIGEST), vendor, {
  ...cose,
  audience: customer.did,
  jti: 'link-offer-0001',
})
const agreement = await countersign(
  await signAgreement(
    agreementBodyFor({ intent: SOME_DIGEST, offer: SOME_DIGEST, acceptance: SOME_DIGEST }),
    customer,
    cose,
  ),
  vendor,
  { now },
)
const customerTerms = await signTerms({ ...termsBody, role: 'customer' }, customer, cose)
const jwsIntent = await signIntent(intentBody, customer, { now })

/** What a link's payload is made of, built by hand: base45 of `cbor`, percent-encoded, after the scheme. */
const linkOf = (cbor: Uint8Array, scheme = 'INTENTCAST:') =>
  scheme + encodeBase45(cbor).replace(/%/g, '%25').replace(/ /g, '%20')

describe('the URI form', () => {
  it('round-trips a message alone, with terms, and an agreement', () => {
    for (const [message, t] of [
      [intent, undefined],
      [intent, terms],
      [offer, terms],
      [agreement, undefined],
      [terms, undefined],
    ] as const) {
      const uri = toIntentcastUri(message, t === undefined ? {} : { terms: t })
      const back = parseIntentcastUri(uri)
      expect(back.message).toEqual(message)
      expect(back.terms).toEqual(t)
      expect('terms' in back).toBe(t !== undefined)
    }
  })

  it('is INTENTCAST: and base45 of the CBOR array [message, terms?], with space and % percent-encoded', () => {
    const uri = toIntentcastUri(intent, { terms })
    expect(uri.startsWith('INTENTCAST:')).toBe(true)
    const text = uri.slice(11).replace(/%20/g, ' ').replace(/%25/g, '%')
    expect(decodeBase45(text)).toEqual(encodeCbor([intent, terms]))
  })

  it('stays in the QR alphanumeric set and is an RFC 3986 URI', () => {
    const alphanumeric = new Set(BASE45_ALPHABET)
    for (const uri of [toIntentcastUri(intent), toIntentcastUri(intent, { terms }), toIntentcastUri(agreement)]) {
      for (const c of uri) expect(alphanumeric.has(c), c).toBe(true)
      expect(uri).not.toContain(' ')
      // absolute-URI = scheme ":" path-rootless, pchar only (unreserved / pct-encoded / sub-delims / ":" / "@"), no "//".
      expect(uri).toMatch(/^[A-Za-z][A-Za-z0-9+.-]*:(?!\/\/)(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$/)
      const url = new URL(uri)
      expect(url.protocol).toBe('intentcast:')
      expect(url.pathname).toBe(uri.slice(11))
    }
  })

  it('the first characters are fixed by the array and byte string heads, and never "/"', () => {
    // 0x81/0x82 then 0x58/0x59: none of them starts the text with "/", so the URI never has an authority.
    for (const head of [
      [0x81, 0x58],
      [0x81, 0x59],
      [0x82, 0x58],
      [0x82, 0x59],
    ])
      expect(encodeBase45(Uint8Array.from(head))[0]).not.toBe('/')
  })

  it('reads the scheme in either case, ASCII only', () => {
    const uri = toIntentcastUri(intent, { terms })
    expect(parseIntentcastUri('intentcast:' + uri.slice(11)).message).toEqual(intent)
    expect(parseIntentcastUri('IntentCast:' + uri.slice(11)).terms).toEqual(terms)
    // Letters that upper-case to ASCII ones are not the scheme.
    for (const scheme of ['\u0131ntentcast:', 'INTENTCA\u017fT:', 'INTENTCAST\uff1a']) {
      expect(() => parseIntentcastUri(scheme + uri.slice(11))).toThrow(IntentcastError)
    }
  })
})

describe('strict reading', () => {
  const uri = toIntentcastUri(intent, { terms })
  const body = uri.slice(11)

  it.each([
    ['no scheme', body],
    ['another scheme', 'HC1:' + body],
    ['a bare space', 'INTENTCAST:' + body.replace(/%20/, ' ') + (body.includes('%20') ? '' : ' ')],
    ['a bare %', 'INTENTCAST:%' + body],
    ['a percent-encoded letter', 'INTENTCAST:%41' + body],
    ['lower-case hex', 'INTENTCAST:' + body.replace(/%2[05]/, '%2f')],
    ['a truncated escape', 'INTENTCAST:' + body + '%2'],
    ['lower-case base45', 'INTENTCAST:' + body.toLowerCase()],
    ['a query', 'INTENTCAST:' + body + '?x=1'],
    ['a fragment', 'INTENTCAST:' + body + '#x'],
    ['a trailing line feed', uri + '\n'],
    ['leading space', ' ' + uri],
    ['a length of 1 mod 3', uri + 'A'],
    ['an empty body', 'INTENTCAST:'],
  ])('%s is ERR_MALFORMED', async (_, text) => {
    await expectCode(() => parseIntentcastUri(text), 'ERR_MALFORMED')
  })

  it.each([
    ['a map', () => encodeCbor(new Map([[1, intent]]))],
    ['an empty array', () => encodeCbor([])],
    ['three parts', () => encodeCbor([intent, terms, terms])],
    ['a text part', () => encodeCbor(['hello'])],
    ['a nested array', () => encodeCbor([[intent]])],
    ['a tag around the array', () => encodeCbor(new CborTag(18, [intent]))],
    ['an indefinite-length array', () => Uint8Array.from([0x9f, ...encodeCbor(intent), 0xff])],
    ['a non-minimal length head', () => Uint8Array.from([0x98, 0x01, ...encodeCbor(intent)])],
    ['trailing bytes', () => Uint8Array.from([...encodeCbor([intent]), 0x00])],
    ['a message that is not COSE', () => encodeCbor([new TextEncoder().encode(jwsIntent)])],
    ['an untagged COSE_Sign1', () => encodeCbor([intent.subarray(1)])],
    ['a COSE message with trailing bytes', () => encodeCbor([Uint8Array.from([...intent, 0])])],
    ['terms that are an agreement', () => encodeCbor([intent, agreement])],
  ])('%s is ERR_MALFORMED', async (_, cbor) => {
    await expectCode(() => parseIntentcastUri(linkOf(cbor())), 'ERR_MALFORMED')
  })

  it('terms that are another kind are ERR_TYPE_MISMATCH', async () => {
    await expectCode(() => parseIntentcastUri(linkOf(encodeCbor([intent, offer]))), 'ERR_TYPE_MISMATCH')
    await expectCode(() => parseIntentcastUri(linkOf(encodeCbor([terms, intent]))), 'ERR_TYPE_MISMATCH')
  })

  it('refuses an oversized link by its length, before decoding anything', async () => {
    // Not base45 at all, but too long: the length is what is reported.
    await expectCode(
      () => parseIntentcastUri('INTENTCAST:' + '!'.repeat(3 * 3 * (LINK_DEFAULT_MAX_BYTES / 2) + 1)),
      'ERR_TOO_LARGE',
    )
    await expectCode(() => parseIntentcastUri(uri, { maxBytes: 100 }), 'ERR_TOO_LARGE')
    // Within the string bound (it could be percent-encoded), but more than maxBytes once decoded.
    const small = encodeCbor([intent]).length
    await expectCode(() => parseIntentcastUri(toIntentcastUri(intent), { maxBytes: small - 1 }), 'ERR_TOO_LARGE')
    expect(parseIntentcastUri(toIntentcastUri(intent), { maxBytes: small }).message).toEqual(intent)
  })

  it('bad arguments are ERR_INVALID_ARGUMENT', async () => {
    await expectCode(() => parseIntentcastUri(42 as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(() => parseIntentcastUri(uri, { maxBytes: 0 }), 'ERR_INVALID_ARGUMENT')
    await expectCode(() => parseIntentcastUri(uri, { maxBytes: Number.NaN }), 'ERR_INVALID_ARGUMENT')
    await expectCode(() => parseIntentcastUri(uri, null as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(() => toIntentcastUri(jwsIntent as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(() => toIntentcastUri(new Uint8Array(0)), 'ERR_INVALID_ARGUMENT')
    await expectCode(() => toIntentcastUri(intent, { terms: offer }), 'ERR_INVALID_ARGUMENT')
    await expectCode(() => toIntentcastUri(intent, { terms: 'x' as never }), 'ERR_INVALID_ARGUMENT')
    await expectCode(() => toIntentcastUri(intent, { terms, maxBytes: 300 }), 'ERR_TOO_LARGE')
  })
})

describe('verifyIntentcastUri', () => {
  it('verifies the message with the options given, and the terms as a published declaration', async () => {
    const link = await verifyIntentcastUri(toIntentcastUri(offer, { terms }), {
      now,
      expect: 'offer',
      audience: customer.did,
    })
    expect(link.message.kind).toBe('offer')
    expect(link.message.digest).toBe((await verify(offer, { now })).digest)
    expect(link.terms?.payload.role).toBe('vendor')
    expect(link.terms?.issuer).toBe(vendor.did)
    const alone = await verifyIntentcastUri(toIntentcastUri(intent), { now })
    expect(alone.terms).toBeUndefined()
    expect('terms' in alone).toBe(false)
  })

  it('fails with the code of the part that fails', async () => {
    await expectCode(
      verifyIntentcastUri(toIntentcastUri(intent, { terms }), { now, expect: 'offer' }),
      'ERR_TYPE_MISMATCH',
    )
    await expectCode(
      verifyIntentcastUri(toIntentcastUri(intent, { terms: customerTerms }), { now }),
      'ERR_TYPE_MISMATCH',
    )
    const tampered = Uint8Array.from(intent)
    tampered[tampered.length - 1]! ^= 1
    await expectCode(verifyIntentcastUri(toIntentcastUri(tampered, { terms }), { now }), 'ERR_SIGNATURE_INVALID')
    const badTerms = Uint8Array.from(terms)
    badTerms[badTerms.length - 1]! ^= 1
    await expectCode(
      verifyIntentcastUri(toIntentcastUri(intent, { terms: badTerms }), { now }),
      'ERR_SIGNATURE_INVALID',
    )
    await expectCode(
      verifyIntentcastUri(toIntentcastUri(intent, { terms }), { now: new Date(now.getTime() + 400 * 86_400_000) }),
      'ERR_EXPIRED',
    )
    await expectCode(
      verifyIntentcastUri(toIntentcastUri(intent, { terms }), { now, maxLinkBytes: 64 }),
      'ERR_TOO_LARGE',
    )
  })
})

describe('properties', () => {
  const messages = [intent, offer, agreement, terms]

  it('the round trip is the identity', () => {
    fc.assert(
      fc.property(fc.constantFrom(...messages), fc.option(fc.constant(terms), { nil: undefined }), (message, t) => {
        const back = parseIntentcastUri(toIntentcastUri(message, t === undefined ? {} : { terms: t }))
        expect(back).toEqual(t === undefined ? { message } : { message, terms: t })
      }),
      { numRuns: 200 },
    )
  })

  it('random byte strings in the array are refused with an IntentcastError, never anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 0, maxLength: 3 }), (parts) => {
        expect(() => parseIntentcastUri(linkOf(encodeCbor(parts)))).toThrow(IntentcastError)
      }),
      { numRuns: 2000 },
    )
  })

  it('random strings over the link alphabet only ever fail with an IntentcastError', () => {
    const char = fc.constantFrom(...BASE45_ALPHABET.replace(/[ %]/g, ''), '%20', '%25', '%', ' ', 'a', '\u00e9', '?')
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 120 }),
        fc.constantFrom('INTENTCAST:', 'intentcast:', 'INTENTCAST', ''),
        (chars, scheme) => {
          try {
            parseIntentcastUri(scheme + chars.join(''))
          } catch (e) {
            expect(e).toBeInstanceOf(IntentcastError)
          }
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('mutated links fail with an IntentcastError or read as the one link that spells them', () => {
    const valid = [
      toIntentcastUri(intent),
      toIntentcastUri(intent, { terms }),
      toIntentcastUri(agreement),
      toIntentcastUri(offer, { terms }),
    ]
    const chars = [...BASE45_ALPHABET, '%20', '%25', 'a', '#', '\u0000']
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), char: fc.constantFrom(...chars) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...chars) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
    )
    type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never
    const apply = (s: string, m: Mutation): string => {
      const at = m.at % (s.length + 1)
      switch (m.kind) {
        case 'set':
          return s.slice(0, at) + m.char + s.slice(at + 1)
        case 'insert':
          return s.slice(0, at) + m.char + s.slice(at)
        case 'delete':
          return s.slice(0, at) + s.slice(at + m.count)
        case 'truncate':
          return s.slice(0, at)
        case 'swap':
          return at + 1 < s.length ? s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2) : s
      }
    }
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 3 }), (uri, ms) => {
        const text = ms.reduce(apply, uri)
        let link
        try {
          link = parseIntentcastUri(text)
        } catch (e) {
          expect(e).toBeInstanceOf(IntentcastError)
          return
        }
        // Whatever reads is the canonical spelling of what it carries: one link, one string.
        expect(toIntentcastUri(link.message, link.terms === undefined ? {} : { terms: link.terms })).toBe(
          'INTENTCAST:' + text.slice(11),
        )
      }),
      { numRuns: 10_000 },
    )
  })
})
