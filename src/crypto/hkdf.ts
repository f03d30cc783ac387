/**
 * HKDF-SHA256 (RFC 5869) for the key derivations of sealing and of the wallet. @noble/hashes
 * takes about 20 µs for one, and a vendor derives one per sealed answer (`sealOnce`); node:crypto's
 * `hkdfSync` takes about 2, so it is used once the native backend has loaded node:crypto, as
 * `sha256` does (src/crypto/sha256.ts). Both give the same bytes: RFC 5869's vectors hold each.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { native } from './native-hash.js'

/**
 * `length` bytes of HKDF-SHA256 output. An absent `salt` is HashLen zero bytes (RFC 5869 §2.2),
 * which an empty HMAC key equals, so both backends take it as empty.
 */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return native.hkdf ? native.hkdf(ikm, salt ?? EMPTY, info, length) : hkdf(nobleSha256, ikm, salt, info, length)
}

const EMPTY = new Uint8Array(0)
