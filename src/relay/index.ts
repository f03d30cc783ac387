/**
 * `intentcast/relay`: the relay binding (spec §Relay binding): a fetch-standard handler that
 * casts intents to the vendors whose subscriptions match and carries the negotiations between
 * them through mailboxes, the interface its backends implement, the in-memory backend, and an
 * adapter for `node:http`. The types its options mention that are not listed here (ReplayStore,
 * SubscriptionFilters) come from the main entry, `intentcast`.
 * @module
 */
export { createRelayHandler, type RelayHandler } from './handler.js'
export type {
  Awaitable,
  RelayCallbacks,
  RelayHandlerOptions,
  RelayHttp,
  RelayLimits,
  RelayOutcome,
  RelayStores,
} from './options.js'
export type { AppendResult, MailboxEntry, MailboxInfo, MailboxLimits, NewEntry, RelayBackend } from './backend.js'
export { MemoryRelayBackend, type MemoryRelayBackendOptions } from './memory.js'
export { matchesFilters, SubscriberIndex } from './filters.js'
export { toNodeListener, type ClientInfo, type NodeListener, type NodeListenerOptions } from './node.js'
