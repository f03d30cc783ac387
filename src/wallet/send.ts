import { IntentcastError } from '../errors.js'
import { DEFAULT_MAX_BYTES } from '../envelope/verify.js'
import { exchange, isRetryable, type Answer, type FetchLike } from '../http/client.js'
import { mediaTypeOf, SEALED_TYPES } from '../http/media-type.js'
import { parseProblem } from '../http/problem.js'
import { openBody } from '../http/sealed-body.js'
import type { KeyPair } from '../keys/key-pair.js'
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from '../model/media-types.js'
import { sealKeyPairOf } from '../seal/keys.js'

// One FetchLike for every entry that makes requests (the vendor's relay reader takes it too).
export type { FetchLike }

/**
 * Every wallet request asks for its connection to be closed after it (spec §Encrypted envelopes,
 * Privacy properties): a kept-alive connection would carry the next cast's requests to the same
 * vendor or relay, and link the two casts whatever their keys. One connection per request costs
 * a handshake; a wallet makes few requests. Runtimes that keep `Connection` to themselves (the
 * browsers) ignore it, and a `fetch` passed in decides for itself.
 */
export const UNLINKED = { connection: 'close' } as const

/** How one message goes out: the transport options every wallet request shares. */
export interface SendOptions {
  readonly fetch?: FetchLike
  /** Milliseconds for the whole send, retries included. Default 10,000. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /** Further attempts after a network failure. Default 2. */
  readonly retries?: number
  /** The first wait before a retry, doubled each time (with jitter). Default 100 ms. */
  readonly backoffMs?: number
  /** The largest answer read. Default DEFAULT_MAX_BYTES (64 KiB), the size every reader shares. */
  readonly maxBytes?: number
  /** Send `Sec-GPC: 1` with the message. */
  readonly gpc?: boolean
  /** Called before each retry. */
  readonly onRetry?: (attempt: number, error: IntentcastError) => void
}

/**
 * The transport options, checked before any request: a NaN deadline or size limit would switch
 * the check off (`x < NaN` is always false), and the policy is that the caller's mistake
 * fails at once as ERR_INVALID_ARGUMENT, not as a wire code blamed on some vendor.
 */
export function checkSendOptions(options: SendOptions & { readonly now?: Date }): void {
  if (typeof options !== 'object' || options === null)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'options must be an object')
  const positive = (n: number | undefined) => n === undefined || (Number.isFinite(n) && n > 0)
  const whole = (n: number | undefined) => n === undefined || (Number.isSafeInteger(n) && n >= 0)
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'fetch must be a function')
  if (!positive(options.timeoutMs))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'timeoutMs must be a positive number of milliseconds')
  if (!whole(options.retries))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'retries must be a whole number, 0 or more')
  if (!(options.backoffMs === undefined || (Number.isFinite(options.backoffMs) && options.backoffMs >= 0))) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'backoffMs must be a number of milliseconds, 0 or more')
  }
  if (!(whole(options.maxBytes) && options.maxBytes !== 0))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxBytes must be a positive whole number')
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'signal must be an AbortSignal')
  if (options.onRetry !== undefined && typeof options.onRetry !== 'function')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'onRetry must be a function')
  if (options.gpc !== undefined && typeof options.gpc !== 'boolean')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'gpc must be true or false')
  if (options.now !== undefined && !(options.now instanceof Date && Number.isFinite(options.now.getTime()))) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'now must be a valid Date')
  }
}

/**
 * Posts one body and reads the vendor's answer: the message it sent back, or null for 202/204.
 * The body's envelope names the media type (text is `application/intentcast+jws`, bytes are
 * `application/intentcast+cose`), and the answer must come back in the same one.
 * A problem becomes an IntentcastError with the vendor's code. Only network failures are retried:
 * retrying is safe because the vendor's replay protection takes a message at most once, and
 * a problem is the vendor's considered answer, which a retry would not change.
 */
