import { base64urlnopad } from '@scure/base'
import { IntentcastError } from '../errors.js'

const ALPHABET = /^[A-Za-z0-9_-]*$/
const hasBuffer = typeof Buffer === 'function'

/** Unpadded base64url. Node's Buffer is several times faster than a JS coder, so it is used where present. */
export function encodeBase64url(bytes: Uint8Array): string {
  return hasBuffer
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
    : base64urlnopad.encode(bytes)
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
  if (!hasBuffer) return base64urlnopad.decode(s)
  const b = Buffer.from(s, 'base64url')
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}
