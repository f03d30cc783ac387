import { base58 } from '@scure/base'
import { IntentcastError } from '../errors.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'

/** An Ed25519 public key as a JWK (RFC 8037). */
export interface PublicJwk {
  kty: 'OKP'
  crv: 'Ed25519'
  x: string
  kid?: string
}

/** An Ed25519 private key as a JWK (RFC 8037): the public `x` plus the 32-byte seed `d`. */
export interface PrivateJwk extends PublicJwk {
  d: string
}

/** The multicodec prefix of an Ed25519 public key (`ed25519-pub`, 0xed as a varint). */
const ED25519_PUB = [0xed, 0x01] as const
const DID_KEY_PREFIX = 'did:key:z'

/**
 * `did:key:z6Mk…` for a raw 32-byte Ed25519 public key.
 *
 * @example
 * ```ts
 * import { didFromPublicKey } from 'intentcast'
 * import { getPublicKey } from 'intentcast/crypto'
 *
 * const did = didFromPublicKey(await getPublicKey(seed)) // 'did:key:z6Mk…'
 * ```
 */
export function didFromPublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'an Ed25519 public key is 32 bytes')
  const bytes = new Uint8Array(34)
  bytes.set(ED25519_PUB)
  bytes.set(publicKey, 2)
  return DID_KEY_PREFIX + base58.encode(bytes)
}

/**
 * The raw public key inside an Ed25519 `did:key` (a DID URL's fragment is ignored). Throws
 * ERR_KEY_UNRESOLVED for anything else.
 *
 * @example
 * ```ts
 * import { publicKeyFromDid } from 'intentcast'
 * import { verifyEd25519 } from 'intentcast/crypto'
 *
 * const ok = await verifyEd25519(publicKeyFromDid(offer.issuer), bytes, signature)
 * ```
 */
export function publicKeyFromDid(did: string): Uint8Array {
  const bare = did.split('#', 1)[0]!
  // 34 bytes in base58 take 46-48 characters; refuse anything else before decoding.
  if (!bare.startsWith(DID_KEY_PREFIX) || bare.length > DID_KEY_PREFIX.length + 48) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', `${bare.slice(0, 64)} is not an Ed25519 did:key`)
  }
  let bytes: Uint8Array
  try {
    bytes = base58.decode(bare.slice(DID_KEY_PREFIX.length))
  } catch (cause) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', 'did:key is not valid base58btc', { cause })
  }
  if (bytes.length !== 34 || bytes[0] !== ED25519_PUB[0] || bytes[1] !== ED25519_PUB[1]) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', 'did:key does not hold an Ed25519 public key')
  }
  return bytes.subarray(2)
}

/**
 * The DID URL that names the key of a `did:key` DID, used as `kid`: `did:key:z6Mk…#z6Mk…`.
 *
 * @example
 * ```ts
 * import { kidForDid } from 'intentcast'
 *
 * kidForDid(vendor.did) // `${vendor.did}#${vendor.did.slice('did:key:'.length)}`
 * offer.header.kid === kidForDid(offer.issuer) // true: verify checks it
 * ```
 */
export function kidForDid(did: string): string {
  return did.startsWith(DID_KEY_PREFIX) ? `${did}#${did.slice('did:key:'.length)}` : `${did}#key-1`
}

/** The DID part of a DID URL. */
export function didOfKid(kid: string): string {
  return kid.split('#', 1)[0]!
}

/**
 * The Ed25519 JWK (RFC 8037) of a raw 32-byte public key. Throws ERR_INVALID_ARGUMENT for any
 * other length.
 *
 * @example
 * ```ts
 * import { jwkFromPublicKey, publicKeyFromDid } from 'intentcast'
 *
 * jwkFromPublicKey(publicKeyFromDid(vendor.did)) // { kty: 'OKP', crv: 'Ed25519', x: '…' }, as vendor.publicJwk
 * ```
 */
export function jwkFromPublicKey(publicKey: Uint8Array): PublicJwk {
  if (publicKey.length !== 32) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'an Ed25519 public key is 32 bytes')
  return { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(publicKey) }
}

/**
 * The raw public key of an Ed25519 JWK. Throws ERR_KEY_UNRESOLVED for anything else.
 *
 * @example
 * ```ts
 * import { publicKeyFromJwk } from 'intentcast'
 *
 * const publicKey = publicKeyFromJwk(vendor.publicJwk) // 32 bytes
 * ```
 */
export function publicKeyFromJwk(jwk: unknown): Uint8Array {
  const j = jwk as Partial<PublicJwk> | null
  if (typeof j !== 'object' || j === null || j.kty !== 'OKP' || j.crv !== 'Ed25519' || typeof j.x !== 'string') {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', 'not an Ed25519 JWK (kty OKP, crv Ed25519)')
  }
  let x: Uint8Array
  try {
    x = decodeBase64url(j.x, 'JWK x')
  } catch (cause) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', 'JWK x is not canonical base64url', { cause })
  }
  if (x.length !== 32) throw new IntentcastError('ERR_KEY_UNRESOLVED', 'JWK x is not 32 bytes')
  return x
}

/**
 * The `did:key` of an Ed25519 public JWK. Throws ERR_KEY_UNRESOLVED for a JWK that is not one.
 *
 * @example
 * ```ts
 * import { didFromJwk } from 'intentcast'
 *
 * didFromJwk(customer.publicJwk) === customer.did // true
 * ```
 */
export function didFromJwk(jwk: PublicJwk): string {
  return didFromPublicKey(publicKeyFromJwk(jwk))
}

/**
 * A DID short enough for a column or a panel: `did:key:z6Mkabcdef…uvwxyz`. did:key DIDs are 56
 * characters; the start names the method, the end tells keys apart.
 */
export function shortDid(did: string): string {
  return did.length > 32 ? `${did.slice(0, 20)}…${did.slice(-6)}` : did
}
