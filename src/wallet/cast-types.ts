/**
 * What casting takes and gives: the options, the progress events, the result. Apart from the
 * casting itself so the per-vendor exchange (cast.ts) and the wallet can share them.
 */
import type { IntentcastErrorCode } from '../errors.js'
import type { Verified } from '../envelope/verify.js'
import type { DiscoveredVendor, VendorTarget } from './discover.js'
import type { VendorReply } from './reply.js'
import type { SendOptions } from './send.js'

/**
 * A vendor that did not answer with a valid offer, and why: its code says whose fault it was
 * (ERR_TIMEOUT, ERR_UNREACHABLE, ERR_KEY_UNRESOLVED, or the code of the vendor's problem).
 *
 * @example
 * ```ts
 * for (const f of result.failures) console.warn(`${f.vendor}: ${f.code} ${f.message}`)
 * ```
 */
export interface CastFailure {
  /** The vendor's origin. */
  readonly vendor: string
  readonly code: IntentcastErrorCode
  readonly message: string
}

/**
 * What a cast reports as it goes, once or more per vendor, for a progress display.
 *
 * @example
 * ```ts
 * const onProgress = (e: CastProgress) => {
 *   if (e.type === 'offer') console.log(`${e.vendor}: ${e.offer.payload.price.amount}`)
 *   if (e.type === 'failed') console.log(`${e.vendor}: ${e.failure.code}`)
 * }
 * ```
 */
export type CastProgress =
  | { readonly type: 'discovering'; readonly vendor: string }
  | { readonly type: 'sending'; readonly vendor: string; readonly attempt: number }
  | { readonly type: 'offer'; readonly vendor: string; readonly offer: Verified<'offer'> }
  | { readonly type: 'pending'; readonly vendor: string }
  | { readonly type: 'failed'; readonly vendor: string; readonly failure: CastFailure }

/**
 * How a cast goes: how many vendors at once, each one's deadline, retries, the size limit, the
 * `Sec-GPC` signal, cancellation and progress. Checked before any request.
 *
 * @example
 * ```ts
 * const options: CastOptions = { concurrency: 4, timeoutMs: 5_000, gpc: true, onProgress: (e) => console.log(e.type, e.vendor) }
 * ```
 */
export interface CastOptions extends Pick<SendOptions, 'fetch' | 'retries' | 'backoffMs' | 'maxBytes' | 'gpc'> {
  /** How many vendors are talked to at once. Default 8. */
  readonly concurrency?: number
  /** Milliseconds each vendor gets, discovery and retries included. Default 10,000. */
  readonly timeoutMs?: number
  /** Cancels the cast: it then rejects with the signal's reason. */
  readonly signal?: AbortSignal
  readonly onProgress?: (event: CastProgress) => void
  /** The time offers are checked at (and, for `wallet.cast`, the intent signed at). Default: now. */
  readonly now?: Date
}

/**
 * A valid offer, with its place in the ranking (`rankOffers`): its score and the reasons.
 *
 * @example
 * ```ts
 * const [best]: readonly CastOffer[] = result.offers
 * console.log(best?.vendor.origin, best?.score, best?.reasons.join('; '))
 * ```
 */
export type CastOffer<R extends VendorReply = VendorReply> = R & {
  readonly proposal: Verified<'offer'>
  readonly score: number
  readonly reasons: readonly string[]
}

/**
 * What a cast brings back: the intent, the ranked offers, the offers that break a hard limit of
 * the intent, the vendors with no offer yet, and the failures. `R` is what each offer is held
 * as: a `Negotiation` when the wallet cast it (`wallet.cast`), a `VendorReply` otherwise.
 *
 * @example
 * ```ts
 * const result: CastResult = await castIntent(signedIntent, vendors)
 * if (result.offers.length === 0) console.log('no offer ranks', result.excluded, result.failures)
 * ```
 */
export interface CastResult<R extends VendorReply = VendorReply> {
  /** The intent that was cast, verified. */
  readonly intent: Verified<'intent'>
  /** Valid offers, best first (rankOffers). */
  readonly offers: ReadonlyArray<CastOffer<R>>
  /** Valid offers that break one of the intent's hard limits, with the reasons. */
  readonly excluded: ReadonlyArray<R & { readonly proposal: Verified<'offer'>; readonly reasons: readonly string[] }>
  /** Vendors that took the intent without an offer yet (202). */
  readonly pending: readonly string[]
  readonly failures: readonly CastFailure[]
}

/**
 * A vendor as a cast takes it: an origin to discover, or a vendor already discovered or known.
 *
 * @example
 * ```ts
 * const vendors: CastTarget[] = ['https://shop.example', await discover('https://bikes.example')]
 * ```
 */
export type CastTarget = string | VendorTarget | DiscoveredVendor
