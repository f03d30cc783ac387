// Over 250 lines on purpose: the four steps share one connection's state (the
// subscription's end, the last `seq` taken, the entries in flight, the backoff) and one lifetime,
// ended by `close`.
/**
 * `connectRelay`: a vendor handler at a relay (spec §Relay binding). The handler subscribes
 * there under its current key, reads its mailbox as an event stream, and takes each entry as if
 * it had been POSTed to its message endpoint: the same verification, the same stores, the same
 * `on.intent`, `on.counter` and `on.acceptance`, so a vendor's code serves intents that come
 * directly and through a relay alike. What the handler answers with goes back through the relay,
 * to the customer's cast mailbox.
 *
 * 1. Subscribe: a subscription signed by the vendor's key, addressed to the relay, with the
 *    filters; renewed when three quarters of its life have passed.
 * 2. Read: `GET <relay>/mailboxes/<did>` as an event stream, with an access message signed by the
 *    vendor's key. The relay ends the stream when the access message expires (5 minutes at most);
 *    the reader comes back with a fresh one and `Last-Event-ID`, so no entry is taken twice, and
 *    none is missed. A stream that says nothing for 45 s (the relay sends a comment every 15) is
 *    dropped and read again.
 * 3. Take: each entry becomes a POST of its parts, joined as the HTTP binding's body, to the
 *    handler; a few at a time, the stream read no faster than they are taken.
 * 4. Answer: an offer or a counter (status 200) goes to the mailbox of the customer it is
 *    addressed to, an agreement to the mailbox of the acceptance's signer: in every case the cast
 *    key whose intent opened the thread, which owns the cast's mailbox.
 *
 * Failures (the relay unreachable or refusing, an answer that could not be posted) go to
 * `onError` and the connection carries on, after a backoff that grows while they last. A customer's
 * message the handler refuses (4xx) is the customer's: the handler's `on.outcome` hears of it.
 */
import { mailboxEntryOf, type ReadEntry } from '../http/mailbox-entry.js'
import { IntentcastError, isIntentcastError } from '../errors.js'
import { signAccess, signSubscription } from '../envelope/sign.js'
import { RECIPIENT_HEADER, refuseRedirect, type FetchLike } from '../http/client.js'
import { joinMessages } from '../http/media-type.js'
import { essence } from '../http/problem.js'
import type { KeyPair } from '../keys/key-pair.js'
import { parseJsonStrict } from '../lib/json.js'
import { parseDuration } from '../lib/time.js'
import { MEDIA_TYPE_JWS, MEDIA_TYPE_SEALED_JWS } from '../model/media-types.js'
import { parseWith } from '../model/parse.js'
import { SubscriptionFilters } from '../model/relay.js'
import type { VendorHandler } from './handler.js'
import { ACCESS_SECONDS, mailboxUrl, postToRelay, problemOf, relayUrl } from './relay-client.js'
import { readEvents } from './event-stream.js'
import { stateOf } from './state.js'

/**
 * What `connectRelay` takes; nothing else is accepted.
 *
 * @example
 * ```ts
 * const options: RelayConnectionOptions = { relay: 'https://relay.example/relay', filters: { categories: ['bicycles'], regions: ['DE'] }, expiresIn: '7d' }
 * ```
 */
export interface RelayConnectionOptions {
  /** The relay's URL (its mailboxes are `<relay>/mailboxes/<did>`), exactly as the relay names itself. */
  readonly relay: string
  /** The intents wanted (spec §Relay binding, Filters). Default `{}`: every intent. */
  readonly filters?: SubscriptionFilters
  /** Each subscription's lifetime, renewed when three quarters of it have passed: seconds or a span, at most 30 days. Default `'1d'`. */
  readonly expiresIn?: number | string
  /** Entries taken at once. Default 8. */
  readonly concurrency?: number
  /** The `fetch` every request to the relay goes through. Default: the global one. */
  readonly fetch?: FetchLike
  /** Hears every failure of the connection, which carries on. Default: the handler's `on.error`. */
  readonly onError?: (error: unknown) => void
}

/**
 * A handler's connection to a relay.
 *
 * @example
 * ```ts
 * const connection: RelayConnection = connectRelay(handler, { relay: 'https://relay.example/relay' })
 * await connection.ready
 * process.on('SIGTERM', () => void connection.close())
 * ```
 */
