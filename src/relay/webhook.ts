// Over 250 lines on purpose: the check at subscription and the delivery share the webhook's bounds
// and its view of the vendor document, and neither is used without the other.
/**
 * Webhooks (spec §Relay binding, Webhooks): a vendor mailbox whose subscription names a
 * `webhook` has each entry POSTed there as it is appended, on top of the mailbox, which stays
 * the record.
 *
 * - At subscription, `checkWebhook` fetches the vendor document at the webhook's origin (bounded
 *   as every fetch of the HTTP binding) and requires the subscription's key to be one of its live
 *   keys: the relay only ever POSTs to an origin that has published the subscribing key.
 * - `WebhookDelivery` is one process's queue: bounded in entries and bytes, a few POSTs at once
 *   (and at most two per mailbox, so a slow webhook does not hold up the others), retried with
 *   backoff on network errors and 5xx, ended by a 2xx or a 4xx. Only the process that appended an
 *   entry delivers it. An offer or counter the vendor answers with is posted, through the same
 *   checks as any post, to the mailbox the vendor's answer names (`Intentcast-Recipient`), or
 *   else that of the key that signed the entry's first message.
 */
import { verifyInternal } from '../envelope/verify.js'
import { IntentcastError, isIntentcastError } from '../errors.js'
import { exchange, type Answer, type FetchLike } from '../http/client.js'
import { joinMessages, SEALED_TYPES } from '../http/media-type.js'
import { BODY_TYPES } from '../http/sealed-body.js'
import { kidForDid } from '../keys/did-key.js'
import { decodeBase64url } from '../lib/base64url.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8 } from '../lib/utf8.js'
import { MEDIA_TYPE_JSON, MEDIA_TYPE_JWS, MEDIA_TYPE_SEALED_JWS, WELL_KNOWN_PATH } from '../model/media-types.js'
import { Did } from '../model/primitives.js'
import { liveKeys, parseVendorDocument } from '../model/vendor-document.js'
import type { MailboxEntry, MailboxInfo } from './backend.js'
import { RelayFailure, report } from './failure.js'
import { takePost } from './post.js'
import type { Deliveries, Relay } from './state.js'

/** The vendor document's fetch: the limits discovery uses. */
const DOCUMENT_TIMEOUT_MS = 5_000
const DOCUMENT_MAX_BYTES = 65_536
/** One POST to a webhook, answer included. */
const POST_TIMEOUT_MS = 10_000
/** Attempts per entry, and the wait before the second (doubling, with jitter). */
const MAX_ATTEMPTS = 5
const FIRST_BACKOFF_MS = 250
/** POSTs in flight in one relay process, and to one mailbox's webhook. */
const CONCURRENCY = 16
const PER_MAILBOX = 2
/** Entries waiting in one relay process, and their bytes; past either, an entry is not queued (it stays in the mailbox). */
const QUEUE_ENTRIES = 4_096
const QUEUE_BYTES = 16 * 2 ** 20

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/

/**
 * Refuses a webhook whose origin does not publish `issuer` among the live keys of its vendor
 * document: ERR_SCHEMA (not https, or http off loopback), ERR_UNREACHABLE (no document to be had),
 * ERR_BROKEN_LINK (the document's endpoint is on another origin), ERR_KEY_UNRESOLVED (the key is
 * not listed, or the document is not one).
 */
