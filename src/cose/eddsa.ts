import { signEd25519, verifyEd25519 } from '../crypto/index.js'
import { IntentcastError } from '../errors.js'

/** Keys come from the calling program, so a wrong one is its mistake, not the message's. */
export function requireKey(key: unknown, name: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `COSE: ${name} must be a 32-byte Ed25519 key`)
  }
}

/**
 * A private key: the 32-byte Ed25519 seed, or a function that signs the bytes it is given with
 * a key held elsewhere (a prepared key, a hardware token), so the key need not be imported again
 * for every message.
 */
export type CoseSigningKey = Uint8Array | ((toBeSigned: Uint8Array) => Promise<Uint8Array>)

export async function signEdDSA(privateKey: unknown, toBeSigned: Uint8Array): Promise<Uint8Array> {
  if (typeof privateKey === 'function') {
    const signature: unknown = await (privateKey as (bytes: Uint8Array) => Promise<unknown>)(toBeSigned)
    if (!(signature instanceof Uint8Array) || signature.length !== 64) {
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        'COSE: a signing function must return a 64-byte Ed25519 signature',
      )
    }
    return signature
  }
  requireKey(privateKey, 'privateKey')
  return signEd25519(privateKey, toBeSigned)
}

/** `publicKey` must already have passed requireKey. */
export async function verifyEdDSA(
  publicKey: Uint8Array,
  toBeSigned: Uint8Array,
  signature: Uint8Array,
  what: string,
): Promise<void> {
  if (signature.length !== 64 || !(await verifyEd25519(publicKey, toBeSigned, signature))) {
    throw new IntentcastError('ERR_SIGNATURE_INVALID', `COSE: ${what} does not verify`)
  }
}
