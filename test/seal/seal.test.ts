/**
 * intentcast/seal, one describe per rule of spec §Encrypted envelopes: the round trip, then each
 * refusal in the order `open` checks (size, shape, alg/enc, cty, decrypt), then openAndVerify.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, IntentcastError, verify } from '../../src/index.js'
import { generateSealKeyPair, open, openAndVerify, seal, sealKeyPairFromSeed } from '../../src/seal/index.js'
import { b64uJson, customer, expectCode, fromB64uJson, seed, signSamples, T0, vendor } from '../helpers/fixtures.js'

const samples = await signSamples()
const customerKeys = await sealKeyPairFromSeed(seed(0x11))
const vendorKeys = await sealKeyPairFromSeed(seed(0x12))
const sealedOffer = await seal(samples.offer, customerKeys.publicJwk)
const header = fromB64uJson(sealedOffer.split('.')[0]!)
const withHeader = (jwe: string, h: Record<string, unknown>) => [b64uJson(h), ...jwe.split('.').slice(1)].join('.')

describe('keys', () => {
  it('sealKeyPairFromSeed is deterministic and an X25519 encryption key', async () => {
    const again = await sealKeyPairFromSeed(seed(0x11))
    expect(again).toEqual(customerKeys)
    expect(customerKeys.publicJwk).toEqual({ kty: 'OKP', crv: 'X25519', x: expect.any(String), use: 'enc' })
    expect(customerKeys.privateJwk.d).toBe(Buffer.from(seed(0x11)).toString('base64url'))
  })
  it('matches RFC 7748 §6.1 (Alice)', async () => {
    const alice = await sealKeyPairFromSeed(
      new Uint8Array(Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex')),
    )
    expect(Buffer.from(alice.publicJwk.x, 'base64url').toString('hex')).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    )
  })
  it('generateSealKeyPair draws a fresh key each time', async () => {
    expect((await generateSealKeyPair()).publicJwk.x).not.toBe((await generateSealKeyPair()).publicJwk.x)
  })
  it('refuses a seed that is not 32 bytes', async () => {
    await expectCode(sealKeyPairFromSeed(new Uint8Array(31)), 'ERR_INVALID_ARGUMENT')
  })
})

describe('seal, then open: the signed message comes back unchanged', () => {
  for (const [kind, message] of Object.entries(samples)) {
    it(kind, async () => {
      const jwe = await seal(message, vendorKeys.publicJwk, { kid: 'vendor-enc-1' })
      expect(jwe.split('.')).toHaveLength(5)
      expect(fromB64uJson(jwe.split('.')[0]!)).toMatchObject({
        alg: 'ECDH-ES',
        enc: 'A256GCM',
        cty: 'intentcast+jws',
        kid: 'vendor-enc-1',
      })
      expect(await open(jwe, vendorKeys)).toBe(message)
    })
  }
  it('the JWE does not carry the plaintext: no price, no DID, no payload', () => {
    const everything = sealedOffer + Buffer.from(sealedOffer.split('.')[0]!, 'base64url').toString('utf8')
    expect(everything).not.toContain('999.00')
    expect(everything).not.toContain(customer.did)
    expect(everything).not.toContain(samples.offer.split('.')[1]!.slice(0, 40))
  })
  it('two seals of one message differ (a fresh ephemeral key and IV each time)', async () => {
    expect(await seal(samples.offer, customerKeys.publicJwk)).not.toBe(sealedOffer)
  })
  it('seal refuses what the caller got wrong', async () => {
    await expectCode(seal('', customerKeys.publicJwk), 'ERR_INVALID_ARGUMENT')
    await expectCode(seal(samples.offer, customer.publicJwk as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(seal(samples.offer, { ...customerKeys.publicJwk, use: 'sig' } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(seal(samples.offer, customerKeys.publicJwk, { kdi: 'x' } as never), 'ERR_INVALID_ARGUMENT')
  })
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
})

describe('ERR_TYPE_MISMATCH: the cty names an intentcast JWS', () => {
  for (const cty of [undefined, 'JWT', 'application/intentcast+jws', 'intentcast+cose']) {
    it(String(cty), async () => {
      await expectCode(open(withHeader(sealedOffer, { ...header, cty }), customerKeys), 'ERR_TYPE_MISMATCH')
    })
  }
})

describe('ERR_DECRYPT: another recipient, or any change', () => {
  it('sealed to another key', async () => {
    await expectCode(open(sealedOffer, vendorKeys), 'ERR_DECRYPT')
    await expectCode(open(sealedOffer, await generateSealKeyPair()), 'ERR_DECRYPT')
  })
  it('a header member changed (the header is the authenticated data)', async () => {
    await expectCode(open(withHeader(sealedOffer, { ...header, kid: 'k' }), customerKeys), 'ERR_DECRYPT')
  })
  it('any character of the JWE changed is refused with a code, never a crash', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~ '
    await fc.assert(
      fc.asyncProperty(fc.nat(sealedOffer.length - 1), fc.constantFrom(...alphabet), async (at, c) => {
        fc.pre(sealedOffer[at] !== c)
        const jwe = sealedOffer.slice(0, at) + c + sealedOffer.slice(at + 1)
        const error = await open(jwe, customerKeys).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(error).toBeInstanceOf(IntentcastError)
        expect(ERROR_CODES).toContain((error as IntentcastError).code)
        expect((error as IntentcastError).code).not.toBe('ERR_INVALID_ARGUMENT')
      }),
      { numRuns: 300 },
    )
  })
  it('every byte of the ciphertext and tag flipped, one at a time', async () => {
    const parts = sealedOffer.split('.')
    for (const index of [3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url')
      for (let i = 0; i < bytes.length; i++) {
        const copy = Buffer.from(bytes)
        copy[i] = copy[i]! ^ 0x80
        const jwe = parts.map((p, j) => (j === index ? copy.toString('base64url') : p)).join('.')
        await expectCode(open(jwe, customerKeys), 'ERR_DECRYPT')
      }
    }
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
  it('refuses an unknown option before any work', async () => {
    await expectCode(openAndVerify(sealedOffer, customerKeys, { audeince: 'x' } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(open(sealedOffer, customerKeys, { max: 1 } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(open(sealedOffer, { privateJwk: customer.privateJwk } as never), 'ERR_INVALID_ARGUMENT')
  })
})
