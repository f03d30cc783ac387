import { IntentcastError } from '../errors.js'
import { Thread } from '../thread/thread.js'

/**
 * Where a vendor keeps its open threads. `get` finds a thread by the digest of any message in
 * it (a withdrawal names only the message it withdraws). A store that persists can keep
 * `thread.messages.map((m) => m.message)` and rebuild with `verifyThread`.
 *
 * @example
 * ```ts
 * import { verifyThread } from 'intentcast'
 *
 * const stored: ThreadStore = {
 *   async get(digest) {
 *     const messages = await db.threadHolding(digest) // the messages as stored, or undefined
 *     return messages && verifyThread(messages)
 *   },
 *   async set(thread) {
 *     await db.saveThread(thread.intent.digest, thread.messages.map((m) => m.message))
 *   },
 * }
 * ```
 */
export interface ThreadStore {
  get(digest: string): Thread | undefined | Promise<Thread | undefined>
  /** Stores the thread as it now is, replacing the earlier version of it. */
  set(thread: Thread): void | Promise<void>
}

/**
 * The bound of a MemoryThreadStore.
 *
 * @example
 * ```ts
 * const threads = new MemoryThreadStore({ maxThreads: 50_000 } satisfies MemoryThreadStoreOptions)
 * ```
 */
export interface MemoryThreadStoreOptions {
  /** The most threads kept; the least recently touched goes first. Default 10,000. */
  maxThreads?: number
}

/**
 * The default thread store, for one process. Bounded, since anyone can open a thread by casting.
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
  readonly #threads = new Map<string, Thread>()
  readonly #intentOf = new Map<string, string>()
  readonly #max: number

  constructor(options: MemoryThreadStoreOptions = {}) {
    this.#max = options.maxThreads ?? 10_000
    // A NaN or negative bound would leave the store unbounded, or failing on every set.
    if (!Number.isSafeInteger(this.#max) || this.#max < 1)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxThreads must be a positive whole number')
  }

  get size(): number {
    return this.#threads.size
  }

  get(digest: string): Thread | undefined {
    const intent = this.#intentOf.get(digest)
    return intent === undefined ? undefined : this.#threads.get(intent)
  }

  set(thread: Thread): void {
    const key = thread.intent.digest
    this.#threads.delete(key)
    this.#threads.set(key, thread)
    for (const m of thread.messages) this.#intentOf.set(m.digest, key)
    while (this.#threads.size > this.#max) this.#forget(this.#threads.keys().next().value!)
  }

  #forget(key: string): void {
    for (const m of this.#threads.get(key)!.messages) this.#intentOf.delete(m.digest)
    this.#threads.delete(key)
  }
}
