/**
 * `intentcast/crypto`: Ed25519 signing and verification by the intentcast rule (see
 * spec/intentcast.md, "Ed25519 verification rule"): RFC 8032 cofactorless verification that
 * also refuses S >= L, non-canonical encodings and small-order points, identically on every
 * backend.
 *
 * @example
 * ```ts
 * import { getPublicKey, randomPrivateKey, signEd25519, verifyEd25519 } from 'intentcast/crypto'
 *
 * const privateKey = randomPrivateKey()
 * const publicKey = await getPublicKey(privateKey)
 * const signature = await signEd25519(privateKey, message)
 * const ok = await verifyEd25519(publicKey, message, signature)
 * ```
 * @module
 */
import { isIntentcastError } from '../errors.js'
import { abytes } from './bytes.js'
import {
  type Ed25519Backend,
  type PreparedPublicKey,
  importedPublicKey,
  preparePrivateKey,
  signPrepared,
  verifyPrepared,
} from './prepared.js'

export type { Ed25519Backend }

/**
 * The options of the Ed25519 functions: which backend runs them.
 *
 * @example
 * ```ts
 * const ok = await verifyEd25519(publicKey, message, signature, { backend: 'noble' } satisfies Ed25519Options)
 * ```
 */
export interface Ed25519Options {
  /** Default: `native` (node:crypto or WebCrypto) where the runtime offers Ed25519, else `noble`. */
  backend?: Ed25519Backend
}

/**
 * Verifies an Ed25519 signature by the intentcast rule.
 * Resolves to false, never rejects, for a signature that does not verify: a wrong signature,
 * a signature of the wrong length, or a public key that breaks the rule.
 * @param publicKey - 32-byte public key.
 * @param message - the signed bytes.
 * @param signature - 64-byte signature.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if an argument is not a Uint8Array, `publicKey` is not
 *   32 bytes, or `options.backend` is unknown.
 *
 * @example
 * ```ts
 * import { verifyEd25519 } from 'intentcast/crypto'
 *
 * if (!(await verifyEd25519(publicKey, message, signature))) throw new Error('bad signature')
 * ```
 */
export async function verifyEd25519(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  options: Ed25519Options = {},
): Promise<boolean> {
  abytes(publicKey, 'publicKey', 32)
  abytes(message, 'message')
  abytes(signature, 'signature')
  let key: PreparedPublicKey
  try {
    key = await importedPublicKey(publicKey, options.backend)
  } catch (error) {
    if (isIntentcastError(error, 'ERR_KEY_UNRESOLVED')) return false // a key that breaks the rule
    throw error
  }
  return verifyPrepared(key, message, signature)
}

/**
 * Signs `message` (RFC 8032 Ed25519, deterministic).
 * Private keys are imported per call and never cached: no secret outlives the call in a
 * module-level structure.
 * @param privateKey - the 32-byte RFC 8032 private key (seed).
 * @returns the 64-byte signature.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if an argument is not a Uint8Array, `privateKey` is not
 *   32 bytes, or `options.backend` is unknown.
 *
 * @example
 * ```ts
 * import { signEd25519 } from 'intentcast/crypto'
 *
 * const signature = await signEd25519(privateKey, new TextEncoder().encode('hello')) // 64 bytes
 * ```
 */
export async function signEd25519(
  privateKey: Uint8Array,
  message: Uint8Array,
  options: Ed25519Options = {},
): Promise<Uint8Array> {
  abytes(privateKey, 'privateKey', 32)
  abytes(message, 'message')
  return signPrepared(await preparePrivateKey(privateKey, options.backend), message)
}

/**
 * The 32-byte public key of a 32-byte RFC 8032 private key (seed).
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if `privateKey` is not 32 bytes of a Uint8Array, or
 *   `options.backend` is unknown.
 *
 * @example
 * ```ts
 * import { getPublicKey } from 'intentcast/crypto'
 *
 * const publicKey = await getPublicKey(privateKey) // 32 bytes
 * ```
 */
export async function getPublicKey(privateKey: Uint8Array, options: Ed25519Options = {}): Promise<Uint8Array> {
  abytes(privateKey, 'privateKey', 32)
  return (await preparePrivateKey(privateKey, options.backend)).publicKey
}

/**
 * A fresh 32-byte private key (seed) from the platform CSPRNG.
 *
 * @example
 * ```ts
 * import { getPublicKey, randomPrivateKey } from 'intentcast/crypto'
 *
 * const privateKey = randomPrivateKey()
 * const publicKey = await getPublicKey(privateKey)
 * ```
 */
export function randomPrivateKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32))
}
