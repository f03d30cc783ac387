import { IntentcastError } from '../errors.js'
import { randomId } from '../lib/random.js'
import { checkPrefix, checkRedisEval, checkTimeout, evalWithin, type RedisEval } from '../lib/redis.js'
import { decodeThread, encodeThread } from '../thread/record.js'
import type { Thread } from '../thread/thread.js'
import { KEPT_AFTER_EXPIRY_SECONDS, movableUntil, type ThreadStore } from './thread-store.js'

/**
 * RedisThreadStore's options: where its keys live, its bounds, how long agreed threads stay, the
 * lock, and how long a command may take.
 *
 * @example
 * ```ts
 * const threads = new RedisThreadStore(redis, { prefix: 'shop:threads:', maxBytes: 512 * 2 ** 20, lock: { leaseMs: 60_000 } } satisfies RedisThreadStoreOptions)
 * ```
 */
export interface RedisThreadStoreOptions {
  /** Prepended to every key. Default `intentcast:threads:`. */
  readonly prefix?: string
  /** The most threads kept; past it, the one whose end is nearest goes first. Default 100,000. */
  readonly maxThreads?: number
  /** The most record bytes kept, likewise. Default 256 MiB. */
  readonly maxBytes?: number
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
  /** How long one Redis command may take before the request fails (500). Default 2,000 ms. */
  readonly timeoutMs?: number
  /** The clock, in milliseconds. Default `Date.now`. */
  readonly now?: () => number
}

// KEYS: the message's index key. ARGV: the thread key prefix. The thread's intent and version.
const VERSION = `
local intent = redis.call('GET', KEYS[1])
if not intent then return nil end
local n = redis.call('HGET', ARGV[1] .. intent, 'n')
if not n then return nil end
return {intent, n}`

// KEYS: the thread. Its version and record.
const RECORD = `return redis.call('HMGET', KEYS[1], 'n', 'r')`

// KEYS: the thread, the end-ordered set of threads, their sizes, the total size.
// ARGV: expected version, new version, record, expiry (ms), index prefix, intent, now (ms),
// maxThreads, maxBytes, thread prefix, message digests…
// The version check, the write, its index and the bounds are one step.
const SET = `
local n = redis.call('HGET', KEYS[1], 'n')
if n and n ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'n', ARGV[2], 'r', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
for i = 11, #ARGV do redis.call('SET', ARGV[5] .. ARGV[i], ARGV[6], 'PXAT', ARGV[4]) end
local old = tonumber(redis.call('HGET', KEYS[3], ARGV[6]) or '0')
redis.call('HSET', KEYS[3], ARGV[6], #ARGV[3])
local total = redis.call('INCRBY', KEYS[4], #ARGV[3] - old)
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[6])
local function forget(intent)
  local size = tonumber(redis.call('HGET', KEYS[3], intent) or '0')
  redis.call('HDEL', KEYS[3], intent)
  redis.call('ZREM', KEYS[2], intent)
  redis.call('DEL', ARGV[10] .. intent)
  total = redis.call('DECRBY', KEYS[4], size)
end
for _, intent in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[7], 'LIMIT', 0, 100)) do forget(intent) end
while redis.call('ZCARD', KEYS[2]) > tonumber(ARGV[8]) or total > tonumber(ARGV[9]) do
  local nearest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if not nearest or nearest == ARGV[6] then break end
  forget(nearest)
end
return 1`

const ACQUIRE = `return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')`

// Only the holder's own token releases: a lock whose lease ran out may be someone else's now.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** Decoded threads kept in this process, by bytes: a thread read again at the same version is not decoded again. */
const CACHE_BYTES = 16 * 2 ** 20

