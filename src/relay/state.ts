/**
 * What every route of one relay handler shares: its options, its backend and replay store
 * (guarded: their failures are the relay's, see failure.ts), its view of the subscriptions, and
 * the event streams it has open.
 */
import type { ReplayStore } from '../replay/store.js'
import type { RelayBackend } from './backend.js'
import { guardBackend, guardReplay } from './failure.js'
import type { ResolvedRelayOptions } from './resolve-options.js'
import { Subscribers } from './subscribers.js'

export interface Relay {
  readonly options: ResolvedRelayOptions
  readonly backend: RelayBackend
  readonly replay: ReplayStore
  readonly subscribers: Subscribers
  /** The way to end each open event stream, for `close()`. */
  readonly streams: Set<() => void>
  /** The same, by the mailbox they read, oldest first: for the bound on streams per mailbox. */
  readonly mailboxStreams: Map<string, Set<() => void>>
  /** `<url>/mailboxes/<did>`: where `did` reads, and what its access messages name. */
  mailboxUrl(did: string): string
}

export function createRelayState(options: ResolvedRelayOptions): Relay {
  const backend = guardBackend(options.backend)
  return {
    options,
    backend,
    replay: guardReplay(options.replay),
    subscribers: new Subscribers(backend, options.subscribersMaxAgeMs, Date.now),
    streams: new Set(),
    mailboxStreams: new Map(),
    mailboxUrl: (did) => `${options.url}/mailboxes/${did}`,
  }
}
