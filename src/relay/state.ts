/**
 * What every route of one relay handler shares: its options, its backend and replay store
 * (guarded: their failures are the relay's, see failure.ts), its view of the subscriptions, and
 * the event streams it has open.
 */
import type { ReplayStore } from '../replay/store.js'
import type { MailboxEntry, MailboxInfo, RelayBackend } from './backend.js'
import { guardBackend, guardReplay } from './failure.js'
import type { ResolvedRelayOptions } from './resolve-options.js'
import { Subscribers } from './subscribers.js'

/** What delivers entries to webhooks (webhook.ts's WebhookDelivery; handler.ts puts it in). */
export interface Deliveries {
  /** Queues `entry` for `info`'s webhook, if it has one; false when it is not queued (the mailbox keeps it). */
  enqueue(info: MailboxInfo, entry: MailboxEntry): boolean
  close(): Promise<void>
}

export interface Relay {
  readonly options: ResolvedRelayOptions
  readonly backend: RelayBackend
  readonly replay: ReplayStore
  readonly subscribers: Subscribers
  /** This process's deliveries to vendors' webhooks (spec §Relay binding, Webhooks). */
  readonly webhooks: Deliveries
  /** The way to end each open event stream, for `close()`. */
  readonly streams: Set<() => void>
  /** The same, by the mailbox they read, oldest first: for the bound on streams per mailbox. */
  readonly mailboxStreams: Map<string, Set<() => void>>
  /** `<url>/mailboxes/<did>`: where `did` reads, and what its access messages name. */
  mailboxUrl(did: string): string
}

export function createRelayState(options: ResolvedRelayOptions, webhooks: (relay: () => Relay) => Deliveries): Relay {
  const backend = guardBackend(options.backend)
  const relay: Relay = {
    options,
    backend,
    replay: guardReplay(options.replay),
    subscribers: new Subscribers(backend, options.subscribersMaxAgeMs, Date.now),
    webhooks: webhooks(() => relay),
    streams: new Set(),
    mailboxStreams: new Map(),
    mailboxUrl: (did) => `${options.url}/mailboxes/${did}`,
  }
  return relay
}
