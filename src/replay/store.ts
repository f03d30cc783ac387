import { IntentcastError } from '../errors.js'
/**
 * Where `verify` records the `(issuer, jti)` pairs it has accepted, so the same message is
 * refused the second time. Async, so a shared store (Redis) can implement it for many processes.
 */
export interface ReplayStore {
  /**
   * Records `key` until `expiresAt` (milliseconds since the epoch).
   * Resolves `true` if the key was new, `false` if it was already recorded and has not expired.
   * Must be atomic: of two concurrent calls with one key, exactly one resolves `true`.
   */
  add(key: string, expiresAt: number): Promise<boolean>
}

/**
 * The bounds, and the clock, of a MemoryReplayStore.
 *
 * @example
 * ```ts
 * const replay = new MemoryReplayStore({ maxEntries: 500_000, maxBytes: 64 * 2 ** 20 } satisfies MemoryReplayStoreOptions)
 * ```
 */
export interface MemoryReplayStoreOptions {
  /** The most entries kept at once. Default 100,000. */
  maxEntries?: number
  /**
   * The most key characters kept at once (a key is the issuer's DID and the `jti`: some 80
   * characters for did:key, up to about 580 for other DID methods). Default 16 MiB.
   */
  maxBytes?: number
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number
}

/**
 * The default in-memory replay store, for one process. Bounded by entries and by bytes: when full
 * it first forgets expired entries, and if still full the oldest tenth, since refusing every new
 * message would let anyone who can mint keys (anyone, with did:key) lock the store.
 *
 * @example
 * ```ts
 * import { MemoryReplayStore, verify } from 'intentcast'
 *
 * const replay = new MemoryReplayStore()
 * await verify(intent, { expect: 'intent', replay })
 * await verify(intent, { expect: 'intent', replay }) // rejects: ERR_REPLAY
 * ```
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #entries = new Map<string, number>()
  readonly #max: number
  readonly #maxBytes: number
  readonly #now: () => number
  #bytes = 0

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.#max = options.maxEntries ?? 100_000
    this.#maxBytes = options.maxBytes ?? 16 * 2 ** 20
    this.#now = options.now ?? Date.now
    // A NaN or negative bound would leave the store unbounded, or failing on every add.
    if (!Number.isSafeInteger(this.#max) || this.#max < 1)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxEntries must be a positive whole number')
    if (!Number.isSafeInteger(this.#maxBytes) || this.#maxBytes < 1)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxBytes must be a positive whole number')
    if (typeof this.#now !== 'function') throw new IntentcastError('ERR_INVALID_ARGUMENT', 'now must be a function')
  }

  /** The entries kept. */
  get size(): number {
    return this.#entries.size
  }

  /** The key characters kept, as counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes
  }

  async add(key: string, expiresAt: number): Promise<boolean> {
    const now = this.#now()
    const seen = this.#entries.get(key)
    if (seen !== undefined && seen > now) return false
    if (seen !== undefined) this.#delete(key)
    if (this.#entries.size >= this.#max || this.#bytes + key.length > this.#maxBytes) this.#evict(now)
    this.#entries.set(key, expiresAt)
    this.#bytes += key.length
    return true
  }

  #delete(key: string): void {
    this.#entries.delete(key)
    this.#bytes -= key.length
  }

  #evict(now: number): void {
    for (const [key, expiresAt] of this.#entries) if (expiresAt <= now) this.#delete(key)
    // Still full: forget the oldest tenth at once (Map iterates in insertion order), so a flood
    // pays for this scan once per tenth of the store, not once per message.
    let excess = this.#entries.size - Math.floor(this.#max * 0.9)
    let bytes = this.#bytes - Math.floor(this.#maxBytes * 0.9)
    for (const key of this.#entries.keys()) {
      if (excess <= 0 && bytes <= 0) break
      excess--
      bytes -= key.length
      this.#delete(key)
    }
  }
}
