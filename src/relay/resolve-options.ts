/**
 * Resolves the relay handler's options: the documented keys only, every value checked, defaults
 * applied, and copied, so the handler reads each option once from a copy the caller cannot
 * change under it. A mistake throws ERR_INVALID_ARGUMENT naming the option.
 */
import { corsOption, invalidArgument, optionGroup, pickOptions, positiveOption } from '../http/options.js'
import { DEFAULT_MAX_BYTES } from '../lib/limits.js'
import { MemoryReplayStore, type ReplayStore } from '../replay/store.js'
import type { MailboxLimits, RelayBackend } from './backend.js'
import { MemoryRelayBackend } from './memory.js'
import type { RelayCallbacks, RelayHandlerOptions, RelayHttp, RelayLimits, RelayStores } from './options.js'

/** The options as the handler uses them: checked, copied, defaults applied. */
export interface ResolvedRelayOptions {
  /** The public URL, without a trailing slash. */
  readonly url: string
  /** The path part of `url` the routes hang under: `''` or like `/relay`. */
  readonly basePath: string
  readonly backend: RelayBackend
  /** True when the handler made the backend, and so closes it. */
  readonly ownsBackend: boolean
  readonly replay: ReplayStore
  readonly maxBodyBytes: number
  readonly bodyTimeoutMs: number
  readonly mailbox: MailboxLimits
  /** `mailbox` with posted entries held to half of it: for posts to a vendor mailbox. */
  readonly vendorPosts: MailboxLimits
  readonly streamBufferBytes: number
  readonly maxStreams: number
  readonly subscribersMaxAgeMs: number
  readonly admit: RelayCallbacks['admit']
  readonly onOutcome: RelayCallbacks['outcome']
  readonly onError: (error: unknown) => void
  readonly cors: readonly string[] | '*' | undefined
}

// Records, not lists, so the compiler checks each is exactly its interface's keys.
const TOP: Record<keyof RelayHandlerOptions, true> = {
  url: true,
  backend: true,
  stores: true,
  limits: true,
  on: true,
  http: true,
}
const STORES: Record<keyof RelayStores, true> = { replay: true }
const LIMITS: Record<keyof RelayLimits, true> = {
  maxBodyBytes: true,
  bodyTimeoutMs: true,
  perSender: true,
  entries: true,
  bytes: true,
  streamBufferBytes: true,
  streams: true,
  subscribersMaxAgeMs: true,
}
const ON: Record<keyof RelayCallbacks, true> = { admit: true, outcome: true, error: true }
const HTTP: Record<keyof RelayHttp, true> = { cors: true }
const BACKEND_METHODS = ['open', 'info', 'append', 'read', 'watch', 'subscribers', 'close'] as const

const invalid = invalidArgument('createRelayHandler')

/** Checks and copies the options. Throws ERR_INVALID_ARGUMENT naming the first one that is wrong. */
export function resolveRelayOptions(options: RelayHandlerOptions): ResolvedRelayOptions {
  const o = pickOptions<RelayHandlerOptions>(options, TOP, '', invalid)
  const url = publicUrl(o.url)
  const backend = o.backend
  if (
    backend !== undefined &&
    BACKEND_METHODS.some((m) => typeof (backend as unknown as Record<string, unknown>)?.[m] !== 'function')
  )
    throw invalid(`backend is a RelayBackend: an object with ${BACKEND_METHODS.join(', ')}`)
  const stores = optionGroup<RelayStores>(o.stores, STORES, 'stores', invalid)
  if (stores.replay !== undefined && typeof stores.replay?.add !== 'function')
    throw invalid('stores.replay is a ReplayStore: an object with add(key, expiresAt)')
  const limits = optionGroup<RelayLimits>(o.limits, LIMITS, 'limits', invalid)
  const limit = (name: keyof RelayLimits, fallback: number): number =>
    positiveOption(limits[name], `limits.${name}`, fallback, invalid)
  const on = optionGroup<RelayCallbacks>(o.on, ON, 'on', invalid)
  const bound: Record<string, unknown> = {}
  for (const [name, f] of Object.entries(on)) {
    if (typeof f !== 'function') throw invalid(`on.${name} must be a function`)
    // Bound to the object they came on, so a class instance's methods keep their `this`.
    bound[name] = (f as (...args: unknown[]) => unknown).bind(o.on)
  }
  const callbacks = bound as RelayCallbacks
  const http = optionGroup<RelayHttp>(o.http, HTTP, 'http', invalid)
  const mailbox: MailboxLimits = {
    perSender: limit('perSender', 16),
    entries: limit('entries', 1_024),
    bytes: limit('bytes', 4 * 2 ** 20),
  }
  return {
    url,
    basePath: new URL(url).pathname.replace(/\/$/, ''),
    backend: backend ?? new MemoryRelayBackend(),
    ownsBackend: backend === undefined,
    replay: stores.replay ?? new MemoryReplayStore(),
    maxBodyBytes: limit('maxBodyBytes', DEFAULT_MAX_BYTES),
    bodyTimeoutMs: limit('bodyTimeoutMs', 10_000),
    mailbox,
    vendorPosts: {
      ...mailbox,
      posted: { entries: Math.ceil(mailbox.entries / 2), bytes: Math.ceil(mailbox.bytes / 2) },
    },
    streamBufferBytes: limit('streamBufferBytes', 2 ** 20),
    maxStreams: limit('streams', 10_000),
    subscribersMaxAgeMs: limit('subscribersMaxAgeMs', 1_000),
    admit: callbacks.admit,
    onOutcome: callbacks.outcome,
    onError: callbacks.error ?? ((e: unknown) => console.error('intentcast: relay handler failure', e)),
    cors: corsOption(http.cors, invalid),
  }
}

/**
 * The relay's URL as subscriptions name it and mailbox URLs start: http(s), no query, fragment
 * or credentials (none could be part of an audience compared exactly), no trailing slash.
 */
function publicUrl(value: unknown): string {
  const hint = 'url is required: the relay’s public URL, like https://relay.example/relay'
  if (typeof value !== 'string') throw invalid(hint)
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch (cause) {
    throw invalid(hint, cause)
  }
  const url = value.replace(/\/$/, '')
  if (
    (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') ||
    parsed.search !== '' ||
    parsed.hash !== '' ||
    parsed.username !== '' ||
    parsed.password !== '' ||
    // Written as the URL parser writes it, so `<url>/mailboxes/<did>` is exactly what clients send.
    parsed.href.replace(/\/$/, '') !== url ||
    url.length > 1_024
  )
    throw invalid(`${hint} (written as a URL parser writes it, without query or fragment)`)
  return url
}