/**
 * Threads in Redis, shared by every vendor process that uses it and kept across restarts. Each
 * step is one Lua script: a write checks the thread's version (its message count) and writes the
 * thread, its index and the store's bounds together, and `lock` takes a lease (`SET NX PX`)
 * released only by its holder, so that moves on one thread are taken one at a time across
 * processes. Bounded by count and bytes (the thread nearest its end goes first) and by time: a
 * thread expires an hour after no move can join it (its proposals, capped by its intent), or
 * `keepAgreedSeconds` after its agreement. A thread read at a version this process has decoded
 * before is not decoded again; any other read is verified from its bytes. Uses one Redis, not
 * Redis Cluster.
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
  readonly #maxThreads: number
  readonly #maxBytes: number
  readonly #keepAgreedMs: number
  readonly #leaseMs: number
  readonly #waitMs: number
  readonly #timeoutMs: number
  readonly #now: () => number
  // Map order is recency order; keyed by intent digest.
  readonly #cache = new Map<string, { readonly version: number; readonly thread: Thread; readonly bytes: number }>()
  #cacheBytes = 0

  constructor(client: RedisEval, options: RedisThreadStoreOptions = {}) {
    this.#client = checkRedisEval(client, 'RedisThreadStore')
    this.#prefix = checkPrefix(options.prefix ?? 'intentcast:threads:', 'RedisThreadStore')
    this.#maxThreads = positive(options.maxThreads ?? 100_000, 'maxThreads')
    this.#maxBytes = positive(options.maxBytes ?? 256 * 2 ** 20, 'maxBytes')
    this.#keepAgreedMs = positive(options.keepAgreedSeconds ?? 30 * 86_400, 'keepAgreedSeconds') * 1000
    this.#leaseMs = positive(options.lock?.leaseMs ?? 30_000, 'lock.leaseMs')
    this.#waitMs = positive(options.lock?.waitMs ?? 10_000, 'lock.waitMs')
    this.#timeoutMs = checkTimeout(options.timeoutMs ?? 2_000, 'RedisThreadStore')
    this.#now = options.now ?? Date.now
    if (typeof this.#now !== 'function') throw new IntentcastError('ERR_INVALID_ARGUMENT', 'now must be a function')
  }

  /**
   * The thread that holds the message with this digest, or undefined: this process's copy when
   * Redis holds the same version, else decoded (every message verified) from Redis.
   */
  async get(digest: string): Promise<Thread | undefined> {
    const found = (await this.#eval(VERSION, 1, `${this.#prefix}tm:${digest}`, `${this.#prefix}t:`)) as
      [string, string] | null
    if (found === null) return undefined
    const [intent, version] = found
    const cached = this.#cache.get(intent)
    if (cached?.version === Number(version)) {
      this.#remember(intent, cached)
      return cached.thread
    }
    const [n, record] = (await this.#eval(RECORD, 1, `${this.#prefix}t:${intent}`)) as [string | null, string | null]
    if (n === null || record === null) return undefined
    const thread = await decodeThread(record)
    this.#remember(intent, { version: Number(n), thread, bytes: record.length })
    return thread
  }

  async set(thread: Thread, expected: number): Promise<boolean> {
    const intent = thread.intent.digest
    const record = encodeThread(thread)
    const until = movableUntil(thread)
    const expiresAt =
      until === undefined ? this.#now() + this.#keepAgreedMs : (until + KEPT_AFTER_EXPIRY_SECONDS) * 1000
    const written = await this.#eval(
      SET,
      4,
      `${this.#prefix}t:${intent}`,
      `${this.#prefix}ends`,
      `${this.#prefix}sizes`,
      `${this.#prefix}total`,
      expected,
      thread.messages.length,
      record,
      Math.ceil(expiresAt),
      `${this.#prefix}tm:`,
      intent,
      this.#now(),
      this.#maxThreads,
      this.#maxBytes,
      `${this.#prefix}t:`,
      ...thread.messages.map((m) => m.digest),
    )
    if (written !== 1) return false
    this.#remember(intent, { version: thread.messages.length, thread, bytes: record.length })
    return true
  }

  async lock<T>(intent: string, task: () => Promise<T>): Promise<T> {
    const key = `${this.#prefix}lock:${intent}`
    const token = randomId()
    const giveUp = this.#now() + this.#waitMs
    // Polled with a growing pause: a move holds the lock for milliseconds, so the first retries
    // come soon, and a long queue does not hammer Redis.
    for (let pause = 2; (await this.#eval(ACQUIRE, 1, key, token, this.#leaseMs)) !== 'OK';) {
      if (this.#now() >= giveUp) throw new Error(`the lock of thread ${intent} was not free within ${this.#waitMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, pause))
      pause = Math.min(pause * 2, 50)
    }
    try {
      return await task()
    } finally {
      // A release that fails leaves the lock to its lease; the move itself was done and stands.
      await this.#eval(RELEASE, 1, key, token).catch(() => {})
    }
  }

  #eval(script: string, numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown> {
    return evalWithin(this.#client, this.#timeoutMs, script, numKeys, ...keysAndArgs)
  }

  #remember(
    intent: string,
    entry: { readonly version: number; readonly thread: Thread; readonly bytes: number },
  ): void {
    const old = this.#cache.get(intent)
    if (old !== undefined) this.#cacheBytes -= old.bytes
    this.#cache.delete(intent)
    this.#cache.set(intent, entry)
    this.#cacheBytes += entry.bytes
    for (const [oldest, { bytes }] of this.#cache) {
      if (this.#cacheBytes <= CACHE_BYTES) break
      this.#cache.delete(oldest)
      this.#cacheBytes -= bytes
    }
  }
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${name} must be a positive whole number`)
  return value
}
