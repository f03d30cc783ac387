// Over 250 lines on purpose: its parts are one invariant: the mailboxes, their entries, the
// byte and count bounds, eviction (cast mailboxes only, oldest first) and the watchers are updated
// together in each call, and split apart each would have to trust the others to keep the totals
// right.
/**
 * The embedded relay backend: every mailbox in this process's memory, gone on a restart. For one
 * relay process; processes that share a market share a NatsRelayBackend instead.
 */
import { IntentcastError } from '../errors.js'
import type { AppendResult, MailboxEntry, MailboxInfo, MailboxLimits, NewEntry, RelayBackend } from './backend.js'

/**
 * Bounds on the whole backend (each mailbox's own bounds come with every `append`).
 *
 * @example
 * ```ts
 * const backend = new MemoryRelayBackend({ maxMailboxes: 50_000, maxBytes: 512 * 2 ** 20 })
 * ```
 */
export interface MemoryRelayBackendOptions {
  /**
   * The most cast mailboxes kept at once. Past it, the cast mailbox opened longest ago is
   * forgotten (its wallet casts the same intent again to reopen it). Default 100,000.
   */
  readonly maxMailboxes?: number
  /**
   * The most vendor mailboxes open at once. Past it, a new subscription is refused (one open
   * renews); a vendor mailbox is never forgotten to make room. Default 10,000.
   */
  readonly maxSubscribers?: number
  /**
   * The most bytes of entries kept at once, over all mailboxes. Past it, cast mailboxes are
   * forgotten, opened longest ago first, never vendor ones; when what is left is in vendor
   * mailboxes, an append is refused as full. Vendor mailboxes hold at most `maxSubscribers`
   * times the per-mailbox byte bound, so keep this above what they need. Default 256 MiB.
   */
  readonly maxBytes?: number
  /** The clock, in milliseconds. Default `Date.now`. */
  readonly now?: () => number
}

interface Mailbox {
  info: MailboxInfo
  /** In `seq` order. */
  readonly entries: MailboxEntry[]
  readonly seqByDigest: Map<string, number>
  readonly perSender: Map<string, number>
  bytes: number
  /** Entries marked `posted`, and their bytes. */
  posted: number
  postedBytes: number
  /** The earliest `expiresAt` among the entries: nothing needs sweeping before it. */
  nextExpiry: number
}

interface Watcher {
  after: number
  readonly listener: (entry: MailboxEntry) => void
  readonly queue: MailboxEntry[]
  scheduled: boolean
  stopped: boolean
}

const sizeOf = (entry: NewEntry): number => entry.parts.reduce((n, p) => n + p.length, 0)

/**
 * A RelayBackend in memory. Bounded, and how:
 * - each mailbox by the `limits` the relay passes to `append` (entries, bytes, entries per sender);
 * - entries leave at their `expiresAt`, mailboxes at theirs (swept when touched, and all of them
 *   whenever the backend is full);
 * - at most `maxMailboxes` cast mailboxes and `maxBytes` of entries in all: past either, once
 *   ended mailboxes are swept, the cast mailboxes opened longest ago are forgotten, as the replay
 *   store forgets its oldest entries. Anyone can open a cast mailbox (an intent from a fresh
 *   key), so refusing new ones when full would let a flood shut the relay; forgetting old ones
 *   only shortens how long the oldest are kept, and a wallet reopens its own by casting again.
 * - at most `maxSubscribers` vendor mailboxes, counted apart: a vendor's subscription is never
 *   forgotten to make room for casts or their bytes (a flood of intents would otherwise
 *   unsubscribe the longest-standing vendors first). Past it, new subscriptions are refused.
 *
 * Watchers are called on a later microtask, each from its own queue, and a listener that throws
 * is ignored: `append` never waits for a watcher nor fails because of one.
 *
 * @example
 * ```ts
 * import { createRelayHandler, MemoryRelayBackend } from 'intentcast/relay'
 *
 * const handler = createRelayHandler({ url: 'https://relay.example/relay', backend: new MemoryRelayBackend({ maxMailboxes: 10_000 }) })
 * ```
 */
export class MemoryRelayBackend implements RelayBackend {
  readonly #mailboxes = new Map<string, Mailbox>()
  /** The owners of open vendor mailboxes, so `subscribers` need not walk the cast mailboxes. */
  readonly #vendors = new Set<string>()
  /** The owners of cast mailboxes, in the order they were opened: the order they are forgotten in. */
  readonly #casts = new Set<string>()
  readonly #watchers = new Map<string, Set<Watcher>>()
  readonly #maxMailboxes: number
  readonly #maxSubscribers: number
  readonly #maxBytes: number
  readonly #now: () => number
  #bytes = 0
  #sweptAt = -Infinity
  /** One counter for every mailbox: a mailbox forgotten and opened again never reuses a `seq`. */
  #seq = 0

