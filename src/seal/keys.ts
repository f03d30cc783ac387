import { IntentcastError } from '../errors.js'

/** An X25519 public key as a JWK (RFC 8037), for encryption only (`use: "enc"`). */
export interface SealPublicJwk {
  kty: 'OKP'
  crv: 'X25519'
  x: string
  use: 'enc'
  kid?: string
}

/** An X25519 private key as a JWK (RFC 8037): the public `x` plus the 32-byte private key `d`. */
export interface SealPrivateJwk extends SealPublicJwk {
  d: string
}

/**
 * An encryption key pair. It is not a signing identity and has no DID: a party's signing key
 * (Ed25519, its `did:key`) and its encryption key are separate keys, which the party publishes
 * side by side (spec §Encrypted envelopes).
 */
export interface SealKeyPair {
  readonly publicJwk: SealPublicJwk
  readonly privateJwk: SealPrivateJwk
}

/**
 * The PKCS #8 prefix of an X25519 private key (RFC 8410): WebCrypto imports a raw private key
 * only in this wrapping, and exports the JWK with its public `x` computed for us.
 */
const PKCS8_X25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]

/**
 * A fresh X25519 key pair for receiving encrypted messages.
 *
 * @example
 * ```ts
 * import { generateSealKeyPair } from 'intentcast/seal'
 * const { publicJwk, privateJwk } = await generateSealKeyPair()
 * // publish publicJwk (use: "enc"); keep privateJwk secret
 * ```
 */
export async function generateSealKeyPair(): Promise<SealKeyPair> {
  return sealKeyPairFromSeed(globalThis.crypto.getRandomValues(new Uint8Array(32)))
}

/**
 * The X25519 key pair of a 32-byte private key (RFC 7748): deterministic, for wallets that
 * derive their keys from a seed, and for test vectors.
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
  const pkcs8 = new Uint8Array(PKCS8_X25519.length + 32)
  pkcs8.set(PKCS8_X25519)
  pkcs8.set(seed, PKCS8_X25519.length)
  const key = await globalThis.crypto.subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, true, ['deriveBits'])
  const { x, d } = await globalThis.crypto.subtle.exportKey('jwk', key)
  const publicJwk: SealPublicJwk = Object.freeze({ kty: 'OKP', crv: 'X25519', x: x!, use: 'enc' })
  return Object.freeze({ publicJwk, privateJwk: Object.freeze({ ...publicJwk, d: d! }) })
}