export interface RelayConnection {
  /** The vendor's mailbox at the relay. */
  readonly mailbox: string
  /**
   * Settles once the relay has taken the first subscription; rejects when the relay refuses it
   * (its problem's code: a relay that names itself otherwise answers ERR_AUDIENCE) or when the
   * connection is closed first. A relay that cannot be reached is tried again, and `ready` waits.
   */
  readonly ready: Promise<void>
  /** Stops reading and renewing; resolves once the entries being taken are answered. */
  close(): Promise<void>
}

const OPTIONS: Record<keyof RelayConnectionOptions, true> = {
  relay: true,
  filters: true,
  expiresIn: true,
  concurrency: true,
  fetch: true,
  onError: true,
}

/** The longest subscription a relay takes (spec §Relay binding, Subscribing). */
const MAX_SUBSCRIPTION_SECONDS = 30 * 86_400
/** A stream silent this long is dead: the relay sends a comment every 15 s. */
const IDLE_MS = 45_000
/** The largest event read: an entry of two parts at the largest body, in base64url, and its JSON. */
const MAX_EVENT_BYTES = 512 * 1024
/** A stream that lasts less than this is read again only after a wait, as after a failure. */
const MIN_STREAM_MS = 1_000
/** Waits after a failure: the first, and the longest, doubling in between (with jitter). */
const FIRST_BACKOFF_MS = 250
const MAX_BACKOFF_MS = 30_000

/**
 * Connects a vendor handler to a relay: it subscribes there under the handler's current key,
 * takes every entry of its mailbox there (intents the relay delivers, customers' counters and
 * acceptances) as if it had been POSTed to it, and posts what the handler answers to the
 * customer's mailbox there. The relay becomes one the handler trusts for later offers
 * (`handler.offer`). Throws ERR_INVALID_ARGUMENT at once for a handler `createVendorHandler` did
 * not make, or an option it does not take.
 *
 * @example
 * ```ts
 * import { createVendorHandler, connectRelay } from 'intentcast/vendor'
 *
 * const handler = createVendorHandler(options)
 * const relay = connectRelay(handler, { relay: 'https://relay.example/relay', filters: { categories: ['bicycles'] } })
 * await relay.ready
 * // … on shutdown
 * await relay.close()
 * ```
 */
export function connectRelay(handler: VendorHandler, options: RelayConnectionOptions): RelayConnection {
  const vendor = stateOf(handler)
  const o = checkOptions(options)
  const relay = relayUrl(o.relay)
  vendor.relays.add(relay)
  const connection = new Connection(handler, vendor.keys.current, relay, {
    filters: o.filters ?? {},
    lifetime: o.expiresIn,
    concurrency: o.concurrency ?? 8,
    fetch: o.fetch,
    onError: o.onError ?? vendor.options.onError,
    endpoint: new URL(vendor.options.endpointPath, vendor.options.origin ?? new URL(relay).origin).href,
  })
  return { mailbox: connection.mailbox, ready: connection.ready, close: () => connection.close() }
}

interface Settings {
  readonly filters: SubscriptionFilters
  /** Seconds. */
  readonly lifetime: number
  readonly concurrency: number
  readonly fetch: FetchLike | undefined
  readonly onError: (error: unknown) => void
  /** The URL of the handler's message endpoint, which entries are posted to. */
  readonly endpoint: string
}

class Connection {
  readonly mailbox: string
  readonly ready: Promise<void>
  readonly #handler: VendorHandler
  readonly #key: KeyPair
  readonly #relay: string
  readonly #settings: Settings
  readonly #stop = new AbortController()
  readonly #taking = new Set<Promise<void>>()
  readonly #running: Promise<void>
  #settle!: { resolve: () => void; reject: (e: unknown) => void }
  #subscribed = false
  /** When to subscribe again (ms since the epoch); 0: now. */
  #renewAt = 0
  /** The last entry read: a stream read again starts after it. */
  #lastSeq = 0

