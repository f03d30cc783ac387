import { IntentcastError } from '../errors.js'

const ALPHABET = /^[A-Za-z0-9_-]*$/
const hasBuffer = typeof Buffer === 'function'

/**
 * Unpadded base64url, with the platform's own coders: Node's Buffer, else the web's btoa/atob
 * (every browser and edge runtime has them), so no JS codec is bundled.
 */
export function encodeBase64url(bytes: Uint8Array): string {
  if (hasBuffer) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const CANONICAL_LAST_2 = /[AQgw]$/
const CANONICAL_LAST_3 = /[AEIMQUYcgkosw048]$/

/**
 * Strict unpadded base64url. Buffer skips characters it does not know and ignores leftover bits,
 * which would let two different strings carry the same bytes; this refuses both.
 */
export function decodeBase64url(s: string, what: string): Uint8Array {
  const tail = s.length % 4
  if (
    tail === 1 ||
    !ALPHABET.test(s) ||
    (tail === 2 && !CANONICAL_LAST_2.test(s)) ||
    (tail === 3 && !CANONICAL_LAST_3.test(s))
  ) {
    throw new IntentcastError('ERR_MALFORMED', `${what} is not canonical base64url`)
  }
  if (!hasBuffer) return Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
  const b = Buffer.from(s, 'base64url')
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}
