import { IntentcastError } from '../errors.js'
import { Thread } from '../thread/thread.js'

/**
 * Where a vendor keeps its threads. `get` finds a thread by the digest of any message in it (a
 * withdrawal names only the message it withdraws). A thread only grows, so the number of its
 * messages is its version: `set` writes a thread only over the version it was read at, which a
 * database does in one step (Redis: one script; SQL: `UPDATE … WHERE count = $expected`). A store
 * that several processes share also implements `lock`, so that moves on one thread are taken one
 * at a time across processes; the version check then catches a lock whose lease ran out. Keep
 * `encodeThread(thread)` and rebuild with `decodeThread`, which verifies every message again.
 *
 * @example
 * ```ts
 * import { decodeThread, encodeThread } from 'intentcast'
 *
 * const stored: ThreadStore = {
 *   async get(digest) {
 *     const { rows } = await db.query('SELECT record FROM threads WHERE $1 = ANY(digests)', [digest])
 *     return rows[0] && decodeThread(rows[0].record)
 *   },
 *   async set(thread, expected) {
 *     const { rowCount } = await db.query(
 *       'INSERT INTO threads (intent, count, record, digests) VALUES ($1, $2, $3, $4) ON CONFLICT (intent) DO UPDATE SET count = $2, record = $3, digests = $4 WHERE threads.count = $5',
 *       [thread.intent.digest, thread.messages.length, encodeThread(thread), thread.messages.map((m) => m.digest), expected],
 *     )
 *     return rowCount === 1
 *   },
 *   async lock(intent, task) {
 *     return db.transaction(async (tx) => {
 *       await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [intent])
 *       return task()
 *     })
 *   },
 * }
 * ```
 */
export interface ThreadStore {
  /** The thread that holds the message with this digest (any message of it), or undefined. */
  get(digest: string): Thread | undefined | Promise<Thread | undefined>
  /**
   * Stores `thread` in place of the stored version of it, if that version still has `expected`
   * messages (0 for a thread not stored yet), and says whether it did: false means another
   * process moved first. A thread the store has since let go of (expired, evicted) may be
   * stored again.
   */
  set(thread: Thread, expected: number): boolean | Promise<boolean>
  /**
   * For a store shared by processes: runs `task` holding the lock of the thread whose intent has
   * this digest, and settles as `task` does. Rejects without running `task` when the lock cannot
   * be had (the vendor answers 500 and tells `on.error`).
   */
  lock?<T>(intent: string, task: () => Promise<T>): Promise<T>
}

/**
 * The bounds of a MemoryThreadStore, by count and by bytes.
 *
 * @example
 * ```ts
 * const threads = new MemoryThreadStore({ maxThreads: 50_000, maxBytes: 256 * 2 ** 20 } satisfies MemoryThreadStoreOptions)
 * ```
 */
export interface MemoryThreadStoreOptions {
  /** The most threads kept; the least recently touched goes first. Default 10,000. */
  maxThreads?: number
  /**
   * The most message bytes kept, counted as they came over the wire (the heap they take is a
   * small multiple of it); the least recently touched thread goes first. Default 32 MiB.
   */
  maxBytes?: number
  /** The clock threads expire by. Default: the real one. */
  now?: () => Date
}

/**
 * The default thread store, for one process. Bounded by count and by bytes, since anyone can
 * open a thread by casting, and by time: a thread no agreement came of is dropped an hour after
 * no move can join it any more (`movableUntil`), when it is next met or when it reaches the head
 * of the recency order.
 * Agreed threads are kept, within the bounds: they are the record.
 *
 * @example
 * ```ts
 * const threads = new MemoryThreadStore({ maxThreads: 50_000 })
 * const handler = createVendorHandler({ keyPair, terms, on, stores: { threads } })
 * threads.get(agreementDigest)?.state() // 'agreed'
 * ```
 */
