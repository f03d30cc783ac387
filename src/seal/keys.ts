import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { sealCrypto } from '../crypto/seal-crypto.js'
import { IntentcastError } from '../errors.js'
import { sealKeyThumbprint } from '../model/thumbprint.js'
import { seedFromJwk, type KeyPair } from '../keys/key-pair.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { utf8 } from '../lib/utf8.js'

/**
 * An X25519 public key as a JWK (RFC 8037), for encryption only (`use: "enc"`). `kid`, when
 * present, names the key in a sealed message's header; the SDK's own keys carry their RFC 7638
 * thumbprint (`sealKeyId`).
 */
export interface SealPublicJwk {
  kty: 'OKP'
  crv: 'X25519'
  x: string
  /** `enc` when present; the SDK's own keys always carry it. */
  use?: 'enc' | undefined
  kid?: string | undefined
}

/** An X25519 private key as a JWK (RFC 8037): the public `x` plus the 32-byte private key `d`. */
export interface SealPrivateJwk extends SealPublicJwk {
  d: string
}

/**
 * An encryption key pair. It is not a signing identity and has no DID: a party publishes its
 * encryption key beside its signing key (spec §Encrypted envelopes), and may derive the one from
 * the other's seed (`deriveSealKeyPair`) so that the two rotate together.
 */
export interface SealKeyPair {
  readonly publicJwk: SealPublicJwk
  readonly privateJwk: SealPrivateJwk
}

/**
 * A fresh X25519 key pair for receiving encrypted messages, its `kid` the key's thumbprint.
 *
 * @example
 * ```ts
 * import { generateSealKeyPair } from 'intentcast/seal'
 * const { publicJwk, privateJwk } = await generateSealKeyPair()
 * // publish publicJwk (use: "enc", kid: its thumbprint); keep privateJwk secret
 * ```
 */
export async function generateSealKeyPair(): Promise<SealKeyPair> {
  return sealKeyPairFromSeed(globalThis.crypto.getRandomValues(new Uint8Array(32)))
}

/**
 * The X25519 key pair of a 32-byte private key (RFC 7748): deterministic, for test vectors and
 * for keys kept as bytes. The `kid` of both JWKs is the key's RFC 7638 thumbprint.
 *
 * @throws IntentcastError ERR_INVALID_ARGUMENT when `seed` is not 32 bytes.
 * @example
 * ```ts
 * import { sealKeyPairFromSeed } from 'intentcast/seal'
 * const pair = await sealKeyPairFromSeed(new Uint8Array(32).fill(7))
 * pair.publicJwk.x // always the same for the same seed
 * ```
 */
export async function sealKeyPairFromSeed(seed: Uint8Array): Promise<SealKeyPair> {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'an X25519 private key is 32 bytes')
  }
  const x = encodeBase64url(await sealCrypto().publicKey({ d: seed }))
  const publicJwk: SealPublicJwk = Object.freeze({
    kty: 'OKP',
    crv: 'X25519',
    x,
    use: 'enc',
    kid: sealKeyThumbprint(x),
  })
  return Object.freeze({ publicJwk, privateJwk: Object.freeze({ ...publicJwk, d: encodeBase64url(seed) }) })
}

/** HKDF salt of every encryption key derived from a signing seed (spec §Encrypted envelopes, Keys). */
const SEAL_SALT = 'intentcast/0.1 seal'
/** HKDF info: names the key's algorithm, so another key derived from the same seed never equals it. */
const SEAL_INFO = 'x25519'

/**
 * The encryption key pair that belongs with an Ed25519 signing key: its X25519 private key is
 * HKDF-SHA256 of the 32-byte signing seed (salt `intentcast/0.1 seal`, info `x25519`, 32 bytes).
 * A wallet derives each cast's reply key from that cast's signing seed, and a vendor its
 * encryption key from its signing key's seed, so a party keeps one secret per identity and its
 * two keys rotate together. HKDF is one-way: the encryption key reveals nothing of the signing key,
 * and the same 32 bytes are never used by both algorithms.
 *
 * @param signingSeed The 32-byte Ed25519 seed (the `d` of the signing key's private JWK).
 * @throws IntentcastError ERR_INVALID_ARGUMENT when `signingSeed` is not 32 bytes.
 * @example
 * ```ts
 * import { deriveSealKeyPair } from 'intentcast/seal'
 * const replyKeys = await deriveSealKeyPair(castSigningSeed)
 * // publish replyKeys.publicJwk beside the cast's did:key
 * ```
 */
export async function deriveSealKeyPair(signingSeed: Uint8Array): Promise<SealKeyPair> {
  if (!(signingSeed instanceof Uint8Array) || signingSeed.length !== 32) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a signing seed is 32 bytes')
  }
  return sealKeyPairFromSeed(hkdf(sha256, signingSeed, utf8(SEAL_SALT), utf8(SEAL_INFO), 32))
}

/**
 * Derived key pairs by signing key pair: the derivation and import cost more than the message
 * they open, and a party opens many with one key. Weak, so a dropped key pair is not kept.
 */
const derived = new WeakMap<KeyPair, Promise<SealKeyPair>>()

/**
 * `deriveSealKeyPair` of a signing key pair's seed (its private JWK's `d`), once per key pair: the
 * SDK's own flows (a vendor's keys, a wallet's cast keys) name their encryption keys this way.
 * Internal; a program derives with `deriveSealKeyPair`.
 */
export function sealKeyPairOf(keyPair: KeyPair): Promise<SealKeyPair> {
  let pair = derived.get(keyPair)
  if (pair === undefined) {
    pair = deriveSealKeyPair(seedFromJwk(keyPair.privateJwk.d))
    derived.set(keyPair, pair)
  }
  return pair
}

/**
 * The RFC 7638 thumbprint of an X25519 public JWK: base64url of SHA-256 over
 * `{"crv":"X25519","kty":"OKP","x":"…"}`. The SDK's keys use it as their `kid`, so a reader can
 * check that a published key's `kid` is that of its `x`.
 *
 * @throws IntentcastError ERR_INVALID_ARGUMENT for anything but an X25519 public JWK with a
 *   32-byte `x` in canonical base64url.
 * @example
 * ```ts
 * import { sealKeyId } from 'intentcast/seal'
 * const key = vendorDocument.sealKeys[0]
 * if (sealKeyId(key) !== key.kid) throw new Error('the kid is not the thumbprint of x')
 * ```
 */
export function sealKeyId(jwk: SealPublicJwk): string {
  const j = jwk as Partial<SealPublicJwk> | null
  if (typeof j !== 'object' || j === null || j.kty !== 'OKP' || j.crv !== 'X25519' || !isKey(j.x)) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'sealKeyId takes an X25519 public JWK with a 32-byte x')
  }
  // Only the three required members (RFC 7638 §3.2): `use` and `kid` are not part of the key.
  return sealKeyThumbprint(j.x)
}

function isKey(x: unknown): x is string {
  try {
    return typeof x === 'string' && decodeBase64url(x, 'x').length === 32
  } catch {
    return false
  }
}
