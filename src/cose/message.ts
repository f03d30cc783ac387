import { IntentcastError } from '../errors.js'
import { CBOR_DECODE_DEFAULTS, decodeCbor } from './cbor-decode.js'
import type { CborValue } from './cbor-value.js'
import { COSE_TAG, type CoseHeaderMap } from './constants.js'

/**
 * The options of the COSE verifiers (`verifyCoseSign1`, `verifyCoseSign`, `addCoseSignature`).
 *
 * @example
 * ```ts
 * const verified = await verifyCoseSign1(bytes, publicKey, { maxBytes: 4096 } satisfies VerifyCoseOptions)
 * ```
 */
export interface VerifyCoseOptions {
  /** Largest message accepted, checked before any parsing. Default 65536. */
  readonly maxBytes?: number
}

/** external_aad: this layer never binds additional data, so it is always the empty string. */
export const EXTERNAL_AAD = new Uint8Array(0)

// The encoded CBOR heads of tag 18 and tag 98.
const TAG_HEADS = {
  COSE_Sign1: { tag: COSE_TAG.sign1, head: Uint8Array.of(0xd2) },
  COSE_Sign: { tag: COSE_TAG.sign, head: Uint8Array.of(0xd8, 0x62) },
} as const

/** The COSE structures this layer reads, by their tag. */
export type CoseStructure = keyof typeof TAG_HEADS

/**
 * Which structure `bytes` claims to be, by its tag head alone (nothing else is checked), or
 * undefined. The one place the two tag heads are compared: every reader that must route a
 * message before decoding it asks here.
 */
export function coseStructureOf(bytes: Uint8Array): CoseStructure | undefined {
  for (const kind of ['COSE_Sign1', 'COSE_Sign'] as const) {
    const { head } = TAG_HEADS[kind]
    if (bytes.length >= head.length && head.every((b, i) => bytes[i] === b)) return kind
  }
  return undefined
}

/**
 * Strictly decodes a tagged COSE message into its four fields.
 *
 * The tag is required: an untagged message would be a second encoding of the same message,
 * and the tag is what stops a COSE_Sign1 being read as something else. It is matched as a
 * byte prefix and the rest is decoded with no tags allowed at all, so no tag can hide inside
 * a header.
 */
export function decodeCoseMessage(bytes: Uint8Array, kind: CoseStructure, options: VerifyCoseOptions): CborValue[] {
  if (!(bytes instanceof Uint8Array)) invalid(`${kind} must be given as a Uint8Array`)
  const maxBytes = options.maxBytes ?? CBOR_DECODE_DEFAULTS.maxBytes
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) invalid('maxBytes must be a positive integer')
  if (bytes.length > maxBytes) {
    throw new IntentcastError(
      'ERR_TOO_LARGE',
      `COSE: message of ${bytes.length} bytes exceeds the limit of ${maxBytes}`,
    )
  }
  const { tag, head } = TAG_HEADS[kind]
  if (bytes.length < head.length || head.some((b, i) => bytes[i] !== b)) {
    malformed(`not a ${kind}: the message must start with CBOR tag ${tag}`)
  }
  let fields: CborValue
  try {
    fields = decodeCbor(bytes.subarray(head.length), { maxBytes })
  } catch (cause) {
    // Say so, as the byte offsets count from the end of the tag.
    malformed(`${kind} content after the tag: ${(cause as Error).message}`, cause)
  }
  if (!Array.isArray(fields) || fields.length !== 4) malformed(`${kind} must be an array of 4 items`)
  return fields
}

export function readBytes(value: CborValue | undefined, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) malformed(`${what} is not a byte string`)
  return value
}

export function readHeaderMap(value: CborValue | undefined, what: string): CoseHeaderMap {
  if (!(value instanceof Map)) malformed(`${what} unprotected header is not a map`)
  return value
}

export function readPayload(value: CborValue | undefined): Uint8Array {
  // nil is a detached payload (RFC 9052 §2), which this layer does not support.
  if (value === null) malformed('detached payloads are not supported')
  return readBytes(value, 'payload')
}

export function requirePayload(payload: unknown): asserts payload is Uint8Array {
  if (!(payload instanceof Uint8Array)) invalid('payload must be a Uint8Array')
}

export function invalid(message: string): never {
  throw new IntentcastError('ERR_INVALID_ARGUMENT', `COSE: ${message}`)
}

export function malformed(message: string, cause?: unknown): never {
  throw new IntentcastError('ERR_MALFORMED', `COSE: ${message}`, cause === undefined ? undefined : { cause })
}
