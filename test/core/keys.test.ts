import fc from 'fast-check'
import rfc8037 from '../../spec/vectors/rfc8037.json' with { type: 'json' }
import { compactVerify, importJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { signEd25519, verifyEd25519 } from '../../src/crypto/index.js'
import {
  didFromJwk,
  didFromPublicKey,
  generateKeyPair,
  importKeyPair,
  jwkFromPublicKey,
  keyPairFromSeed,
  kidForDid,
  publicKeyFromDid,
  publicKeyFromJwk,
  signIntent,
  verify,
  type KeyPair,
  type PrivateJwk,
} from '../../src/index.js'
import {
  ascii,
  b64u,
  base58btc,
  customer,
  expectCode,
  expectedDidKey,
  intentBody,
  seed,
  SOON,
  T0,
  unb64u,
  vendor,
} from '../helpers/fixtures.js'

const DID_KEY = /^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/
const B64U_32 = /^[A-Za-z0-9_-]{43}$/

describe('generateKeyPair: shape of an identity', () => {
  it('returns an Ed25519 did:key and matching public and private JWKs', async () => {
    const k = await generateKeyPair()
    expect(k.did).toMatch(DID_KEY)
    expect(Object.keys(k.publicJwk).sort()).toEqual(['crv', 'kty', 'x'])
    expect(k.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    expect(k.publicJwk.x).toMatch(B64U_32)
    expect(Object.keys(k.privateJwk).sort()).toEqual(['crv', 'd', 'kty', 'x'])
    expect(k.privateJwk).toMatchObject({ ...k.publicJwk })
    expect(k.privateJwk.d).toMatch(B64U_32)
    expect(k.privateJwk.d).not.toBe(k.privateJwk.x)
    // The DID holds exactly the JWK's key, encoded by the did:key method spec.
    expect(k.did).toBe(expectedDidKey(unb64u(k.publicJwk.x)))
  })

  it('is fresh each time and frozen', async () => {
    const [a, b] = await Promise.all([generateKeyPair(), generateKeyPair()])
    expect(a.did).not.toBe(b.did)
    expect(a.privateJwk.d).not.toBe(b.privateJwk.d)
    expect(Object.isFrozen(a)).toBe(true)
    expect(Object.isFrozen(a.publicJwk)).toBe(true)
    expect(Object.isFrozen(a.privateJwk)).toBe(true)
  })

  it('signs a message that verifies under its DID', async () => {
    const k = await generateKeyPair()
    const v = await verify(await signIntent(intentBody, k))
    expect(v.issuer).toBe(k.did)
    expect(v.header.kid).toBe(kidForDid(k.did))
  })
})

describe('DID <-> JWK <-> raw key round trips', () => {
  it('agree for a fixed key', () => {
    const raw = publicKeyFromDid(customer.did)
    expect(raw).toBeInstanceOf(Uint8Array)
    expect(raw.length).toBe(32)
    expect(b64u(raw)).toBe(customer.publicJwk.x)
    expect(publicKeyFromJwk(customer.publicJwk)).toEqual(raw)
    expect(didFromPublicKey(raw)).toBe(customer.did)
    expect(didFromJwk(customer.publicJwk)).toBe(customer.did)
    expect(jwkFromPublicKey(raw)).toEqual(customer.publicJwk)
  })

  it('kidForDid names the key by its own multibase, and the fragment is ignored when resolving', () => {
    const kid = kidForDid(customer.did)
    expect(kid).toBe(`${customer.did}#${customer.did.slice('did:key:'.length)}`)
    expect(publicKeyFromDid(kid)).toEqual(publicKeyFromDid(customer.did))
    expect(kidForDid('did:web:example.com')).toBe('did:web:example.com#key-1')
  })

  it('hold for any 32-byte key (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (raw) => {
        const did = didFromPublicKey(raw)
        expect(did).toBe(expectedDidKey(raw))
        expect(did.startsWith('did:key:z6Mk')).toBe(true)
        expect(publicKeyFromDid(did)).toEqual(raw)
        const jwk = jwkFromPublicKey(raw)
        expect(publicKeyFromJwk(jwk)).toEqual(raw)
        expect(didFromJwk(jwk)).toBe(did)
      }),
      { numRuns: 500 },
    )
  })

  it('refuse raw keys that are not 32 bytes with ERR_INVALID_ARGUMENT', async () => {
    for (const n of [0, 31, 33, 64]) {
      await expectCode(() => didFromPublicKey(new Uint8Array(n)), 'ERR_INVALID_ARGUMENT')
      await expectCode(() => jwkFromPublicKey(new Uint8Array(n)), 'ERR_INVALID_ARGUMENT')
    }
  })

  it('refuse JWKs that are not Ed25519 public keys with ERR_KEY_UNRESOLVED', async () => {
    const x = customer.publicJwk.x
    const bad: unknown[] = [
      null,
      undefined,
      'jwk',
      {},
      { kty: 'RSA', n: 'AQAB', e: 'AQAB' },
      { kty: 'OKP', crv: 'X25519', x },
      { kty: 'OKP', crv: 'Ed448', x },
      { kty: 'EC', crv: 'Ed25519', x },
      { kty: 'OKP', crv: 'Ed25519' },
      { kty: 'OKP', crv: 'Ed25519', x: 42 },
      { kty: 'OKP', crv: 'Ed25519', x: x.slice(0, 42) }, // 31 bytes and change
      { kty: 'OKP', crv: 'Ed25519', x: b64u(new Uint8Array(31)) },
      { kty: 'OKP', crv: 'Ed25519', x: b64u(new Uint8Array(33)) },
      { kty: 'OKP', crv: 'Ed25519', x: `${x.slice(0, 42)}+` }, // not base64url
      { kty: 'OKP', crv: 'Ed25519', x: `${x}=` }, // padded
    ]
    for (const jwk of bad) await expectCode(() => publicKeyFromJwk(jwk), 'ERR_KEY_UNRESOLVED')
  })
})

