/**
 * `intentcast/seal`: message bodies encrypted to one recipient (spec §Encrypted envelopes), in
 * either binding: a JWS body in a compact JWE, a COSE body in a COSE_Encrypt. Sign, then seal;
 * open, then verify. The signed messages inside are unchanged.
 */
export {
  deriveSealKeyPair,
  generateSealKeyPair,
  sealKeyId,
  sealKeyPairFromSeed,
  type SealKeyPair,
  type SealPrivateJwk,
  type SealPublicJwk,
} from './keys.js'
export { seal } from './seal.js'
export { open, openAndVerify, type OpenOptions } from './open.js'
