import type { CborValue } from './cbor-value.js'

/** A COSE header bucket: labels are integers (registered) or text strings (private use). */
export type CoseHeaderMap = Map<number | string, CborValue>

/**
 * Header parameter labels: RFC 9052 §3.1, and `typ` from RFC 9596.
 *
 * @example
 * ```ts
 * import { COSE_HEADER, type CoseHeaderMap } from 'intentcast/cose'
 *
 * const protectedHeader: CoseHeaderMap = new Map()
 * protectedHeader.set(COSE_HEADER.kid, new TextEncoder().encode('key-1')).set(COSE_HEADER.typ, 'application/example+cose')
 * ```
 */
export const COSE_HEADER = Object.freeze({
  alg: 1,
  crit: 2,
  contentType: 3,
  kid: 4,
  typ: 16,
} as const)

/**
 * EdDSA (RFC 9053 §2.2), with Ed25519 keys here. The only algorithm: anything else, including
 * ones that would verify, is refused so that no downgrade is ever possible.
 *
 * @example
 * ```ts
 * import { COSE_ALG_EDDSA, COSE_HEADER, verifyCoseSign1 } from 'intentcast/cose'
 *
 * const { protectedHeader } = await verifyCoseSign1(bytes, publicKey)
 * protectedHeader.get(COSE_HEADER.alg) === COSE_ALG_EDDSA // true, always
 * ```
 */
export const COSE_ALG_EDDSA = -8

/**
 * CBOR tags of the two message types this layer reads and writes (RFC 9052 §2).
 *
 * @example
 * ```ts
 * import { COSE_TAG } from 'intentcast/cose'
 *
 * const isSign1 = bytes[0] === 0xc0 + COSE_TAG.sign1 // a tagged COSE_Sign1 starts with 0xd2
 * ```
 */
export const COSE_TAG = Object.freeze({
  sign: 98,
  sign1: 18,
} as const)
