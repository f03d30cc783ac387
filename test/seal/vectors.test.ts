/**
 * spec/vectors/seal.json, replayed as another implementation would (spec §Encrypted envelopes,
 * Vectors): every section, every vector. Sealed vectors are also reproduced byte for byte from
 * their seeds, and the COSE ones' KDF intermediates recomputed with node:crypto.
 */
import { createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeCbor, encodeCbor, type CborMapKey, type CborValue } from '../../src/cose/index.js'
import { keyPairFromSeed, type VerifyOptions } from '../../src/index.js'
import {
  deriveSealKeyPair,
  open,
  openAndVerify,
  sealKeyId,
  sealKeyPairFromSeed,
  type SealKeyPair,
} from '../../src/seal/index.js'
import { sealWith } from '../../src/seal/seal.js'
import { expectCode } from '../helpers/fixtures.js'

interface Expected {
  kind: string
  digest: string
}
interface Sealed {
  name: string
  recipient: string
  ephemeralSeed: string
  iv: string
  message: string
  options: Record<string, unknown>
  expected: Expected
}
interface Invalid {
  name: string
  recipient: string
  options: Record<string, unknown>
  code: Parameters<typeof expectCode>[1]
}
interface SealVectors {
  profile: Record<string, string>
  keys: Record<string, SealKeyPair & { seed: string }>
  valid: (Sealed & { jwe: string })[]
  invalid: (Invalid & { jwe: string })[]
  cose: {
    profile: Record<string, unknown>
    valid: (Sealed & {
      sealed: string
      intermediates: { sharedSecret: string; kdfContext: string; cek: string; aad: string }
    })[]
    invalid: (Invalid & { sealed: string })[]
  }
  bodies: {
    name: string
    binding: 'jws' | 'cose'
    recipient: string
    ephemeralSeed: string
    iv: string
    sealed: string
    body: string
  }[]
  derivation: { signingSeed: string; did: string; privateKey: string; x: string; kid: string }[]
}

const vectors = JSON.parse(
  readFileSync(new URL('../../spec/vectors/seal.json', import.meta.url), 'utf8'),
) as SealVectors
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'))
const options = (o: Record<string, unknown>): VerifyOptions => ({
  ...o,
  ...(typeof o.now === 'string' && { now: new Date(o.now) }),
})
const keyOf = (name: string) => vectors.keys[name]!
const fixed = (v: { ephemeralSeed: string; iv: string }) => ({ ephemeralSeed: bytes(v.ephemeralSeed), iv: bytes(v.iv) })
const x25519Private = (seed: Uint8Array) =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  })

describe('keys: each pair comes from its seed, its kid the thumbprint of its x', () => {
  for (const [name, k] of Object.entries(vectors.keys)) {
    it(name, async () => {
      const pair = await sealKeyPairFromSeed(bytes(k.seed))
      expect(pair.publicJwk).toEqual(k.publicJwk)
      expect(pair.privateJwk).toEqual(k.privateJwk)
      expect(sealKeyId(k.publicJwk)).toBe(k.publicJwk.kid)
    })
  }
})

describe('JWS binding: valid JWEs open to their message, verify to expected, and reproduce', () => {
  for (const v of vectors.valid) {
    it(v.name, async () => {
      expect(await open(v.jwe, keyOf(v.recipient))).toBe(v.message)
      const out = await openAndVerify(v.jwe, keyOf(v.recipient), options(v.options))
      expect({ kind: out.kind, digest: out.digest }).toEqual(v.expected)
      expect(await sealWith(v.message, keyOf(v.recipient).publicJwk, fixed(v))).toBe(v.jwe)
    })
  }
})

describe('JWS binding: invalid JWEs fail with their code', () => {
  for (const v of vectors.invalid) {
    it(`${v.name} → ${v.code}`, async () => {
      await expectCode(openAndVerify(v.jwe, keyOf(v.recipient), options(v.options)), v.code)
    })
  }
})

