/**
 * `vendor` mode: drives a live vendor endpoint, in any language, through the HTTP binding and
 * reports each rule it keeps or breaks. The order is the order a wallet meets a vendor in:
 * discovery, then whole threads (plain JWS, sealed JWS and, when the vendor takes COSE, sealed
 * COSE), then a withdrawn thread, then the hostile requests. Every thread uses fresh keys, so no
 * check depends on what another left in the vendor's stores.
 */
import { IntentcastError } from '../errors.js'
import { signIntent, type IntentBody } from '../envelope/sign.js'
import { generateKeyPair } from '../keys/key-pair.js'
import { MEDIA_TYPE_COSE } from '../model/media-types.js'
import type { KitContext, Variant } from './customer.js'
import type { ConformanceFetch } from './probe.js'
import { Checklist, makeReport, type ConformanceReport } from './report.js'
import { negotiate, checkWithdrawnIntent } from './vendor-deal.js'
import { checkDiscovery, type VendorSite } from './vendor-discovery.js'
import { checkHostile } from './vendor-hostile.js'
import { openThread } from './vendor-offer.js'

/**
 * How `runVendorConformance` talks to the vendor, and what it casts.
 *
 * @example
 * ```ts
 * const options: VendorConformanceOptions = { timeoutMs: 5_000, maxBodyBytes: 131_072, intent: { want: { item: { name: 'espresso machine' } }, terms: { agreements: ['SD-BASE'] } } }
 * ```
 */
export interface VendorConformanceOptions {
  /** The fetch to use. Default: the global one. A test passes one that calls a handler in-process. */
  readonly fetch?: ConformanceFetch
  /** Milliseconds for each request, answer included. Default 10,000. */
  readonly timeoutMs?: number
  /** The vendor's request body limit, in bytes: one byte more must be 413. Default 65,536. */
  readonly maxBodyBytes?: number
  /**
   * The body of the intents the kit casts (without `replyKey`, which each variant sets). Default:
   * one "conformance test item" under the first agreement the vendor's terms take. Give one the
   * vendor would offer on, or every offer check passes as a 202 and the rest is skipped.
   */
  readonly intent?: IntentBody
}

const OPTIONS = ['fetch', 'timeoutMs', 'maxBodyBytes', 'intent']

const VARIANTS: readonly Variant[] = [
  { name: 'jws', format: 'jws', sealed: false },
  { name: 'jws-sealed', format: 'jws', sealed: true },
  { name: 'cose-sealed', format: 'cose', sealed: true },
]

/**
 * Runs every vendor check against the vendor at `url` (its origin is taken) and resolves the
 * report; a check that fails is in the report, never a rejection. Rejects only for the caller's
 * mistakes (ERR_INVALID_ARGUMENT): a URL that is not http(s), an option it does not take, an
 * intent body that cannot be signed.
 *
 * @example
 * ```ts
 * const report = await runVendorConformance('https://shop.example')
 * console.log(formatReport(report).join('\n'))
 * ```
 */
export async function runVendorConformance(
  url: string,
  options: VendorConformanceOptions = {},
): Promise<ConformanceReport> {
  const started = performance.now()
  const origin = originOf(url)
  const { fetch = globalThis.fetch, timeoutMs = 10_000, maxBodyBytes = 65_536, intent } = checkOptions(options)
  // The caller's intent body is checked before anything is sent: its mistake is no failure of the vendor's.
  if (intent !== undefined) await signIntent(intent, await generateKeyPair())
  const list = new Checklist()
  const http = { fetch, timeoutMs }
  const site = await checkDiscovery(list, http, origin)
  if (site === undefined) {
    list.skip(
      { id: 'messages', section: '§HTTP binding, Messages', title: 'the message checks' },
      'they need a vendor document with an endpoint on its origin and terms that verify',
    )
    return makeReport('vendor', origin, list.results, started)
  }
  const ctx: KitContext = { http, site, want: intent ?? defaultWant(site), maxBodyBytes }
  for (const variant of VARIANTS) {
    if (variant.format === 'cose' && !site.document.mediaTypes.includes(MEDIA_TYPE_COSE)) {
      list.skip(
        { id: `offer.${variant.name}`, section: '§COSE binding', title: 'the thread checks, in COSE' },
        `the vendor does not take ${MEDIA_TYPE_COSE} (optional)`,
      )
      continue
    }
    await negotiate(list, ctx, variant, await openThread(list, ctx, variant))
  }
  await checkWithdrawnIntent(list, ctx)
  await checkHostile(list, ctx)
  return makeReport('vendor', origin, list.results, started)
}

function originOf(url: string): string {
  if (typeof url !== 'string' || !URL.canParse(url))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${String(url).slice(0, 64)} is not a URL`)
  const parsed = new URL(url)
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a vendor is reached over https (or http, for a test server)')
  return parsed.origin
}

function checkOptions(options: VendorConformanceOptions): VendorConformanceOptions {
  if (typeof options !== 'object' || options === null)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'options must be an object')
  const unknown = Object.keys(options).find((k) => !OPTIONS.includes(k))
  if (unknown !== undefined)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `runVendorConformance has no option "${unknown.slice(0, 32)}"; it takes ${OPTIONS.join(', ')}`,
    )
  const { fetch, timeoutMs, maxBodyBytes } = options
  if (fetch !== undefined && typeof fetch !== 'function')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'fetch must be a function')
  for (const [name, n] of [
    ['timeoutMs', timeoutMs],
    ['maxBodyBytes', maxBodyBytes],
  ] as const)
    if (n !== undefined && !(Number.isSafeInteger(n) && n > 0))
      throw new IntentcastError('ERR_INVALID_ARGUMENT', `${name} must be a positive whole number`)
  return options
}

/** The kit's own intent body: a test item, under the first agreement the vendor's terms take. */
function defaultWant(site: VendorSite): IntentBody {
  return {
    want: { item: { name: 'conformance test item', category: 'conformance' }, quantity: 1 },
    terms: { agreements: [site.terms.payload.terms.agreements[0]!] },
  }
}
