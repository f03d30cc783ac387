import { IntentcastError, type IntentcastErrorCode } from '../errors.js'
import { decodeCbor } from './cbor-decode.js'
import { encodeCbor } from './cbor-encode.js'
import type { CborValue } from './cbor-value.js'
import { COSE_ALG_EDDSA, COSE_HEADER, type CoseHeaderMap } from './constants.js'
import { malformed } from './message.js'

/**
 * Where headers came from decides the error: a stranger's message is ERR_MALFORMED (or
 * ERR_UNSUPPORTED_ALG); the calling program asking to sign something this layer would itself
 * refuse to verify is ERR_INVALID_ARGUMENT.
 */
export type HeaderOrigin = 'wire' | 'caller'

/** Labels whose meaning this layer knows, and so may appear in `crit`. */
const UNDERSTOOD: ReadonlySet<number | string> = new Set(Object.values(COSE_HEADER))

/**
 * Checks the two buckets of one layer (RFC 9052 §3): no label in both, `crit` protected and
 * naming only understood labels, the registered parameters with their registered types, and
 * `alg` either exactly EdDSA in the protected bucket (a signer layer) or absent (the body of a
 * COSE_Sign, where an algorithm would mean nothing).
 */
export function checkHeaders(
  protectedHeader: CoseHeaderMap,
  unprotectedHeader: CoseHeaderMap,
  origin: HeaderOrigin,
  alg: 'required' | 'forbidden',
): void {
  const fail = (code: IntentcastErrorCode, message: string): never => {
    throw new IntentcastError(origin === 'caller' ? 'ERR_INVALID_ARGUMENT' : code, `COSE: ${message}`)
  }
  for (const label of unprotectedHeader.keys()) {
    if (protectedHeader.has(label)) fail('ERR_MALFORMED', `header label ${String(label)} is in both buckets`)
  }
  if (unprotectedHeader.has(COSE_HEADER.crit)) fail('ERR_MALFORMED', 'crit must be in the protected header')
  const crit = protectedHeader.get(COSE_HEADER.crit)
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0) fail('ERR_MALFORMED', 'crit must be a non-empty array of labels')
    for (const label of crit as CborValue[]) {
      if ((typeof label !== 'number' && typeof label !== 'string') || !UNDERSTOOD.has(label)) {
        fail('ERR_MALFORMED', `crit names header ${describe(label)}, which is not understood`)
      }
    }
  }
  for (const bucket of [protectedHeader, unprotectedHeader]) {
    const kid = bucket.get(COSE_HEADER.kid)
    if (kid !== undefined && !(kid instanceof Uint8Array)) fail('ERR_MALFORMED', 'kid must be a byte string')
    for (const label of [COSE_HEADER.contentType, COSE_HEADER.typ]) {
      const value = bucket.get(label)
      if (value !== undefined && !(typeof value === 'string' || (typeof value === 'number' && value >= 0))) {
        fail('ERR_MALFORMED', `header ${label} must be a text string or an unsigned integer`)
      }
    }
  }

  if (alg === 'forbidden') {
    if (protectedHeader.has(COSE_HEADER.alg) || unprotectedHeader.has(COSE_HEADER.alg)) {
      fail('ERR_MALFORMED', 'alg belongs in each signature, not in the COSE_Sign body')
    }
    return
  }
  if (unprotectedHeader.has(COSE_HEADER.alg)) fail('ERR_UNSUPPORTED_ALG', 'alg must be in the protected header')
  const value = protectedHeader.get(COSE_HEADER.alg)
  if (value !== COSE_ALG_EDDSA) {
    fail(
      'ERR_UNSUPPORTED_ALG',
      value === undefined ? 'alg is missing' : `alg ${describe(value)} is not supported; only EdDSA (-8) is`,
    )
  }
}

/**
 * The protected bucket as signed: its deterministic encoding, or a zero-length byte string for
 * an empty bucket (RFC 9052 §3), so each bucket has exactly one serialization.
 */
export function encodeProtected(header: CoseHeaderMap): Uint8Array {
  return header.size === 0 ? new Uint8Array(0) : encodeCbor(header)
}

/** The inverse of encodeProtected, refusing every other serialization (h'a0' included). */
export function decodeProtected(bytes: Uint8Array, where: string): CoseHeaderMap {
  if (bytes.length === 0) return new Map()
  let header: CborValue
  try {
    header = decodeCbor(bytes, { maxBytes: bytes.length })
  } catch (cause) {
    malformed(`${where} protected header: ${(cause as Error).message}`, cause)
  }
  if (!(header instanceof Map)) malformed(`${where} protected header is not a map`)
  if (header.size === 0)
    malformed(`${where} protected header is an encoded empty map; it must be a zero-length byte string`)
  return header
}

/** A signer's buckets as they will be signed: `alg` defaults to EdDSA, anything else is refused. */
export function prepareSignerHeaders(
  protectedHeader: CoseHeaderMap,
  unprotectedHeader: CoseHeaderMap | undefined,
): { protectedBytes: Uint8Array; unprotectedHeader: CoseHeaderMap } {
  const unprotected = unprotectedHeader ?? new Map()
  requireHeaderMap(protectedHeader, 'protectedHeader')
  requireHeaderMap(unprotected, 'unprotectedHeader')
  // A copy, so the caller's map is left as it was given.
  const protectedCopy: CoseHeaderMap = new Map(protectedHeader)
  if (!protectedCopy.has(COSE_HEADER.alg)) protectedCopy.set(COSE_HEADER.alg, COSE_ALG_EDDSA)
  checkHeaders(protectedCopy, unprotected, 'caller', 'required')
  return { protectedBytes: encodeProtected(protectedCopy), unprotectedHeader: unprotected }
}

export function requireHeaderMap(header: unknown, name: string): asserts header is CoseHeaderMap {
  if (!(header instanceof Map)) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `COSE: ${name} must be a Map of header parameters`)
  }
}

function describe(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : typeof value === 'number'
      ? String(value)
      : `of type ${typeof value}`
}
