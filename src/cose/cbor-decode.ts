import { Decoder, Tag, type Options } from 'cbor-x'
import { IntentcastError } from '../errors.js'
import { DEFAULT_MAX_BYTES } from '../lib/limits.js'
import { equalBytes } from '../lib/bytes.js'
import { MAX_NESTING, encodeCbor } from './cbor-encode.js'
import { scanCbor } from './cbor-scan.js'
import { CborTag, type CborMapKey, type CborValue } from './cbor-value.js'

export interface DecodeCborOptions {
  /** Largest input accepted, checked before anything else. Default 65536. */
  readonly maxBytes?: number
  /** Deepest nesting of arrays, maps and tags (a top-level array is depth 1). Default 16, at most 256. */
  readonly maxDepth?: number
  /** Most items in any one array, or entries in any one map. Default 1024. */
  readonly maxItems?: number
  /** Most data items in the whole input, keys and tag contents included. Default 8192. */
  readonly maxTotalItems?: number
  /**
   * Tag numbers (below 2^32) accepted anywhere in the input, returned as CborTag. Default none. Tags that
   * cbor-x interprets itself (dates 0/1, bignums 2/3, typed arrays 64-87, sets 258, 55799 and
   * others) cannot be represented faithfully and always fail with ERR_MALFORMED.
   */
  readonly allowedTags?: readonly number[]
}

export const CBOR_DECODE_DEFAULTS = Object.freeze({
  maxBytes: DEFAULT_MAX_BYTES,
  maxDepth: 16,
  maxItems: 1024,
  maxTotalItems: 8192,
})

// Every extension off, so what cbor-x returns is plain arrays, Maps, strings, byte strings,
// numbers and Tag for everything else; the scan has already refused whatever would reach
// an extension unless the caller allowed that tag.
const cborx = new Decoder({
  mapsAsObjects: false,
  useRecords: false,
  structuredClone: false,
  bundleStrings: false,
  pack: false,
  // The scan has refused integers beyond 2^53, so every 64-bit integer left is exact.
  int64AsNumber: true,
} as Options & { int64AsNumber: boolean })

/**
 * Decodes one CBOR data item from a stranger, accepting only RFC 8949 §4.2.1 core
 * deterministic encoding of the CborValue model.
 *
 * 1. size limit (ERR_TOO_LARGE), before any parsing;
 * 2. structural scan of every head (limits, well-formedness, data model, canonical form);
 * 3. cbor-x decodes the bytes the scan vouched for;
 * 4. the result is re-encoded and must equal the input byte for byte, so the value returned is
 *    exactly what was signed over, whatever cbor-x did on the way.
 *
 * Every other failure is ERR_MALFORMED; bad options are ERR_INVALID_ARGUMENT.
 */
export function decodeCbor(bytes: Uint8Array, options: DecodeCborOptions = {}): CborValue {
  if (!(bytes instanceof Uint8Array)) invalid('bytes must be a Uint8Array')
  const maxBytes = limit(options.maxBytes, 'maxBytes', CBOR_DECODE_DEFAULTS.maxBytes, Number.MAX_SAFE_INTEGER)
  if (bytes.length > maxBytes) {
    throw new IntentcastError('ERR_TOO_LARGE', `CBOR: input of ${bytes.length} bytes exceeds the limit of ${maxBytes}`)
  }
  scanCbor(bytes, {
    maxDepth: limit(options.maxDepth, 'maxDepth', CBOR_DECODE_DEFAULTS.maxDepth, MAX_NESTING),
    maxItems: limit(options.maxItems, 'maxItems', CBOR_DECODE_DEFAULTS.maxItems, Number.MAX_SAFE_INTEGER),
    maxTotalItems: limit(
      options.maxTotalItems,
      'maxTotalItems',
      CBOR_DECODE_DEFAULTS.maxTotalItems,
      Number.MAX_SAFE_INTEGER,
    ),
    allowedTags: tagSet(options.allowedTags),
  })

  let value: CborValue
  try {
    // A fresh view of the same memory: cbor-x caches a `dataView` property on the object it
    // is given, and the caller's Uint8Array should come back as it was lent.
    value = toCborValue(cborx.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)))
  } catch (cause) {
    if (cause instanceof IntentcastError) throw cause
    throw new IntentcastError('ERR_MALFORMED', 'CBOR: decoder refused the input', { cause })
  }
  if (!equalBytes(encodeCbor(value), bytes)) {
    throw new IntentcastError(
      'ERR_MALFORMED',
      'CBOR: decoded value does not re-encode to the input (a tag cbor-x interprets?)',
    )
  }
  return value
}

/** Maps cbor-x's output onto the data model; anything else came from a cbor-x extension. */
function toCborValue(v: unknown): CborValue {
  switch (typeof v) {
    case 'number':
    case 'string':
    case 'boolean':
      return v
    case 'object':
      if (v === null) return null
      // A copy: the caller's input buffer may be reused, and cbor-x may hand back a view of it.
      if (v instanceof Uint8Array) return new Uint8Array(v)
      if (Array.isArray(v)) return v.map(toCborValue)
      if (v instanceof Map) {
        const map = new Map<CborMapKey, CborValue>()
        for (const [key, item] of v) map.set(key as CborMapKey, toCborValue(item))
        return map
      }
      if (v instanceof Tag) return new CborTag(v.tag, toCborValue(v.value))
  }
  throw new IntentcastError('ERR_MALFORMED', 'CBOR: a tag was decoded to a value outside the data model')
}

function limit(value: number | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    invalid(`${name} must be an integer from 1 to ${max}`)
  }
  return value
}

function tagSet(tags: readonly number[] | undefined): ReadonlySet<number> {
  if (tags === undefined) return new Set()
  if (!Array.isArray(tags)) invalid('allowedTags must be an array of tag numbers')
  for (const tag of tags) {
    // cbor-x reads tag numbers as 32-bit: a larger one could never be decoded.
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) {
      invalid(`allowedTags: ${String(tag)} is not a tag number below 2^32`)
    }
  }
  return new Set(tags)
}

function invalid(message: string): never {
  throw new IntentcastError('ERR_INVALID_ARGUMENT', `decodeCbor: ${message}`)
}
