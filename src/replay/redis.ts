import { IntentcastError } from '../errors.js'
import type { ReplayStore } from './store.js'

/**
 * The one Redis command the store needs, typed structurally so the package depends on no
 * client: an ioredis `Redis` or `Cluster` fits as is, and any client can be wrapped to fit.
 * Resolves `'OK'` when the key was set, `null` when it existed.
 */
export interface RedisSetNx {
  /** Resolves `'OK'` when the key was set, null when it already existed (ioredis' `set`). */
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<string | null>
}

/**
 * RedisReplayStore's options.
 *
 * @example
 * ```ts
 * const replay = new RedisReplayStore(redis, { prefix: 'shop:replay:' } satisfies RedisReplayStoreOptions)
 * ```
 */
export interface RedisReplayStoreOptions {
  /** Prepended to every key. Default `intentcast:replay:`. */
  readonly prefix?: string
  /** The clock, in milliseconds. Default `Date.now`. */
  readonly now?: () => number
}

/**
 * A ReplayStore shared by every process that uses the same Redis: `SET key 1 PX ttl NX` is
 * atomic, so of any number of concurrent submissions of one message, exactly one is taken.
 * Redis expires each key with the message, so the store needs no cleaning.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { RedisReplayStore } from 'intentcast'
 *
 * const replay = new RedisReplayStore(new Redis(process.env.REDIS_URL!))
 * const handler = createVendorHandler({ keyPair, terms, on, stores: { replay } })
 * ```
 */
export class RedisReplayStore implements ReplayStore {
  readonly #client: RedisSetNx
  readonly #prefix: string
  readonly #now: () => number

  constructor(client: RedisSetNx, options: RedisReplayStoreOptions = {}) {
    if (typeof client?.set !== 'function')
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'RedisReplayStore needs a Redis client (with set)')
    this.#client = client
    this.#prefix = options.prefix ?? 'intentcast:replay:'
    this.#now = options.now ?? Date.now
  }

  async add(key: string, expiresAt: number): Promise<boolean> {
    // At least 1 ms: PX 0 is an error, and a key past its time is still refused once more (harmlessly).
    const ttl = Math.max(1, Math.ceil(expiresAt - this.#now()))
    return (await this.#client.set(this.#prefix + key, '1', 'PX', ttl, 'NX')) === 'OK'
  }
}
