import { IntentcastError } from '../errors.js'

/**
 * The one Redis command the shared stores need, typed structurally so the package depends on no
 * client: an ioredis `Redis` fits as is, and any client can be wrapped to fit. Each store step
 * is one Lua script, so it is atomic on the server whatever else runs beside it.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 *
 * const client: RedisEval = new Redis(process.env.REDIS_URL!)
 * ```
 */
export interface RedisEval {
  /** `EVAL script numkeys key… arg…` (ioredis' `eval`). */
  eval(script: string, numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>
}

/** The client, checked when the store is built rather than at its first command. */
export function checkRedisEval(client: RedisEval, store: string): RedisEval {
  if (typeof client?.eval !== 'function')
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `${store} needs a Redis client (with eval), such as ioredis' Redis`,
    )
  return client
}

/** A key prefix: a string, so that two stores (or two deployments) on one Redis never meet. */
export function checkPrefix(prefix: unknown, store: string): string {
  if (typeof prefix !== 'string' || prefix.length === 0)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${store}: prefix is a non-empty string`)
  return prefix
}

/** A command timeout, checked: a NaN or negative one would fail every command, or none. */
export function checkTimeout(ms: unknown, store: string): number {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 1)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${store}: timeoutMs must be a positive whole number`)
  return ms
}

/**
 * Runs one command, failing after `ms`: a Redis that stops answering (a network partition, a
 * stopped server) must fail the request, not hold it, and every move queued behind it, forever.
 * The command itself may still complete later; the stores' writes are single scripts, so a late
 * one is whole or absent, and its version check keeps it from overwriting a newer move.
 */
export async function evalWithin(
  client: RedisEval,
  ms: number,
  script: string,
  numKeys: number,
  ...keysAndArgs: Array<string | number>
): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([client.eval(script, numKeys, ...keysAndArgs), timeout])
  } finally {
    clearTimeout(timer)
  }
}
