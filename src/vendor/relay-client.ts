/**
 * The vendor's requests to a relay (spec §Relay binding): relay and mailbox URLs, and one POST
 * with the binding's limits (a deadline, a bounded answer, no redirect, no credentials), retried
 * on network failures only. Posting the same body to a mailbox again is harmless (a mailbox
 * holds a message once), and so is a subscription (a newer one replaces the older), so a retry
 * never does twice what the first attempt did.
 */
import { IntentcastError, isIntentcastError } from '../errors.js'
import { exchange, isRetryable, type Answer, type FetchLike } from '../http/client.js'
import { sealedPostAccess } from '../http/mailbox-entry.js'
import { isSealed, mediaTypeOf } from '../http/media-type.js'
import type { KeyPair } from '../keys/key-pair.js'
import { parseProblem } from '../http/problem.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8 } from '../lib/utf8.js'
import { MEDIA_TYPE_JSON } from '../model/media-types.js'

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/

/**
 * A relay's URL as it is compared and joined: https (http on loopback, for development), no
 * query, fragment or credentials, no trailing slash. A relay takes a subscription addressed to
 * its URL exactly, and its mailboxes are `<relay>/mailboxes/<did>`.
 */
export function relayUrl(relay: unknown): string {
  let url: URL | undefined
  try {
    url = typeof relay === 'string' ? new URL(relay) : undefined
  } catch {
    // Not a URL: refused below.
  }
  if (url === undefined || !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname))))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a relay is an https URL (plain http only on loopback)')
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a relay URL has no query, fragment or credentials')
  return url.href.replace(/\/+$/, '')
}

/** The mailbox of `did` at `relay`: the DID as it is. */
export function mailboxUrl(relay: string, did: string): string {
  return `${relay}/mailboxes/${did}`
}

/** How one request to a relay goes. */
export interface RelayRequestOptions {
  readonly fetch?: FetchLike | undefined
  /** Milliseconds for the request, retries included. Default 10,000. */
  readonly timeoutMs?: number | undefined
  readonly signal?: AbortSignal | undefined
}

/** An access message's lifetime: the longest a relay takes (a stream, a sealed post). */
export const ACCESS_SECONDS = 300

/** Attempts after a network failure, and the first wait before one (doubled, with jitter). */
const RETRIES = 2
const BACKOFF_MS = 100

/**
 * POSTs `body`, a message in its envelope's media type, and returns the relay's JSON answer. A problem becomes an IntentcastError with the relay's code; any other
 * answer that is not 2xx JSON is ERR_UNREACHABLE.
 */
export async function postToRelay(
  url: string,
  body: string | Uint8Array,
  key: KeyPair,
  options: RelayRequestOptions,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  const headers: Record<string, string> = { 'content-type': mediaTypeOf(body), accept: MEDIA_TYPE_JSON }
  // A sealed body, which the relay cannot verify, comes with an access message naming the
  // mailbox, signed by `key`: the relay counts it against that key (spec §Relay binding).
  if (isSealed(body)) headers['authorization'] = `Intentcast ${await sealedPostAccess(key, url, body)}`
  const payload = typeof body === 'string' ? body : new Uint8Array(body)
  let answer: Answer
  for (let attempt = 0; ; attempt++) {
    try {
      answer = await exchange(
        url,
        { method: 'POST', headers, body: payload },
        {
          fetch: options.fetch,
          timeoutMs: Math.max(1, deadline - Date.now()),
          signal: options.signal,
          maxBytes: 65_536,
          what: 'relay answer',
        },
      )
      break
    } catch (e) {
      const wait = BACKOFF_MS * 2 ** attempt * (0.5 + Math.random() / 2)
      if (!isRetryable(e) || attempt >= RETRIES || Date.now() + wait >= deadline) throw e
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }
  if (answer.status < 200 || answer.status > 299) throw problemOf(answer)
  return jsonOf(answer)
}

/** The relay's problem, as an IntentcastError with its code (ERR_UNREACHABLE when it is none). */
export function problemOf(answer: Omit<Answer, 'recipient'>): IntentcastError {
  const problem = parseProblem(answer.status, answer.contentType, new TextDecoder().decode(answer.body))
  return new IntentcastError(problem.code, `the relay answered ${answer.status}: ${problem.detail}`)
}

function jsonOf(answer: Answer): Record<string, unknown> {
  if (answer.mediaType !== MEDIA_TYPE_JSON)
    throw new IntentcastError('ERR_UNREACHABLE', `the relay answered ${answer.mediaType.slice(0, 64) || 'untyped'}`)
  let json: unknown
  try {
    json = parseJsonStrict(fromUtf8(answer.body, 'relay answer'), 'the relay answer')
  } catch (e) {
    throw isIntentcastError(e) ? e : new IntentcastError('ERR_MALFORMED', 'the relay answer is not JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new IntentcastError('ERR_MALFORMED', 'the relay answer is not a JSON object')
  return json as Record<string, unknown>
}
