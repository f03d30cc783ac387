import { IntentcastError } from '../errors.js'
import type { Thread } from '../thread/thread.js'

/**
 * One page of `AgreementStore.list`: agreement digests in the order they were kept, and the
 * cursor for the next page (absent on the last one).
 *
 * @example
 * ```ts
 * let page: AgreementPage = await agreements.list({ limit: 100 })
 * while (page.cursor) page = await agreements.list({ after: page.cursor, limit: 100 })
 * ```
 */
export interface AgreementPage {
  readonly digests: readonly string[]
  readonly cursor?: string
}

/**
 * `AgreementStore.list`'s options.
 *
 * @example
 * ```ts
 * const next = await agreements.list({ after: page.cursor, limit: 50 } satisfies AgreementListOptions)
 * ```
 */
export interface AgreementListOptions {
  /** The cursor of the page before. Default: from the first agreement kept. */
  readonly after?: string
  /** The most digests on the page, 1 to 1,000. Default 100. */
  readonly limit?: number
}

/**
 * Where a party keeps its agreements, each with the whole thread that led to it (IEEE 7012: both
 * parties keep the record). The vendor handler puts every agreement it countersigns; the wallet
 * every agreement it gets back. A thread is found by the digest of its agreement, or of any
 * other message in it, so a customer re-sending its acceptance finds the agreement again.
 *
 * @example
 * ```ts
 * import { decodeThread, encodeThread } from 'intentcast'
 *
 * const agreements: AgreementStore = {
 *   async put(thread) {
 *     await db.query('INSERT INTO agreements (digest, record) VALUES ($1, $2) ON CONFLICT DO NOTHING', [thread.agreement!.digest, encodeThread(thread)])
 *   },
 *   async get(digest) {
 *     const { rows } = await db.query('SELECT record FROM agreements WHERE $1 = ANY(digests)', [digest])
 *     return rows[0] && decodeThread(rows[0].record)
 *   },
 *   async list({ after, limit = 100 } = {}) {
 *     const { rows } = await db.query('SELECT seq, digest FROM agreements WHERE seq > $1 ORDER BY seq LIMIT $2', [after ?? 0, limit])
 *     return { digests: rows.map((r) => r.digest), ...(rows.length === limit && { cursor: String(rows.at(-1).seq) }) }
 *   },
 * }
 * ```
 */
export interface AgreementStore {
  /**
   * Keeps an agreed thread. The same agreement again changes nothing; the same agreement with
   * more messages (a withdrawal that ended it) replaces the one kept.
   */
  put(thread: Thread): void | Promise<void>
  /** The agreed thread holding the message with this digest (its agreement's, or any other). */
  get(digest: string): Thread | undefined | Promise<Thread | undefined>
  /** The agreements kept, a page at a time, in the order they were kept. */
  list(options?: AgreementListOptions): AgreementPage | Promise<AgreementPage>
}

/**
 * The bounds of a MemoryAgreementStore.
 *
 * @example
 * ```ts
 * const agreements = new MemoryAgreementStore({ maxBytes: 64 * 2 ** 20 } satisfies MemoryAgreementStoreOptions)
 * ```
 */
export interface MemoryAgreementStoreOptions {
  /**
   * The most message bytes kept, counted as they came over the wire; past it the oldest
   * agreement goes first. Default 8 MiB (about 27 MiB of heap).
   */
  readonly maxBytes?: number
}

/**
 * Agreements in this process's memory: for development, tests, and a wallet that saves its
 * agreements elsewhere. Bounded by bytes, since a vendor that offers to anyone can be accepted
 * by anyone; a record that must outlive the process or its bound belongs in a database
 * (RedisAgreementStore, or an AgreementStore of your own).
 *
 * @example
 * ```ts
 * const agreements = new MemoryAgreementStore()
 * const handler = createVendorHandler({ keyPair, terms, on, stores: { agreements } })
 * const { digests } = agreements.list()
 * const thread = agreements.get(digests[0]!) // the agreed thread, intent to agreement
 * ```
 */
export class MemoryAgreementStore implements AgreementStore {
  // Keyed by the agreement's digest, in the order kept; `seq` numbers them for cursors.
  readonly #agreements = new Map<string, { readonly thread: Thread; readonly bytes: number; readonly seq: number }>()
  readonly #byMessage = new Map<string, string>()
  readonly #maxBytes: number
  #bytes = 0
  #seq = 0

  constructor(options: MemoryAgreementStoreOptions = {}) {
    this.#maxBytes = options.maxBytes ?? 8 * 2 ** 20
    if (!Number.isSafeInteger(this.#maxBytes) || this.#maxBytes < 1)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxBytes must be a positive whole number')
  }

  /** How many agreements are kept. */
  get size(): number {
    return this.#agreements.size
  }

  put(thread: Thread): void {
    const key = agreementDigest(thread)
    const kept = this.#agreements.get(key)
    if (kept !== undefined && kept.thread.messages.length >= thread.messages.length) return
    const bytes = thread.messages.reduce((n, m) => n + m.message.length, 0)
    if (kept !== undefined) this.#bytes -= kept.bytes
    // A replaced record keeps its place in the list, and its cursor.
    this.#agreements.set(key, { thread, bytes, seq: kept?.seq ?? ++this.#seq })
    for (const m of thread.messages) this.#byMessage.set(m.digest, key)
    this.#bytes += bytes
    for (const [oldest, entry] of this.#agreements) {
      if (this.#bytes <= this.#maxBytes) break
      for (const m of entry.thread.messages) this.#byMessage.delete(m.digest)
      this.#agreements.delete(oldest)
      this.#bytes -= entry.bytes
    }
  }

  get(digest: string): Thread | undefined {
    const key = this.#byMessage.get(digest)
    return key === undefined ? undefined : this.#agreements.get(key)?.thread
  }

  list(options: AgreementListOptions = {}): AgreementPage {
    const { after, limit } = listOptions(options)
    const digests: string[] = []
    let last = 0
    for (const [digest, { seq }] of this.#agreements) {
      if (seq <= after) continue
      if (digests.length === limit) return { digests, cursor: String(last) }
      digests.push(digest)
      last = seq
    }
    return { digests }
  }
}

/** The agreement's digest, the key it is kept under; a thread without one is a mistake of the caller. */
export function agreementDigest(thread: Thread): string {
  const digest = thread?.agreement?.digest
  if (digest === undefined)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'only an agreed thread is kept as an agreement')
  return digest
}

/** `list`'s options, checked: the cursor as the sequence number it stands for. */
export function listOptions(options: AgreementListOptions): { after: number; limit: number } {
  const limit = options.limit ?? 100
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1_000)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'limit is a whole number from 1 to 1,000')
  const after = options.after === undefined ? 0 : Number(options.after)
  if (!Number.isSafeInteger(after) || after < 0 || (options.after !== undefined && !/^\d+$/.test(options.after)))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'after is the cursor of an earlier page')
  return { after, limit }
}
