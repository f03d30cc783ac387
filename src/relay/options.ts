/**
 * The relay handler's options, grouped by concern: where it is (`url`), where it keeps mailboxes
 * (`backend`, `stores`), what a request and a mailbox may cost (`limits`), what the deployment
 * hears (`on`) and who may call from a browser (`http`). resolve-options.ts checks them.
 */
import type { IntentcastErrorCode } from '../errors.js'
import type { ClientInfo } from '../http/client-info.js'
import type { ReplayStore } from '../replay/store.js'
import type { RelayBackend } from './backend.js'

/**
 * A value, or a promise of it: a callback may answer at once or later.
 *
 * @example
 * ```ts
 * const admit = (request: Request, client: ClientInfo): Awaitable<boolean> => limiter.tryTake(client.address ?? 'unknown')
 * ```
 */
export type Awaitable<T> = T | Promise<T>

/**
 * Where the relay records the subscriptions and intents it has taken, so each is taken once.
 *
 * @example
 * ```ts
 * import { RedisReplayStore } from 'intentcast'
 *
 * const stores: RelayStores = { replay: new RedisReplayStore(redis) }
 * ```
 */
export interface RelayStores {
  /** Default: a MemoryReplayStore. Relay processes sharing a backend share a RedisReplayStore. */
  readonly replay?: ReplayStore
}

/**
 * What one request, one mailbox and one reader may cost. The mailbox bounds are the spec's
 * reference values by default (spec §Relay binding, Mailboxes).
 *
 * @example
 * ```ts
 * const limits: RelayLimits = { maxBodyBytes: 32_768, perSender: 8, streamBufferBytes: 262_144 }
 * ```
 */
export interface RelayLimits {
  /** The largest request body, in bytes. Default 65,536. */
  readonly maxBodyBytes?: number
  /** Milliseconds a request body may take to arrive. Default 10,000. */
  readonly bodyTimeoutMs?: number
  /** Entries from one sender in one mailbox. Default 16. */
  readonly perSender?: number
  /** Entries in one mailbox. Default 1,024. */
  readonly entries?: number
  /** Bytes of entries in one mailbox. Default 4 MiB. */
  readonly bytes?: number
  /** Bytes of events a stream reader may leave unread before it is dropped. Default 1 MiB. */
  readonly streamBufferBytes?: number
  /**
   * Event streams open at once in this relay process (each may hold `streamBufferBytes`); past
   * it, a new stream ends the oldest, whose reader resumes with Last-Event-ID. One mailbox has at
   * most 4 open at once, the same way. Default 10,000.
   */
  readonly streams?: number
  /**
   * How old this process's view of the subscriptions may be when an intent is matched against it,
   * in milliseconds: a subscription taken by another process sharing the backend reaches this
   * one's casts at most this much later. Default 1,000.
   */
  readonly subscribersMaxAgeMs?: number
}

/**
 * What the relay tells `on.outcome` about each request, for metrics and logs. It holds no DID:
 * `route` names the endpoint, not the mailbox.
 *
 * @example
 * ```ts
 * const on: RelayCallbacks = { outcome: (e: RelayOutcome) => metrics.observe(e.route ?? 'other', e.status, e.ms) }
 * ```
 */
export interface RelayOutcome {
  readonly method: string
  /** The endpoint; undefined for a path the relay does not serve. */
  readonly route: 'intents' | 'subscriptions' | 'mailbox' | undefined
  readonly status: number
  /** `answered` (2xx), `refused` (4xx but 429), `limited` (429 from `admit`), `failed` (5xx). */
  readonly result: 'answered' | 'refused' | 'limited' | 'failed'
  /** The problem's code, when the answer is a problem that has one. */
  readonly code?: IntentcastErrorCode
  /** Milliseconds until the answer (for an event stream, until it started). */
  readonly ms: number
}

/**
 * The deployment's hooks. None is required.
 *
 * @example
 * ```ts
 * const on: RelayCallbacks = {
 *   admit: (request, client) => limiter.take(request.headers.get('x-forwarded-for') ?? client.address ?? 'unknown'),
 *   error: (e) => log.error(e),
 * }
 * ```
 */
export interface RelayCallbacks {
  /** A rate limit, asked before any work: false answers 429 without reading the body. */
  readonly admit?: (request: Request, client: ClientInfo) => Awaitable<boolean>
  /** Hears every answer. A listener that throws changes nothing. */
  readonly outcome?: (event: RelayOutcome) => void
  /** Hears every failure answered 500 (the backend's, a store's, a callback's). Default: console.error. */
  readonly error?: (error: unknown) => void
}

/**
 * Who may call from a browser.
 *
 * @example
 * ```ts
 * const http: RelayHttp = { cors: '*' }
 * ```
 */
export interface RelayHttp {
  /** Browser origins allowed to call, or `'*'`. Default: none (no CORS headers). */
  readonly cors?: readonly string[] | '*'
}

/**
 * Everything `createRelayHandler` takes; nothing else is accepted.
 *
 * @example
 * ```ts
 * const options: RelayHandlerOptions = {
 *   url: 'https://relay.example/relay',
 *   limits: { streamBufferBytes: 524_288 },
 *   on: { error: (e) => log.error(e) },
 *   http: { cors: '*' },
 * }
 * ```
 */
export interface RelayHandlerOptions {
  /**
   * The relay's public URL, e.g. `https://relay.example/relay`: the audience of subscriptions,
   * the base of mailbox URLs (`<url>/mailboxes/<did>`), and by its path where the handler serves.
   */
  readonly url: string
  /** Where mailboxes live. Default: a MemoryRelayBackend of this handler's own. */
  readonly backend?: RelayBackend
  readonly stores?: RelayStores
  readonly limits?: RelayLimits
  readonly on?: RelayCallbacks
  readonly http?: RelayHttp
}
