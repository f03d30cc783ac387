import { decodeCbor } from '../cose/cbor-decode.js'
import { encodeCbor } from '../cose/cbor-encode.js'
import type { CborValue } from '../cose/cbor-value.js'
import { coseStructureOf } from '../cose/message.js'
import { IntentcastError } from '../errors.js'
import { fromUtf8 } from '../lib/utf8.js'
import { essence } from './problem.js'
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, MEDIA_TYPE_SEALED_COSE, MEDIA_TYPE_SEALED_JWS } from '../model/media-types.js'

/** The messages of one body, all in one envelope: JWS text, or COSE bytes. */
export type BodyMessages = readonly string[] | readonly Uint8Array[]

/**
 * Turns a request body into its messages, in the form `verify` takes. One entry per media type
 * the vendor reads.
 */
export type BodyDecoder = (body: Uint8Array) => BodyMessages

/** The one separator between an acceptance and the agreement that travels with it. */
const SEPARATOR = '\n'

function decodeJws(body: Uint8Array): string[] {
  return splitJwsBody(fromUtf8(body, 'request body'))
}

/** A JWS body's messages, from its text: what a sealed body opens to. */
export function splitJwsBody(text: string): string[] {
  const parts = text.split(SEPARATOR)
  // Exactly one message, or an acceptance and its agreement: nothing around them, not even a trailing newline.
  if (parts.length > 2 || parts.some((p) => p.length === 0)) {
    throw new IntentcastError(
      'ERR_MALFORMED',
      'the body is one message, or an acceptance, one newline and its agreement',
    )
  }
  return parts
}

/**
 * A COSE body is one tagged COSE message as it is (tag 18 or 98, checked in full by `verify`),
 * or the deterministic CBOR array `[acceptance, agreement]` of two byte strings (first byte 0x82).
 */
function decodeCose(body: Uint8Array): Uint8Array[] {
  if (coseStructureOf(body) !== undefined) return [body]
  if (body[0] !== 0x82) {
    throw new IntentcastError(
      'ERR_MALFORMED',
      'a COSE body is one COSE message (tag 18 or 98), or a CBOR array of an acceptance and its agreement',
    )
  }
  let parts: CborValue
  try {
    parts = decodeCbor(body, { maxBytes: body.length, maxDepth: 1, maxItems: 2, maxTotalItems: 3 })
  } catch (cause) {
    throw new IntentcastError(
      'ERR_MALFORMED',
      `a COSE body array must be two byte strings in deterministic CBOR (${(cause as Error).message})`,
      { cause },
    )
  }
  if (!Array.isArray(parts) || parts.length !== 2 || !parts.every((p) => p instanceof Uint8Array)) {
    throw new IntentcastError(
      'ERR_MALFORMED',
      'a COSE body array holds exactly two byte strings: the acceptance, then its agreement',
    )
  }
  return parts
}

export const BODY_DECODERS: ReadonlyMap<string, BodyDecoder> = new Map<string, BodyDecoder>([
  [MEDIA_TYPE_JWS, decodeJws],
  [MEDIA_TYPE_COSE, decodeCose],
])

/**
 * The media types of sealed bodies, by the plain media type of what they carry (spec
 * §Encrypted envelopes). A reader opens a sealed body and then reads what is inside as a body
 * of the plain type.
 */
export const SEALED_TYPES: ReadonlyMap<string, string> = new Map([
  [MEDIA_TYPE_SEALED_JWS, MEDIA_TYPE_JWS],
  [MEDIA_TYPE_SEALED_COSE, MEDIA_TYPE_COSE],
])

/** The head of a tagged COSE_Encrypt: tag 96 (0xd8 0x60), then an array of four (0x84). */
const COSE_ENCRYPT_HEAD = [0xd8, 0x60, 0x84]

/**
 * Whether a body is sealed: a compact JWE (five dot-separated parts: a JWS has three, and a JSON
 * one or two joined messages are never five), or a tagged COSE_Encrypt.
 */
export function isSealed(body: string | Uint8Array): boolean {
  if (typeof body === 'string') return body.split('.', 6).length === 5 && !body.includes('\n')
  return COSE_ENCRYPT_HEAD.every((b, i) => body[i] === b)
}

/**
 * The media type of a message or body in its envelope: text is JWS, bytes are COSE, each
 * sealed or not.
 */
export function mediaTypeOf(message: string | Uint8Array): string {
  if (typeof message === 'string') return isSealed(message) ? MEDIA_TYPE_SEALED_JWS : MEDIA_TYPE_JWS
  return isSealed(message) ? MEDIA_TYPE_SEALED_COSE : MEDIA_TYPE_COSE
}

/** Joins an acceptance and its agreement into one body, in their envelope. */
export function joinMessages(acceptance: string, agreement: string): string
export function joinMessages(acceptance: Uint8Array, agreement: Uint8Array): Uint8Array
export function joinMessages(acceptance: string | Uint8Array, agreement: string | Uint8Array): string | Uint8Array
export function joinMessages(acceptance: string | Uint8Array, agreement: string | Uint8Array): string | Uint8Array {
  if (typeof acceptance === 'string' && typeof agreement === 'string') return acceptance + SEPARATOR + agreement
  if (acceptance instanceof Uint8Array && agreement instanceof Uint8Array) return encodeCbor([acceptance, agreement])
  throw new IntentcastError(
    'ERR_INVALID_ARGUMENT',
    'an acceptance and its agreement travel in one envelope: both JWS or both COSE',
  )
}

/**
 * The scheme a 401 names for a posted body (RFC 9110 §15.5.2): the message's own signature, in
 * its binding, `IntentcastCOSE` or `IntentcastJWS`, sealed or not.
 */
export function signatureScheme(contentType: string | null): 'IntentcastCOSE' | 'IntentcastJWS' {
  const type = essence(contentType)
  return type === MEDIA_TYPE_COSE || SEALED_TYPES.get(type) === MEDIA_TYPE_COSE ? 'IntentcastCOSE' : 'IntentcastJWS'
}
