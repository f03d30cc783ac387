import { IntentcastError, isIntentcastError, type IntentcastErrorCode } from '../errors.js'
import { verify, type Verified } from '../envelope/verify.js'
import { discover, type DiscoveredVendor, type DiscoverOptions, type VendorTarget } from './discover.js'
import { mediaTypeOf } from '../http/media-type.js'
import { rankOffers } from '../terms/index.js'
import { Thread } from '../thread/thread.js'
import { verifyReply, type VendorReply } from './reply.js'
import { checkCast } from './check.js'
import { send, type SendOptions } from './send.js'

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
 * const [best]: readonly RankedOffer[] = result.offers
 * console.log(best?.vendor.origin, best?.score, best?.reasons.join('; '))
 * ```
 */
export type RankedOffer<R extends VendorReply = VendorReply> = R & {
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
  readonly offers: ReadonlyArray<RankedOffer<R>>
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

/**
 * Casts one signed intent to many vendors (spec §HTTP binding, Casting): a few at a time, each
 * within its own deadline, retrying network failures only. Every answer is verified (signature,
 * an offer, addressed to the intent's issuer, answering this intent, signed by one of the
 * vendor's listed keys); a vendor that fails is recorded and the cast goes on. The offers come
 * back in the intent's envelope, JWS (a string) or COSE (bytes); a discovered vendor that does
 * not list that envelope's media type fails without a request.
 *
 * This is for an intent signed elsewhere (the CLI's `--key`, another device): with a `Wallet`,
 * `wallet.cast` signs under a fresh cast key and returns offers the wallet can answer.
 * A malformed target or option is ERR_INVALID_ARGUMENT before any request.
 *
 * @example
 * ```ts
 * import { castIntent } from 'intentcast/wallet'
 *
 * const result = await castIntent(signedIntent, ['https://shop.example', 'https://bikes.example'], { timeoutMs: 5_000 })
 * for (const o of result.offers) console.log(o.vendor.origin, o.proposal.payload.price.amount, o.score)
 * ```
 */
export async function castIntent(
  signedIntent: string | Uint8Array,
  vendors: readonly CastTarget[],
  options: CastOptions = {},
): Promise<CastResult> {
  checkCast(vendors, options)
  const intent = await verify(signedIntent, { expect: 'intent', ...(options.now && { now: options.now }) })
  const offers: VendorReply[] = []
  const pending: string[] = []
  const failures: CastFailure[] = []
  const report = (event: CastProgress): void => {
    try {
      options.onProgress?.(event)
    } catch {
      // A failing progress callback is the caller's problem; it does not stop the cast.
    }
  }

  async function castTo(target: CastTarget): Promise<void> {
    const origin = typeof target === 'string' ? target : target.origin
    try {
      const outcome = await sendTo(signedIntent, intent, target, options, report)
      if (outcome === null) {
        pending.push(origin)
        report({ type: 'pending', vendor: origin })
      } else {
        offers.push(outcome)
        report({ type: 'offer', vendor: origin, offer: outcome.proposal as Verified<'offer'> })
      }
    } catch (e) {
      options.signal?.throwIfAborted()
      const failure: CastFailure = isIntentcastError(e)
        ? { vendor: origin, code: e.code, message: e.message }
        : { vendor: origin, code: 'ERR_INTERNAL', message: 'the vendor could not be cast to' }
      failures.push(failure)
      report({ type: 'failed', vendor: origin, failure })
    }
  }

  const queue = [...vendors]
  const workers = Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await castTo(next)
  })
  await Promise.all(workers)

  const ranking = rankOffers(
    intent,
    offers.map((o) => o.proposal as Verified<'offer'>),
  )
  const byOffer = new Map(offers.map((o) => [o.proposal, o]))
  return {
    intent,
    offers: ranking.ranked.map((r) => ({
      ...byOffer.get(r.offer)!,
      proposal: r.offer,
      score: r.score,
      reasons: r.reasons,
    })),
    excluded: ranking.excluded.map((x) => ({ ...byOffer.get(x.offer)!, proposal: x.offer, reasons: x.reasons })),
    pending,
    failures,
  }
}

/** One vendor: discover it if need be, send, verify the offer. Null when it answered 202. */
async function sendTo(
  signedIntent: string | Uint8Array,
  intent: Verified<'intent'>,
  target: CastTarget,
  options: CastOptions,
  report: (event: CastProgress) => void,
): Promise<VendorReply | null> {
  const timeoutMs = options.timeoutMs ?? 10_000
  const deadline = Date.now() + timeoutMs
  const origin = typeof target === 'string' ? target : target.origin
  let discovered: DiscoveredVendor | undefined
  if (typeof target === 'string') {
    report({ type: 'discovering', vendor: origin })
    discovered = await discover(target, discoverOptions(options, timeoutMs))
  } else if ('mediaTypes' in target) {
    discovered = target
  }
  const vendor = toTarget(discovered ?? (target as VendorTarget))
  const mediaType = mediaTypeOf(signedIntent)
  if (discovered !== undefined && !discovered.mediaTypes.includes(mediaType)) {
    throw new IntentcastError(
      'ERR_MALFORMED',
      `${origin} does not take ${mediaType} (it lists ${discovered.mediaTypes.join(', ').slice(0, 128) || 'none'})`,
    )
  }
  report({ type: 'sending', vendor: origin, attempt: 1 })
  const answer = await send(vendor.endpoint, signedIntent, {
    ...options,
    timeoutMs: Math.max(1, deadline - Date.now()),
    onRetry: (attempt) => report({ type: 'sending', vendor: origin, attempt: attempt + 1 }),
  })
  if (answer === null) return null
  const checks = {
    ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }),
    ...(options.now && { now: options.now }),
  }
  const offer = await verifyReply(
    answer,
    'offer',
    { customer: intent.issuer, inReplyTo: intent.digest, vendor },
    checks,
  )
  return { vendor, proposal: offer, thread: new Thread(intent).add(offer) }
}

function discoverOptions(options: CastOptions, timeoutMs: number): DiscoverOptions {
  return {
    timeoutMs,
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.signal && { signal: options.signal }),
    ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }),
    ...(options.now && { now: options.now }),
  }
}

function toTarget(vendor: VendorTarget | DiscoveredVendor): VendorTarget {
  if (vendor.endpoint === undefined)
    throw new IntentcastError('ERR_UNREACHABLE', `${vendor.origin} publishes terms but takes no intents`)
  return { origin: vendor.origin, endpoint: vendor.endpoint, ...(vendor.keys && { keys: vendor.keys }) }
}