  constructor(handler: VendorHandler, key: KeyPair, relay: string, settings: Settings) {
    this.#handler = handler
    this.#key = key
    this.#relay = relay
    this.#settings = settings
    this.mailbox = mailboxUrl(relay, key.did)
    this.ready = new Promise((resolve, reject) => (this.#settle = { resolve, reject }))
    // Rejected only for the caller who awaits it: unobserved, it must not end the process.
    this.ready.catch(() => {})
    this.#running = this.#run()
  }

  async close(): Promise<void> {
    this.#stop.abort()
    this.#settle.reject(new IntentcastError('ERR_UNREACHABLE', 'the relay connection was closed'))
    await this.#running
    await Promise.all(this.#taking)
  }

  get #closed(): boolean {
    return this.#stop.signal.aborted
  }

  async #run(): Promise<void> {
    let backoff = FIRST_BACKOFF_MS
    while (!this.#closed) {
      try {
        if (Date.now() >= this.#renewAt) await this.#subscribe()
        const began = Date.now()
        await this.#read()
        // A stream the relay ends at once, again and again, is read again no faster than a failure.
        if (Date.now() - began >= MIN_STREAM_MS) backoff = FIRST_BACKOFF_MS
        else {
          await pause(backoff, this.#stop.signal)
          backoff = Math.min(MAX_BACKOFF_MS, backoff * 2)
        }
      } catch (e) {
        if (this.#closed) return
        if (!this.#subscribed && isRefusal(e)) {
          // The relay will not take this subscription as it is: nothing to connect.
          this.#settle.reject(e)
          this.#stop.abort()
          return
        }
        // A mailbox the relay no longer holds (the subscription lapsed there) opens again with a new one.
        if (isIntentcastError(e, 'ERR_BROKEN_LINK')) this.#renewAt = 0
        this.#report(e)
        await pause(backoff * (0.5 + Math.random() / 2), this.#stop.signal)
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2)
      }
    }
  }

  /** Signs and sends a subscription; the first one the relay takes settles `ready`. */
  async #subscribe(): Promise<void> {
    const { filters, lifetime, fetch } = this.#settings
    const subscription = await signSubscription({ filters }, this.#key, { audience: this.#relay, expiresIn: lifetime })
    const { expires } = await postToRelay(`${this.#relay}/subscriptions`, subscription, this.#key, {
      fetch,
      signal: this.#stop.signal,
    })
    // By the end the relay reports (whole seconds, so up to a second before ours would be).
    const ends = typeof expires === 'number' && Number.isFinite(expires) ? expires * 1000 : Date.now() + lifetime * 1000
    this.#renewAt = Date.now() + Math.max(0, ends - Date.now()) * 0.75
    this.#subscribed = true
    this.#settle.resolve()
  }

  /** Reads the mailbox as a stream until the relay ends it, it falls silent, or the connection closes. */
  async #read(): Promise<void> {
    const access = await signAccess(this.#key, { audience: this.mailbox, expiresIn: ACCESS_SECONDS })
    const stream = new AbortController()
    const stop = (): void => stream.abort()
    this.#stop.signal.addEventListener('abort', stop, { once: true })
    // Our side of the access message's end (a relay that keeps the stream open past it is read
    // anew), or the subscription's renewal, whichever comes first: the loop renews between reads.
    const renewal = setTimeout(stop, Math.min(ACCESS_SECONDS * 1000, Math.max(0, this.#renewAt - Date.now())))
    let idle = setTimeout(stop, IDLE_MS)
    try {
      const headers: Record<string, string> = {
        accept: 'text/event-stream',
        authorization: `Intentcast ${access}`,
        ...(this.#lastSeq > 0 && { 'last-event-id': String(this.#lastSeq) }),
      }
      const response = await (this.#settings.fetch ?? fetch)(`${this.mailbox}?after=${this.#lastSeq}`, {
        method: 'GET',
        headers,
        // As every request of the binding: a redirect could take the access message elsewhere.
        // 'manual' and refused below, as workerd takes no 'error' (src/http/client.ts).
        redirect: 'manual',
        credentials: 'omit',
        signal: stream.signal,
      }).catch((cause: unknown) => {
        throw new IntentcastError('ERR_UNREACHABLE', `could not read the mailbox at ${this.#relay}`, { cause })
      })
      refuseRedirect(response, this.mailbox, 'mailbox read')
      if (response.status !== 200 || essence(response.headers.get('content-type')) !== 'text/event-stream') {
        const body = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)))
        throw problemOf({
          status: response.status,
          mediaType: essence(response.headers.get('content-type')),
          contentType: response.headers.get('content-type'),
          body: body.subarray(0, 65_536),
        })
      }
      const onChunk = (): void => {
        clearTimeout(idle)
        idle = setTimeout(stop, IDLE_MS)
      }
      for await (const event of readEvents(response.body!, MAX_EVENT_BYTES, stream.signal, onChunk)) {
        if (event.event !== 'message') continue
        let entry: ReadEntry
        try {
          // The relay is not trusted with the handler's input: the entry is checked as any reader does.
          entry = mailboxEntryOf(parseJsonStrict(event.data, 'a mailbox event'), 0)
        } catch (e) {
          // Told, and passed over: read again, it would stop the stream at the same place forever.
          this.#report(e)
          const seq = Number(event.id)
          if (Number.isSafeInteger(seq) && seq > this.#lastSeq) this.#lastSeq = seq
          continue
        }
        if (entry.seq <= this.#lastSeq) continue
        this.#lastSeq = entry.seq
        await this.#take(entry)
      }
    } catch (e) {
      // Our own stop (closing, silence, the access running out) ends the reading; the loop reads again.
      if (!stream.signal.aborted) throw e
    } finally {
      clearTimeout(renewal)
      clearTimeout(idle)
      this.#stop.signal.removeEventListener('abort', stop)
    }
  }

  /** Takes an entry once fewer than `concurrency` are being taken: the stream waits meanwhile. */
  async #take(entry: ReadEntry): Promise<void> {
    while (this.#taking.size >= this.#settings.concurrency) await Promise.race(this.#taking)
    // A post cut short by `close` is not a failure to tell: the connection was asked to stop.
    const taking = this.#answer(entry).catch((e) => {
      if (!this.#closed) this.#report(e)
    })
    const tracked = taking.finally(() => this.#taking.delete(tracked))
    this.#taking.add(tracked)
  }

  /**
   * Posts the entry to the handler, and what it answers with to the cast's mailbox. A message
   * answer is the offer, counter or agreement the handler made for the customer whose cast key
   * signed the entry's first message (the intent, counter or acceptance): that key owns the
   * cast's mailbox.
   */
  async #answer(entry: ReadEntry): Promise<void> {
    const response = await this.#handler(
      new Request(this.#settings.endpoint, {
        method: 'POST',
        headers: { 'content-type': entry.type },
        body: bodyOf(entry),
      }),
    )
    if (response.status !== 200) {
      await response.body?.cancel()
      return
    }
    const type = essence(response.headers.get('content-type'))
    const answer =
      type === MEDIA_TYPE_JWS || type === MEDIA_TYPE_SEALED_JWS
        ? await response.text()
        : new Uint8Array(await response.arrayBuffer())
    // Our own handler names the cast key the answer is for: the entry may be sealed, and reading
    // its signer back would cost a verify.
    const recipient = response.headers.get(RECIPIENT_HEADER)!
    await postToRelay(mailboxUrl(this.#relay, recipient), answer, this.#key, {
      fetch: this.#settings.fetch,
      signal: this.#stop.signal,
    })
  }

  #report(error: unknown): void {
    try {
      this.#settings.onError(error)
    } catch {
      // A listener that fails must not end the connection.
    }
  }
}

/** The HTTP binding's body of an entry: one message as it is, or an acceptance and its agreement joined. */
function bodyOf(entry: ReadEntry): string | Uint8Array<ArrayBuffer> {
  const [first, second] = entry.messages as readonly [string | Uint8Array, (string | Uint8Array)?]
  const body = second === undefined ? first : joinMessages(first, second)
  return typeof body === 'string' ? body : new Uint8Array(body)
}

/** A 4xx with a code: the relay's considered answer, which trying again will not change. */
function isRefusal(e: unknown): boolean {
  return isIntentcastError(e) && !['ERR_UNREACHABLE', 'ERR_TIMEOUT', 'ERR_INTERNAL'].includes(e.code)
}

/** Waits `ms`, or until `signal` aborts (at once when it has). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

function checkOptions(options: RelayConnectionOptions): RelayConnectionOptions & { expiresIn: number } {
  if (typeof options !== 'object' || options === null)
    throw invalid('options must be an object: { relay, filters?, expiresIn?, concurrency?, fetch?, onError? }')
  const extra = Object.keys(options).find((k) => !Object.hasOwn(OPTIONS, k))
  if (extra !== undefined)
    throw invalid(`no option "${extra.slice(0, 32)}"; it takes ${Object.keys(OPTIONS).join(', ')}`)
  const { filters, expiresIn = 86_400, concurrency, fetch, onError } = options
  if (filters !== undefined) parseWith(SubscriptionFilters, filters, 'connectRelay: filters', 'ERR_INVALID_ARGUMENT')
  const lifetime = parseDuration(expiresIn, 'connectRelay: expiresIn')
  if (lifetime > MAX_SUBSCRIPTION_SECONDS) throw invalid('expiresIn is at most 30 days')
  if (concurrency !== undefined && !(Number.isSafeInteger(concurrency) && concurrency > 0))
    throw invalid('concurrency is a positive whole number')
  if (fetch !== undefined && typeof fetch !== 'function') throw invalid('fetch must be a function')
  if (onError !== undefined && typeof onError !== 'function') throw invalid('onError must be a function')
  return { ...options, expiresIn: lifetime }
}

function invalid(message: string): IntentcastError {
  return new IntentcastError('ERR_INVALID_ARGUMENT', `connectRelay: ${message}`)
}