describe('COSE binding: valid COSE_Encrypts open, verify, reproduce, and show their KDF', () => {
  for (const v of vectors.cose.valid) {
    it(v.name, async () => {
      const sealed = bytes(v.sealed)
      const recipient = keyOf(v.recipient)
      expect(await open(sealed, recipient)).toEqual(bytes(v.message))
      const out = await openAndVerify(sealed, recipient, options(v.options))
      expect({ kind: out.kind, digest: out.digest }).toEqual(v.expected)
      expect(await sealWith(bytes(v.message), recipient.publicJwk, fixed(v))).toEqual(sealed)
    })
    it(`${v.name}: the intermediates, by node:crypto`, () => {
      const recipient = keyOf(v.recipient)
      const [protectedBytes, unprotected, ciphertext, recipients] = decodeCbor(bytes(v.sealed).subarray(2)) as [
        Uint8Array,
        Map<CborMapKey, CborValue>,
        Uint8Array,
        [Uint8Array, Map<CborMapKey, CborValue>, Uint8Array][],
      ]
      const shared = diffieHellman({
        privateKey: x25519Private(bytes(recipient.seed)),
        publicKey: createPublicKey(x25519Private(bytes(v.ephemeralSeed))),
      })
      expect(shared.toString('hex')).toBe(v.intermediates.sharedSecret)
      // [3, [nil, nil, nil], [nil, nil, nil], [256, h'a1013818']]
      expect(v.intermediates.kdfContext).toBe('840383f6f6f683f6f6f68219010044a1013818')
      expect(recipients[0]![0]).toEqual(bytes('a1013818'))
      const cek = Buffer.from(hkdfSync('sha256', shared, new Uint8Array(0), bytes(v.intermediates.kdfContext), 32))
      expect(cek.toString('hex')).toBe(v.intermediates.cek)
      expect(v.intermediates.aad).toBe(
        Buffer.from(encodeCbor(['Encrypt', protectedBytes, new Uint8Array(0)])).toString('hex'),
      )
      const decipher = createDecipheriv('aes-256-gcm', cek, unprotected.get(5) as Uint8Array)
      decipher.setAAD(bytes(v.intermediates.aad))
      decipher.setAuthTag(ciphertext.subarray(-16))
      const plaintext = Buffer.concat([decipher.update(ciphertext.subarray(0, -16)), decipher.final()])
      expect(plaintext.toString('hex')).toBe(v.message)
    })
  }
})

describe('COSE binding: invalid COSE_Encrypts fail with their code', () => {
  for (const v of vectors.cose.invalid) {
    it(`${v.name} → ${v.code}`, async () => {
      await expectCode(openAndVerify(bytes(v.sealed), keyOf(v.recipient), options(v.options)), v.code)
    })
  }
})

describe('bodies of two messages open to the body, and reproduce', () => {
  for (const v of vectors.bodies) {
    it(v.name, async () => {
      const recipient = keyOf(v.recipient)
      if (v.binding === 'jws') {
        expect(await open(v.sealed, recipient)).toBe(v.body)
        expect(v.body.split('\n')).toHaveLength(2)
        expect(await sealWith(v.body, recipient.publicJwk, fixed(v))).toBe(v.sealed)
      } else {
        expect(await open(bytes(v.sealed), recipient)).toEqual(bytes(v.body))
        expect(v.body.slice(0, 2)).toBe('82')
        expect(await sealWith(bytes(v.body), recipient.publicJwk, fixed(v))).toEqual(bytes(v.sealed))
      }
    })
  }
})

describe('derivation: encryption keys from signing seeds', () => {
  for (const v of vectors.derivation) {
    it(`signing seed ${v.signingSeed.slice(0, 2)} × 32`, async () => {
      const seed = bytes(v.signingSeed)
      expect(Buffer.from(hkdfSync('sha256', seed, 'intentcast/0.1 seal', 'x25519', 32)).toString('hex')).toBe(
        v.privateKey,
      )
      const pair = await deriveSealKeyPair(seed)
      expect([pair.privateJwk.d, pair.publicJwk.x, pair.publicJwk.kid]).toEqual([
        Buffer.from(v.privateKey, 'hex').toString('base64url'),
        v.x,
        v.kid,
      ])
      expect((await keyPairFromSeed(seed)).did).toBe(v.did)
    })
  }
})

describe('the file', () => {
  it('holds every section, each non-empty', () => {
    expect(vectors.profile).toEqual({ alg: 'ECDH-ES', enc: 'A256GCM', cty: 'intentcast+jws' })
    expect(vectors.cose.profile).toEqual({
      tag: 96,
      alg: 3,
      recipientAlg: -25,
      contentType: 'application/intentcast+cose',
    })
    for (const list of [
      vectors.valid,
      vectors.invalid,
      vectors.cose.valid,
      vectors.cose.invalid,
      vectors.bodies,
      vectors.derivation,
    ]) {
      expect(list.length).toBeGreaterThan(0)
    }
  })
})
