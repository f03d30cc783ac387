import { IntentcastError } from '../errors.js'
import { DEFAULT_MAX_BYTES } from '../lib/limits.js'
import { MAX_NESTING } from './cbor-encode.js'
import { readCbor } from './cbor-scan.js'
import type { CborValue } from './cbor-value.js'

/**
 * The limits `decodeCbor` applies, each checked as it reads, and the tags it lets through.
 *
 * @example
 * ```ts
 * const value = decodeCbor(bytes, { maxBytes: 1024, maxDepth: 4, allowedTags: [1] } satisfies DecodeCborOptions)
 * ```
 */
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
   * Tag numbers (below 2^32) accepted anywhere in the input, returned as CborTag with their
   * content. Default none.
   */
  readonly allowedTags?: readonly number[]
}

/**
 * The limits `decodeCbor` applies to an option not given.
 *
 * @example
 * ```ts
 * import { CBOR_DECODE_DEFAULTS, decodeCbor } from 'intentcast/cose'
 *
 * const value = decodeCbor(bytes, { maxItems: 4 * CBOR_DECODE_DEFAULTS.maxItems })
 * ```
 */
export const CBOR_DECODE_DEFAULTS = Object.freeze({
  maxBytes: DEFAULT_MAX_BYTES,
  maxDepth: 16,
  maxItems: 1024,
  maxTotalItems: 8192,
})

/**
 * Decodes one CBOR data item from a stranger, accepting only RFC 8949 §4.2.1 core
 * deterministic encoding of the CborValue model.
 *
 * 1. size limit (ERR_TOO_LARGE), before any parsing;
 * 2. one pass over every head that checks the limits, well-formedness, the data model and the
 *    canonical form, and builds the value as it goes (src/cose/cbor-scan.ts). A value in this
 *    model has one encoding, so the value returned is exactly what was signed over.
 *
 * Every other failure is ERR_MALFORMED; bad options are ERR_INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * import { decodeCbor } from 'intentcast/cose'
 *
 * decodeCbor(Uint8Array.of(0x82, 0x01, 0x02)) // [1, 2]
 * decodeCbor(Uint8Array.of(0x18, 0x01)) // throws ERR_MALFORMED: 1 is written in one byte, not two
 * ```
 */
export function decodeCbor(bytes: Uint8Array, options: DecodeCborOptions = {}): CborValue {
  if (!(bytes instanceof Uint8Array)) invalid('bytes must be a Uint8Array')
  const maxBytes = limit(options.maxBytes, 'maxBytes', CBOR_DECODE_DEFAULTS.maxBytes, Number.MAX_SAFE_INTEGER)
  if (bytes.length > maxBytes) {
    throw new IntentcastError('ERR_TOO_LARGE', `CBOR: input of ${bytes.length} bytes exceeds the limit of ${maxBytes}`)
  }
  return readCbor(bytes, {
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
    // Tag numbers above 2^32 - 1 are outside what this decoder's heads are checked for.
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) {
      invalid(`allowedTags: ${String(tag)} is not a tag number below 2^32`)
    }
  }
  return new Set(tags)
}

function invalid(message: string): never {
  throw new IntentcastError('ERR_INVALID_ARGUMENT', `decodeCbor: ${message}`)
}
