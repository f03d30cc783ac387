// Over 250 lines on purpose: the three pieces are one protocol over one connection: an
// append's reservation, publish and seq write, the reads that skip reservations still pending, and
// the watches that resume after a reconnect all depend on the record layout defined here.
/**
 * NatsRelayBackend: a relay's mailboxes in NATS JetStream, shared by every relay process of a
 * market and kept across restarts (spec §Relay binding, Several processes).
 *
 * The layout, as the spec describes it:
 *
 * 1. **Entries.** One stream, `<prefix>-mailboxes`, holds every mailbox's entries, on the subject
 *    `<prefix>.mailbox.<h>`, where `<h>` is the hex SHA-256 of the owner's DID (a DID is not a
 *    subject token). Each is published with the message ID `<h>.<digest>.<reserved at>`, so that
 *    a publish retried within the stream's duplicate window is stored once. `seq` is the stream
 *    sequence.
 * 2. **Mailboxes.** The bucket `<prefix>-mailbox-info` holds one record per mailbox: its owner,
 *    end, intent or filters, and a slot per live entry (digest, seq, sender, bytes, expiry). Every
 *    change is a compare-and-set on the record's revision, so the bounds (per sender, entries,
 *    bytes) and "a message at most once" hold across processes: `append` reserves a slot, then
 *    publishes, then writes the slot's `seq`.
 * 3. **Subscribers.** The bucket `<prefix>-subscribers` holds each vendor mailbox's filters and
 *    end. Every backend watches it and answers `subscribers()` from what it has seen.
 *
 * It runs on nats-server 2.9 and later, and so uses nothing newer: a consumer filters on one
 * subject (2.10 brought several), and nothing expires a single message (2.11 brought per-message
 * TTLs). An entry's own end is therefore checked when it is read, and the stream's `max_age`
 * (`maxAgeMs`, 31 days by default) bounds what the stream keeps; the buckets forget a record that
 * long after its last write. The relay must keep mailboxes shorter than that (a subscription
 * lasts at most 30 days; bound intents' lifetimes too).
 *
 * The stream is bounded in bytes too (`maxBytes`, 1 GiB by default) with discard policy `new`: a
 * full stream refuses new entries rather than dropping the oldest, which would empty the
 * longest-standing vendor mailboxes first. Nothing here forgets a mailbox to make room.
 *
 * The connection is the caller's: its servers, credentials, TLS and reconnect policy are the
 * deployment's to choose, and `close()` leaves it open.
 */
