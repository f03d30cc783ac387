/**
 * intentcast: signed intents, offers, counters and two-party agreements between customers and
 * vendors, with IEEE 7012 relationship terms. See spec/intentcast.md for the wire format.
 * @module
 */
export { ERROR_CODES, IntentcastError, isIntentcastError, type IntentcastErrorCode } from './errors.js'

export { generateKeyPair, importKeyPair, keyPairFromSeed, type KeyPair } from './keys/key-pair.js'
export {
  didFromJwk,
  didFromPublicKey,
  jwkFromPublicKey,
  kidForDid,
  publicKeyFromDid,
  publicKeyFromJwk,
  type PrivateJwk,
  type PublicJwk,
} from './keys/did-key.js'
export type { KeyResolver, ResolvedKey } from './keys/resolve.js'

export {
  signAcceptance,
  signCounter,
  signIntent,
  signOffer,
  signTerms,
  signWithdrawal,
  type AcceptanceBody,
  type CounterBody,
  type IntentBody,
  type OfferBody,
  type SignOptions,
  type Signed,
  type TermsBody,
  type WithdrawalBody,
} from './envelope/sign.js'
export { countersign, signAgreement, type AgreementBody } from './envelope/agreement.js'
export { verify, type Format, type Verified, type VerifyOptions } from './envelope/verify.js'
export type { ProtectedHeader } from './envelope/header.js'
export { digest } from './envelope/digest.js'

export { MemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from './replay/store.js'
export { Thread, DPV_STATUS, MAX_MESSAGES, type ThreadOptions, type ThreadState } from './thread/thread.js'
export { verifyThread, type VerifyThreadOptions } from './thread/verify-thread.js'

export { KINDS, JWS_TYP, type Kind, type PayloadOf } from './model/kinds.js'
export { PROTOCOL_VERSION, type Item, type Money } from './model/primitives.js'
export type { DealTerms, Term, TermSet } from './model/term.js'
export type { Want, IntentPayload } from './model/intent.js'
export type { OfferPayload } from './model/offer.js'
export type { CounterPayload } from './model/counter.js'
export type { TermsPayload } from './model/terms.js'
export type { AcceptancePayload } from './model/acceptance.js'
export type { AgreementPayload } from './model/agreement.js'
export type { WithdrawalPayload } from './model/withdrawal.js'

export {
  INTENTCAST_URI_SCHEME,
  LINK_DEFAULT_MAX_BYTES,
  parseIntentcastUri,
  toIntentcastUri,
  verifyIntentcastUri,
  type IntentcastLink,
  type IntentcastUriOptions,
  type ParseIntentcastUriOptions,
  type VerifiedLink,
  type VerifyIntentcastUriOptions,
} from './link/index.js'
