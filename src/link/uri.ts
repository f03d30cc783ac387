import { decodeCbor } from '../cose/cbor-decode.js'
import { encodeCbor } from '../cose/cbor-encode.js'
import type { CborValue } from '../cose/cbor-value.js'
import { COSE_HEADER } from '../cose/constants.js'
import { decodeProtected } from '../cose/headers.js'
import { coseStructureOf, decodeCoseMessage, readBytes } from '../cose/message.js'
import { COSE_TYP } from '../envelope/cose-typ.js'
import { IntentcastError } from '../errors.js'
import { decodeBase45, encodeBase45 } from './base45.js'

/**
 * The `intentcast:` URI (spec §COSE binding, Links and QR codes): one or two COSE messages as
 * one string that fits a QR code's alphanumeric mode and is also a valid RFC 3986 URI.
 *
 *   INTENTCAST:<pct(base45(cbor([message, terms?])))>
 *
 * - the CBOR is a deterministic array of one or two byte strings: the message (any kind), then
 *   optionally the vendor's terms declaration;
 * - base45 (RFC 9285) keeps to the 45 characters of QR alphanumeric mode;
 * - two of those, space and `%`, are not allowed bare in a URI, so they are percent-encoded as
 *   `%20` and `%25`, which stay inside the alphanumeric set. Nothing else is encoded.
 */

/**
 * The URI scheme. It is written in upper case (QR alphanumeric mode has no lower case) and read in either.
 *
 * @example
 * ```ts
 * import { INTENTCAST_URI_SCHEME } from 'intentcast'
 *
 * const isLink = (scanned: string) => scanned.toLowerCase().startsWith(`${INTENTCAST_URI_SCHEME}:`)
 * ```
 */
export const INTENTCAST_URI_SCHEME = 'intentcast'

/**
 * The largest CBOR payload (message and terms together) a link carries unless told otherwise.
 *
 * @example
 * ```ts
 * import { LINK_DEFAULT_MAX_BYTES, toIntentcastUri } from 'intentcast'
 *
 * const link = toIntentcastUri(intent, { terms, maxBytes: 2 * LINK_DEFAULT_MAX_BYTES }) // its readers must allow as much
 * ```
 */
export const LINK_DEFAULT_MAX_BYTES = 8192

const PREFIX = 'INTENTCAST:'
// Case-insensitive for ASCII only: without the `u` flag no non-ASCII letter folds onto an ASCII one.
const SCHEME = /^intentcast:/i
// After the scheme: base45 characters, with space and % only as %20 and %25.
const BODY = /^(?:[0-9A-Z$*+\-./:]|%2[05])*$/

/** What a link carries: COSE bytes, exactly as signed. */
export interface IntentcastLink {
  /** A COSE message of any kind (COSE_Sign1, or a COSE_Sign agreement). */
  readonly message: Uint8Array
  /** The vendor's signed terms declaration (COSE_Sign1, `intentcast-terms+cose`), when the link has one. */
  readonly terms?: Uint8Array
}

/**
 * The options of `parseIntentcastUri`.
 *
 * @example
 * ```ts
 * const link = parseIntentcastUri(scanned, { maxBytes: 4096 } satisfies ParseIntentcastUriOptions)
 * ```
 */
export interface ParseIntentcastUriOptions {
  /** The largest CBOR payload accepted; the string is refused by its length before any decoding. Default 8192. */
  readonly maxBytes?: number
}

/**
 * The options of `toIntentcastUri`: the vendor's terms to carry beside the message, and the size limit.
 *
 * @example
 * ```ts
 * const link = toIntentcastUri(offer, { terms: await signTerms(declaration, vendor, { format: 'cose' }) } satisfies IntentcastUriOptions)
 * ```
 */
export interface IntentcastUriOptions extends ParseIntentcastUriOptions {
  /** The vendor's terms declaration in COSE (`signTerms(…, { format: 'cose' })`), for the wallet's r-button. */
  readonly terms?: Uint8Array
}

/**
 * The `intentcast:` URI of a COSE message and, optionally, the vendor's COSE terms. The result is
 * in the QR alphanumeric set (encode it in that mode) and is a valid URI for links.
 * @throws ERR_INVALID_ARGUMENT for anything but COSE messages (terms that are not a terms
 *   declaration included); ERR_TOO_LARGE past `maxBytes`, so no link is made that its reader refuses.
 *
 * @example
 * ```ts
 * import { signIntent, signTerms, toIntentcastUri } from 'intentcast'
 *
 * const intent = await signIntent(body, customer, { format: 'cose' })
 * const terms = await signTerms(declaration, shop, { format: 'cose' })
 * const link = toIntentcastUri(intent, { terms }) // 'INTENTCAST:…': draw it as a QR code in alphanumeric mode
 * ```
 */
export function toIntentcastUri(message: Uint8Array, options: IntentcastUriOptions = {}): string {
  const maxBytes = maxBytesOf(options)
  const items: Uint8Array[] = [asArgument(() => checkMessage(message, maxBytes), 'message')]
  if (options.terms !== undefined) items.push(asArgument(() => checkTerms(options.terms, maxBytes), 'terms'))
  const payload = encodeCbor(items)
  if (payload.length > maxBytes)
    throw new IntentcastError('ERR_TOO_LARGE', `the link would carry ${payload.length} bytes; the limit is ${maxBytes}`)
  return PREFIX + encodeBase45(payload).replace(/%/g, '%25').replace(/ /g, '%20')
}

