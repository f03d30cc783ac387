import { IntentcastError } from '../errors.js'
import { parseJsonStrict } from '../lib/json.js'
import { DEFAULT_MAX_BYTES } from '../lib/limits.js'
import { WELL_KNOWN_PATH } from '../model/media-types.js'
import type { TermSet } from '../model/term-set.js'
import { verifyDeclaration, type DeclarationOptions } from './declaration.js'

/**
 * The vendor side of an r-button: its terms, and who vouches for them.
 * @example
 * ```ts
 * const vendor: Vendor = { terms: { agreements: ['SD-BASE'] } } // terms the page gave, unsigned
 * ```
 */
export interface Vendor {
  readonly terms: TermSet
  /** The name the vendor signed into its declaration: what the panel calls it. */
  readonly name?: string
  readonly url?: string
  /** The DID that signed the declaration; absent for terms the page gave as plain JSON. */
  readonly signer?: string
}

/**
 * The most the element reads of a vendor document: a declaration is a few KB at most.
 * @example
 * ```ts
 * MAX_DOCUMENT_BYTES // 65536, the size limit of `verify`
 * ```
 */
export const MAX_DOCUMENT_BYTES = DEFAULT_MAX_BYTES
/**
 * How long discovery waits for a vendor document.
 * @example
 * ```ts
 * DISCOVERY_TIMEOUT_MS // 10000
 * ```
 */
export const DISCOVERY_TIMEOUT_MS = 10_000

/**
 * Verifies a signed `terms` declaration and checks that a vendor, not a customer, made it.
 * @param options - for tests: the clock and the signature backend.
 * @throws {IntentcastError} the code `verify` would give, or ERR_TYPE_MISMATCH for a customer's declaration.
 * @example
 * ```ts
 * const vendor = await vendorFromDeclaration(element.getAttribute('vendor-declaration')!)
 * vendor.name // 'Glasgow Prams', as the vendor signed it
 * ```
 */
export async function vendorFromDeclaration(jws: string, options?: DeclarationOptions): Promise<Vendor> {
  const { payload, issuer } = await verifyDeclaration(jws.trim(), options)
  if (payload.role !== 'vendor')
    throw new IntentcastError('ERR_TYPE_MISMATCH', "the declaration is a customer's terms, not a vendor's")
  return {
    terms: payload.terms,
    signer: issuer,
    ...(payload.name !== undefined && { name: payload.name }),
    ...(payload.url !== undefined && { url: payload.url }),
  }
}

/**
 * Reads the vendor document of `origin` and verifies the declaration in it.
 *
 * This fetches the document itself rather than calling the SDK's `discover()`: the element
 * needs only the signed terms, and `discover()` also brings the myterms.json and GPC readers
 * and the key-rotation checks, which the browser bundle's size budget cannot carry. What the
 * element trusts is the same either way: a declaration whose signature verifies, served by the
 * origin the page names.
 * @throws {IntentcastError} ERR_UNREACHABLE, ERR_TOO_LARGE, ERR_MALFORMED or ERR_SCHEMA for a
 *   missing or unusable document, or the declaration's own code.
 * @example
 * ```ts
 * const vendor = await discoverVendor('https://shop.example', new AbortController().signal)
 * ```
 */
export async function discoverVendor(origin: string, signal: AbortSignal): Promise<Vendor> {
  const url = URL.canParse(origin) ? new URL(WELL_KNOWN_PATH, origin).href : ''
  if (!url) throw new IntentcastError('ERR_INVALID_ARGUMENT', `${origin.slice(0, 64)} is not a URL`)
  let response: Response
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      credentials: 'omit',
      signal: AbortSignal.any([signal, AbortSignal.timeout(DISCOVERY_TIMEOUT_MS)]),
    })
  } catch (cause) {
    // A network failure is a TypeError whose wording differs per browser; say what it means.
    throw new IntentcastError(
      'ERR_UNREACHABLE',
      `${url} could not be reached or did not answer within ${DISCOVERY_TIMEOUT_MS / 1000} s`,
      { cause },
    )
  }
  if (!response.ok) throw new IntentcastError('ERR_UNREACHABLE', `${url} answered ${response.status}`)
  if (!/^application\/([\w.-]+\+)?json\b/i.test(response.headers.get('content-type') ?? '')) {
    throw new IntentcastError('ERR_UNREACHABLE', `${url} is not JSON`)
  }
  // Content-Length refuses an oversized document before reading it; the text length catches
  // one sent without it (chunked), after reading.
  const text = Number(response.headers.get('content-length')) > MAX_DOCUMENT_BYTES ? '' : await response.text()
  if (text.length === 0 || text.length > MAX_DOCUMENT_BYTES)
    throw new IntentcastError('ERR_TOO_LARGE', `${url} is empty or larger than ${MAX_DOCUMENT_BYTES} bytes`)
  const doc = parseJsonStrict(text, url) as { terms?: unknown } | null
  if (typeof doc?.terms !== 'string')
    throw new IntentcastError('ERR_SCHEMA', `${url} holds no signed terms declaration`)
  return vendorFromDeclaration(doc.terms)
}