import {
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream'
import type {
  Consumer,
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
  MsgRequest,
  StoredMsg,
} from '@nats-io/jetstream'
import { Kvm, type KV } from '@nats-io/kv'
import { bytesToHex } from '@noble/hashes/utils.js'
import { sha256 } from '../crypto/sha256.js'
import { IntentcastError } from '../errors.js'
import { utf8 } from '../lib/utf8.js'
import type { SubscriptionFilters } from '../model/relay.js'
import type { AppendResult, MailboxEntry, MailboxInfo, MailboxLimits, NewEntry, RelayBackend } from './backend.js'

/**
 * A connected NATS connection (`connect` of `@nats-io/transport-node`, or `wsconnect` of
 * `@nats-io/nats-core`), named by what `jetstream()` takes, so that this package names no
 * transport.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node'
 * const nc: NatsConnection = await connect({ servers: process.env.NATS_URL, maxReconnectAttempts: -1 })
 * ```
 */
export type NatsConnection = Parameters<typeof jetstream>[0]

/**
 * NatsRelayBackend's options: the names it uses, how long it keeps things, and the clock.
 *
 * @example
 * ```ts
 * const backend = await NatsRelayBackend.create(nc, { prefix: 'market-eu', replicas: 3 } satisfies NatsRelayBackendOptions)
 * ```
 */
export interface NatsRelayBackendOptions {
  /**
   * Names the stream (`<prefix>-mailboxes`), the buckets (`<prefix>-mailbox-info`,
   * `<prefix>-subscribers`) and the subjects (`<prefix>.mailbox.<h>`), so that two markets on one
   * NATS never meet. Letters, digits, `-` and `_`. Default `intentcast`.
   */
  readonly prefix?: string
  /**
   * How long the stream keeps an entry, and the buckets a record after its last write, in
   * milliseconds: longer than any mailbox lasts. Applies when this backend creates the stream and
   * buckets; existing ones keep their settings. Default 31 days.
   */
  readonly maxAgeMs?: number
  /**
   * The most bytes the stream keeps (its `max_bytes`), with discard policy `new`: a full stream
   * refuses new entries (the relay answers 500 and reports it) rather than dropping old ones,
   * which would empty the longest-standing vendors' mailboxes first. Applies when this backend
   * creates the stream; an existing one keeps its settings. Default 1 GiB.
   */
  readonly maxBytes?: number
  /** Replicas of the stream and buckets when they are created (1, 3 or 5 in a cluster). Default 1. */
  readonly replicas?: number
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number
}

/** The stream's duplicate window: the server's default, written down since `append` relies on it. */
const DUPLICATE_WINDOW_MS = 120_000
/**
 * A reserved slot younger than this is published again under its message ID, which the window
 * above turns into the first copy's `seq`; an older one is looked for in the stream first.
 */
const SURELY_IN_WINDOW_MS = DUPLICATE_WINDOW_MS / 2
/**
 * Compare-and-set rounds before `append` or `open` gives up. Each round that fails does so because
 * another write to the same mailbox succeeded, so this bounds the wait, not the progress: 50
 * concurrent appends to one mailbox from two processes take at most about 50 rounds.
 */
const CAS_ROUNDS = 200

/** One live entry of a mailbox, as its record keeps it. `seq` 0: reserved, not yet published. */
interface Slot {
  readonly digest: string
  seq: number
  readonly expiresAt: number
  readonly bytes: number
  readonly sender: string
  /** When it was reserved; matters only while `seq` is 0. */
  readonly at: number
  /** Posted to the mailbox, not an intent the relay put there (for `MailboxLimits.posted`). */
  readonly posted?: boolean
}

/** A mailbox's record in `<prefix>-mailbox-info`. */
interface Mailbox {
  readonly owner: string
  expiresAt: number
  readonly intent?: string
  filters?: SubscriptionFilters
  webhook?: string
  /**
   * Every message of this subject at or below `floor` is of an earlier mailbox of this owner, or
   * expired: reading starts above it, so that expired entries cost nothing.
   */
  floor: number
  /** The highest `seq` ever written into a slot. */
  last: number
  slots: Slot[]
}

/** A vendor mailbox's record in `<prefix>-subscribers`; `rev` is its mailbox record's revision. */
interface Subscriber {
  readonly owner: string
  readonly expiresAt: number
  readonly filters?: SubscriptionFilters
  readonly webhook?: string
  readonly rev: number
}

interface Names {
  readonly stream: string
  readonly subject: string
  readonly mailboxes: string
  readonly subscribers: string
}

/** What `create` hands the constructor, which is private: a backend exists only once it is ready. */
interface Parts {
  readonly js: JetStreamClient
  readonly jsm: JetStreamManager
  readonly mailboxes: KV
  readonly subscribers: KV
  readonly names: Names
  readonly now: () => number
}

/**
 * The mailboxes of a relay in NATS JetStream (nats-server 2.9 or later, with JetStream), shared by
 * every relay process on the same NATS and prefix, and durable as the stream's storage is (file
 * storage, replicated in a cluster). Bounds and duplicates are decided by compare-and-set on one
 * record per mailbox, so they hold across processes; `subscribers()` answers from a watched
 * bucket, so a vendor subscribed through another process is seen after that watch delivers it
 * (milliseconds), and one subscribed through this one at once.
 *
 * Needs `@nats-io/jetstream` and `@nats-io/kv` (optional peer dependencies of intentcast, installed
 * by the application beside a transport such as `@nats-io/transport-node`). Importing
 * `intentcast/relay` never loads them: this backend is its own entry, `intentcast/relay/nats`.
 *
 * What a crash leaves: a slot reserved by a process that died before publishing holds its place
 * in the bounds until the entry's end; a slot whose entry was published but whose `seq` was not
 * yet written gets it from the next `append` of the same bytes (a retry), through the duplicate
 * window or, after it, by finding the entry in the stream.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node'
 * import { NatsRelayBackend } from 'intentcast/relay/nats'
 *
 * const nc = await connect({ servers: process.env.NATS_URL!, maxReconnectAttempts: -1 })
 * const backend = await NatsRelayBackend.create(nc)
 * // … hand `backend` to the relay; on shutdown:
 * await backend.close()
 * await nc.drain()
 * ```
 */
export class NatsRelayBackend implements RelayBackend {
  readonly #js: JetStreamClient
  readonly #jsm: JetStreamManager
  readonly #mailboxes: KV
  readonly #subscriberBucket: KV
  readonly #names: Names
  readonly #now: () => number
  /** Vendor mailboxes by key, each with the revision it was read at. */
  readonly #subscribers = new Map<string, { info: MailboxInfo; revision: number }>()
  /** The last revision of the subscribers bucket the watch has delivered. */
  #subscribersSeen = 0
  readonly #stops = new Set<() => void>()
  /** Called when the connection comes back: each ends its consumer, so that a new one starts. */
  readonly #reconnected = new Set<() => void>()
  #status: AsyncIterable<{ type: string }> | undefined
  #closed = false

  private constructor(parts: Parts) {
    this.#js = parts.js
    this.#jsm = parts.jsm
    this.#mailboxes = parts.mailboxes
    this.#subscriberBucket = parts.subscribers
    this.#names = parts.names
    this.#now = parts.now
  }

  /**
   * Creates the stream and buckets if they are missing (the first process does; later ones find
   * them), starts watching the subscribers, and resolves once every subscriber known now is loaded.
   *
   * @throws {IntentcastError} `ERR_INVALID_ARGUMENT` for a connection or an option that is not one.
   *   Errors of NATS itself (no JetStream, no permission) reject as NATS reports them.
   * @example
   * ```ts
   * const backend = await NatsRelayBackend.create(nc, { prefix: 'intentcast' })
   * ```
   */
  static async create(connection: NatsConnection, options: NatsRelayBackendOptions = {}): Promise<NatsRelayBackend> {
    if (typeof (connection as { request?: unknown } | undefined)?.request !== 'function')
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        "NatsRelayBackend needs a connected NATS connection, such as @nats-io/transport-node's connect()",
      )
    const prefix = options.prefix ?? 'intentcast'
    if (typeof prefix !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(prefix))
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'NatsRelayBackend: prefix is 1 to 32 letters, digits, - or _')
    const maxAgeMs = wholeNumber(options.maxAgeMs ?? 31 * 86_400_000, 'maxAgeMs', 60_000)
    const maxBytes = wholeNumber(options.maxBytes ?? 2 ** 30, 'maxBytes', 1)
    const replicas = wholeNumber(options.replicas ?? 1, 'replicas', 1)
    const now = options.now ?? Date.now
    if (typeof now !== 'function')
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'NatsRelayBackend: now must be a function')

    const names: Names = {
      stream: `${prefix}-mailboxes`,
      subject: `${prefix}.mailbox`,
      mailboxes: `${prefix}-mailbox-info`,
      subscribers: `${prefix}-subscribers`,
    }
    const js = jetstream(connection)
    const jsm = await jetstreamManager(connection)
    try {
      await jsm.streams.info(names.stream)
    } catch (error) {
      if (codeOf(error) !== STREAM_NOT_FOUND) throw error
      // Two processes starting at once both get here; the second add, with the same
      // configuration, succeeds as a no-op.
      await jsm.streams.add({
        name: names.stream,
        subjects: [`${names.subject}.*`],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        // Entries leave by age only: a full stream refuses, it never drops a mailbox's entries.
        discard: DiscardPolicy.New,
        max_bytes: maxBytes,
        max_age: maxAgeMs * 1_000_000,
        duplicate_window: DUPLICATE_WINDOW_MS * 1_000_000,
        num_replicas: replicas,
      })
    }
    const kvm = new Kvm(js)
    const bucket = { history: 1, ttl: maxAgeMs, replicas, storage: StorageType.File }
    const backend = new NatsRelayBackend({
      js,
      jsm,
      names,
      now,
      mailboxes: await kvm.create(names.mailboxes, bucket),
      subscribers: await kvm.create(names.subscribers, bucket),
    })
    backend.#watchConnection(connection)
    await backend.#watchSubscribers()
    return backend
  }

  async open(info: MailboxInfo): Promise<boolean> {
    this.#live()
    const fresh = checkInfo(info)
    const key = keyOf(info.owner)
    for (let round = 0; ; round++) {
      const stored = await this.#get(key)
      const now = this.#now()
      let mailbox: Mailbox
      if (stored && stored.mailbox.expiresAt > now) {
        mailbox = stored.mailbox
        // One cast key, one intent; a vendor key's mailbox is not a cast mailbox either.
        if (mailbox.intent !== undefined || info.intent !== undefined) return mailbox.intent === info.intent
        mailbox.expiresAt = info.expiresAt
        if (info.filters === undefined) delete mailbox.filters
        else mailbox.filters = info.filters
        if (info.webhook === undefined) delete mailbox.webhook
        else mailbox.webhook = info.webhook
        prune(mailbox, now)
      } else {
        // New, or the owner's earlier mailbox has ended: its entries stay behind the floor.
        const lastHere = await this.#jsm.streams.getMessage(this.#names.stream, { last_by_subj: this.#subject(key) })
        mailbox = { ...fresh, floor: Math.max(lastHere?.seq ?? 0, stored?.mailbox.last ?? 0), last: 0, slots: [] }
        mailbox.last = mailbox.floor
      }
      const revision = await this.#write(key, mailbox, stored?.revision)
      if (revision !== undefined) {
        if (mailbox.filters !== undefined) await this.#putSubscriber(key, mailbox, revision)
        return true
      }
      await pause(round, 'open')
    }
  }

  async info(owner: string): Promise<MailboxInfo | undefined> {
    this.#live()
    const stored = await this.#get(keyOf(checkOwner(owner)))
    if (!stored || stored.mailbox.expiresAt <= this.#now()) return undefined
    return infoOf(stored.mailbox)
  }

  async append(owner: string, entry: NewEntry, limits: MailboxLimits): Promise<AppendResult> {
    this.#live()
    const key = keyOf(checkOwner(owner))
    checkLimits(limits)
    const bytes = entry.parts.reduce((n, part) => n + part.length, 0)
    for (let round = 0; ; round++) {
      const stored = await this.#get(key)
      const now = this.#now()
      if (!stored || stored.mailbox.expiresAt <= now) return { refused: 'closed' }
      const { mailbox, revision } = stored
      prune(mailbox, now)
      const same = mailbox.slots.find((slot) => slot.digest === entry.digest)
      if (same) return { seq: same.seq || (await this.#settle(key, mailbox, same, entry)), duplicate: true }
      let fromSender = 0
      let used = 0
      let posted = 0
      let postedBytes = 0
      for (const slot of mailbox.slots) {
        if (slot.sender === entry.sender) fromSender++
        used += slot.bytes
        if (slot.posted === true) {
          posted++
          postedBytes += slot.bytes
        }
      }
      if (mailbox.slots.length >= limits.entries || used + bytes > limits.bytes) return { refused: 'full' }
      if (
        entry.posted === true &&
        limits.posted !== undefined &&
        (posted >= limits.posted.entries || postedBytes + bytes > limits.posted.bytes)
      )
        return { refused: 'full' }
      if (fromSender >= limits.perSender) return { refused: 'sender' }
      // Reserve first: once the reservation is written, no other process can take this place,
      // and what is published below is already within the bounds.
      mailbox.slots.push({
        digest: entry.digest,
        seq: 0,
        expiresAt: entry.expiresAt,
        bytes,
        sender: entry.sender,
        at: now,
        ...(entry.posted === true && { posted: true }),
      })
      if ((await this.#write(key, mailbox, revision)) === undefined) {
        await pause(round, 'append')
        continue
      }
      // A failed publish leaves the reservation: the relay answers 500 and the sender retries
      // with the same bytes, which finds it and publishes them (see #settle).
      const seq = await this.#publish(key, entry, now)
      await this.#fill(key, entry.digest, seq)
      return { seq, duplicate: false }
    }
  }

  async read(owner: string, after: number, limit: number): Promise<MailboxEntry[]> {
    this.#live()
    const key = keyOf(checkOwner(owner))
    wholeNumber(after, 'after', 0)
    wholeNumber(limit, 'limit', 1)
    const stored = await this.#get(key)
    const now = this.#now()
    if (!stored || stored.mailbox.expiresAt <= now) return []
    const { mailbox } = stored
    const from = Math.max(after, mailbox.floor)
    const live = mailbox.slots.filter((slot) => slot.expiresAt > now)
    if (live.some((slot) => slot.seq === 0)) return this.#scan(key, mailbox, from, limit, now)
    // With no reservation open, the record lists every entry the stream has for this mailbox
    // (an entry published later has a higher seq than all of them), so they are fetched at once.
    const seqs = live
      .map((slot) => slot.seq)
      .filter((seq) => seq > from)
      .sort((a, b) => a - b)
      .slice(0, limit)
    const found = await Promise.all(seqs.map((seq) => this.#jsm.streams.getMessage(this.#names.stream, { seq })))
    return found.flatMap((message) => {
      const entry = message && message.subject === this.#subject(key) ? decodeEntry(message) : undefined
      return entry ? [entry] : []
    })
  }

  watch(owner: string, after: number, listener: (entry: MailboxEntry) => void): () => void {
    this.#live()
    const key = keyOf(checkOwner(owner))
    wholeNumber(after, 'after', 0)
    if (typeof listener !== 'function')
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'watch: listener must be a function')
    let cursor = after
    const stop = this.#follow(
      this.#names.stream,
      this.#subject(key),
      async () => {
        // Entries of an earlier mailbox of this owner, and expired ones, lie below the floor.
        const stored = await this.#get(key)
        cursor = Math.max(cursor, stored?.mailbox.floor ?? 0)
        return { opt_start_seq: cursor + 1 }
      },
      (message) => {
        // The cursor moves on every message, so a consumer made again after a failure starts
        // after the last one delivered: nothing skipped, and nothing twice, even should a
        // consumer that was ended still deliver one.
        if (message.seq <= cursor) return
        cursor = message.seq
        const entry = decodeEntry(message)
        if (!entry || entry.expiresAt <= this.#now()) return
        try {
          listener(entry)
        } catch {
          // A watcher's failure is its own: the stream goes on (as MemoryRelayBackend's does).
        }
      },
    )
    return stop
  }

  async subscribers(): Promise<readonly MailboxInfo[]> {
    this.#live()
    const now = this.#now()
    const open: MailboxInfo[] = []
    for (const [key, { info, revision }] of this.#subscribers) {
      if (info.expiresAt > now) open.push(info)
      // Forgotten only once the watch is past it, so that no older write can bring it back.
      else if (revision <= this.#subscribersSeen) this.#subscribers.delete(key)
    }
    return open
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const stop of this.#stops) stop()
    this.#stops.clear()
    ;(this.#status as { stop?: () => void } | undefined)?.stop?.()
  }

  #watchConnection(connection: NatsConnection): void {
    const status = connection.status()
    this.#status = status
    void (async () => {
      for await (const { type } of status) if (type === 'reconnect') for (const end of this.#reconnected) end()
    })().catch(() => {})
  }

  /** Throws once closed: a closed backend's watches are gone, and it would not see subscribers. */
  #live(): void {
    if (this.#closed) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'this NatsRelayBackend is closed')
  }

  #subject(key: string): string {
    return `${this.#names.subject}.${key}`
  }

  async #get(key: string): Promise<{ mailbox: Mailbox; revision: number } | undefined> {
    const entry = await this.#mailboxes.get(key)
    if (!entry || entry.operation !== 'PUT') return undefined
    return { mailbox: decodeMailbox(entry.string()), revision: entry.revision }
  }

  /**
   * Writes `mailbox` if its record is still at `revision` (absent when undefined). Resolves the
   * new revision, or undefined when another write came first.
   */
  async #write(key: string, mailbox: Mailbox, revision: number | undefined): Promise<number | undefined> {
    try {
      const value = encodeMailbox(mailbox)
      return revision === undefined
        ? await this.#mailboxes.create(key, value)
        : await this.#mailboxes.update(key, value, revision)
    } catch (error) {
      if (codeOf(error) === WRONG_LAST_SEQUENCE) return undefined
      throw error
    }
  }

  /** Publishes the entry of the slot reserved at `at`; resolves its seq. */
  async #publish(key: string, entry: NewEntry, at: number): Promise<number> {
    const { type, parts, digest, sender, expiresAt } = entry
    const data = JSON.stringify({ type, parts, digest, sender, expiresAt })
    const ack = await this.#js.publish(this.#subject(key), data, { msgID: messageId(key, digest, at) })
    return ack.seq
  }

  /** Writes `seq` into the slot of `digest`. Best effort: a slot left without one is settled by a retry. */
  async #fill(key: string, digest: string, seq: number): Promise<void> {
    for (let round = 0; round < CAS_ROUNDS; round++) {
      const stored = await this.#get(key)
      const slot = stored?.mailbox.slots.find((s) => s.digest === digest)
      if (!stored || !slot || slot.seq !== 0) return
      slot.seq = seq
      stored.mailbox.last = Math.max(stored.mailbox.last, seq)
      prune(stored.mailbox, this.#now())
      if ((await this.#write(key, stored.mailbox, stored.revision)) !== undefined) return
      await pause(round)
    }
  }

  /**
   * The `seq` of a slot reserved by another append of the same bytes that has not written it (yet,
   * or ever: its process may have died). A young slot is published again, and the duplicate window
   * answers with the first copy's `seq` if it was stored; an older one is looked for first.
   */
  async #settle(key: string, mailbox: Mailbox, slot: Slot, entry: NewEntry): Promise<number> {
    const young = this.#now() - slot.at < SURELY_IN_WINDOW_MS
    const id = messageId(key, entry.digest, slot.at)
    const seq = (young ? undefined : await this.#find(key, mailbox, id)) ?? (await this.#publish(key, entry, slot.at))
    await this.#fill(key, entry.digest, seq)
    return seq
  }

  /** The seq of the message `id` in the mailbox's subject, searched from the floor up. */
  async #find(key: string, mailbox: Mailbox, id: string): Promise<number | undefined> {
    for (let seq = mailbox.floor; ;) {
      const message = await this.#next(key, seq)
      if (!message) return undefined
      if (message.header.get('Nats-Msg-Id') === id) return message.seq
      seq = message.seq
    }
  }

  /**
   * The first message of the mailbox after `seq`. The server has answered `next_by_subj` in
   * STREAM.MSG.GET since 2.9; the client's type names it only for direct gets, and passes it on.
   */
  #next(key: string, seq: number): Promise<StoredMsg | null> {
    const query: MsgRequest = Object.assign({ seq: seq + 1 }, { next_by_subj: this.#subject(key) })
    return this.#jsm.streams.getMessage(this.#names.stream, query)
  }

  /**
   * Entries in stream order, one message at a time: used while a reservation is open, when the
   * record cannot yet say which seqs the mailbox has.
   */
  async #scan(key: string, mailbox: Mailbox, from: number, limit: number, now: number): Promise<MailboxEntry[]> {
    const known = new Map(mailbox.slots.map((slot) => [slot.digest, slot.seq]))
    const entries: MailboxEntry[] = []
    for (let seq = from; entries.length < limit;) {
      const message = await this.#next(key, seq)
      if (!message) break
      seq = message.seq
      const entry = decodeEntry(message)
      if (!entry || entry.expiresAt <= now) continue
      // A second copy, stored only if a process stalled past the duplicate window: the record
      // names the first.
      const first = known.get(entry.digest)
      if (first !== undefined && first !== 0 && first !== entry.seq) continue
      entries.push(entry)
    }
    return entries
  }

  /**
   * Follows `subject` of `stream` with an ordered consumer, from `start()`, until stopped. The
   * NATS client makes such a consumer again by itself after some failures, but after a reconnect
   * it may wait out a whole pull (30 s) first, so a reconnect ends the consumer here and a new one
   * starts at once (from the last message delivered, which `start` knows), as does any other end.
   */
  #follow(
    stream: string,
    subject: string,
    start: () => Promise<{ opt_start_seq: number } | { deliver_policy: DeliverPolicy }>,
    onMessage: (message: JsMsg) => void,
  ): () => void {
    let stopped = false
    let consumer: Consumer | undefined
    let messages: ConsumerMessages | undefined
    const end = (): void => {
      void messages?.close().catch(() => {})
      // The server would drop it after its inactivity threshold (5 minutes); now is sooner.
      void consumer?.delete().catch(() => {})
    }
    const stop = (): void => {
      if (stopped) return
      stopped = true
      this.#stops.delete(stop)
      this.#reconnected.delete(end)
      end()
    }
    this.#stops.add(stop)
    this.#reconnected.add(end)
    void (async () => {
      for (let round = 0; !stopped; round++) {
        try {
          consumer = await this.#js.consumers.get(stream, { filter_subjects: subject, ...(await start()) })
          if (stopped) break
          messages = await consumer.consume({
            callback: (message) => {
              if (!stopped) onMessage(message)
            },
          })
          if (stopped) break
          round = 0
          await messages.closed()
        } catch {
          // NATS unreachable, or JetStream not ready yet after a restart: try again shortly.
        }
        end()
        if (!stopped) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** round, 2_000)))
      }
      end()
    })()
    return stop
  }

  /** Loads every subscriber, then keeps following the bucket; resolves once loaded. */
  async #watchSubscribers(): Promise<void> {
    const stream = `KV_${this.#names.subscribers}`
    const prefix = `$KV.${this.#names.subscribers}.`
    // What the bucket holds now, so that `create` resolves with every subscriber loaded.
    const { state } = await this.#jsm.streams.info(stream)
    let loaded!: () => void
    const ready = new Promise<void>((resolve) => (loaded = resolve))
    if (state.messages === 0) loaded()
    // Should the bucket's last messages age out between the count above and the consumer, the
    // marks below never come: then what has come is what there is.
    const enough = setTimeout(() => loaded(), 5_000)
    this.#follow(
      stream,
      `${prefix}>`,
      async () =>
        this.#subscribersSeen === 0
          ? { deliver_policy: DeliverPolicy.LastPerSubject }
          : { opt_start_seq: this.#subscribersSeen + 1 },
      (message) => {
        if (message.seq <= this.#subscribersSeen) return
        this.#subscribersSeen = message.seq
        const key = message.subject.slice(prefix.length)
        const operation = message.headers?.get('KV-Operation')
        if (operation === 'DEL' || operation === 'PURGE') this.#forgetSubscriber(key, message.seq)
        else {
          const subscriber = decodeSubscriber(message.string())
          if (subscriber) this.#learnSubscriber(key, subscriber, message.seq)
        }
        if (message.info.pending === 0 || message.seq >= state.last_seq) loaded()
      },
    )
    await ready
    clearTimeout(enough)
  }

  #learnSubscriber(key: string, subscriber: Subscriber, revision: number): void {
    if ((this.#subscribers.get(key)?.revision ?? 0) >= revision) return
    const { owner, expiresAt, filters, webhook } = subscriber
    const info: MailboxInfo = {
      owner,
      expiresAt,
      ...(filters && { filters }),
      ...(typeof webhook === 'string' && { webhook }),
    }
    this.#subscribers.set(key, { info, revision })
  }

  #forgetSubscriber(key: string, revision: number): void {
    if ((this.#subscribers.get(key)?.revision ?? 0) < revision) this.#subscribers.delete(key)
  }

  /**
   * Writes a vendor mailbox's filters and end into the subscribers bucket, unless a write from a
   * later revision of its mailbox got there first (two subscriptions of one vendor at once, through
   * two processes).
   */
  async #putSubscriber(key: string, mailbox: Mailbox, rev: number): Promise<void> {
    const subscriber: Subscriber = {
      owner: mailbox.owner,
      expiresAt: mailbox.expiresAt,
      ...(mailbox.filters && { filters: mailbox.filters }),
      ...(mailbox.webhook !== undefined && { webhook: mailbox.webhook }),
      rev,
    }
    const value = JSON.stringify(subscriber)
    for (let round = 0; ; round++) {
      const current = await this.#subscriberBucket.get(key)
      const live = current?.operation === 'PUT' ? current : undefined
      if (live && (decodeSubscriber(live.string())?.rev ?? 0) >= rev) return
      try {
        const revision = live
          ? await this.#subscriberBucket.update(key, value, live.revision)
          : await this.#subscriberBucket.create(key, value)
        this.#learnSubscriber(key, subscriber, revision)
        return
      } catch (error) {
        if (codeOf(error) !== WRONG_LAST_SEQUENCE) throw error
      }
      await pause(round, 'open')
    }
  }
}

