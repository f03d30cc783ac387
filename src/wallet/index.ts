/**
 * `intentcast/wallet`: the customer's side of the HTTP binding (spec §HTTP binding) and of the
 * relay binding (spec §Relay binding): discovery, and a `Wallet` that casts intents, to vendors
 * and to a relay, counters and accepts under keys derived from one master secret, so the caller
 * never handles a key, and keeps its negotiations (a `NegotiationStore`, to carry on after a
 * restart) and agreements (an `AgreementStore`, from the root entry). `castIntent` casts an
 * intent signed elsewhere.
 * The key derivation itself (`castSeed`, `vendorSeed`) stays inside: the spec fixes it, and a
 * caller needs only `wallet.castKey(index)` and `wallet.vendorKey(origin)`.
 * @module
 */
export {
  Wallet,
  type Collected,
  type CollectOptions,
  type NegotiationsOptions,
  type ResumedNegotiation,
  type WalletCast,
  type WalletCastOptions,
  type WalletState,
} from './wallet.js'
export type { WalletOptions, WalletStores } from './options.js'
export {
  MemoryNegotiationStore,
  type MemoryNegotiationStoreOptions,
  type NegotiationStore,
} from './negotiation-store.js'
export { discover, type DiscoveredVendor, type DiscoverOptions, type VendorTarget } from './discover.js'
export { castIntent } from './cast.js'
export type {
  CastFailure,
  CastIntentOptions,
  CastOptions,
  CastProgress,
  CastResult,
  CastTarget,
  CastOffer,
  RelayCast,
  RelayTarget,
} from './cast-types.js'
export type { Negotiation, VendorReply } from './reply.js'
export type { AcceptOptions, Accepted, Countered, CounterOptions, RespondOptions } from './respond.js'
export type { FetchLike } from './send.js'