export class MemoryThreadStore implements ThreadStore {
  // Keyed by the intent's digest; Map order is the recency order.
  readonly #threads = new Map<string, { readonly thread: Thread; readonly bytes: number }>()
  readonly #intentOf = new Map<string, string>()
  readonly #maxThreads: number
  readonly #maxBytes: number
  readonly #now: () => Date
  #bytes = 0

  constructor(options: MemoryThreadStoreOptions = {}) {
    this.#maxThreads = options.maxThreads ?? 10_000
    this.#maxBytes = options.maxBytes ?? 32 * 2 ** 20
    this.#now = options.now ?? (() => new Date())
    // A NaN or negative bound would leave the store unbounded, or failing on every set.
    if (!Number.isSafeInteger(this.#maxThreads) || this.#maxThreads < 1)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxThreads must be a positive whole number')
    if (!Number.isSafeInteger(this.#maxBytes) || this.#maxBytes < 1)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxBytes must be a positive whole number')
    if (typeof this.#now !== 'function') throw new IntentcastError('ERR_INVALID_ARGUMENT', 'now must be a function')
  }

  /** How many threads are kept. */
  get size(): number {
    return this.#threads.size
  }

  /** The message bytes kept, as counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes
  }

  /** The thread that holds the message with this digest, or undefined (also once it has finished). */
  get(digest: string): Thread | undefined {
    const key = this.#intentOf.get(digest)
    const entry = key === undefined ? undefined : this.#threads.get(key)
    if (entry === undefined) return undefined
    if (finished(entry.thread, this.#now())) {
      this.#forget(key!)
      return undefined
    }
    return entry.thread
  }

  set(thread: Thread, expected: number): boolean {
    const key = thread.intent.digest
    const stored = this.#threads.get(key)
    if (stored !== undefined && stored.thread.messages.length !== expected) return false
    if (stored !== undefined) this.#forget(key)
    const bytes = thread.messages.reduce((n, m) => n + m.message.length, 0)
    this.#threads.set(key, { thread, bytes })
    this.#bytes += bytes
    for (const m of thread.messages) this.#intentOf.set(m.digest, key)
    // The head of the recency order goes first: when over a bound, or when it can no longer move.
    const now = this.#now()
    for (const [oldest, entry] of this.#threads) {
      const over = this.#threads.size > this.#maxThreads || this.#bytes > this.#maxBytes
      if (!over && !finished(entry.thread, now)) break
      this.#forget(oldest)
    }
    return true
  }

  #forget(key: string): void {
    const entry = this.#threads.get(key)!
    for (const m of entry.thread.messages) this.#intentOf.delete(m.digest)
    this.#threads.delete(key)
    this.#bytes -= entry.bytes
  }
}

/**
 * How long a thread is kept past the last moment a move could join it: a late move still gets
 * the precise ERR_ILLEGAL_MOVE rather than "no thread holds it", and a retry of the same bytes
 * its first answer.
 */
export const KEPT_AFTER_EXPIRY_SECONDS = 3_600

/**
 * Until when (seconds) a thread no agreement came of can still move: while a proposal in it or
 * its acceptance stands, and never past the intent's `exp`. Judged by its proposals rather than
 * by the intent alone, because the intent's sender chooses its `exp`: an intent valid for ten
 * years must not keep a stored thread for ten years when the vendor's offer ended in an hour.
 * Undefined for an agreed thread: the record is kept, within the store's bounds.
 */
export function movableUntil(thread: Thread): number | undefined {
  if (thread.agreement !== undefined) return undefined
  const ends = thread.proposals.map((p) => p.payload.exp)
  if (thread.acceptance?.payload.exp !== undefined) ends.push(thread.acceptance.payload.exp)
  // An intent no one has answered yet can still be offered on until it ends.
  return ends.length === 0 ? thread.intent.payload.exp : Math.min(thread.intent.payload.exp, Math.max(...ends))
}

/** A thread no move can join any more, an hour on (spec §HTTP binding, Limits on the vendor side). */
function finished(thread: Thread, now: Date): boolean {
  const until = movableUntil(thread)
  return until !== undefined && now.getTime() / 1000 > until + KEPT_AFTER_EXPIRY_SECONDS
}
