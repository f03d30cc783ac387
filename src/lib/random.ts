import { encodeBase64url } from './base64url.js'

/** `n` bytes from the platform's CSPRNG. */
export function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n))
}

/** 16 random bytes as base64url: a `jti` that never repeats in practice. */
export function randomId(): string {
  return encodeBase64url(randomBytes(16))
}
