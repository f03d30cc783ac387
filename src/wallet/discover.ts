import { IntentcastError, isIntentcastError } from '../errors.js'
import { kidForDid } from '../keys/did-key.js'
import { DEFAULT_MAX_BYTES, verify, type Verified } from '../envelope/verify.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8 } from '../lib/utf8.js'
import type { TermSet } from '../model/term-set.js'
import { exchange } from '../http/client.js'
import { MEDIA_TYPE_JSON, WELL_KNOWN_PATH } from '../model/media-types.js'
import { liveKeys, parseVendorDocument, type VendorKey } from '../model/vendor-document.js'
import {
  GPC_PATH,
  MYTERMS_PATH,
  parseGpc,
  parseMyTerms,
  termSetFromSignals,
  type GpcDocument,
  type MyTermsDocument,
} from '../model/well-known.js'
import { checkSendOptions, UNLINKED, type FetchLike } from './send.js'

/**
 * How `discover` fetches: the fetch to use, a deadline and a size limit per document, a
 * cancellation signal, and the clock keys and terms are checked against.
 *
 * @example
 * ```ts
 * const vendor = await discover('https://shop.example', { timeoutMs: 2_000, signal: AbortSignal.timeout(5_000) })
 * ```
 */
export interface DiscoverOptions {
  readonly fetch?: FetchLike
  /** Milliseconds for each fetch (they run in parallel). Default 5,000. */
  readonly timeoutMs?: number
  /** The largest document read. Default DEFAULT_MAX_BYTES (64 KiB). */
  readonly maxBytes?: number
  readonly signal?: AbortSignal
  /** The time keys and terms are checked at. Default: now. */
  readonly now?: Date
}

/**
 * Where to send messages to a vendor, and the keys its answers must be signed with: what a cast
 * needs when the vendor is known already, so it is not discovered again. A negotiation's vendor
 * is one too: a vendor the wallet reached at its site, or one it met through a relay (`relay`
 * and `did` set), whose messages go to its mailbox there and whose answers come to the cast's
 * mailbox at that relay.
 *
 * @example
 * ```ts
 * const known: VendorTarget = { origin: 'https://shop.example', endpoint: 'https://shop.example/intentcast/messages', keys: saved.keys }
 * const result = await wallet.cast(body, [known])
 * for (const o of result.offers) console.log(o.vendor.relay ? `${o.vendor.did} via ${o.vendor.relay}` : o.vendor.origin)
 * ```
 */
export interface VendorTarget {
  /**
   * The origin the vendor was found at: its site's, or for a vendor met through a relay, the
   * relay's. For a vendor found at its site, it names the wallet's relationship key for it.
   */
  readonly origin: string
  /** Where messages to the vendor are posted: its endpoint, or its mailbox at the relay. */
  readonly endpoint: string
  /** The vendor's listed keys, when known: answers signed by any other key are refused. */
  readonly keys?: readonly VendorKey[]
  /**
   * Set for a vendor met through a relay: the relay's URL. Its answers do not come back in the
   * answer to a request but in the cast's mailbox there (spec §Relay binding).
   */
  readonly relay?: string
  /**
   * Set with `relay`: the vendor's DID, the key that made its offer. The vendor has no origin the
   * wallet knows, so this names the wallet's relationship key for it (`wallet.vendorKey`), and
   * its answers must be signed by it.
   */
  readonly did?: string
}

/**
 * What a vendor publishes, verified: where it takes intents, its terms and the keys its
 * answers must be signed with. Pass it to a cast as it is: the vendor is not fetched again.
 *
 * @example
 * ```ts
 * const vendor: DiscoveredVendor = await discover('https://shop.example')
 * if (vendor.termSet && matchTerms(myTerms, vendor.termSet).state === 'lit') await wallet.cast(body, [vendor])
 * ```
 */
export interface DiscoveredVendor {
  readonly origin: string
  /** Absent when the vendor publishes only the other signals: it takes no intents. */
  readonly endpoint?: string
  /** The vendor's signed terms declaration, verified. */
  readonly terms?: Verified<'terms', 'jws'>
  /** The terms to match against (matchTerms): the declaration's, or those its other signals stand for. */
  readonly termSet?: TermSet
  readonly keys: readonly VendorKey[]
  readonly mediaTypes: readonly string[]
  readonly myterms?: MyTermsDocument
  readonly gpc?: GpcDocument
}

/**
 * Finds out what a vendor publishes (spec §HTTP binding, Discovery): its vendor document,
 * verified (terms signed by one of its listed current keys, an endpoint on the same origin),
 * and its myterms.json and gpc.json, read where present. A vendor with no document but a
 * myterms.json still gets a term set. Every fetch has a deadline, a size limit and a
 * content-type check, and follows no redirect.
 *
 * A malformed `origin` (not an https URL, or http off loopback) is the caller's mistake:
 * ERR_INVALID_ARGUMENT before any fetch. Whatever the vendor serves wrong is its code: ERR_SCHEMA
 * (an endpoint that is no URL), ERR_BROKEN_LINK (an endpoint on another origin), ERR_UNREACHABLE,
 * ERR_TIMEOUT, ERR_TOO_LARGE, ERR_MALFORMED, ERR_KEY_UNRESOLVED.
 *
 * @example
 * ```ts
 * import { discover } from 'intentcast/wallet'
 *
 * const vendor = await discover('https://shop.example')
 * console.log(vendor.endpoint, vendor.terms?.payload.name, vendor.mediaTypes)
 * ```
 */
