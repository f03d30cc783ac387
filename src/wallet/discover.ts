import { IntentcastError, isIntentcastError } from '../errors.js'
import { kidForDid } from '../keys/did-key.js'
import { verify, type Verified } from '../envelope/verify.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8 } from '../lib/utf8.js'
import type { TermSet } from '../model/term-set.js'
import { exchange, type FetchLike } from '../http/client.js'
import { MEDIA_TYPE_JSON, WELL_KNOWN_PATH } from '../model/media-types.js'
import { liveKeys, parseVendorDocument, type VendorKey } from '../model/vendor-document.js'
import { GPC_PATH, MYTERMS_PATH, parseGpc, parseMyTerms, termSetFromSignals, type GpcDocument, type MyTermsDocument } from '../model/well-known.js'

export interface DiscoverOptions {
  readonly fetch?: FetchLike
  /** Milliseconds for each fetch (they run in parallel). Default 5,000. */
  readonly timeoutMs?: number
  /** The largest document read. Default 65,536 bytes. */
  readonly maxBytes?: number
  readonly signal?: AbortSignal
  /** The time keys and terms are checked at. Default: now. */
  readonly now?: Date
}

/** Where to send messages to a vendor, and the keys its answers must be signed with. */
export interface VendorTarget {
  /** The origin the vendor was found at; it names the wallet's relationship key for it. */
  readonly origin: string
  readonly endpoint: string
  /** The vendor's listed keys, when known: answers signed by any other key are refused. */
  readonly keys?: readonly VendorKey[]
}

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
 */
export async function discover(origin: string, options: DiscoverOptions = {}): Promise<DiscoveredVendor> {
  const base = checkOrigin(origin)
  const get = (path: string): Promise<unknown> => getJson(base + path, options)
  // The signals are unsigned hints: one that fails to load or parse counts as absent.
  const hint = <T>(path: string, parse: (json: unknown) => T): Promise<T | undefined> =>
    get(path)
      .then((json) => (json === undefined ? undefined : parse(json)))
      .catch(() => undefined)
  const [document, myterms, gpc] = await Promise.all([get(WELL_KNOWN_PATH), hint(MYTERMS_PATH, parseMyTerms), hint(GPC_PATH, parseGpc)])
  options.signal?.throwIfAborted()
  const signals = { ...(myterms && { myterms }), ...(gpc && { gpc }) }
  if (document === undefined) {
    const termSet = termSetFromSignals(myterms, gpc)
    if (!myterms && !gpc) throw new IntentcastError('ERR_UNREACHABLE', `${base} publishes no intentcast document, myterms.json or gpc.json`)
    return { origin: base, keys: [], mediaTypes: [], ...(termSet && { termSet }), ...signals }
  }
  const doc = parseVendorDocument(document)
  const now = options.now ?? new Date()
  if (new URL(doc.endpoint).origin !== base) {
    throw new IntentcastError('ERR_BROKEN_LINK', `the endpoint ${doc.endpoint.slice(0, 128)} is not on ${base}: intents go only to the origin the customer chose`)
  }
  const terms = await verify(doc.terms, { expect: 'terms', now })
  if (terms.payload.role !== 'vendor') throw new IntentcastError('ERR_TYPE_MISMATCH', 'the vendor document holds a customer\'s terms')
  const current = doc.keys.keys.filter((k) => k.status === 'current')
  if (!current.some((k) => k.kid === kidForDid(terms.issuer))) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', 'the terms are not signed by one of the vendor\'s current keys')
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

/** The origin of `origin`; https, or http on loopback (development and tests). */
function checkOrigin(origin: string): string {
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

/** A JSON document, or undefined when there is none (404 or 410). */
async function getJson(url: string, options: DiscoverOptions): Promise<unknown> {
  const answer = await exchange(url, { method: 'GET', headers: { accept: MEDIA_TYPE_JSON } }, {
    fetch: options.fetch,
    timeoutMs: options.timeoutMs ?? 5_000,
    signal: options.signal,
    maxBytes: options.maxBytes ?? 65_536,
    what: new URL(url).pathname,
  })
  if (answer.status === 404 || answer.status === 410) return undefined
  if (answer.status !== 200) throw new IntentcastError('ERR_UNREACHABLE', `${url.slice(0, 128)} answered HTTP ${answer.status}`)
  if (answer.mediaType !== MEDIA_TYPE_JSON) {
    throw new IntentcastError('ERR_MALFORMED', `${url.slice(0, 128)} is ${answer.mediaType.slice(0, 64) || 'untyped'}, not ${MEDIA_TYPE_JSON}`)
  }
  try {
    return parseJsonStrict(fromUtf8(answer.body, url), url.slice(0, 128))
  } catch (e) {
    throw isIntentcastError(e) ? e : new IntentcastError('ERR_MALFORMED', `${url.slice(0, 128)} is not JSON`, { cause: e })
  }
}
