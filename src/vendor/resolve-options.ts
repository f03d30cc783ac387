/**
 * Resolves the handler's options. `resolveOptions` copies the documented options only (as
 * jose's `prepareVerify` does) and checks every value, so that a misspelt option
 * (`limits.maxBodyByte`) or one from an older version (`onIntent`) fails at start with
 * ERR_INVALID_ARGUMENT naming it, rather than being ignored while a default quietly applies;
 * and so that the handler reads each option once, from a copy the caller cannot change under it.
 * The generic pieces (picking keys, numbers, origins, CORS) are src/http/options.ts; this file is
 * the vendor's own option groups and their values, kept together so one place says what the
 * handler accepts.
 */
import type { TermsBody } from '../envelope/sign.js'
import type { KeyPair } from '../keys/key-pair.js'
import { corsOption, invalidArgument, isOrigin, optionGroup, pickOptions, positiveOption } from '../http/options.js'
import { DEFAULT_MAX_BYTES } from '../lib/limits.js'
import { parseDuration } from '../lib/time.js'
import { parseGpc, parseMyTerms } from '../model/well-known.js'
import { MemoryAgreementStore, type AgreementStore } from '../agreements/store.js'
import { MemoryReplayStore, type ReplayStore } from '../replay/store.js'
import type { VendorCallbacks } from './callbacks.js'
import type {
  PreviousKey,
  VendorDocuments,
  VendorHandlerOptions,
  VendorHttp,
  VendorLimits,
  VendorStores,
} from './options.js'
import { relayUrl } from './relay-client.js'
import { MemoryThreadStore, type ThreadStore } from './thread-store.js'

/** The options as the handler uses them: checked, copied, defaults applied. */
export interface ResolvedOptions {
  readonly keyPair: KeyPair
  readonly previousKeys: readonly PreviousKey[]
  readonly terms: TermsBody | string
  readonly on: Omit<VendorCallbacks, 'error' | 'admit' | 'outcome'>
  readonly onError: (error: unknown) => void
  readonly admit: VendorCallbacks['admit']
  readonly onOutcome: VendorCallbacks['outcome']
  readonly replay: ReplayStore
  readonly threads: ThreadStore
  readonly agreements: AgreementStore
  readonly maxBodyBytes: number
  readonly bodyTimeoutMs: number
  /** The sign options that set the lifetime of offers and counters. */
  readonly lifetime: { readonly expiresIn?: number }
  /**
   * The configured public origin. Undefined: the vendor document takes its endpoint from each
   * request's URL (its `Host`) and is therefore served `no-store` (spec §The vendor document).
   */
  readonly origin: string | undefined
  /** `<basePath>/messages`. */
  readonly endpointPath: string
  readonly cors: readonly string[] | '*' | undefined
  /** The relays trusted for later offers, as relay URLs are compared: without a trailing slash. */
  readonly relays: readonly string[]
  readonly documents: VendorDocuments
}

// Records, not lists, so the compiler checks each is exactly its interface's keys.
const TOP: Record<keyof VendorHandlerOptions, true> = {
  keyPair: true,
  previousKeys: true,
  terms: true,
  on: true,
  stores: true,
  limits: true,
  http: true,
  documents: true,
}
const ON: Record<keyof VendorCallbacks, true> = {
  intent: true,
  counter: true,
  acceptance: true,
  withdrawal: true,
  error: true,
  admit: true,
  outcome: true,
}
const STORES: Record<keyof VendorStores, true> = { replay: true, threads: true, agreements: true }
const LIMITS: Record<keyof VendorLimits, true> = { maxBodyBytes: true, bodyTimeoutMs: true, proposalExpiresIn: true }
const HTTP: Record<keyof VendorHttp, true> = { origin: true, basePath: true, cors: true, relays: true }
const DOCUMENTS: Record<keyof VendorDocuments, true> = { myterms: true, gpc: true }
const PREVIOUS_KEY: Record<keyof PreviousKey, true> = { keyPair: true, expiresAt: true }

