import { IntentcastError } from '../errors.js'
import { fromUtf8 } from '../lib/utf8.js'

/** A message body: one intentcast JWS, or an acceptance and its agreement (spec/sections/http.md §Bodies). */
export const MEDIA_TYPE_JWS = 'application/intentcast+jws'
/** RFC 9457 problem details. */
export const MEDIA_TYPE_PROBLEM = 'application/problem+json'
/** The vendor document and the other well-known files. */
export const MEDIA_TYPE_JSON = 'application/json'

/** The vendor document's path (RFC 8615). */
export const WELL_KNOWN_PATH = '/.well-known/intentcast'

/**
 * Turns a request body into its messages, in the form `verify` takes. One entry per media type
 * the vendor reads: a second encoding (COSE) is added by adding its decoder here.
 */
export type BodyDecoder = (body: Uint8Array) => string[]

/** The one separator between an acceptance and the agreement that travels with it. */
const SEPARATOR = '\n'

function decodeJws(body: Uint8Array): string[] {
  const text = fromUtf8(body, 'request body')
  const parts = text.split(SEPARATOR)
  // Exactly one message, or an acceptance and its agreement: nothing around them, not even a trailing newline.
  if (parts.length > 2 || parts.some((p) => p.length === 0)) {
    throw new IntentcastError('ERR_MALFORMED', 'the body is one message, or an acceptance, one newline and its agreement')
  }
  return parts
}

export const BODY_DECODERS: ReadonlyMap<string, BodyDecoder> = new Map([[MEDIA_TYPE_JWS, decodeJws]])

/** Joins an acceptance and its agreement into one body. */
export function joinMessages(...messages: string[]): string {
  return messages.join(SEPARATOR)
}
