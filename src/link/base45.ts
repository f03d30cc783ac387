import { IntentcastError } from '../errors.js'

/**
 * Base45 (RFC 9285): two bytes become three characters of a 45-character alphabet, which is
 * exactly the QR code alphanumeric set, so a base45 text fills a QR code at 5.5 bits a character.
 * Written here rather than taken from npm: the packages there either misread a Uint8Array that
 * is a view into a larger buffer or turn characters outside the alphabet into bytes silently.
 *
 * @example
 * ```ts
 * import { BASE45_ALPHABET } from 'intentcast'
 *
 * const fitsQrAlphanumeric = (text: string) => [...text].every((c) => BASE45_ALPHABET.includes(c))
 * ```
 */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'

const VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < BASE45_ALPHABET.length; i++) VALUE[BASE45_ALPHABET.charCodeAt(i)] = i

/**
 * Encodes bytes as base45 (RFC 9285 §4).
 *
 * @example
 * ```ts
 * import { encodeBase45 } from 'intentcast'
 *
 * encodeBase45(new TextEncoder().encode('AB')) // 'BB8' (RFC 9285 §4.3)
 * ```
 */
export function encodeBase45(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'encodeBase45 takes a Uint8Array')
  let out = ''
  const pairs = bytes.length - (bytes.length % 2)
  for (let i = 0; i < pairs; i += 2) {
    const n = bytes[i]! * 256 + bytes[i + 1]!
    out += BASE45_ALPHABET[n % 45]! + BASE45_ALPHABET[Math.floor(n / 45) % 45]! + BASE45_ALPHABET[Math.floor(n / 2025)]!
  }
  if (pairs < bytes.length) {
    const n = bytes[pairs]!
    out += BASE45_ALPHABET[n % 45]! + BASE45_ALPHABET[Math.floor(n / 45)]!
  }
  return out
}

/**
 * Decodes base45 strictly (RFC 9285 §4.2, §6): every character in the alphabet, a length that is
 * not 1 more than a multiple of 3, and no group whose value is too large for its bytes. Each byte
 * string has exactly one encoding, so anything else is ERR_MALFORMED.
 *
 * @example
 * ```ts
 * import { decodeBase45 } from 'intentcast'
 *
 * new TextDecoder().decode(decodeBase45('%69 VD92EX0')) // 'Hello!!' (RFC 9285 §4.3)
 * ```
 */
export function decodeBase45(text: string): Uint8Array {
  if (typeof text !== 'string') throw new IntentcastError('ERR_INVALID_ARGUMENT', 'decodeBase45 takes a string')
  if (text.length % 3 === 1)
    throw malformed(`a length of ${text.length} characters is not base45 (3 per 2 bytes, 2 for a last byte)`)
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0))
  let o = 0
  for (let i = 0; i < text.length; i += 3) {
    const c = digit(text, i)
    const d = digit(text, i + 1)
    if (i + 2 === text.length) {
      const n = c + d * 45
      if (n > 0xff) throw malformed(`the last group at ${i} is ${n}, more than one byte holds`)
      out[o++] = n
    } else {
      const n = c + d * 45 + digit(text, i + 2) * 2025
      if (n > 0xffff) throw malformed(`the group at ${i} is ${n}, more than two bytes hold`)
      out[o++] = n >> 8
      out[o++] = n & 0xff
    }
  }
  return out
}

function digit(text: string, i: number): number {
  const code = text.charCodeAt(i)
  const v = code < 128 ? VALUE[code]! : -1
  if (v < 0) throw malformed(`character ${JSON.stringify(text.slice(i, i + 1))} at ${i} is not in the base45 alphabet`)
  return v
}

function malformed(message: string): IntentcastError {
  return new IntentcastError('ERR_MALFORMED', `base45: ${message}`)
}
