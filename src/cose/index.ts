/**
 * COSE (RFC 9052) envelopes with EdDSA over Ed25519, on strict deterministic CBOR.
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
