/**
 * Pure-JS backend on @noble/ed25519, for runtimes without Ed25519 in node:crypto or WebCrypto.
 *
 * noble's own `verify` is cofactored (`[8][S]B = [8]R + [8][k]A`), which accepts signatures
 * that OpenSSL refuses (speccheck cases 4 and 5). So verification here evaluates the rule's
 * cofactorless equation directly with noble's `Point`; signing is plain RFC 8032 and uses
 * noble's `sign` unchanged.
 */
import { etc, getPublicKey, hashes, Point, sign } from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import type { Engine } from './engine.js'

const L = Point.CURVE().n

/** Little-endian bytes to integer. */
function numberLE(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!)
  return n
}

/** Compares two 32-byte encodings. Not constant-time: every input is public. */
function equal32(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false
  return true
}

export const nobleEngine: Engine = Object.freeze({
  async importPublicKey(raw: Uint8Array) {
    // Negated once here so each verification is one addition: [S]B + [k](-A).
    const minusA = Point.fromBytes(raw, false).negate()
    return (message: Uint8Array, signature: Uint8Array): boolean => {
      const r = signature.subarray(0, 32)
      const k = etc.mod(numberLE(sha512.create().update(r).update(raw).update(message).digest()), L)
      // S < L was prechecked, as multiply() requires; the unsafe (variable-time) multiply is fine
      // because nothing here is secret.
      const s = numberLE(signature.subarray(32, 64))
      const check = Point.BASE.multiply(s, false).add(minusA.multiply(k, false))
      return equal32(check.toBytes(), r)
    }
  },

  async importPrivateKey(seed: Uint8Array) {
    // noble's synchronous API needs a SHA-512 provider. Its async one would use crypto.subtle,
    // which pages served over plain http lack, and that is exactly where this backend is the
    // fallback. Only filled in if the application has not chosen one itself.
    hashes.sha512 ??= sha512
    const owned = Uint8Array.from(seed)
    return { publicKey: getPublicKey(owned), sign: (message: Uint8Array) => sign(message, owned) }
  },
})
