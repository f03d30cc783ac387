/**
 * intentcast: signed intents, offers, counters and two-party agreements between customers and
 * vendors, with IEEE 7012 relationship terms. See spec/intentcast.md for the wire format.
 *
 * This entry holds the protocol: keys, signing, `verify`, threads, links, the replay stores, the
 * schemas and the protocol's tables. The other entries build on it: `intentcast/terms` (matching
 * and negotiation), `intentcast/vendor` (the vendor's HTTP handler), `intentcast/wallet` (the
 * customer's side), `intentcast/r-button`, and the raw layers `intentcast/cose` and
 * `intentcast/crypto`.
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
  signSubscription,
  signAccess,
  signTerms,
  signWithdrawal,
  type AcceptanceBody,
  type CounterBody,
  type IntentBody,
  type OfferBody,
  type SignOptions,
  type SetBySigner,
  type Signed,
  type TermsBody,
  type WithdrawalBody,
  type SubscriptionBody,
} from './envelope/sign.js'
export { countersign, signAgreement, type AgreementBody } from './envelope/countersign.js'
export { verify, type Format, type Proposal, type Verified, type VerifyOptions } from './envelope/verify.js'
export type { VerifiedOf } from './envelope/checks.js'
export type { ProtectedHeader } from './envelope/header.js'
export { digest } from './envelope/digest.js'
export { CBOR_KEYS } from './envelope/cose-claims.js'
export { COSE_TYP } from './envelope/cose-typ.js'

export { MemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from './replay/store.js'
export { RedisReplayStore, type RedisReplayStoreOptions, type RedisSetNx } from './replay/redis.js'
export { Thread, MAX_MESSAGES, type ThreadOptions, type ThreadState } from './thread/thread.js'
export { verifyThread, type VerifyThreadOptions } from './thread/verify-thread.js'
export { decodeThread, encodeThread } from './thread/record.js'
export {
  MemoryAgreementStore,
  type AgreementListOptions,
  type AgreementPage,
  type AgreementStore,
  type MemoryAgreementStoreOptions,
} from './agreements/store.js'
export { RedisAgreementStore, type RedisAgreementStoreOptions } from './agreements/redis.js'
export type { RedisEval } from './lib/redis.js'

export { KINDS, JWS_TYP, SCHEMAS, type CoseKind, type Kind, type PayloadOf } from './model/kinds.js'
export { PROTOCOL_VERSION, Item, Money } from './model/primitives.js'
export { Deal, dealOf, sameDeal } from './model/deal.js'
export { AgreementId, DealTerms, Term, TermSet } from './model/term-set.js'
export { IntentPayload, Want } from './model/intent.js'
export { OfferPayload } from './model/offer.js'
export { CounterPayload } from './model/counter.js'
export { TermsPayload } from './model/terms.js'
export { AcceptancePayload } from './model/acceptance.js'
export { AgreementPayload } from './model/agreement.js'
export { WithdrawalPayload } from './model/withdrawal.js'
export { AccessPayload, SubscriptionFilters, SubscriptionPayload } from './model/relay.js'
export {
  ROSTER,
  P7012_NAMESPACE,
  getAgreement,
  normalizeAgreementId,
  type AgreementFamily,
  type RosterAgreement,
} from './model/roster.js'
export {
  CATALOG,
  EXTENSION_ID,
  getTermDefinition,
  type Better,
  type TermCategory,
  type TermDefinition,
  type TermType,
} from './model/catalog.js'
export { DPV_STATUS } from './model/status.js'
export {
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_JWS,
  MEDIA_TYPE_PROBLEM,
  WELL_KNOWN_PATH,
} from './model/media-types.js'
export type { VendorDocument, VendorKey, VendorSealKey } from './model/vendor-document.js'
export { GPC_CONDITION, GPC_PATH, MYTERMS_PATH, type GpcDocument, type MyTermsDocument } from './model/well-known.js'

export { BASE45_ALPHABET, decodeBase45, encodeBase45 } from './link/base45.js'
export {
  INTENTCAST_URI_SCHEME,
  LINK_DEFAULT_MAX_BYTES,
  parseIntentcastUri,
  toIntentcastUri,
  type IntentcastLink,
  type IntentcastUriOptions,
  type ParseIntentcastUriOptions,
} from './link/uri.js'
export { verifyIntentcastUri, type VerifiedLink, type VerifyIntentcastUriOptions } from './link/verify.js'
