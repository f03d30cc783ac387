import { IntentcastError, isIntentcastError } from '../errors.js'
import { verify, type Verified } from '../envelope/verify.js'
import { discover, type DiscoveredVendor, type DiscoverOptions, type VendorTarget } from './discover.js'
import { mediaTypeOf } from '../http/media-type.js'
import { rankOffers } from '../terms/index.js'
import { Thread } from '../thread/thread.js'
import { verifyReply, type VendorReply } from './reply.js'
import { checkCast } from './check.js'
import { send } from './send.js'
import type { CastFailure, CastOptions, CastProgress, CastResult, CastTarget } from './cast-types.js'

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