export async function checkWebhook(webhook: string, issuer: string, fetch?: FetchLike): Promise<void> {
  let url: URL
  try {
    url = new URL(webhook)
  } catch (cause) {
    throw new IntentcastError('ERR_SCHEMA', 'the webhook is not a URL', { cause })
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname)))
    throw new IntentcastError('ERR_SCHEMA', 'a webhook is https (plain http only on loopback)')
  if (url.username !== '' || url.password !== '')
    throw new IntentcastError('ERR_SCHEMA', 'a webhook carries no credentials')
  const where = url.origin + WELL_KNOWN_PATH
  let json: unknown
  try {
    const answer = await exchange(
      where,
      { method: 'GET', headers: { accept: MEDIA_TYPE_JSON } },
      { fetch, timeoutMs: DOCUMENT_TIMEOUT_MS, maxBytes: DOCUMENT_MAX_BYTES, what: 'vendor document' },
    )
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`)
    if (answer.mediaType !== MEDIA_TYPE_JSON) throw new Error(`not ${MEDIA_TYPE_JSON}`)
    json = parseJsonStrict(fromUtf8(answer.body, where), 'the vendor document')
  } catch (cause) {
    const why = isIntentcastError(cause) ? cause.code : (cause as Error).message
    throw new IntentcastError('ERR_UNREACHABLE', `no vendor document at ${url.origin} (${why})`, { cause })
  }
  let document
  try {
    document = parseVendorDocument(json)
  } catch (cause) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', `${url.origin} serves no valid vendor document`, { cause })
  }
  if (!URL.canParse(document.endpoint) || new URL(document.endpoint).origin !== url.origin)
    throw new IntentcastError('ERR_BROKEN_LINK', `the vendor document at ${url.origin} names another origin`)
  const kid = kidForDid(issuer)
  if (!liveKeys(document.keys.keys).some((k) => k.kid === kid))
    throw new IntentcastError('ERR_KEY_UNRESOLVED', `${url.origin} does not publish the subscription's key`)
}

interface Job {
  readonly url: string
  readonly owner: string
  readonly entry: MailboxEntry
  readonly bytes: number
  attempts: number
}

/** One relay process's webhook deliveries. */
export class WebhookDelivery implements Deliveries {
  readonly #relay: () => Relay
  readonly #queue: Job[] = []
  readonly #waiting = new Set<ReturnType<typeof setTimeout>>()
  readonly #inFlight = new Map<string, number>()
  readonly #running = new Set<Promise<void>>()
  #active = 0
  #bytes = 0
  #closed = false

  constructor(relay: () => Relay) {
    this.#relay = relay
  }

