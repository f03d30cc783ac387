/**
 * SHA-256 for message digests. Every verify hashes the signed bytes once more for the digest,
 * and @noble/hashes costs several microseconds per kilobyte where node:crypto costs about one,
 * so Node's hash is used once the native backend has loaded node:crypto.
 *
 * Two forms: `sha256Async` for verify, which elsewhere uses WebCrypto and so keeps the JS hash
 * out of browser bundles that only verify (the r-button's); and `sha256` for the synchronous
 * `digest()`, which falls back to @noble/hashes.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { native } from './native-hash.js'

export function sha256(data: Uint8Array): Uint8Array {
  return native.sha256 ? native.sha256(data) : nobleSha256(data)
}
