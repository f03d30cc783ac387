/**
 * The recipient's keys as the two bindings use them: its public JWK when sealing, its key pairs
 * when opening, and the choice among those pairs by the `kid` a sealed message names. Anything
 * wrong with a key is the caller's mistake (ERR_INVALID_ARGUMENT), never the sender's.
 */
import { IntentcastError } from '../errors.js'
import { decodeBase64url } from '../lib/base64url.js'
import { equalBytes } from '../lib/bytes.js'
import { utf8 } from '../lib/utf8.js'
import type { X25519Private } from '../crypto/seal-crypto.js'
import { sealKeyPairFromSeed, type SealKeyPair, type SealPublicJwk } from './keys.js'

/** A recipient to seal to: its public key's bytes, and the `kid` to name it by, if it has one. */
export interface SealTo {
  readonly x: Uint8Array
  readonly kid: string | undefined
}

/**
 * The ephemeral key's seed and the IV a vector fixes. Internal: with a reused ephemeral key and
 * IV, AES-GCM loses its confidentiality, so only scripts/vectors-seal.ts passes them.
 */
export interface SealFixed {
  readonly ephemeralSeed: Uint8Array
  readonly iv: Uint8Array
}

/** One of the recipient's key pairs, imported: its private key, and its `kid` as UTF-8 bytes. */
export interface OpenWith {
  readonly key: X25519Private
  readonly kid: Uint8Array | undefined
}

const invalid = (message: string, cause?: unknown) =>
  new IntentcastError('ERR_INVALID_ARGUMENT', message, cause === undefined ? undefined : { cause })

/** The recipient of `seal`: an X25519 public JWK for encryption, with a non-empty `kid` if any. */
export function sealTo(jwk: SealPublicJwk): SealTo {
  const j = jwk as Partial<SealPublicJwk> | null
  if (typeof j !== 'object' || j === null || j.kty !== 'OKP' || j.crv !== 'X25519' || typeof j.x !== 'string') {
    throw invalid('the recipient is an X25519 public JWK')
  }
  if (j.use !== undefined && j.use !== 'enc') {
    throw invalid('the recipient key is not for encryption (use is not "enc")')
  }
  if (j.kid !== undefined && (typeof j.kid !== 'string' || j.kid.length === 0)) {
    throw invalid('the recipient key has a kid that is not a non-empty string')
  }
  let x: Uint8Array
  try {
    x = decodeBase64url(j.x, 'x')
  } catch (cause) {
    throw invalid('the recipient x is not base64url', cause)
  }
  if (x.length !== 32) throw invalid('the recipient x is not 32 bytes')
  return { x, kid: j.kid }
}

/**
 * Imported keys by key pair: importing costs more than a decryption, and a recipient opens many
 * messages with one key pair. Weak, so a dropped key pair is not kept. A key pair is taken as
 * immutable, as `sealKeyPairFromSeed` makes it (frozen).
 */
const imported = new WeakMap<object, Promise<OpenWith>>()

/**
 * The recipient's key pairs for `open`: one pair, or a non-empty list (a party that rotates keys
 * keeps the old ones until no message can still be sealed to them). Every pair is imported, so a
 * bad one is reported now, not on the day a message names it.
 */
export function openWith(recipient: SealKeyPair | readonly SealKeyPair[]): Promise<OpenWith[]> {
  const pairs = Array.isArray(recipient) ? (recipient as readonly SealKeyPair[]) : [recipient as SealKeyPair]
  if (pairs.length === 0) return Promise.reject(invalid('the recipient key set is empty'))
  return Promise.all(pairs.map(importPair))
}

function importPair(pair: SealKeyPair): Promise<OpenWith> {
  const cached = typeof pair === 'object' && pair !== null ? imported.get(pair) : undefined
  if (cached !== undefined) return cached
  const key = importPrivate(pair)
  // Only a pair that imported is kept, so a bad argument is refused every time it is passed.
  key.then(
    () => imported.set(pair, key),
    () => undefined,
  )
  return key
}

async function importPrivate(pair: SealKeyPair): Promise<OpenWith> {
  const j = (pair as Partial<SealKeyPair> | null)?.privateJwk
  const kid = (pair as Partial<SealKeyPair> | null)?.publicJwk?.kid
  if (typeof j !== 'object' || j === null || j.kty !== 'OKP' || j.crv !== 'X25519' || typeof j.d !== 'string') {
    throw invalid('the recipient is an X25519 key pair (generateSealKeyPair)')
  }
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0)) {
    throw invalid('the recipient key pair has a kid that is not a non-empty string')
  }
  let d: Uint8Array
  try {
    d = decodeBase64url(j.d, 'd')
    // Once per key pair (the result is kept): a pair whose x is not that of its d is the caller's mistake.
    if (d.length !== 32 || (await sealKeyPairFromSeed(d)).publicJwk.x !== j.x) throw new Error('x is not that of d')
  } catch (cause) {
    throw invalid('the recipient is not a valid X25519 key pair', cause)
  }
  return { key: { d }, kid: kid === undefined ? undefined : utf8(kid) }
}

/**
 * The key a sealed message is opened with: the pair whose `kid` is the one the message names, or,
 * when it names none, the first pair. A `kid` that names none of the pairs is ERR_DECRYPT, as a
 * message sealed to another key is: either way the recipient holds no key that reads it.
 */
export function selectKey(keys: readonly OpenWith[], kid: Uint8Array | undefined): X25519Private {
  if (kid === undefined) return keys[0]!.key
  const match = keys.find((k) => k.kid !== undefined && equalBytes(k.kid, kid))
  if (match === undefined) {
    throw new IntentcastError('ERR_DECRYPT', 'no key of the recipient has the kid the sealed message names')
  }
  return match.key
}