export async function send(
  endpoint: string,
  body: string,
  options?: SendOptions,
  castKey?: KeyPair,
): Promise<string | null>
export async function send(
  endpoint: string,
  body: Uint8Array,
  options?: SendOptions,
  castKey?: KeyPair,
): Promise<Uint8Array | null>
export async function send(
  endpoint: string,
  body: string | Uint8Array,
  options?: SendOptions,
  castKey?: KeyPair,
): Promise<string | Uint8Array | null>
export async function send(
  endpoint: string,
  body: string | Uint8Array,
  options: SendOptions = {},
  castKey?: KeyPair,
): Promise<string | Uint8Array | null> {
  const answer = await post(endpoint, body, mediaTypeOf(body), options)
  if (answer.status === 202 || answer.status === 204) return null
  if (answer.status !== 200) throw problemError(answer, 'the vendor')
  // The answer comes in the request's binding, sealed to the cast's reply key or not, whether or
  // not the request was: a vendor seals whatever answers an intent that named a reply key.
  const plain = typeof body === 'string' ? MEDIA_TYPE_JWS : MEDIA_TYPE_COSE
  if (answer.mediaType !== plain && SEALED_TYPES.get(answer.mediaType) !== plain)
    throw new IntentcastError(
      'ERR_MALFORMED',
      `the answer is ${answer.mediaType.slice(0, 64) || 'untyped'}, not ${plain} (sealed or not)`,
    )
  const keys = async () => (castKey === undefined ? [] : [await sealKeyPairOf(castKey)])
  const { messages } = await openBody(answer.mediaType, answer.body, keys, options.maxBytes ?? DEFAULT_MAX_BYTES)
  if (messages.length !== 1) throw new IntentcastError('ERR_MALFORMED', 'the answer is one message')
  return messages[0]!
}

/**
 * Posts one body, in its envelope's media type, and reads the answer, whatever its status: the
 * one exchange `send` and the relay's requests share. Only network failures are retried, with
 * exponential backoff and jitter, within the deadline.
 */
export async function post(
  url: string,
  body: string | Uint8Array,
  accept: string,
  options: SendOptions = {},
  authorization?: string,
): Promise<Answer> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  const retries = options.retries ?? 2
  const headers: Record<string, string> = { 'content-type': mediaTypeOf(body), accept, ...UNLINKED }
  if (authorization !== undefined) headers['authorization'] = authorization
  // A copy the fetch types take (an ArrayBuffer-backed view), which also leaves the caller's bytes alone.
  const payload = typeof body === 'string' ? body : new Uint8Array(body)
  if (options.gpc) headers['sec-gpc'] = '1'
  for (let attempt = 0; ; attempt++) {
    try {
      return await exchange(
        url,
        { method: 'POST', headers, body: payload },
        {
          fetch: options.fetch,
          timeoutMs: Math.max(1, deadline - Date.now()),
          signal: options.signal,
          maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
          what: 'answer',
        },
      )
    } catch (e) {
      const wait = (options.backoffMs ?? 100) * 2 ** attempt * (0.5 + Math.random() / 2)
      if (!isRetryable(e) || attempt >= retries || Date.now() + wait >= deadline) throw e
      options.onRetry?.(attempt + 1, e as IntentcastError)
      await sleep(wait, options.signal)
    }
  }
}

/**
 * The error an answer that is not the one expected stands for: the peer's problem with its code,
 * or ERR_UNREACHABLE for anything else. A 4xx with a code is the peer's verdict on the body sent
 * (`isRefusal`), unless `aboutBody` is false (a read sends none); 408 (the body came too slowly)
 * and 429 or 404 (no code: turned away unread) say nothing about it.
 */
export function problemError(answer: Answer, peer: string, aboutBody = true): IntentcastError {
  const problem = parseProblem(answer.status, answer.contentType, new TextDecoder().decode(answer.body))
  const error = new IntentcastError(problem.code, `${peer} answered ${answer.status}: ${problem.detail}`)
  if (
    aboutBody &&
    answer.status >= 400 &&
    answer.status < 500 &&
    answer.status !== 408 &&
    problem.code !== 'ERR_UNREACHABLE'
  )
    REFUSED.add(error)
  return error
}

const REFUSED = new WeakSet<object>()

/**
 * True when `send` failed because the vendor refused the message itself (a 4xx problem with a
 * code): sending the same bytes again would be refused again, or met as a replay. Anything else
 * (no answer, a timeout, the vendor's 5xx, a rate limit) leaves open whether the vendor took it.
 */
export function isRefusal(e: unknown): boolean {
  return typeof e === 'object' && e !== null && REFUSED.has(e)
}

/** Waits `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
