/**
 * `intentcast/vendor`: the vendor side of the HTTP binding (spec §HTTP binding) and of the relay
 * binding (spec §Relay binding): a fetch-standard handler, the stores it keeps threads in, an
 * adapter for `node:http`, and `connectRelay`, which feeds the same handler the intents and moves
 * that come through a relay. The types its options mention that are not listed here (KeyPair,
 * TermsBody, Verified, ReplayStore, Deal, OfferBody, MyTermsDocument, GpcDocument,
 * SubscriptionFilters) come from the main entry, `intentcast`.
 * @module
 */
export { createVendorHandler, type VendorHandler } from './handler.js'
export type { LaterOfferOptions } from './later.js'
export { connectRelay, type RelayConnection, type RelayConnectionOptions } from './relay.js'
export type {
  PreviousKey,
  VendorDocuments,
  VendorHandlerOptions,
  VendorHttp,
  VendorLimits,
  VendorStores,
} from './options.js'
export type {
  AcceptanceContext,
  AgreeDecision,
  Awaitable,
  CounterContext,
  CounterDecision,
  CounterReply,
  IntentContext,
  MoveContext,
  OfferReply,
  VendorCallbacks,
  VendorOutcome,
} from './callbacks.js'
export { toNodeListener, type ClientInfo, type FetchLike, type NodeListener, type NodeListenerOptions } from './node.js'
export { MemoryThreadStore, type MemoryThreadStoreOptions, type ThreadStore } from './thread-store.js'
export { RedisThreadStore, type RedisThreadStoreOptions } from './redis-thread-store.js'