const STREAM_NOT_FOUND = 10059
const WRONG_LAST_SEQUENCE = 10071

/** A JetStream API error's code, read structurally (two copies of the client would fail `instanceof`). */
function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | undefined)?.code
}

/**
 * The message ID of a slot's entry: the mailbox, the digest, and when the slot was reserved. A
 * retry of the same reservation publishes under the same ID, so the stream stores it once; a new
 * reservation of the same bytes (the first expired, or the mailbox is new) is a new message.
 */
function messageId(key: string, digest: string, at: number): string {
  return `${key}.${digest}.${at}`
}

/** The key of a mailbox: the hex SHA-256 of its owner's DID, a valid subject token and KV key. */
function keyOf(owner: string): string {
  return bytesToHex(sha256(utf8(owner)))
}

/** Waits a little before the next compare-and-set round, longer each time, with jitter. */
async function pause(round: number, what?: string): Promise<void> {
  if (what !== undefined && round >= CAS_ROUNDS)
    throw new Error(`NatsRelayBackend: ${what} lost ${CAS_ROUNDS} compare-and-set rounds on one mailbox`)
  const ms = Math.random() * Math.min(2 ** round, 20)
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** Drops expired slots and, with no reservation open, raises the floor to just below the oldest. */
function prune(mailbox: Mailbox, now: number): void {
  mailbox.slots = mailbox.slots.filter((slot) => slot.expiresAt > now)
  if (mailbox.slots.some((slot) => slot.seq === 0)) return
  const oldest = Math.min(...mailbox.slots.map((slot) => slot.seq))
  mailbox.floor = Math.max(mailbox.floor, mailbox.slots.length > 0 ? oldest - 1 : mailbox.last)
}

function infoOf(mailbox: Mailbox): MailboxInfo {
  const { owner, expiresAt, intent, filters, webhook } = mailbox
  return {
    owner,
    expiresAt,
    ...(intent !== undefined && { intent }),
    ...(filters !== undefined && { filters }),
    ...(webhook !== undefined && { webhook }),
  }
}

// The record is compact: a sender's DID is written once however many slots it has, which keeps a
// full mailbox's record (1,024 slots) under 100 kB.
type EncodedSlot = [digest: string, seq: number, expiresAt: number, bytes: number, sender: number, at?: number]

function encodeMailbox(mailbox: Mailbox): string {
  const senders: string[] = []
  const index = new Map<string, number>()
  const slots = mailbox.slots.map((slot): EncodedSlot => {
    let i = index.get(slot.sender)
    if (i === undefined) index.set(slot.sender, (i = senders.push(slot.sender) - 1))
    const encoded: EncodedSlot = [slot.digest, slot.seq, slot.expiresAt, slot.bytes, i]
    if (slot.seq === 0) encoded.push(slot.at)
    return encoded
  })
  // The indexes of the posted slots, only when there are some (records written before had none).
  const posted = mailbox.slots.flatMap((slot, i) => (slot.posted === true ? [i] : []))
  const { owner, expiresAt, intent, filters, webhook, floor, last } = mailbox
  return JSON.stringify({
    v: 1,
    owner,
    expiresAt,
    intent,
    filters,
    webhook,
    floor,
    last,
    senders,
    slots,
    ...(posted.length > 0 && { posted }),
  })
}

function decodeMailbox(text: string): Mailbox {
  const record = JSON.parse(text) as Omit<Mailbox, 'slots'> & {
    v: number
    senders: string[]
    slots: EncodedSlot[]
    posted?: number[]
  }
  const posted = new Set(record.posted)
  if (record.v !== 1) throw new Error(`NatsRelayBackend: a mailbox record of unknown version ${String(record.v)}`)
  const { owner, expiresAt, intent, filters, webhook, floor, last, senders } = record
  return {
    owner,
    expiresAt,
    ...(intent !== undefined && { intent }),
    ...(filters !== undefined && { filters }),
    ...(typeof webhook === 'string' && { webhook }),
    floor,
    last,
    slots: record.slots.map(([digest, seq, expiresAt, bytes, sender, at], i) => ({
      digest,
      seq,
      expiresAt,
      bytes,
      sender: senders[sender]!,
      at: at ?? 0,
      ...(posted.has(i) && { posted: true }),
    })),
  }
}

function decodeSubscriber(text: string): Subscriber | undefined {
  try {
    return JSON.parse(text) as Subscriber
  } catch {
    return undefined
  }
}

/** An entry from its stream message; undefined for anything this backend did not write. */
function decodeEntry(message: JsMsg | StoredMsg): MailboxEntry | undefined {
  try {
    const { type, parts, digest, sender, expiresAt } = message.json<NewEntry>()
    if (typeof digest !== 'string' || !Array.isArray(parts) || typeof expiresAt !== 'number') return undefined
    return { seq: message.seq, type, parts, digest, sender, expiresAt }
  } catch {
    return undefined
  }
}

function wholeNumber(value: unknown, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `NatsRelayBackend: ${name} must be a whole number of at least ${min}`,
    )
  return value as number
}