/**
 * Reads an `intentcast:` URI strictly: its length before anything is decoded, the scheme (either
 * case), only base45 characters with `%20` and `%25`, canonical base45, a deterministic CBOR array
 * of one or two byte strings, a well-formed tagged COSE message, and terms that are a COSE terms
 * declaration. Signatures are not checked: pass the parts to `verify`, or use verifyIntentcastUri.
 * @throws ERR_TOO_LARGE, ERR_MALFORMED, ERR_TYPE_MISMATCH (the second part is not terms);
 *   ERR_INVALID_ARGUMENT for a bad option or a `uri` that is not a string.
 *
 * @example
 * ```ts
 * import { parseIntentcastUri, verify } from 'intentcast'
 *
 * const { message, terms } = parseIntentcastUri(scanned) // COSE bytes, signatures not yet checked
 * const intent = await verify(message, { expect: 'intent' })
 * ```
 */
export function parseIntentcastUri(uri: string, options: ParseIntentcastUriOptions = {}): IntentcastLink {
  if (typeof uri !== 'string') throw new IntentcastError('ERR_INVALID_ARGUMENT', 'parseIntentcastUri takes a string')
  const maxBytes = maxBytesOf(options)
  // base45 needs at most 3 characters for 2 bytes, and each may take 3 when percent-encoded.
  const maxText = Math.ceil(maxBytes / 2) * 3
  if (uri.length > PREFIX.length + 3 * maxText) {
    throw new IntentcastError(
      'ERR_TOO_LARGE',
      `the link is ${uri.length} characters; at most ${PREFIX.length + 3 * maxText} carry ${maxBytes} bytes`,
    )
  }
  if (!SCHEME.test(uri)) throw malformed(`it does not start with ${PREFIX}`)
  const body = uri.slice(PREFIX.length)
  if (!BODY.test(body))
    throw malformed('only base45 characters may follow the scheme, with space and % written %20 and %25')
  const text = body.replace(/%2[05]/g, (escape) => (escape === '%20' ? ' ' : '%'))
  if (text.length > maxText) throw new IntentcastError('ERR_TOO_LARGE', `the link carries more than ${maxBytes} bytes`)
  const bytes = decodeBase45(text)
  let items: CborValue
  try {
    items = decodeCbor(bytes, { maxBytes, maxDepth: 1, maxItems: 2, maxTotalItems: 3 })
  } catch (cause) {
    if (cause instanceof IntentcastError && cause.code === 'ERR_TOO_LARGE') throw cause
    throw malformed(
      `its content is not a deterministic CBOR array of one or two byte strings (${(cause as Error).message})`,
      cause,
    )
  }
  if (!Array.isArray(items) || items.length < 1 || items.length > 2 || !items.every((i) => i instanceof Uint8Array)) {
    throw malformed('its content must be a CBOR array of one or two byte strings: the message, then the terms')
  }
  const [message, terms] = items as Uint8Array[]
  checkMessage(message, maxBytes)
  if (terms === undefined) return { message: message! }
  checkTerms(terms, maxBytes)
  return { message: message!, terms }
}

/** A tagged COSE_Sign1 or COSE_Sign, well-formed (its signature is verify's business). */
function checkMessage(message: unknown, maxBytes: number): Uint8Array {
  if (!(message instanceof Uint8Array))
    throw new IntentcastError('ERR_MALFORMED', "a link carries COSE messages as bytes (sign with format: 'cose')")
  const structure = coseStructureOf(message)
  if (structure === undefined) throw malformed('its message is not a COSE message (tag 18 or 98)')
  decodeCoseMessage(message, structure, { maxBytes })
  return message
}

/** A COSE_Sign1 whose protected `typ` is a terms declaration's. */
function checkTerms(terms: unknown, maxBytes: number): Uint8Array {
  if (!(terms instanceof Uint8Array)) throw new IntentcastError('ERR_MALFORMED', 'terms are COSE bytes')
  const [protectedField] = decodeCoseMessage(terms, 'COSE_Sign1', { maxBytes })
  const typ = decodeProtected(readBytes(protectedField, 'terms protected header'), 'terms').get(COSE_HEADER.typ)
  if (typ !== COSE_TYP.terms) {
    throw new IntentcastError(
      'ERR_TYPE_MISMATCH',
      `the second part of a link is a terms declaration (${COSE_TYP.terms}), not ${JSON.stringify(typ)?.slice(0, 64) ?? 'untyped'}`,
    )
  }
  return terms
}

/** The caller's own message failing a check is a bad argument, not bad input. */
function asArgument(check: () => Uint8Array, what: string): Uint8Array {
  try {
    return check()
  } catch (cause) {
    if (cause instanceof IntentcastError && cause.code === 'ERR_TOO_LARGE') throw cause
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `toIntentcastUri: the ${what} is not a COSE ${what === 'terms' ? 'terms declaration' : 'message'}: ${(cause as Error).message}`,
      { cause },
    )
  }
}

function maxBytesOf(options: ParseIntentcastUriOptions): number {
  if (typeof options !== 'object' || options === null)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'options must be an object')
  const max = options.maxBytes ?? LINK_DEFAULT_MAX_BYTES
  if (!Number.isSafeInteger(max) || max < 1)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxBytes must be a positive integer')
  return max
}

function malformed(message: string, cause?: unknown): IntentcastError {
  return new IntentcastError('ERR_MALFORMED', `intentcast URI: ${message}`, cause === undefined ? undefined : { cause })
}