describe('keyPairFromSeed: deterministic identities', () => {
  it('gives the same pair for the same seed and different pairs for different seeds', async () => {
    const a = await keyPairFromSeed(seed(9))
    const b = await keyPairFromSeed(seed(9))
    const c = await keyPairFromSeed(seed(10))
    expect(b).toEqual(a)
    expect(c.did).not.toBe(a.did)
    expect(a.privateJwk.d).toBe(b64u(seed(9)))
  })

  it("does not keep a reference to the caller's seed buffer", async () => {
    const s = seed(11)
    const a = await keyPairFromSeed(s)
    s.fill(0)
    expect(a.privateJwk.d).toBe(b64u(seed(11)))
  })

  it('refuses a seed that is not 32 bytes with ERR_INVALID_ARGUMENT', async () => {
    for (const bad of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(0), 'x'.repeat(32), [...seed(1)], null]) {
      await expectCode(keyPairFromSeed(bad as Uint8Array), 'ERR_INVALID_ARGUMENT')
    }
  })

  it('RFC 8037 appendix A.1 key: the seed d gives the published public key x', async () => {
    const d = 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A'
    const x = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo'
    const k = await keyPairFromSeed(unb64u(d))
    expect(k.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x })
    expect(k.privateJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x, d })
    expect(k.did).toBe(expectedDidKey(unb64u(x)))
    expect(publicKeyFromDid(k.did)).toEqual(unb64u(x))
  })
})

describe('importKeyPair: a stored private JWK, checked for consistency', () => {
  it('rebuilds the same key pair', async () => {
    const k = await generateKeyPair()
    const stored = JSON.parse(JSON.stringify(k.privateJwk)) as PrivateJwk
    const back = await importKeyPair(stored)
    expect(back).toEqual(k)
    expect((await verify(await signIntent(intentBody, back))).issuer).toBe(k.did)
  })

  it('refuses an x that does not belong to d', async () => {
    await expectCode(importKeyPair({ ...customer.privateJwk, x: vendor.publicJwk.x }), 'ERR_INVALID_ARGUMENT')
  })

  it('refuses anything that is not an Ed25519 private JWK', async () => {
    const bad: unknown[] = [
      null,
      undefined,
      {},
      customer.publicJwk, // no d
      { ...customer.privateJwk, kty: 'EC' },
      { ...customer.privateJwk, crv: 'X25519' },
      { ...customer.privateJwk, d: 42 },
      { ...customer.privateJwk, d: b64u(new Uint8Array(31)) },
      { ...customer.privateJwk, d: `${customer.privateJwk.d.slice(0, 42)}/` }, // not base64url
      { ...customer.privateJwk, d: `${customer.privateJwk.d}=` },
    ]
    for (const jwk of bad) await expectCode(importKeyPair(jwk as PrivateJwk), 'ERR_INVALID_ARGUMENT')
  })
})

