/**
 * `intentcast/vendor`: the vendor side of the HTTP binding (spec §HTTP binding): a fetch-standard
 * handler, the stores it keeps threads in, and an adapter for `node:http`.
 * @module
 */
export {
  createVendorHandler,
  type AcceptanceContext,
  type CounterDecision,
  type CounterProposal,
  type IntentContext,
  type MoveContext,
  type OfferProposal,
  type VendorHandler,
  type VendorHandlerOptions,
} from './handler.js'
export { toNodeListener, type NodeListenerOptions } from './node.js'
export { MemoryThreadStore, type MemoryThreadStoreOptions, type ThreadStore } from './thread-store.js'
