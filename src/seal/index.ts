/**
 * `intentcast/seal`: signed messages encrypted to one recipient (spec §Encrypted envelopes).
 * Sign, then seal; open, then verify. The signed message inside is unchanged.
 */
export {
  generateSealKeyPair,
  sealKeyPairFromSeed,
  type SealKeyPair,
  type SealPrivateJwk,
  type SealPublicJwk,
} from './keys.js'
export { seal, type SealOptions } from './seal.js'
export { open, openAndVerify, type OpenOptions } from './open.js'