  /** Queues `entry` for `info`'s webhook, if it has one; false when the queue is full (the mailbox keeps it). */
  enqueue(info: MailboxInfo, entry: MailboxEntry): boolean {
    if (info.webhook === undefined || this.#closed) return false
    const bytes = entry.parts.reduce((n, p) => n + p.length, 0)
    if (this.#queue.length + this.#active >= QUEUE_ENTRIES || this.#bytes + bytes > QUEUE_BYTES) return false
    this.#bytes += bytes
    this.#queue.push({ url: info.webhook, owner: info.owner, entry, bytes, attempts: 0 })
    this.#pump()
    return true
  }

  /** Drops what is queued and waits for the POSTs in flight. */
  async close(): Promise<void> {
    this.#closed = true
    for (const t of this.#waiting) clearTimeout(t)
    this.#waiting.clear()
    this.#queue.length = 0
    await Promise.all(this.#running)
  }

  #pump(): void {
    for (let i = 0; i < this.#queue.length && this.#active < CONCURRENCY;) {
      const job = this.#queue[i]!
      const busy = this.#inFlight.get(job.owner) ?? 0
      if (busy >= PER_MAILBOX) {
        i++
        continue
      }
      this.#queue.splice(i, 1)
      this.#active++
      this.#inFlight.set(job.owner, busy + 1)
      const run = this.#attempt(job).finally(() => {
        this.#running.delete(run)
        this.#active--
        const left = (this.#inFlight.get(job.owner) ?? 1) - 1
        if (left === 0) this.#inFlight.delete(job.owner)
        else this.#inFlight.set(job.owner, left)
        this.#pump()
      })
      this.#running.add(run)
    }
  }

  async #attempt(job: Job): Promise<void> {
    job.attempts++
    let again: boolean
    try {
      again = await this.#deliver(job)
    } catch (e) {
      report(this.#relay().options.onError, e)
      again = false
    }
    if (again && job.attempts < MAX_ATTEMPTS && !this.#closed) {
      const wait = FIRST_BACKOFF_MS * 2 ** (job.attempts - 1) * (0.5 + Math.random() / 2)
      const timer = setTimeout(() => {
        this.#waiting.delete(timer)
        if (this.#closed) return
        this.#queue.push(job)
        this.#pump()
      }, wait)
      timer.unref?.()
      this.#waiting.add(timer)
      return
    }
    this.#bytes -= job.bytes
  }

  /** One POST; true when it is worth trying again (no answer, or a 5xx). */
  async #deliver(job: Job): Promise<boolean> {
    const relay = this.#relay()
    const { entry } = job
    let answer
    try {
      answer = await exchange(
        job.url,
        {
          method: 'POST',
          headers: {
            'content-type': entry.type,
            'intentcast-mailbox': relay.mailboxUrl(job.owner),
            'intentcast-seq': String(entry.seq),
          },
          body: bodyOf(entry),
        },
        { timeoutMs: POST_TIMEOUT_MS, maxBytes: relay.options.maxBodyBytes, what: 'webhook answer' },
      )
    } catch {
      return true
    }
    if (answer.status >= 500) return true
    if (answer.status === 200 && BODY_TYPES.includes(answer.mediaType)) await this.#forward(job, answer)
    return false
  }

  /**
   * Posts the vendor's answer (an offer, a counter, an agreement) to the mailbox of the key that
   * signed the entry's first message, the cast key whose mailbox holds the thread, as if the
   * vendor had posted it: a refusal there is the vendor's, and is dropped.
   */
  async #forward(job: Job, answer: Answer): Promise<void> {
    const relay = this.#relay()
    const recipient = await this.#recipient(job.entry, answer)
    if (recipient === undefined) return
    const request = new Request(relay.mailboxUrl(recipient), {
      method: 'POST',
      headers: { 'content-type': answer.mediaType },
      body: new Uint8Array(answer.body),
    })
    try {
      // A sealed answer is posted as the vendor's, whose webhook gave it; a plain one proves its signer.
      await takePost(request, recipient, relay, { vendor: job.owner })
    } catch (e) {
      if (e instanceof RelayFailure || !isIntentcastError(e)) throw e
    }
  }

  /**
   * The cast key the answer is for: the one the vendor names (`Intentcast-Recipient`), or else
   * the signer of the entry's first message, when the relay can read it. A sealed entry whose
   * answer names no one cannot be forwarded, and is dropped.
   */
  async #recipient(entry: MailboxEntry, answer: Answer): Promise<string | undefined> {
    if (answer.recipient !== null) return Did.safeParse(answer.recipient).success ? answer.recipient : undefined
    if (SEALED_TYPES.has(entry.type)) return undefined
    const first = entry.type === MEDIA_TYPE_JWS ? entry.parts[0]! : decodeBase64url(entry.parts[0]!, 'a COSE part')
    return (await verifyInternal(first, { timeless: true, maxBytes: Math.max(1, first.length) })).issuer
  }
}

/** The HTTP binding's body of an entry: one message as it is, or an acceptance and its agreement joined. */
function bodyOf(entry: MailboxEntry): string | Uint8Array<ArrayBuffer> {
  // A sealed entry is one part: a JWE's text, or a COSE_Encrypt's base64url.
  if (entry.type === MEDIA_TYPE_JWS || entry.type === MEDIA_TYPE_SEALED_JWS)
    return entry.parts.length === 1 ? entry.parts[0]! : joinMessages(entry.parts[0]!, entry.parts[1]!)
  const [first, second] = entry.parts.map((p) => decodeBase64url(p, 'a COSE part'))
  return new Uint8Array(second === undefined ? first! : joinMessages(first!, second))
}