  constructor(options: MemoryRelayBackendOptions = {}) {
    const known = ['maxMailboxes', 'maxSubscribers', 'maxBytes', 'now']
    if (typeof options !== 'object' || options === null)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'MemoryRelayBackend: options must be an object')
    const unknown = Object.keys(options).find((k) => !known.includes(k))
    if (unknown !== undefined)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `MemoryRelayBackend: no option "${unknown.slice(0, 32)}"; it takes ${known.join(', ')}`,
      )
    this.#maxMailboxes = options.maxMailboxes ?? 100_000
    this.#maxSubscribers = options.maxSubscribers ?? 10_000
    this.#maxBytes = options.maxBytes ?? 256 * 2 ** 20
    this.#now = options.now ?? Date.now
    // A NaN or negative bound would leave the backend unbounded, or refusing everything.
    for (const [name, v] of [
      ['maxMailboxes', this.#maxMailboxes],
      ['maxSubscribers', this.#maxSubscribers],
      ['maxBytes', this.#maxBytes],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < 1)
        throw new IntentcastError('ERR_INVALID_ARGUMENT', `MemoryRelayBackend: ${name} must be a positive whole number`)
    }
    if (typeof this.#now !== 'function')
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'MemoryRelayBackend: now must be a function')
  }

  /** Mailboxes kept (some may have ended and not been swept yet). */
  get size(): number {
    return this.#mailboxes.size
  }

  /** Bytes of entries kept, as counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes
  }

  async open(info: MailboxInfo): Promise<boolean> {
    const box = this.#live(info.owner)
    if (box !== undefined) {
      // One key, one kind of mailbox, and a cast key one intent.
      if (box.info.intent !== undefined || info.intent !== undefined) return box.info.intent === info.intent
      // A newer subscription: new filters and end, the same entries.
      box.info = { ...info }
      return true
    }
    if (info.intent === undefined) {
      if (this.#vendors.size >= this.#maxSubscribers) this.#sweep()
      if (this.#vendors.size >= this.#maxSubscribers) return false
    } else {
      if (this.#casts.size >= this.#maxMailboxes) this.#sweep()
      while (this.#casts.size >= this.#maxMailboxes) this.#forgetOldest(undefined)
    }
    this.#mailboxes.set(info.owner, {
      info: { ...info },
      entries: [],
      seqByDigest: new Map(),
      perSender: new Map(),
      bytes: 0,
      posted: 0,
      postedBytes: 0,
      nextExpiry: Infinity,
    })
    if (info.intent === undefined) this.#vendors.add(info.owner)
    else this.#casts.add(info.owner)
    return true
  }

  async info(owner: string): Promise<MailboxInfo | undefined> {
    return this.#live(owner)?.info
  }

  async append(owner: string, entry: NewEntry, limits: MailboxLimits): Promise<AppendResult> {
    const box = this.#live(owner)
    if (box === undefined) return { refused: 'closed' }
    this.#sweepEntries(box)
    const known = box.seqByDigest.get(entry.digest)
    if (known !== undefined) return { seq: known, duplicate: true }
    const size = sizeOf(entry)
    if (box.entries.length >= limits.entries || box.bytes + size > limits.bytes) return { refused: 'full' }
    if (
      entry.posted === true &&
      limits.posted !== undefined &&
      (box.posted >= limits.posted.entries || box.postedBytes + size > limits.posted.bytes)
    )
      return { refused: 'full' }
    if ((box.perSender.get(entry.sender) ?? 0) >= limits.perSender) return { refused: 'sender' }
    if (this.#bytes + size > this.#maxBytes) this.#sweep()
    while (this.#bytes + size > this.#maxBytes && this.#forgetOldest(owner));
    if (this.#bytes + size > this.#maxBytes) return { refused: 'full' }
    const stored: MailboxEntry = Object.freeze({ ...entry, parts: Object.freeze([...entry.parts]), seq: ++this.#seq })
    box.entries.push(stored)
    box.seqByDigest.set(stored.digest, stored.seq)
    box.perSender.set(stored.sender, (box.perSender.get(stored.sender) ?? 0) + 1)
    box.bytes += size
    if (stored.posted === true) {
      box.posted++
      box.postedBytes += size
    }
    box.nextExpiry = Math.min(box.nextExpiry, stored.expiresAt)
    this.#bytes += size
    for (const w of this.#watchers.get(owner) ?? []) this.#deliver(w, [stored])
    return { seq: stored.seq, duplicate: false }
  }

  async read(owner: string, after: number, limit: number): Promise<MailboxEntry[]> {
    const box = this.#live(owner)
    if (box === undefined) return []
    this.#sweepEntries(box)
    const first = firstAfter(box.entries, after)
    return box.entries.slice(first, first + limit)
  }

  watch(owner: string, after: number, listener: (entry: MailboxEntry) => void): () => void {
    const w: Watcher = { after, listener, queue: [], scheduled: false, stopped: false }
    let set = this.#watchers.get(owner)
    if (set === undefined) this.#watchers.set(owner, (set = new Set()))
    set.add(w)
    // Entries already there first, in the same step as registering: none can slip in between.
    const box = this.#live(owner)
    if (box !== undefined) {
      this.#sweepEntries(box)
      this.#deliver(w, box.entries.slice(firstAfter(box.entries, after)))
    }
    return () => {
      w.stopped = true
      w.queue.length = 0
      set.delete(w)
      if (set.size === 0 && this.#watchers.get(owner) === set) this.#watchers.delete(owner)
    }
  }

  async subscribers(): Promise<readonly MailboxInfo[]> {
    const found: MailboxInfo[] = []
    for (const owner of this.#vendors) {
      const box = this.#live(owner)
      if (box !== undefined) found.push(box.info)
    }
    return found
  }

  async close(): Promise<void> {
    for (const set of this.#watchers.values()) for (const w of set) w.stopped = true
    this.#watchers.clear()
    this.#mailboxes.clear()
    this.#vendors.clear()
    this.#casts.clear()
    this.#bytes = 0
  }

  /** The mailbox of `owner` if it is open; one that has ended is dropped on the way. */
  #live(owner: string): Mailbox | undefined {
    const box = this.#mailboxes.get(owner)
    if (box === undefined || box.info.expiresAt > this.#now()) return box
    this.#drop(owner, box)
    return undefined
  }

  #drop(owner: string, box: Mailbox): void {
    this.#mailboxes.delete(owner)
    this.#vendors.delete(owner)
    this.#casts.delete(owner)
    this.#bytes -= box.bytes
  }

  /** Forgets the cast mailbox opened longest ago, other than `keep`. False when there is none. */
  #forgetOldest(keep: string | undefined): boolean {
    for (const owner of this.#casts) {
      if (owner === keep) continue
      this.#drop(owner, this.#mailboxes.get(owner)!)
      return true
    }
    return false
  }

  /**
   * Drops every mailbox that has ended. Called only when full, and at most once a second: under
   * a flood that keeps the backend full, a walk over every mailbox per request would cost more
   * than forgetting the oldest does.
   */
  #sweep(): void {
    const now = this.#now()
    if (now - this.#sweptAt < 1_000) return
    this.#sweptAt = now
    for (const owner of [...this.#mailboxes.keys()]) this.#live(owner)
  }

  /** Drops a mailbox's expired entries, once the earliest of them is due. */
  #sweepEntries(box: Mailbox): void {
    const now = this.#now()
    if (box.nextExpiry > now) return
    let next = Infinity
    let kept = 0
    for (const e of box.entries) {
      if (e.expiresAt > now) {
        box.entries[kept++] = e
        next = Math.min(next, e.expiresAt)
        continue
      }
      const size = sizeOf(e)
      box.bytes -= size
      this.#bytes -= size
      if (e.posted === true) {
        box.posted--
        box.postedBytes -= size
      }
      box.seqByDigest.delete(e.digest)
      const n = box.perSender.get(e.sender)! - 1
      if (n === 0) box.perSender.delete(e.sender)
      else box.perSender.set(e.sender, n)
    }
    box.entries.length = kept
    box.nextExpiry = next
  }

  /** Queues entries for a watcher and calls its listener on a later microtask, in order. */
  #deliver(w: Watcher, entries: readonly MailboxEntry[]): void {
    for (const e of entries) if (e.seq > w.after) w.queue.push(e)
    if (w.scheduled || w.queue.length === 0) return
    w.scheduled = true
    queueMicrotask(() => {
      w.scheduled = false
      while (!w.stopped && w.queue.length > 0) {
        const e = w.queue.shift()!
        w.after = e.seq
        try {
          w.listener(e)
        } catch {
          // A watcher's failure is its own: the mailbox and the other watchers go on.
        }
      }
    })
  }
}

/** The index of the first entry with `seq` above `after` (entries are in `seq` order). */
function firstAfter(entries: readonly MailboxEntry[], after: number): number {
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (entries[mid]!.seq <= after) lo = mid + 1
    else hi = mid
  }
  return lo
}
