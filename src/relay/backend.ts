/**
 * Where a relay keeps its mailboxes (spec §Relay binding). One interface, two engines: the
 * embedded MemoryRelayBackend (one process, the default) and NatsRelayBackend (JetStream, shared
 * by every relay process of a market, and durable). Everything a client can get wrong is checked
 * by the relay before it reaches a backend; a backend only stores, bounds and delivers.
 */
import type { SubscriptionFilters } from '../model/relay.js'

/**
 * A mailbox: who holds it, until when, and what opened it.
 *
 * @example
 * ```ts
 * const vendor: MailboxInfo = { owner: vendorKey.did, expiresAt: Date.now() + 86_400_000, filters: { categories: ['bicycles'] } }
 * ```
 */
export interface MailboxInfo {
  /** The DID whose key reads it: a cast key (opened by an intent) or a vendor key (by a subscription). */
  readonly owner: string
  /** Milliseconds since the epoch; after it the mailbox takes and gives nothing. */
  readonly expiresAt: number
  /** A cast mailbox: the digest of the intent that opened it. Messages for it must belong to that intent's thread. */
  readonly intent?: string
  /** A vendor mailbox: the intents it receives (spec §Relay binding, Filters). */
  readonly filters?: SubscriptionFilters
  /** A vendor mailbox: where its entries are POSTed as they are appended, checked at subscription (spec §Relay binding, Webhooks). */
  readonly webhook?: string
}

/**
 * A message as it is posted to a mailbox, before it has a place in it.
 *
 * @example
 * ```ts
 * const entry: NewEntry = { type: 'application/intentcast+jws', parts: [offer], digest: digest(offer), sender: vendorKey.did, expiresAt: Date.now() + 3_600_000 }
 * ```
 */
export interface NewEntry {
  /** The media type it was posted as: `application/intentcast+jws` or `+cose`. */
  readonly type: string
  /** The message, and for an acceptance its agreement: JWS strings, or COSE in base64url. */
  readonly parts: readonly string[]
  /** The digest of the first part: a message is in a mailbox at most once. */
  readonly digest: string
  /** The DID that signed the first part (for the per-sender bound): for a fanned-out intent, its cast key. */
  readonly sender: string
  /** When the entry may be forgotten (its message's `exp`, or the mailbox's end), in ms. */
  readonly expiresAt: number
  /** True for a message posted to the mailbox; absent for an intent the relay put there (see `MailboxLimits.posted`). */
  readonly posted?: boolean
}

/**
 * A message in a mailbox, in the order it came: `seq` only grows within a mailbox.
 *
 * @example
 * ```ts
 * const entries: MailboxEntry[] = await backend.read(castKey.did, 0, 100)
 * ```
 */
export interface MailboxEntry extends NewEntry {
  readonly seq: number
}

/**
 * The bounds a backend enforces, atomically with the write.
 *
 * @example
 * ```ts
 * const limits: MailboxLimits = { perSender: 16, entries: 1_024, bytes: 4 * 2 ** 20 }
 * ```
 */
export interface MailboxLimits {
  /** Entries from one sender in one mailbox. */
  readonly perSender: number
  /** Entries in one mailbox. */
  readonly entries: number
  /** Bytes of parts in one mailbox. */
  readonly bytes: number
  /**
   * Of `entries` and `bytes`, what the entries marked `posted` may use together, so that strangers'
   * posts leave room in a vendor mailbox for the intents the relay puts there. Absent: all of it.
   */
  readonly posted?: { readonly entries: number; readonly bytes: number }
}

/**
 * What `append` did: took the entry (`seq`), found the same digest already there (the same
 * `seq`, `duplicate`), or refused it.
 *
 * @example
 * ```ts
 * const result: AppendResult = await backend.append(owner, entry, limits)
 * if ('refused' in result) console.log(`refused: ${result.refused}`)
 * ```
 */
export type AppendResult =
  { readonly seq: number; readonly duplicate: boolean } | { readonly refused: 'closed' | 'full' | 'sender' }

/**
 * What a relay keeps its mailboxes in: implement it to run a market on another engine, and run
 * test/relay/backend-contract.ts against it.
 *
 * @example
 * ```ts
 * const relay = createRelayHandler({ url: 'https://relay.example/relay', backend: new MemoryRelayBackend() satisfies RelayBackend })
 * ```
 */
export interface RelayBackend {
  /**
   * Opens the mailbox of `info.owner`, or for a vendor replaces its filters and end. Resolves
   * false, changing nothing, when a cast mailbox of that owner is already open for another intent
   * (one cast key, one intent), or when the backend holds as many vendor mailboxes as it may and
   * this would be a new one. A backend never forgets an open vendor mailbox to make room.
   */
  open(info: MailboxInfo): Promise<boolean>
  /** The open mailbox of `owner`, or undefined when there is none (or it has ended). */
  info(owner: string): Promise<MailboxInfo | undefined>
  /** Appends `entry` to `owner`'s mailbox, within `limits`, in one step. */
  append(owner: string, entry: NewEntry, limits: MailboxLimits): Promise<AppendResult>
  /** Up to `limit` entries after `after`, oldest first, leaving out those that have expired. */
  read(owner: string, after: number, limit: number): Promise<MailboxEntry[]>
  /**
   * Calls `listener` with each entry appended to `owner`'s mailbox after `after`, in order, as it
   * comes (entries already there first). Returns the function that stops it.
   */
  watch(owner: string, after: number, listener: (entry: MailboxEntry) => void): () => void
  /** Every vendor mailbox open now, for the relay to match intents against. */
  subscribers(): Promise<readonly MailboxInfo[]>
  /** Releases connections and timers. */
  close(): Promise<void>
}
