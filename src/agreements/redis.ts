import { checkPrefix, checkRedisEval, checkTimeout, evalWithin, type RedisEval } from '../lib/redis.js'
import { decodeThread, encodeThread } from '../thread/record.js'
import type { Thread } from '../thread/thread.js'
import {
  agreementDigest,
  listOptions,
  type AgreementListOptions,
  type AgreementPage,
  type AgreementStore,
} from './store.js'

/**
 * RedisAgreementStore's options.
 *
 * @example
 * ```ts
 * const agreements = new RedisAgreementStore(redis, { prefix: 'shop:agreements:' } satisfies RedisAgreementStoreOptions)
 * ```
 */
export interface RedisAgreementStoreOptions {
  /** Prepended to every key. Default `intentcast:agreements:`. */
  readonly prefix?: string
  /** How long one Redis command may take before the call fails. Default 2,000 ms. */
  readonly timeoutMs?: number
}

// KEYS: record, sequence, list. ARGV: agreement digest, record, key prefix, message count,
// message digests… The record and its index are written together or not at all. The same
// agreement again changes nothing, so a retry (or two processes) cannot list it twice; the same
// agreement with more messages (a withdrawal that ended it) replaces the record.
const PUT = `
local n = redis.call('HGET', KEYS[1], 'n')
if n and tonumber(n) >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], 'n', ARGV[4], 'r', ARGV[2])
if not n then redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[2]), ARGV[1]) end
for i = 5, #ARGV do redis.call('SET', ARGV[3] .. 'am:' .. ARGV[i], ARGV[1]) end
return 1`

// KEYS: the message index key. ARGV: the record prefix. The thread's record, or nil.
const GET = `
local agreement = redis.call('GET', KEYS[1])
if not agreement then return nil end
return redis.call('HGET', ARGV[1] .. agreement, 'r')`

// KEYS: list. ARGV: after (exclusive), limit. Digests with their sequence numbers.
const LIST = `return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'WITHSCORES', 'LIMIT', 0, ARGV[2])`

/**
 * Agreements in Redis, shared by every process that uses it and kept across restarts. They are
 * the record, so nothing expires them: bound them with Redis' own `maxmemory`, with the policy
 * `noeviction` so that a full Redis refuses a new agreement (the vendor answers 500 and tells
 * `on.error`) rather than dropping old ones. Uses one Redis, not Redis Cluster: one agreement's
 * keys are written by one script.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { RedisAgreementStore } from 'intentcast'
 *
 * const agreements = new RedisAgreementStore(new Redis(process.env.REDIS_URL!))
 * const handler = createVendorHandler({ keyPair, terms, on, stores: { agreements } })
 * const { digests } = await agreements.list({ limit: 10 })
 * ```
 */
export class RedisAgreementStore implements AgreementStore {
  readonly #client: RedisEval
  readonly #prefix: string
  readonly #timeoutMs: number

  constructor(client: RedisEval, options: RedisAgreementStoreOptions = {}) {
    this.#client = checkRedisEval(client, 'RedisAgreementStore')
    this.#prefix = checkPrefix(options.prefix ?? 'intentcast:agreements:', 'RedisAgreementStore')
    this.#timeoutMs = checkTimeout(options.timeoutMs ?? 2_000, 'RedisAgreementStore')
  }

  async put(thread: Thread): Promise<void> {
    const digest = agreementDigest(thread)
    const p = this.#prefix
    await this.#eval(
      PUT,
      3,
      `${p}a:${digest}`,
      `${p}seq`,
      `${p}list`,
      digest,
      encodeThread(thread),
      p,
      thread.messages.length,
      ...thread.messages.map((m) => m.digest),
    )
  }

  async get(digest: string): Promise<Thread | undefined> {
    const record = await this.#eval(GET, 1, `${this.#prefix}am:${digest}`, `${this.#prefix}a:`)
    return typeof record === 'string' ? decodeThread(record) : undefined
  }

  async list(options: AgreementListOptions = {}): Promise<AgreementPage> {
    const { after, limit } = listOptions(options)
    // One more than asked: whether a next page exists, without a cursor that leads nowhere.
    const reply = (await this.#eval(LIST, 1, `${this.#prefix}list`, after, limit + 1)) as string[]
    const digests: string[] = []
    for (let i = 0; i < reply.length && digests.length < limit; i += 2) digests.push(reply[i]!)
    return reply.length / 2 > limit ? { digests, cursor: reply[2 * limit - 1]! } : { digests }
  }

  #eval(script: string, numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown> {
    return evalWithin(this.#client, this.#timeoutMs, script, numKeys, ...keysAndArgs)
  }
}
