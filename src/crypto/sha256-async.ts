import { native } from './native-hash.js'

/**
 * SHA-256 for `verify`: node:crypto where loaded, else WebCrypto, else (a page without a secure
 * context has no `crypto.subtle`) @noble/hashes, loaded only then.
 */
export async function sha256Async(data: Uint8Array): Promise<Uint8Array> {
  if (native.sha256) return native.sha256(data)
  const subtle = globalThis.crypto?.subtle
  if (subtle) return new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>))
  return (await import('@noble/hashes/sha2.js')).sha256(data)
}
