import { COSE_HEADER } from '../cose/constants.js'
import type { CborValue } from '../cose/cbor-value.js'
import type { CoseHeaderMap } from '../cose/constants.js'
import { IntentcastError } from '../errors.js'
import { fromUtf8, utf8 } from '../lib/utf8.js'
import { COSE_KINDS, type CoseKind } from '../model/kinds.js'

/**
 * The COSE `typ` (RFC 9596) of each kind that has a COSE form: `intentcast-<kind>+cose`.
 *
 * @example
 * ```ts
 * import { COSE_TYP } from 'intentcast'
 *
 * COSE_TYP.intent // 'intentcast-intent+cose'
 * ```
 */
export const COSE_TYP: Readonly<Record<CoseKind, string>> = Object.freeze(
  Object.fromEntries(COSE_KINDS.map((k) => [k, `intentcast-${k}+cose`])) as Record<CoseKind, string>,
)

// The relay's JWS-only kinds are not here: a COSE message typed as one is not an intentcast type.
const KIND_BY_COSE_TYP: ReadonlyMap<string, CoseKind> = new Map(COSE_KINDS.map((k) => [COSE_TYP[k], k]))

/** The protected header of a COSE_Sign1 message, or of one agreement signer (no typ there). */
export function signerHeader(kid: string, kind?: CoseKind): CoseHeaderMap {
  const h: CoseHeaderMap = new Map<number, CborValue>([
    [COSE_HEADER.alg, -8],
    [COSE_HEADER.kid, utf8(kid)],
  ])
  if (kind !== undefined) h.set(COSE_HEADER.typ, COSE_TYP[kind])
  return h
}

/**
 * Reads the kind and kid from COSE headers the raw layer has already checked (alg is EdDSA,
 * kid a byte string). Exactly the labels intentcast uses, nothing unprotected (spec §COSE binding).
 */
export function readHeaders(
  protectedHeader: CoseHeaderMap,
  unprotectedHeader: CoseHeaderMap,
  labels: readonly number[],
): { kind?: CoseKind; typ?: string; kid?: string } {
  // The type first, as in JWS (spec §COSE binding, Verification): what a message is decides how
  // it is read, so a wrong typ is ERR_TYPE_MISMATCH whatever else its headers hold.
  const out: { kind?: CoseKind; typ?: string; kid?: string } = {}
  if (labels.includes(COSE_HEADER.typ)) {
    const typ = protectedHeader.get(COSE_HEADER.typ)
    const kind = typeof typ === 'string' ? KIND_BY_COSE_TYP.get(typ) : undefined
    if (kind === undefined)
      throw new IntentcastError(
        'ERR_TYPE_MISMATCH',
        `COSE typ ${JSON.stringify(typ)?.slice(0, 64)} is not an intentcast message type`,
      )
    out.kind = kind
    out.typ = typ as string
  }
  if (unprotectedHeader.size > 0)
    throw new IntentcastError('ERR_MALFORMED', 'COSE: intentcast messages carry no unprotected header parameters')
  for (const label of protectedHeader.keys()) {
    if (!labels.includes(label as number))
      throw new IntentcastError('ERR_MALFORMED', `COSE: header parameter ${String(label)} is not allowed here`)
  }
  if (labels.includes(COSE_HEADER.kid)) {
    const kid = protectedHeader.get(COSE_HEADER.kid)
    if (!(kid instanceof Uint8Array) || kid.length === 0 || kid.length > 600)
      throw new IntentcastError('ERR_MALFORMED', 'COSE: kid must hold a DID URL')
    out.kid = fromUtf8(kid, 'COSE kid')
  }
  return out
}
