/**
 * intentcast/seal in the JWS binding, one describe per rule of spec §Encrypted envelopes: the
 * round trip, then each refusal in the order `open` checks (size, structure, alg/enc, cty, values,
 * decrypt), then openAndVerify. The COSE binding is in cose.test.ts, keys in keys.test.ts.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, IntentcastError, verify } from '../../src/index.js'
import { generateSealKeyPair, open, openAndVerify, seal, sealKeyPairFromSeed } from '../../src/seal/index.js'
import { b64uJson, customer, expectCode, fromB64uJson, seed, signSamples, T0, vendor } from '../helpers/fixtures.js'
import { twoMessageBodies } from './samples.js'

const samples = await signSamples()
const customerKeys = await sealKeyPairFromSeed(seed(0x11))
const vendorKeys = await sealKeyPairFromSeed(seed(0x12))
const sealedOffer = await seal(samples.offer, customerKeys.publicJwk)
const header = fromB64uJson(sealedOffer.split('.')[0]!)
const withHeader = (jwe: string, h: Record<string, unknown>) => [b64uJson(h), ...jwe.split('.').slice(1)].join('.')

/** The error `p` rejects with, or undefined when it resolves. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  )

describe('seal, then open: the body comes back unchanged', () => {
  for (const [kind, message] of Object.entries(samples)) {
    it(kind, async () => {
      const jwe = await seal(message, vendorKeys.publicJwk)
      expect(jwe.split('.')).toHaveLength(5)
      expect(Object.keys(fromB64uJson(jwe.split('.')[0]!))).toEqual(['alg', 'enc', 'cty', 'kid', 'epk'])
      expect(fromB64uJson(jwe.split('.')[0]!)).toMatchObject({
        alg: 'ECDH-ES',
        enc: 'A256GCM',
        cty: 'intentcast+jws',
        kid: vendorKeys.publicJwk.kid,
      })
      expect(await open(jwe, vendorKeys)).toBe(message)
    })
  }
  it('a body of two messages (an acceptance and its agreement) is sealed as it is', async () => {
    const { jws } = await twoMessageBodies()
    expect(await open(await seal(jws, vendorKeys.publicJwk), vendorKeys)).toBe(jws)
  })
  it('any non-empty string is a body: seal does not parse it', async () => {
    expect(await open(await seal('x', vendorKeys.publicJwk), vendorKeys)).toBe('x')
  })
  it('a recipient JWK without kid gives a header without kid', async () => {
    const { kid: _, ...anonymous } = customerKeys.publicJwk
    const jwe = await seal(samples.offer, anonymous)
    expect(fromB64uJson(jwe.split('.')[0]!)).not.toHaveProperty('kid')
    expect(await open(jwe, customerKeys)).toBe(samples.offer)
  })
  it('the JWE does not carry the plaintext: no price, no DID, no payload', () => {
    const everything = sealedOffer + Buffer.from(sealedOffer.split('.')[0]!, 'base64url').toString('utf8')
    expect(everything).not.toContain('999.00')
    expect(everything).not.toContain(customer.did)
    expect(everything).not.toContain(samples.offer.split('.')[1]!.slice(0, 40))
  })
  it('two seals of one body differ (a fresh ephemeral key and IV each time)', async () => {
    expect(await seal(samples.offer, customerKeys.publicJwk)).not.toBe(sealedOffer)
  })
  it('the size: 4/3 of the body plus a header of about 300 characters', async () => {
    const overhead = sealedOffer.length - Math.ceil((samples.offer.length * 4) / 3)
    expect(overhead).toBeGreaterThan(250)
    expect(overhead).toBeLessThan(320)
  })
})

describe('seal refuses what the caller got wrong (ERR_INVALID_ARGUMENT)', () => {
  const cases: Record<string, () => Promise<unknown>> = {
    'an empty body': () => seal('', customerKeys.publicJwk),
    'a body that is neither a string nor bytes': () => seal({} as never, customerKeys.publicJwk),
    'an Ed25519 JWK': () => seal(samples.offer, customer.publicJwk as never),
    'a signing key (use: sig)': () => seal(samples.offer, { ...customerKeys.publicJwk, use: 'sig' } as never),
    'an x of 31 bytes': () => seal(samples.offer, { ...customerKeys.publicJwk, x: 'A'.repeat(42) }),
    'an x that is not base64url': () => seal(samples.offer, { ...customerKeys.publicJwk, x: '*'.repeat(43) }),
    'an empty kid': () => seal(samples.offer, { ...customerKeys.publicJwk, kid: '' }),
    'a low-order x (0)': () => seal(samples.offer, { ...customerKeys.publicJwk, x: 'A'.repeat(43) }),
  }
  for (const [name, call] of Object.entries(cases)) {
    it(name, async () => {
      await expectCode(call(), 'ERR_INVALID_ARGUMENT')
    })
  }
})

describe('ERR_TOO_LARGE: the size is checked before parsing', () => {
  it('over maxBytes', async () => {
    await expectCode(open(sealedOffer, customerKeys, { maxBytes: 100 }), 'ERR_TOO_LARGE')
  })
  it('over the default 64 KiB', async () => {
    await expectCode(open('a'.repeat(65_537), customerKeys), 'ERR_TOO_LARGE')
  })
})

describe('ERR_MALFORMED: only a compact JWE of the profile', () => {
  const cases: Record<string, string> = {
    'a JWS': samples.offer,
    'four parts': sealedOffer.split('.').slice(1).join('.'),
    'a header that is not JSON': ['bm90IGpzb24', ...sealedOffer.split('.').slice(1)].join('.'),
    'a header member outside the profile': withHeader(sealedOffer, { ...header, zip: 'DEF' }),
    'a kid that is not a string': withHeader(sealedOffer, { ...header, kid: 7 }),
    'an encrypted key': sealedOffer.replace('..', '.AAAA.'),
    'an epk that is not X25519': withHeader(sealedOffer, {
      ...header,
      epk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' },
    }),
    'a non-canonical tag':
      sealedOffer.slice(0, -1) + String.fromCharCode(sealedOffer.charCodeAt(sealedOffer.length - 1) ^ 1),
  }
  for (const [name, jwe] of Object.entries(cases)) {
    it(name, async () => {
      await expectCode(open(jwe, customerKeys), 'ERR_MALFORMED')
    })
  }
  it('neither a string nor bytes', async () => {
    await expectCode(open(42 as never, customerKeys), 'ERR_MALFORMED')
  })
})

describe('ERR_UNSUPPORTED_ALG: ECDH-ES and A256GCM only', () => {
  for (const change of [
    { alg: 'ECDH-ES+A256KW' },
    { alg: 'RSA-OAEP' },
    { alg: 'dir' },
    { enc: 'A128GCM' },
    { enc: 'A256CBC-HS512' },
  ]) {
    it(JSON.stringify(change), async () => {
      await expectCode(open(withHeader(sealedOffer, { ...header, ...change }), customerKeys), 'ERR_UNSUPPORTED_ALG')
    })
  }
  it('before the values another algorithm has: RSA-OAEP with an encrypted key and no epk', async () => {
    const { epk: _, ...rest } = header
    const jwe = withHeader(sealedOffer, { ...rest, alg: 'RSA-OAEP' }).replace('..', '.AAAA.')
    await expectCode(open(jwe, customerKeys), 'ERR_UNSUPPORTED_ALG')
  })
})

describe('ERR_TYPE_MISMATCH: the cty names an intentcast JWS body', () => {
  for (const cty of [undefined, 'JWT', 'application/intentcast+jws', 'intentcast+cose']) {
    it(String(cty), async () => {
      await expectCode(open(withHeader(sealedOffer, { ...header, cty }), customerKeys), 'ERR_TYPE_MISMATCH')
    })
  }
})

describe('ERR_DECRYPT: another recipient, or any change', () => {
  it('sealed to another key: its kid names no key of this recipient', async () => {
    const e = await expectCode(open(sealedOffer, vendorKeys), 'ERR_DECRYPT')
    expect(e.message).toMatch(/no key .* kid/)
    await expectCode(open(sealedOffer, await generateSealKeyPair()), 'ERR_DECRYPT')
  })
  it('sealed to another key without a kid: the tag fails', async () => {
    const { kid: _, ...anonymous } = customerKeys.publicJwk
    await expectCode(open(await seal(samples.offer, anonymous), vendorKeys), 'ERR_DECRYPT')
  })
  it('a header member changed (the header is the authenticated data)', async () => {
    const { kid, ...rest } = header
    await expectCode(open(withHeader(sealedOffer, { ...rest, kid }), customerKeys), 'ERR_DECRYPT')
  })
  it('a low-order epk', async () => {
    const jwe = withHeader(sealedOffer, { ...header, epk: { kty: 'OKP', crv: 'X25519', x: 'A'.repeat(43) } })
    await expectCode(open(jwe, customerKeys), 'ERR_DECRYPT')
  })
  it('every byte of the ciphertext and tag flipped, one at a time', async () => {
    const parts = sealedOffer.split('.')
    for (const index of [3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url')
      for (let i = 0; i < bytes.length; i += 7) {
        const copy = Buffer.from(bytes)
        copy[i] = copy[i]! ^ 0x80
        const jwe = parts.map((p, j) => (j === index ? copy.toString('base64url') : p)).join('.')
        await expectCode(open(jwe, customerKeys), 'ERR_DECRYPT')
      }
    }
  })
})

describe('fuzz: a mutated JWE is refused with a wire code, never a crash', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~ é'
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('set'), at: fc.nat(sealedOffer.length - 1), c: fc.constantFrom(...alphabet) }),
    fc.record({ op: fc.constant('insert'), at: fc.nat(sealedOffer.length), c: fc.constantFrom(...alphabet) }),
    fc.record({ op: fc.constant('delete'), at: fc.nat(sealedOffer.length - 1), c: fc.constant('') }),
  )
  it('set, insert or delete one character, up to three times', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (edits) => {
        let jwe = sealedOffer
        for (const { op, at, c } of edits) {
          const i = Math.min(at, jwe.length)
          jwe = jwe.slice(0, i) + c + jwe.slice(op === 'insert' ? i : i + 1)
        }
        fc.pre(jwe !== sealedOffer)
        const error = await failure(open(jwe, customerKeys))
        expect(error).toBeInstanceOf(IntentcastError)
        expect(ERROR_CODES).toContain((error as IntentcastError).code)
        expect(['ERR_INVALID_ARGUMENT', 'ERR_INTERNAL']).not.toContain((error as IntentcastError).code)
      }),
      { numRuns: 300 },
    )
  })
})

describe('openAndVerify: decrypt, then every check of verify', () => {
  it('returns what verify returns for the inner message', async () => {
    const out = await openAndVerify(sealedOffer, customerKeys, { expect: 'offer', audience: customer.did, now: T0 })
    const plain = await verify(samples.offer, { expect: 'offer', now: T0 })
    expect(out.digest).toBe(plain.digest)
    expect(out.message).toBe(samples.offer)
  })
  it('ERR_AUDIENCE: a message for someone else, re-sealed to us', async () => {
    const resealed = await seal(samples.offer, vendorKeys.publicJwk)
    await expectCode(openAndVerify(resealed, vendorKeys, { audience: vendor.did, now: T0 }), 'ERR_AUDIENCE')
  })
  it('ERR_AUDIENCE: a sealed message without aud when an audience is given', async () => {
    const sealedIntent = await seal(samples.intent, vendorKeys.publicJwk)
    await expectCode(openAndVerify(sealedIntent, vendorKeys, { audience: vendor.did, now: T0 }), 'ERR_AUDIENCE')
    expect((await openAndVerify(sealedIntent, vendorKeys, { now: T0 })).kind).toBe('intent')
  })
  it('an agreement sealed to a party opens for that party', async () => {
    const jwe = await seal(samples.agreement, vendorKeys.publicJwk)
    expect((await openAndVerify(jwe, vendorKeys, { audience: vendor.did, now: T0 })).kind).toBe('agreement')
  })
  it('the inner checks still apply (ERR_TYPE_MISMATCH for another kind)', async () => {
    await expectCode(openAndVerify(sealedOffer, customerKeys, { expect: 'counter', now: T0 }), 'ERR_TYPE_MISMATCH')
  })
  it('is for one message: a two-message body opens with open, and fails verify as ERR_MALFORMED', async () => {
    const { jws } = await twoMessageBodies()
    await expectCode(openAndVerify(await seal(jws, vendorKeys.publicJwk), vendorKeys, { now: T0 }), 'ERR_MALFORMED')
  })
  it('refuses an unknown option or a bad recipient before any work', async () => {
    await expectCode(openAndVerify(sealedOffer, customerKeys, { audeince: 'x' } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(open(sealedOffer, customerKeys, { max: 1 } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(open(sealedOffer, { privateJwk: customer.privateJwk } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(open(sealedOffer, []), 'ERR_INVALID_ARGUMENT')
    await expectCode(open(sealedOffer, [customerKeys, null as never]), 'ERR_INVALID_ARGUMENT')
  })
})
