import { IntentcastError, isIntentcastError } from '../errors.js'
import { readBody } from './body.js'
import { essence } from './problem.js'

/**
 * The `fetch` the SDK calls for an outgoing request (the wallet's, a vendor's relay reader's):
 * the global one by default. Pass your own to route through a proxy, add telemetry, or stub the
 * network in tests.
 *
 * @example
 * ```ts
 * import { discover, type FetchLike } from 'intentcast/wallet'
 *
 * const logged: FetchLike = (url, init) => (console.log(init.method, url), fetch(url, init))
 * const vendor = await discover('https://shop.example', { fetch: logged })
 * ```
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

export interface ExchangeOptions {
  readonly fetch?: FetchLike | undefined
  /** Milliseconds for the whole exchange, answer body included. */
  readonly timeoutMs: number
  /** The caller's own cancellation: it is rethrown as is (its `reason`), not turned into a code. */
  readonly signal?: AbortSignal | undefined
  /** The largest answer read. */
  readonly maxBytes: number
  readonly what: string
}

/**
 * The header a vendor's message answer names its recipient in: the cast key whose mailbox the
 * thread's answers go to. A relay forwarding a sealed answer cannot read it from the answer.
 */
export const RECIPIENT_HEADER = 'intentcast-recipient'

export interface Answer {
  readonly status: number
  /** The media type without parameters, lowercased. */
  readonly mediaType: string
  readonly contentType: string | null
  /** `Intentcast-Recipient`: whose cast mailbox a vendor's answer is for (spec §Relay binding, Webhooks). */
  readonly recipient: string | null
  readonly body: Uint8Array
}

/**
 * One HTTP exchange with the limits every fetch of this binding has: a deadline, a size limit
 * on the answer, and no redirects (a redirect could carry a message to an origin the customer
 * did not choose): a 3xx answer is refused with ERR_UNREACHABLE, naming where it pointed. Fails
 * with ERR_TIMEOUT, ERR_UNREACHABLE or ERR_TOO_LARGE; the caller's abort is rethrown unchanged.
 */
export async function exchange(url: string, init: RequestInit, options: ExchangeOptions): Promise<Answer> {
  options.signal?.throwIfAborted()
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, options.timeoutMs)
  const onAbort = (): void => controller.abort()
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    let response: Response
    try {
      // No cookies or other credentials: they would link the customer across casts.
      response = await (options.fetch ?? fetch)(url, {
        ...init,
        // 'manual', then refused below: Cloudflare Workers (workerd) reject 'error' outright.
        redirect: 'manual',
        credentials: 'omit',
        signal: controller.signal,
      })
    } catch (e) {
      if (options.signal?.aborted || timedOut) throw e
      throw retryable(
        new IntentcastError('ERR_UNREACHABLE', `could not reach ${originOf(url)}: ${fetchFailure(e)}`, { cause: e }),
      )
    }
    refuseRedirect(response, url, options.what)
    const body = await readBody(response, {
      maxBytes: options.maxBytes,
      failure: 'ERR_UNREACHABLE',
      what: options.what,
    })
    const contentType = response.headers.get('content-type')
    const recipient = response.headers.get(RECIPIENT_HEADER)
    return { status: response.status, mediaType: essence(contentType), contentType, recipient, body }
  } catch (e) {
    options.signal?.throwIfAborted()
    if (timedOut)
      throw new IntentcastError('ERR_TIMEOUT', `no ${options.what} within ${options.timeoutMs} ms`, { cause: e })
    if (isIntentcastError(e)) throw e
    throw new IntentcastError('ERR_UNREACHABLE', `could not fetch the ${options.what}: ${fetchFailure(e)}`, {
      cause: e,
    })
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
  }
}

/**
 * Throws ERR_UNREACHABLE for a redirect, which a fetch with `redirect: 'manual'` hands back instead
 * of following: a 3xx with its Location (Node, Deno, Bun, workerd), or an opaque one with neither
 * (browsers). Its body is dropped unread. Not retryable: the peer did answer, and would again.
 */
export function refuseRedirect(response: Response, url: string, what: string): void {
  const opaque = response.type === 'opaqueredirect'
  if (!opaque && (response.status < 300 || response.status > 399)) return
  response.body?.cancel().catch(() => {})
  const location = response.headers.get('location')
  const to = location !== null && URL.canParse(location, url) ? ` to ${new URL(location, url).origin}` : ''
  throw new IntentcastError(
    'ERR_UNREACHABLE',
    `${originOf(url)} answered the ${what} with a redirect (${opaque ? 'opaque' : response.status}${to}); intentcast follows no redirect`,
  )
}

const RETRYABLE = new WeakSet<object>()

function retryable(e: IntentcastError): IntentcastError {
  RETRYABLE.add(e)
  return e
}

/**
 * True for a failure before any answer arrived (refused or reset connection, DNS): the one kind
 * worth retrying. A failure while the answer was being read is not, as the request was taken.
 */
export function isRetryable(e: unknown): boolean {
  return typeof e === 'object' && e !== null && RETRYABLE.has(e)
}

/**
 * The most telling part of a fetch failure: undici hides the system error in `cause`.
 *
 * @example
 * ```ts
 * await fetch(url).catch((e) => { throw new Error(`no answer: ${fetchFailure(e)}`) }) // 'ECONNREFUSED'
 * ```
 */
export function fetchFailure(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } })?.cause
  const text =
    typeof cause?.code === 'string'
      ? cause.code
      : typeof cause?.message === 'string'
        ? cause.message
        : (e as Error)?.message
  return String(text ?? e).slice(0, 200)
}

/** The origin to name in a message; never throws, since it runs while reporting another failure. */
function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : url.slice(0, 64)
}
