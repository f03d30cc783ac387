import { IntentcastError } from '../errors.js'
import { randomId } from '../lib/random.js'
import { checkPrefix, checkRedisEval, type RedisEval } from '../lib/redis.js'
import { decodeThread, encodeThread } from '../thread/record.js'
import type { Thread } from '../thread/thread.js'
import { KEPT_AFTER_EXPIRY_SECONDS, type ThreadStore } from './thread-store.js'

/**
 * RedisThreadStore's options: where its keys live, how long agreed threads stay, and the lock.
 *
 * @example
 * ```ts
 * const threads = new RedisThreadStore(redis, { prefix: 'shop:threads:', lock: { leaseMs: 60_000 } } satisfies RedisThreadStoreOptions)
 * ```
 */
export interface RedisThreadStoreOptions {
  /** Prepended to every key. Default `intentcast:threads:`. */
  readonly prefix?: string
  /**
   * How long an agreed thread stays after the agreement, in seconds, so that the customer can
   * still withdraw from it or fetch the agreement again by re-sending its acceptance; the
   * record itself belongs in an AgreementStore. Default 30 days.
   */
  readonly keepAgreedSeconds?: number
  readonly lock?: {
    /**
     * How long a lock holds if its holder dies, in milliseconds: longer than any move takes,
     * the vendor's callback included. Default 30,000.
     */
    readonly leaseMs?: number
    /** How long a move waits for the lock before the vendor answers 500. Default 10,000. */
    readonly waitMs?: number
  }
  /** The clock, in milliseconds. Default `Date.now`. */
  readonly now?: () => number
}

// KEYS: the message's index key. ARGV: the thread key prefix. The thread's record, or nil.
const GET = `
local intent = redis.call('GET', KEYS[1])
if not intent then return nil end
return redis.call('HGET', ARGV[1] .. intent, 'r')`

// KEYS: the thread. ARGV: expected count, new count, record, expiry (ms since the epoch), index
// prefix, intent digest, message digests… The version check and the write are one step.
const SET = `
local n = redis.call('HGET', KEYS[1], 'n')
if n and n ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'n', ARGV[2], 'r', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
for i = 7, #ARGV do redis.call('SET', ARGV[5] .. ARGV[i], ARGV[6], 'PXAT', ARGV[4]) end
return 1`

const ACQUIRE = `return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')`

// Only the holder's own token releases: a lock whose lease ran out may be someone else's now.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/**
 * Threads in Redis, shared by every vendor process that uses it and kept across restarts. Each
 * step is one Lua script: a write checks the thread's version (its message count) and writes the
 * thread and its index together, and `lock` takes a lease (`SET NX PX`) released only by its
 * holder, so that moves on one thread are taken one at a time across processes. Bounded by time:
 * a thread expires an hour after its intent does, or `keepAgreedSeconds` after its agreement;
 * bound the bytes with Redis' `maxmemory`. Uses one Redis, not Redis Cluster.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { RedisAgreementStore, RedisReplayStore } from 'intentcast'
 * import { createVendorHandler, RedisThreadStore } from 'intentcast/vendor'
 *
 * const redis = new Redis(process.env.REDIS_URL!)
 * const handler = createVendorHandler({
 *   keyPair, terms, on,
 *   stores: { replay: new RedisReplayStore(redis), threads: new RedisThreadStore(redis), agreements: new RedisAgreementStore(redis) },
 * })
 * ```
 */
export class RedisThreadStore implements ThreadStore {
  readonly #client: RedisEval
  readonly #prefix: string
  readonly #keepAgreedMs: number
  readonly #leaseMs: number
  readonly #waitMs: number
  readonly #now: () => number

  constructor(client: RedisEval, options: RedisThreadStoreOptions = {}) {
    this.#client = checkRedisEval(client, 'RedisThreadStore')
    this.#prefix = checkPrefix(options.prefix ?? 'intentcast:threads:', 'RedisThreadStore')
    this.#keepAgreedMs = positive(options.keepAgreedSeconds ?? 30 * 86_400, 'keepAgreedSeconds') * 1000
    this.#leaseMs = positive(options.lock?.leaseMs ?? 30_000, 'lock.leaseMs')
    this.#waitMs = positive(options.lock?.waitMs ?? 10_000, 'lock.waitMs')
    this.#now = options.now ?? Date.now
    if (typeof this.#now !== 'function') throw new IntentcastError('ERR_INVALID_ARGUMENT', 'now must be a function')
  }

  async get(digest: string): Promise<Thread | undefined> {
    const record = await this.#client.eval(GET, 1, `${this.#prefix}m:${digest}`, `${this.#prefix}t:`)
    return typeof record === 'string' ? decodeThread(record) : undefined
  }

  async set(thread: Thread, expected: number): Promise<boolean> {
    const intent = thread.intent.digest
    const ends = (thread.intent.payload.exp + KEPT_AFTER_EXPIRY_SECONDS) * 1000
    const expiresAt = thread.agreement === undefined ? ends : Math.max(ends, this.#now() + this.#keepAgreedMs)
    const written = await this.#client.eval(
      SET,
      1,
      `${this.#prefix}t:${intent}`,
      expected,
      thread.messages.length,
      encodeThread(thread),
      Math.ceil(expiresAt),
      `${this.#prefix}m:`,
      intent,
      ...thread.messages.map((m) => m.digest),
    )
    return written === 1
  }

  async lock<T>(intent: string, task: () => Promise<T>): Promise<T> {
    const key = `${this.#prefix}lock:${intent}`
    const token = randomId()
    const giveUp = this.#now() + this.#waitMs
    // Polled with a growing pause: a move holds the lock for milliseconds, so the first retries
    // come soon, and a long queue does not hammer Redis.
    for (let pause = 2; (await this.#client.eval(ACQUIRE, 1, key, token, this.#leaseMs)) !== 'OK';) {
      if (this.#now() >= giveUp) throw new Error(`the lock of thread ${intent} was not free within ${this.#waitMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, pause))
      pause = Math.min(pause * 2, 50)
    }
    try {
      return await task()
    } finally {
      // A release that fails leaves the lock to its lease; the move itself was done and stands.
      await this.#client.eval(RELEASE, 1, key, token).catch(() => {})
    }
  }
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${name} must be a positive whole number`)
  return value
}
