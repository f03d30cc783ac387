import type { CborValue } from './cbor-value.js'

/** A COSE header bucket: labels are integers (registered) or text strings (private use). */
export type CoseHeaderMap = Map<number | string, CborValue>

/** Header parameter labels: RFC 9052 §3.1, and `typ` from RFC 9596. */
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
 */
export const COSE_ALG_EDDSA = -8

/** CBOR tags of the two message types this layer reads and writes (RFC 9052 §2). */
export const COSE_TAG = Object.freeze({
  sign: 98,
  sign1: 18,
} as const)