describe('signing with an inconsistent key pair', () => {
  it('is refused with ERR_INVALID_ARGUMENT, never a TypeError or RangeError', async () => {
    const bad: unknown[] = [
      null,
      {},
      { did: customer.did, publicJwk: customer.publicJwk },
      { ...customer, did: vendor.did }, // DID of someone else
      { ...customer, privateJwk: { ...customer.privateJwk, x: vendor.publicJwk.x } },
      { ...customer, privateJwk: { ...customer.privateJwk, d: 'AAAA' } }, // 3-byte seed
      { ...customer, privateJwk: { ...customer.privateJwk, d: '!!!' } },
    ]
    for (const k of bad) await expectCode(signIntent(intentBody, k as KeyPair), 'ERR_INVALID_ARGUMENT')
  })
})

describe('bad DIDs do not resolve: ERR_KEY_UNRESOLVED', () => {
  const z6 = customer.did.slice('did:key:'.length)
  const bad = [
    '',
    'did:web:example.com',
    'did:key:',
    'did:key:z',
    `did:key:${z6.slice(1)}`, // multibase prefix missing
    `did:key:m${z6.slice(1)}`, // another multibase
    `did:key:${z6.slice(0, -3)}`, // truncated
    `did:key:${z6}111`, // too long
    `did:key:z0OIl${z6.slice(5)}`, // characters outside base58btc
    // secp256k1 (0xe7 0x01) and X25519 (0xec 0x01) keys are not Ed25519 keys:
    `did:key:z${'Q3s'}${z6.slice(4)}`,
    'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme',
    'did:key:z6LSeu9HkTHSfLLeUs2nnzUSNedgDUevfNQgQjQC23ZCit6F',
    `did:key:z${'1'.repeat(48)}`,
    'did:key:' + 'z'.repeat(100_000),
  ]

  it.each(bad.map((d) => [d.length > 80 ? `${d.slice(0, 40)}… (${d.length} chars)` : d || '(empty)', d]))(
    '%s',
    async (_, did) => {
      await expectCode(() => publicKeyFromDid(did), 'ERR_KEY_UNRESOLVED')
    },
  )

  it('a did:key whose multicodec names another key type', async () => {
    const x25519 = 'did:key:z' + base58btc(new Uint8Array([0xec, 0x01, ...new Uint8Array(32).fill(5)]))
    await expectCode(() => publicKeyFromDid(x25519), 'ERR_KEY_UNRESOLVED')
  })
})

describe('RFC 8037 §A.4 EdDSA JWS example: jose and intentcast/crypto agree', () => {
  // RFC 8037 appendix A.4, "Example of Ed25519 Signing", as spec/vectors/rfc8037.json keeps it.
  const { x, d } = rfc8037.privateJwk
  const jws = rfc8037.jws
  const [protected64, payload64, signature64] = jws.split('.') as [string, string, string]
  const input = ascii(`${protected64}.${payload64}`)

  it('the segments decode to the published header and payload', () => {
    expect(Buffer.from(protected64, 'base64url').toString()).toBe(rfc8037.protectedHeader)
    expect(Buffer.from(payload64, 'base64url').toString()).toBe(rfc8037.payload)
  })

  it('verifies with jose compactVerify', async () => {
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x }, 'EdDSA')
    const { payload, protectedHeader } = await compactVerify(jws, key)
    expect(new TextDecoder().decode(payload)).toBe('Example of Ed25519 signing')
    expect(protectedHeader).toEqual({ alg: 'EdDSA' })
  })

  it.each(['native', 'noble'] as const)(
    'verifies with verifyEd25519 (%s backend) on the same bytes',
    async (backend) => {
      expect(await verifyEd25519(unb64u(x), input, unb64u(signature64), { backend })).toBe(true)
    },
  )

  it('signEd25519 with d reproduces the published signature byte for byte', async () => {
    expect(b64u(await signEd25519(unb64u(d), input))).toBe(signature64)
  })

  it('both refuse the example once a byte of the payload changes', async () => {
    const tampered = `${protected64}.${payload64.slice(0, -1)}g.${signature64}`
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x }, 'EdDSA')
    await expect(compactVerify(tampered, key)).rejects.toThrow()
    const [h, p] = tampered.split('.')
    expect(await verifyEd25519(unb64u(x), ascii(`${h}.${p}`), unb64u(signature64))).toBe(false)
  })

  it('intentcast verify refuses it as a message: it has no intentcast typ', async () => {
    await expectCode(verify(jws, { now: SOON }), 'ERR_TYPE_MISMATCH')
    // The key pair it comes from is an ordinary intentcast identity.
    const k = await keyPairFromSeed(unb64u(d))
    expect((await verify(await signIntent(intentBody, k, { now: T0 }), { now: SOON })).issuer).toBe(k.did)
  })
})
