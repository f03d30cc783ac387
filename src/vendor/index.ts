/**
 * `intentcast/vendor`: the vendor side of the HTTP binding (spec §HTTP binding): a fetch-standard
 * handler, the stores it keeps threads in, and an adapter for `node:http`. The types its options
 * mention that are not listed here (KeyPair, TermsBody, Verified, ReplayStore, Deal, OfferBody,
 * MyTermsDocument, GpcDocument) come from the main entry, `intentcast`.
 * @module
 */
export { createVendorHandler, type VendorHandler } from './handler.js'
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
  Awaitable,
  CounterDecision,
  CounterReply,
  IntentContext,
  MoveContext,
  OfferReply,
  VendorCallbacks,
  VendorOutcome,
} from './callbacks.js'
export { toNodeListener, type NodeListenerOptions } from './node.js'
export { MemoryThreadStore, type MemoryThreadStoreOptions, type ThreadStore } from './thread-store.js'
export { RedisThreadStore, type RedisThreadStoreOptions } from './redis-thread-store.js'