export async function discover(origin: string, options: DiscoverOptions = {}): Promise<DiscoveredVendor> {
  const base = checkOrigin(origin)
  checkSendOptions(options)
  const get = (path: string): Promise<unknown> => getJson(base, path, options)
  // The signals are unsigned hints: one that fails to load or parse counts as absent.
  const hint = <T>(path: string, parse: (json: unknown) => T): Promise<T | undefined> =>
    get(path)
      .then((json) => (json === undefined ? undefined : parse(json)))
      .catch(() => undefined)
  const [document, myterms, gpc] = await Promise.all([
    get(WELL_KNOWN_PATH),
    hint(MYTERMS_PATH, parseMyTerms),
    hint(GPC_PATH, parseGpc),
  ])
  options.signal?.throwIfAborted()
  const signals = { ...(myterms && { myterms }), ...(gpc && { gpc }) }
  if (document === undefined) {
    const termSet = termSetFromSignals(myterms, gpc)
    if (!myterms && !gpc)
      throw new IntentcastError('ERR_UNREACHABLE', `${base} publishes no intentcast document, myterms.json or gpc.json`)
    return { origin: base, keys: [], mediaTypes: [], ...(termSet && { termSet }), ...signals }
  }
  const doc = parseVendorDocument(document)
  const now = options.now ?? new Date()
  if (originOf(doc.endpoint) !== base) {
    throw new IntentcastError(
      'ERR_BROKEN_LINK',
      `the endpoint ${doc.endpoint.slice(0, 128)} is not on ${base}: intents go only to the origin the customer chose`,
    )
  }
  const terms = await verify(doc.terms, { expect: 'terms', now })
  if (terms.payload.role !== 'vendor')
    throw new IntentcastError('ERR_TYPE_MISMATCH', "the vendor document holds a customer's terms")
  const current = doc.keys.keys.filter((k) => k.status === 'current')
  if (!current.some((k) => k.kid === kidForDid(terms.issuer))) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', "the terms are not signed by one of the vendor's current keys")
  }
  return {
    origin: base,
    endpoint: doc.endpoint,
    terms,
    termSet: terms.payload.terms,
    keys: liveKeys(doc.keys.keys, now),
    mediaTypes: doc.mediaTypes,
    ...signals,
  }
}

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/

/**
 * The origin of `origin`; https, or http on loopback (development and tests). The caller chose
 * it, so anything else is ERR_INVALID_ARGUMENT (castIntent checks every target with it up front).
 */
export function checkOrigin(origin: string): string {
  let url: URL
  try {
    url = new URL(origin)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${String(origin).slice(0, 64)} is not a URL`, { cause })
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a vendor is discovered over https (plain http only on loopback)')
  }
  return url.origin
}

/**
 * The origin of a URL the vendor's document carries. The schema only checks its outline
 * (`https://` and no spaces), which lets through what WHATWG URL refuses, such as `https://[x`;
 * that is the vendor's bad bytes, so a wire code, never the parser's TypeError.
 */
function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin
  } catch (cause) {
    throw new IntentcastError('ERR_SCHEMA', `the vendor document's endpoint ${endpoint.slice(0, 128)} is not a URL`, {
      cause,
    })
  }
}

/** A JSON document, or undefined when there is none (404 or 410). */
async function getJson(base: string, path: string, options: DiscoverOptions): Promise<unknown> {
  const url = base + path
  const answer = await exchange(
    url,
    { method: 'GET', headers: { accept: MEDIA_TYPE_JSON, ...UNLINKED } },
    {
      fetch: options.fetch,
      timeoutMs: options.timeoutMs ?? 5_000,
      signal: options.signal,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      what: path,
    },
  )
  if (answer.status === 404 || answer.status === 410) return undefined
  if (answer.status !== 200)
    throw new IntentcastError('ERR_UNREACHABLE', `${url.slice(0, 128)} answered HTTP ${answer.status}`)
  if (answer.mediaType !== MEDIA_TYPE_JSON) {
    throw new IntentcastError(
      'ERR_MALFORMED',
      `${url.slice(0, 128)} is ${answer.mediaType.slice(0, 64) || 'untyped'}, not ${MEDIA_TYPE_JSON}`,
    )
  }
  try {
    return parseJsonStrict(fromUtf8(answer.body, url), url.slice(0, 128))
  } catch (e) {
    throw isIntentcastError(e)
      ? e
      : new IntentcastError('ERR_MALFORMED', `${url.slice(0, 128)} is not JSON`, { cause: e })
  }
}
