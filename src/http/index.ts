/**
 * The HTTP binding (spec §HTTP binding): a fetch-standard vendor handler with a node:http
 * adapter, discovery, the wallet's fan-out and acceptance, and a Redis replay store.
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
} from './vendor-handler.js'
export { toNodeListener, type NodeListenerOptions } from './node.js'
export { MemoryThreadStore, type MemoryThreadStoreOptions, type ThreadStore } from './thread-store.js'
export { MEDIA_TYPE_COSE, MEDIA_TYPE_JSON, MEDIA_TYPE_JWS, MEDIA_TYPE_PROBLEM, WELL_KNOWN_PATH } from './media-type.js'
export { PROBLEM_TYPE_BASE, parseProblem, problemFor, problemResponse, statusForCode, type Problem } from './problem.js'
export { type VendorDocument, type VendorKey } from './vendor-document.js'
export { GPC_CONDITION, GPC_PATH, MYTERMS_PATH, type GpcDocument, type MyTermsDocument } from './well-known.js'
export { discover, type DiscoveredVendor, type DiscoverOptions, type VendorTarget } from './discover.js'
export type { FetchLike } from './client.js'

export { Wallet, type WalletState } from '../wallet/wallet.js'
export { WALLET_SALT, castSeed, vendorSeed } from '../wallet/derive.js'
export { castIntent, type CastFailure, type CastOptions, type CastProgress, type CastResult, type CastTarget, type RankedProposal } from '../wallet/cast.js'
export { accept, counter, type Accepted, type AcceptOptions, type Countered, type RespondOptions } from '../wallet/respond.js'
export type { VendorProposal } from '../wallet/proposal.js'
export type { SendOptions } from '../wallet/send.js'

export { RedisReplayStore, type RedisReplayStoreOptions, type RedisSetNx } from '../redis/replay-store.js'
