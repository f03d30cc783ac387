/**
 * `intentcast/cose`: the raw COSE (RFC 9052) layer with EdDSA over Ed25519, on strict
 * deterministic CBOR, checkable against published examples. It knows nothing of intentcast's
 * messages: those are signed with `sign*(…, { format: 'cose' })` and verified with `verify` from
 * the main entry, which also exports the binding's tables (`CBOR_KEYS`, `COSE_TYP`).
 * @module
 */
export { CborTag, type CborMapKey, type CborValue } from './cbor-value.js'
export { encodeCbor } from './cbor-encode.js'
export { CBOR_DECODE_DEFAULTS, decodeCbor, type DecodeCborOptions } from './cbor-decode.js'
export { COSE_ALG_EDDSA, COSE_HEADER, COSE_TAG, type CoseHeaderMap } from './constants.js'
export type { VerifyCoseOptions } from './message.js'
export { signCoseSign1, verifyCoseSign1, type CoseSign1Options, type VerifiedCoseSign1 } from './sign1.js'
export {
  addCoseSignature,
  signCoseSign,
  verifyCoseSign,
  type CoseSignOptions,
  type CoseSigner,
  type CoseSignerHeaders,
  type ResolveCoseKey,
  type VerifiedCoseSign,
} from './sign.js'
export type { CoseSigningKey } from './eddsa.js'
