import { IntentcastError } from '../errors.js'

/**
 * Where a wallet keeps the negotiations it is in, so that it carries on after a restart: one text
 * record per vendor and intent, under a text id. The wallet writes them (`cast`, `counter`,
 * `accept`) and reads them back (`wallet.negotiations()`), verifying each again from its
 * signatures, so the store only has to keep strings: a file per id, an IndexedDB or
 * localStorage entry, a SQL row. An id is 87 characters of `[A-Za-z0-9_.-]`, safe as a file name
 * or a key; a record is JSON text, a few kilobytes per negotiation.
 *
 * Nothing is asked of the store but to keep what it was given: a record that comes back changed
 * is refused when read, never used. Two wallets over one store (two tabs, two processes) each
 * see the other's records, and the last write of one id wins.
 *
 * @example
 * ```ts
 * // In a browser: localStorage.
 * const prefix = 'intentcast:negotiation:'
 * const negotiations: NegotiationStore = {
 *   get: (id) => localStorage.getItem(prefix + id) ?? undefined,
 *   put: (id, record) => localStorage.setItem(prefix + id, record),
 *   delete: (id) => localStorage.removeItem(prefix + id),
 *   list: () =>
 *     Object.entries(localStorage)
 *       .filter(([key]) => key.startsWith(prefix))
 *       .map(([key, record]) => [key.slice(prefix.length), record] as const),
 * }
 * const wallet = Wallet.fromSecret(secret, { casts }, { stores: { negotiations } })
 * ```
 *
 * @example
 * ```ts
 * // Under Node: a file per negotiation, each replaced whole by a rename.
 * import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
 *
 * const file = (id: string) => `negotiations/${id}.json`
 * const negotiations: NegotiationStore = {
 *   get: (id) => readFile(file(id), 'utf8').catch((e) => (e.code === 'ENOENT' ? undefined : Promise.reject(e))),
 *   put: async (id, record) => {
 *     await writeFile(`${file(id)}.tmp`, record)
 *     await rename(`${file(id)}.tmp`, file(id))
 *   },
 *   delete: (id) => rm(file(id), { force: true }),
 *   list: async () => {
 *     const ids = (await readdir('negotiations')).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5))
 *     return Promise.all(ids.map(async (id) => [id, await readFile(file(id), 'utf8')] as const))
 *   },
 * }
 * ```
 */
export interface NegotiationStore {
  /** The record kept under `id`, or undefined when there is none. */
  get(id: string): string | undefined | Promise<string | undefined>
  /** Keeps `record` under `id`, in place of any record kept there. */
  put(id: string, record: string): void | Promise<void>
  /** Forgets the record under `id`; an id with no record is no error. */
  delete(id: string): void | Promise<void>
  /** Every id with its record, in any order. */
  list(): Iterable<readonly [id: string, record: string]> | Promise<Iterable<readonly [id: string, record: string]>>
}

/**
 * The bounds of a MemoryNegotiationStore, by count and by size.
 *
 * @example
 * ```ts
 * const negotiations = new MemoryNegotiationStore({ maxNegotiations: 500, maxBytes: 4 * 2 ** 20 } satisfies MemoryNegotiationStoreOptions)
 * ```
 */
export interface MemoryNegotiationStoreOptions {
  /** The most records kept; past it the one written longest ago goes first. Default 10,000. */
  readonly maxNegotiations?: number
  /**
   * The most characters kept, ids and records together (a record is almost all ASCII, so about
   * its bytes); past it the record written longest ago goes first, and a record larger than this
   * on its own is not kept. Default 32 MiB.
   */
  readonly maxBytes?: number
}

/**
 * Negotiations in this process's memory: the wallet's default, which lets `accept` send a lost
 * acceptance again within one process but forgets everything when the process ends. Bounded
 * by count and by size, since every cast adds a record per vendor that answered; the record
 * written longest ago goes first. Pass a persistent NegotiationStore to resume after a restart.
 *
 * @example
 * ```ts
 * const negotiations = new MemoryNegotiationStore({ maxNegotiations: 1_000 })
 * const wallet = Wallet.create({ stores: { negotiations } })
 * await wallet.cast(body, vendors)
 * console.log(negotiations.size, negotiations.bytes)
 * ```
 */
export class MemoryNegotiationStore implements NegotiationStore {
  // Map order is write order: `put` re-inserts, so the first entry is the one written longest ago.
  readonly #records = new Map<string, string>()
  readonly #max: number
  readonly #maxBytes: number
  #bytes = 0

  constructor(options: MemoryNegotiationStoreOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'MemoryNegotiationStore options must be an object')
    const { maxNegotiations = 10_000, maxBytes = 32 * 2 ** 20, ...unknown } = options
    const extra = Object.keys(unknown)[0]
    if (extra !== undefined) {
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `MemoryNegotiationStore has no option "${extra.slice(0, 32)}"; it takes maxNegotiations and maxBytes`,
      )
    }
    // A NaN or negative bound would leave the store unbounded, or keeping nothing.
    if (!Number.isSafeInteger(maxNegotiations) || maxNegotiations < 1)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxNegotiations must be a positive whole number')
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxBytes must be a positive whole number')
    this.#max = maxNegotiations
    this.#maxBytes = maxBytes
  }

  /** How many records are kept. */
  get size(): number {
    return this.#records.size
  }

  /** The characters kept, ids and records together, as counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes
  }

  get(id: string): string | undefined {
    return this.#records.get(id)
  }

  put(id: string, record: string): void {
    if (typeof id !== 'string' || typeof record !== 'string')
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a negotiation is kept as a string record under a string id')
    this.delete(id)
    this.#records.set(id, record)
    this.#bytes += id.length + record.length
    for (const oldest of this.#records.keys()) {
      if (this.#records.size <= this.#max && this.#bytes <= this.#maxBytes) break
      this.delete(oldest)
    }
  }

  delete(id: string): void {
    const record = this.#records.get(id)
    if (record === undefined) return
    this.#records.delete(id)
    this.#bytes -= id.length + record.length
  }

  list(): Array<readonly [string, string]> {
    return [...this.#records]
  }
}

/** A store passed in is an object with the methods the wallet calls; checked when the wallet is made. */
export function checkStore(store: unknown, methods: readonly string[], what: string): void {
  if (
    typeof store !== 'object' ||
    store === null ||
    !methods.every((m) => typeof (store as Record<string, unknown>)[m] === 'function')
  ) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${what} is an object with the methods ${methods.join(', ')}`)
  }
}
