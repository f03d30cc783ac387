/**
 * One disclosure, in exactly the object-property form of RFC 9901 §4.2.1: base64url (no padding)
 * of the UTF-8 JSON array `[salt, name, value]`. Its digest (§4.2.3) is base64url(SHA-256) of the
 * disclosure string's ASCII, never of the JSON it decodes to, so every spelling of the same
 * claim (whitespace, escapes) is a different disclosure with a different digest.
 */
import { sha256Async } from '../crypto/sha256-async.js'
import { IntentcastError, type IntentcastErrorCode } from '../errors.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8, utf8 } from '../lib/utf8.js'

/** The longest disclosure read, in characters (ASCII, so bytes too): checked before any decoding. */
export const MAX_DISCLOSURE_LENGTH = 2048

/** The most digests one digest set holds, and the most disclosures one list carries. */
export const MAX_DIGESTS = 32

/** A disclosure taken apart: the salt that hides the claim, and the claim's name and value. */
export interface Disclosure {
  readonly salt: string
  readonly name: string
  readonly value: unknown
}

const BASE64URL = /^[A-Za-z0-9_-]+$/
// ≥ 128 bits of salt, as RFC 9901 §4.2.1 recommends. Not required to be canonical base64url: the RFC's own
// salts (`_26bc4LT-ac6q2KI6cBW5es`) carry stray bits in their last character.
const SALT = /^[A-Za-z0-9_-]{22,}$/
// `_sd` and `...` are RFC 9901's own names (§4.2.1). `__proto__` would set the prototype of the
// object the disclosed claims are gathered in, as parseJsonStrict refuses it as a key.
const RESERVED: ReadonlySet<string> = new Set(['_sd', '...', '__proto__'])

/**
 * The digest of a disclosure (RFC 9901 §4.2.3): base64url(SHA-256(ASCII(disclosure))). Only the
 * string is checked (base64url, at most 2,048 characters), not what it decodes to, so this is
 * also the digest of disclosures `parseDisclosure` refuses (an RFC 9901 array element).
 *
 * @throws IntentcastError ERR_TOO_LARGE over 2,048 characters; ERR_MALFORMED for anything but a
 *   non-empty base64url string.
 * @example
 * ```ts
 * import { disclosureDigest } from 'intentcast/disclose'
 * // RFC 9901 §4.2.1 and §4.2.3:
 * await disclosureDigest('WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0')
 * // 'X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0'
 * ```
 */
export async function disclosureDigest(disclosure: string): Promise<string> {
  checkText(disclosure)
  return encodeBase64url(await sha256Async(utf8(disclosure)))
}

/**
 * Takes a disclosure apart, strictly: canonical base64url of UTF-8, strict JSON (no duplicate
 * or `__proto__` keys, bounded depth), an array of exactly three (array-element disclosures are
 * not used), a salt of at least 22 base64url characters, and a non-empty name other than `_sd`,
 * `...` and `__proto__`. The value is any JSON; what a name may hold is the place's schema's
 * business (`ContactDetails`, `PreciseWant`).
 *
 * @throws IntentcastError ERR_TOO_LARGE over 2,048 characters; ERR_MALFORMED for anything else
 *   that is not a disclosure of this form.
 * @example
 * ```ts
 * import { parseDisclosure } from 'intentcast/disclose'
 * parseDisclosure('WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0')
 * // { salt: '_26bc4LT-ac6q2KI6cBW5es', name: 'family_name', value: 'Möbius' }
 * ```
 */
export function parseDisclosure(disclosure: string): Disclosure {
  checkText(disclosure)
  const json = fromUtf8(decodeBase64url(disclosure, 'disclosure'), 'disclosure')
  const array = parseJsonStrict(json, 'disclosure')
  if (!Array.isArray(array) || array.length !== 3) {
    throw malformed('a disclosure is the array [salt, name, value] (RFC 9901 §4.2.1)')
  }
  const [salt, name, value] = array as [unknown, unknown, unknown]
  if (typeof salt !== 'string' || !SALT.test(salt)) {
    throw malformed('a disclosure salt is base64url of at least 128 bits (22 characters)')
  }
  checkName(name, 'ERR_MALFORMED')
  return { salt, name, value }
}

/** A claim name a disclosure may carry; `code` says whose mistake a bad one is. */
export function checkName(name: unknown, code: IntentcastErrorCode): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || RESERVED.has(name)) {
    throw new IntentcastError(code, 'a disclosed claim name is a non-empty string other than _sd, ... and __proto__')
  }
}

function checkText(disclosure: unknown): asserts disclosure is string {
  if (typeof disclosure !== 'string') throw malformed('a disclosure is a string')
  // ASCII, so the length in UTF-16 units is the length in bytes.
  if (disclosure.length > MAX_DISCLOSURE_LENGTH) {
    throw new IntentcastError('ERR_TOO_LARGE', `a disclosure is at most ${MAX_DISCLOSURE_LENGTH} characters`)
  }
  if (!BASE64URL.test(disclosure)) throw malformed('a disclosure is a non-empty base64url string')
}

function malformed(message: string): IntentcastError {
  return new IntentcastError('ERR_MALFORMED', message)
}
