/**
 * The encryption keys (spec §Encrypted envelopes, Keys): X25519 pairs from a seed, their kid the
 * RFC 7638 thumbprint, derivation from a signing seed, and a recipient's key set, picked by kid,
 * in both bindings. Expected values are computed here with node:crypto, not with the SDK.
 */
import { createHash, hkdfSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { keyPairFromSeed } from '../../src/index.js'
import {
  deriveSealKeyPair,
  generateSealKeyPair,
  open,
  openAndVerify,
  seal,
  sealKeyId,
  sealKeyPairFromSeed,
  type SealKeyPair,
} from '../../src/seal/index.js'
import { sealKeyPairOf } from '../../src/seal/keys.js'
import { customer, expectCode, seed, signSamples, T0 } from '../helpers/fixtures.js'
import { coseSamples } from './samples.js'

const thumbprint = (x: string) =>
  createHash('sha256').update(`{"crv":"X25519","kty":"OKP","x":"${x}"}`).digest('base64url')
const customerKeys = await sealKeyPairFromSeed(seed(0x11))

describe('sealKeyPairFromSeed: an X25519 pair, its kid the thumbprint', () => {
  it('is deterministic, an encryption key, and frozen', async () => {
    const again = await sealKeyPairFromSeed(seed(0x11))
    expect(again).toEqual(customerKeys)
    expect(customerKeys.publicJwk).toEqual({
      kty: 'OKP',
      crv: 'X25519',
      x: expect.any(String),
      use: 'enc',
      kid: thumbprint(customerKeys.publicJwk.x),
    })
    expect(customerKeys.privateJwk).toEqual({
      ...customerKeys.publicJwk,
      d: Buffer.from(seed(0x11)).toString('base64url'),
    })
    expect(Object.isFrozen(customerKeys) && Object.isFrozen(customerKeys.publicJwk)).toBe(true)
  })
  it('matches RFC 7748 §6.1 (Alice)', async () => {
    const alice = await sealKeyPairFromSeed(
      new Uint8Array(Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex')),
    )
    expect(Buffer.from(alice.publicJwk.x, 'base64url').toString('hex')).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    )
  })
  it('generateSealKeyPair draws a fresh key each time, with its thumbprint', async () => {
    const [a, b] = [await generateSealKeyPair(), await generateSealKeyPair()]
    expect(a.publicJwk.x).not.toBe(b.publicJwk.x)
    expect(a.publicJwk.kid).toBe(thumbprint(a.publicJwk.x))
  })
  it('refuses a seed that is not 32 bytes', async () => {
    await expectCode(sealKeyPairFromSeed(new Uint8Array(31)), 'ERR_INVALID_ARGUMENT')
    await expectCode(sealKeyPairFromSeed('seed' as never), 'ERR_INVALID_ARGUMENT')
  })
})

describe('sealKeyId: the RFC 7638 thumbprint of {crv, kty, x}', () => {
  it('is SHA-256 over the three members in order, base64url', async () => {
    expect(sealKeyId(customerKeys.publicJwk)).toBe(thumbprint(customerKeys.publicJwk.x))
  })
  it('ignores use and kid: they are not part of the key', async () => {
    expect(sealKeyId({ ...customerKeys.publicJwk, kid: 'other' })).toBe(customerKeys.publicJwk.kid)
  })
  it('lets a reader catch a kid that is not that of x', async () => {
    const other = (await generateSealKeyPair()).publicJwk
    expect(sealKeyId({ ...other, kid: customerKeys.publicJwk.kid })).not.toBe(customerKeys.publicJwk.kid)
  })
  for (const [name, jwk] of Object.entries({
    'an Ed25519 JWK': customer.publicJwk,
    'an x of 31 bytes': { kty: 'OKP', crv: 'X25519', x: 'A'.repeat(42) },
    'a non-canonical x': { kty: 'OKP', crv: 'X25519', x: customerKeys.publicJwk.x.slice(0, -1) + 'N' },
    null: null,
  })) {
    it(`refuses ${name} (ERR_INVALID_ARGUMENT)`, async () => {
      expect(() => sealKeyId(jwk as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
    })
  }
})

describe('deriveSealKeyPair: HKDF-SHA256(seed, "intentcast/0.1 seal", "x25519")', () => {
  for (const byte of [0x01, 0x02, 0x21]) {
    it(`signing seed 0x${byte.toString(16).padStart(2, '0')} × 32`, async () => {
      const d = Buffer.from(hkdfSync('sha256', seed(byte), 'intentcast/0.1 seal', 'x25519', 32))
      const pair = await deriveSealKeyPair(seed(byte))
      expect(pair.privateJwk.d).toBe(d.toString('base64url'))
      expect(pair).toEqual(await sealKeyPairFromSeed(new Uint8Array(d)))
    })
  }
  it('is not the signing key: the X25519 key is not the seed', async () => {
    expect((await deriveSealKeyPair(seed(1))).privateJwk.d).not.toBe(customer.privateJwk.d)
  })
  it('refuses a seed that is not 32 bytes', async () => {
    await expectCode(deriveSealKeyPair(new Uint8Array(64)), 'ERR_INVALID_ARGUMENT')
  })
  it("sealKeyPairOf: the derived pair of a signing key pair's d, once per key pair", async () => {
    const first = sealKeyPairOf(customer)
    expect(sealKeyPairOf(customer)).toBe(first)
    expect(await first).toEqual(await deriveSealKeyPair(seed(1)))
  })
})

describe('key sets: a recipient that rotates opens with the pair the kid names', async () => {
  const [current, previous, older] = await Promise.all([0x31, 0x32, 0x33].map((b) => sealKeyPairFromSeed(seed(b))))
  const keySet: readonly SealKeyPair[] = [current!, previous!, older!]
  const bodies = { jws: (await signSamples()).offer, cose: (await coseSamples()).offer }
  for (const [binding, body] of Object.entries(bodies)) {
    describe(binding, () => {
      it('each pair of the set opens what was sealed to it', async () => {
        for (const pair of keySet) expect(await open(await seal(body, pair.publicJwk), keySet)).toEqual(body)
      })
      it('without a kid in the header, the first pair is used', async () => {
        const anonymous = (pair: SealKeyPair) => ({ ...pair.publicJwk, kid: undefined })
        expect(await open(await seal(body, anonymous(current!)), keySet)).toEqual(body)
        await expectCode(open(await seal(body, anonymous(previous!)), keySet), 'ERR_DECRYPT')
      })
      it('a kid no pair has: ERR_DECRYPT, saying so', async () => {
        const e = await expectCode(
          open(await seal(body, { ...current!.publicJwk, kid: 'retired' }), keySet),
          'ERR_DECRYPT',
        )
        expect(e.message).toMatch(/no key .* kid/)
      })
      it('a pair without kid is only used for a header without kid', async () => {
        const { kid: _, ...publicJwk } = older!.publicJwk
        const bare = { publicJwk, privateJwk: { ...older!.privateJwk, kid: undefined } } as SealKeyPair
        await expectCode(open(await seal(body, older!.publicJwk), [current!, bare]), 'ERR_DECRYPT')
        expect(await open(await seal(body, publicJwk), [bare, current!])).toEqual(body)
      })
      it('openAndVerify takes the set too', async () => {
        const out = await openAndVerify(await seal(body, previous!.publicJwk), keySet, { now: T0 })
        expect(out.kind).toBe('offer')
      })
    })
  }
  it('a pair in the set that is not a key pair is refused before any work', async () => {
    const sealed = await seal(bodies.jws, current!.publicJwk)
    await expectCode(open(sealed, [current!, { publicJwk: current!.publicJwk } as never]), 'ERR_INVALID_ARGUMENT')
    await expectCode(
      open(sealed, [current!, { ...previous!, publicJwk: { ...previous!.publicJwk, kid: '' } }]),
      'ERR_INVALID_ARGUMENT',
    )
    await expectCode(open(sealed, (await keyPairFromSeed(seed(9))) as never), 'ERR_INVALID_ARGUMENT')
  })
})
