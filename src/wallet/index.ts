/**
 * `intentcast/wallet`: the customer's side of the HTTP binding (spec §HTTP binding): discovery,
 * casting an intent, countering and accepting, under keys derived from one master secret.
 * @module
 */
export { Wallet, type WalletState } from './wallet.js'
export { discover, type DiscoveredVendor, type DiscoverOptions, type VendorTarget } from './discover.js'
export { castIntent, type CastFailure, type CastOptions, type CastProgress, type CastResult, type CastTarget, type RankedProposal } from './cast.js'
export { accept, counter, type Accepted, type AcceptOptions, type Countered, type RespondOptions } from './respond.js'
export type { VendorProposal } from './proposal.js'
export type { SendOptions } from './send.js'
export type { FetchLike } from '../http/client.js'
