import { encodeBase64url } from './base64url.js'

/** 16 random bytes as base64url: a `jti` that never repeats in practice. */
export function randomId(): string {
  return encodeBase64url(globalThis.crypto.getRandomValues(new Uint8Array(16)))
}
