import { getPublicKey, randomPrivateKey } from '../crypto/index.js'
import { IntentcastError } from '../errors.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { didFromPublicKey, jwkFromPublicKey, type PrivateJwk, type PublicJwk } from './did-key.js'

/** A signing identity: its `did:key`, and its key as public and private JWKs. */
export interface KeyPair {
  readonly did: string
  readonly publicJwk: PublicJwk
  readonly privateJwk: PrivateJwk
}

/**
 * A fresh Ed25519 identity.
 *
 * @example
 * ```ts
 * import { generateKeyPair } from 'intentcast'
 *
 * const customer = await generateKeyPair()
 * customer.did // 'did:key:z6Mk…'
 * await writeFile('customer.jwk', JSON.stringify(customer.privateJwk), { mode: 0o600 }) // secret: importKeyPair reads it back
 * ```
 */
export async function generateKeyPair(): Promise<KeyPair> {
  return keyPairFromSeed(randomPrivateKey())
}

/**
 * The identity of a 32-byte Ed25519 seed (RFC 8032 private key). Deterministic.
 *
 * @example
 * ```ts
 * import { keyPairFromSeed } from 'intentcast'
 *
 * const seed = new Uint8Array(Buffer.from(process.env.VENDOR_SEED!, 'base64url')) // 32 bytes
 * const vendor = await keyPairFromSeed(seed) // the same DID on every start
 * ```
 */
export async function keyPairFromSeed(seed: Uint8Array): Promise<KeyPair> {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'an Ed25519 seed is 32 bytes')
  }
  const publicKey = await getPublicKey(seed)
  const publicJwk = jwkFromPublicKey(publicKey)
  return Object.freeze({
    did: didFromPublicKey(publicKey),
    publicJwk: Object.freeze(publicJwk),
    privateJwk: Object.freeze({ ...publicJwk, d: encodeBase64url(seed) }),
  })
}

/** The 32-byte seed in a private JWK's `d`. A bad `d` is the caller's argument: ERR_INVALID_ARGUMENT. */
export function seedFromJwk(d: string): Uint8Array {
  let seed: Uint8Array
  try {
    seed = decodeBase64url(d, 'JWK d')
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'JWK d is not canonical base64url', { cause })
  }
  if (seed.length !== 32) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'JWK d is not a 32-byte Ed25519 seed')
  return seed
}

/**
 * Rebuilds a key pair from a stored private JWK, checking that `x` belongs to `d`.
 *
 * @example
 * ```ts
 * import { importKeyPair } from 'intentcast'
 *
 * const customer = await importKeyPair(JSON.parse(await readFile('customer.jwk', 'utf8')))
 * ```
 */
export async function importKeyPair(privateJwk: PrivateJwk): Promise<KeyPair> {
  if (privateJwk?.kty !== 'OKP' || privateJwk.crv !== 'Ed25519' || typeof privateJwk.d !== 'string') {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'not an Ed25519 private JWK')
  }
  const pair = await keyPairFromSeed(seedFromJwk(privateJwk.d))
  if (pair.publicJwk.x !== privateJwk.x) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'JWK x does not match d')
  return pair
}