function checkOwner(owner: unknown): string {
  if (typeof owner !== 'string' || owner.length === 0)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'NatsRelayBackend: a mailbox owner is a DID string')
  return owner
}

function checkLimits(limits: MailboxLimits): void {
  wholeNumber(limits?.perSender, 'limits.perSender', 0)
  wholeNumber(limits.entries, 'limits.entries', 0)
  wholeNumber(limits.bytes, 'limits.bytes', 0)
  if (limits.posted !== undefined) {
    wholeNumber(limits.posted.entries, 'limits.posted.entries', 0)
    wholeNumber(limits.posted.bytes, 'limits.posted.bytes', 0)
  }
}

/** The fields of a new mailbox's record that come from `info`, checked. */
function checkInfo(info: MailboxInfo): Pick<Mailbox, 'owner' | 'expiresAt' | 'intent' | 'filters' | 'webhook'> {
  const owner = checkOwner(info?.owner)
  wholeNumber(info.expiresAt, 'expiresAt', 0)
  if (info.intent !== undefined && typeof info.intent !== 'string')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'NatsRelayBackend: a mailbox intent is a digest string')
  if (info.intent !== undefined && info.filters !== undefined)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'NatsRelayBackend: a mailbox has an intent or filters, not both')
  return {
    owner,
    expiresAt: info.expiresAt,
    ...(info.intent !== undefined && { intent: info.intent }),
    ...(info.filters !== undefined && { filters: info.filters }),
    ...(typeof info.webhook === 'string' && { webhook: info.webhook }),
  }
}