/** Checks and copies the options. Throws ERR_INVALID_ARGUMENT naming the first one that is wrong. */
export function resolveOptions(options: VendorHandlerOptions): ResolvedOptions {
  const o = pick<VendorHandlerOptions>(options, TOP, '')
  if (!isKeyPair(o.keyPair)) throw invalid('keyPair is required: a key pair from generateKeyPair()')
  const previousKeys = previous(o.previousKeys)
  if (typeof o.terms !== 'string' && (typeof o.terms !== 'object' || o.terms === null))
    throw invalid('terms is required: a terms body, or a signed declaration')
  const { moves, onError, admit, onOutcome } = callbacks(o.on)
  const stores = group<VendorStores>(o.stores, STORES, 'stores')
  if (stores.replay !== undefined && typeof stores.replay?.add !== 'function')
    throw invalid('stores.replay is a ReplayStore: an object with add(key, expiresAt)')
  if (
    stores.threads !== undefined &&
    (typeof stores.threads?.get !== 'function' ||
      typeof stores.threads.set !== 'function' ||
      (stores.threads.lock !== undefined && typeof stores.threads.lock !== 'function'))
  ) {
    throw invalid('stores.threads is a ThreadStore: an object with get(digest), set(thread, expected) and maybe lock')
  }
  if (
    stores.agreements !== undefined &&
    ['put', 'get', 'list'].some(
      (m) => typeof (stores.agreements as unknown as Record<string, unknown>)?.[m] !== 'function',
    )
  ) {
    throw invalid('stores.agreements is an AgreementStore: an object with put(thread), get(digest) and list()')
  }
  const limits = group<VendorLimits>(o.limits, LIMITS, 'limits')
  const http = group<VendorHttp>(o.http, HTTP, 'http')
  const basePath = http.basePath === undefined ? '/intentcast' : http.basePath
  if (typeof basePath !== 'string' || (basePath !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)))
    throw invalid('http.basePath is empty or a path like /intentcast')
  if (http.origin !== undefined && !isOrigin(http.origin))
    throw invalid('http.origin must be an origin (scheme://host[:port])')
  const cors = corsOption(http.cors, invalid)
  return {
    keyPair: o.keyPair,
    previousKeys,
    terms: o.terms,
    on: moves,
    onError,
    admit,
    onOutcome,
    replay: stores.replay ?? new MemoryReplayStore(),
    threads: stores.threads ?? new MemoryThreadStore(),
    agreements: stores.agreements ?? new MemoryAgreementStore(),
    maxBodyBytes: positive(limits.maxBodyBytes, 'limits.maxBodyBytes', DEFAULT_MAX_BYTES),
    bodyTimeoutMs: positive(limits.bodyTimeoutMs, 'limits.bodyTimeoutMs', 10_000),
    lifetime:
      limits.proposalExpiresIn === undefined
        ? {}
        : { expiresIn: parseDuration(limits.proposalExpiresIn, 'createVendorHandler: limits.proposalExpiresIn') },
    origin: http.origin,
    endpointPath: `${basePath}/messages`,
    cors,
    relays: relays(http.relays),
    documents: documents(o.documents),
  }
}

const invalid = invalidArgument('createVendorHandler')
const pick = <T extends object>(value: unknown, known: Record<keyof T, true>, where: string): Partial<T> =>
  pickOptions<T>(value, known, where, invalid)
const group = <T extends object>(value: unknown, known: Record<keyof T, true>, where: string): Partial<T> =>
  optionGroup<T>(value, known, where, invalid)
const positive = (v: unknown, name: string, fallback: number): number => positiveOption(v, name, fallback, invalid)

/**
 * The callbacks, each checked to be a function and bound to the object they came on, so that a
 * class instance's methods keep their `this`.
 */
function callbacks(
  value: unknown,
): Pick<ResolvedOptions, 'onError' | 'admit' | 'onOutcome'> & { moves: ResolvedOptions['on'] } {
  if (value === undefined)
    throw invalid('on is required: { intent, counter?, acceptance?, withdrawal?, error?, admit?, outcome? }')
  const on = pick<VendorCallbacks>(value, ON, 'on')
  if (on.intent === undefined) throw invalid('on.intent is required')
  const bound: Record<string, unknown> = {}
  for (const [name, f] of Object.entries(on)) {
    if (typeof f !== 'function') throw invalid(`on.${name} must be a function`)
    bound[name] = (f as (...args: unknown[]) => unknown).bind(value)
  }
  const { error, admit, outcome, ...moves } = bound as unknown as VendorCallbacks
  return {
    moves,
    onError: error ?? ((e: unknown) => console.error('intentcast: vendor handler failure', e)),
    admit,
    onOutcome: outcome,
  }
}

function relays(list: unknown): string[] {
  if (list === undefined) return []
  if (!Array.isArray(list)) throw invalid('http.relays is a list of relay URLs')
  return list.map((url: unknown, i) => {
    try {
      return relayUrl(url)
    } catch (cause) {
      throw invalid(`http.relays[${i}] ${(cause as Error).message}`, cause)
    }
  })
}

function previous(list: unknown): PreviousKey[] {
  if (list === undefined) return []
  if (!Array.isArray(list)) throw invalid('previousKeys is a list of { keyPair, expiresAt }')
  return list.map((entry: unknown, i) => {
    const k = pick<PreviousKey>(entry, PREVIOUS_KEY, `previousKeys[${i}]`)
    if (!isKeyPair(k.keyPair) || !(k.expiresAt instanceof Date) || Number.isNaN(k.expiresAt.getTime())) {
      throw invalid(`previousKeys[${i}] is { keyPair, expiresAt: Date }`)
    }
    return { keyPair: k.keyPair, expiresAt: new Date(k.expiresAt.getTime()) }
  })
}

function documents(value: unknown): VendorDocuments {
  const d = group<VendorDocuments>(value, DOCUMENTS, 'documents')
  const myterms = wellKnown(d.myterms, parseMyTerms, 'myterms')
  const gpc = wellKnown(d.gpc, parseGpc, 'gpc')
  return { ...(myterms && { myterms }), ...(gpc && { gpc }) }
}

/**
 * A well-known document, checked as a wallet reads it (so a vendor never serves one wallets
 * refuse), and copied: it is served as it was at start.
 */
function wellKnown<T>(doc: T | undefined, parse: (json: unknown) => unknown, name: string): T | undefined {
  if (doc === undefined) return undefined
  try {
    parse(doc)
  } catch (cause) {
    throw invalid(`documents.${name} is not a valid ${name} document (${(cause as Error).message})`, cause)
  }
  return structuredClone(doc)
}

function isKeyPair(k: unknown): k is KeyPair {
  const kp = k as Partial<KeyPair> | undefined
  return typeof kp?.did === 'string' && typeof kp.privateJwk?.d === 'string'
}
