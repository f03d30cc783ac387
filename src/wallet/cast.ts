// Over 250 lines on purpose: the two routes (vendor sites, a relay) share one gathering (its
// deadline, progress events, de-duplication by digest and ranking) and would otherwise each keep
// half of it.
/**
 * Casting one signed intent (`castIntent`, and `wallet.cast` on top of it): to vendor sites
 * directly and through a relay, gathering and checking every answer into one ranked result.
 */
import { IntentcastError, isIntentcastError } from '../errors.js'
import { verify, type Verified } from '../envelope/verify.js'
import { mediaTypeOf } from '../http/media-type.js'
import type { KeyPair } from '../keys/key-pair.js'
import { Thread } from '../thread/thread.js'
import type {
  CastFailure,
  CastIntentOptions,
  CastOptions,
  CastProgress,
  CastResult,
  CastTarget,
  RelayCast,
  RelayTarget,
} from './cast-types.js'
import { checkCast, isRelayTarget } from './check.js'
import { collectOffers, knownVendor, rankReplies } from './collect.js'
import { discover, type DiscoveredVendor, type DiscoverOptions, type VendorTarget } from './discover.js'
import { castToRelay, checkRelay, mailboxUrl, MailboxReader } from './relay.js'
import { verifyReply, type ReplyChecks, type VendorReply } from './reply.js'
import { send, type SendOptions } from './send.js'

/**
 * Casts one signed intent to many vendors (spec §HTTP binding, Casting): a few at a time, each
 * within its own deadline, retrying network failures only. Every answer is verified (signature,
 * an offer, addressed to the intent's issuer, answering this intent, signed by one of the
 * vendor's listed keys); a vendor that fails is recorded and the cast goes on. The offers come
 * back in the intent's envelope, JWS (a string) or COSE (bytes); a discovered vendor that does
 * not list that envelope's media type fails without a request.
 *
 * A target may be a relay (spec §Relay binding, Casting to a relay): the intent goes to it once,
 * it passes the intent on to the vendors subscribed to intents like it, and their offers come to
 * the intent's mailbox there, which the cast reads (with `options.castKey`, the key that signed
 * the intent) until `collectMs` has passed or every vendor has answered. Offers that come through
 * the intent's `replyTo`, from vendors cast to directly that answered 202, are read there too,
 * and are theirs when their signer is one of the keys the vendor lists. An offer that comes both
 * ways (a vendor cast to directly and through the relay answers the same intent with the same
 * offer) is kept once, as the direct one.
 *
 * This is for an intent signed elsewhere (the CLI's `--key`, another device): with a `Wallet`,
 * `wallet.cast` signs under a fresh cast key, sets `replyTo` for a relay, and returns offers the
 * wallet can answer. A malformed target or option, or a relay without the cast key, is
 * ERR_INVALID_ARGUMENT before any request.
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
  targets: readonly CastTarget[],
  options: CastIntentOptions = {},
): Promise<CastResult> {
  checkCast(targets, options)
  const relays = targets.filter(isRelayTarget).map((t) => checkRelay(t.relay))
  const { castKey } = options
  if (castKey !== undefined && (typeof castKey !== 'object' || typeof castKey?.did !== 'string'))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'castKey is the key pair that signed the intent')
  if (relays.length > 0 && castKey === undefined)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      "a cast to a relay reads the intent's mailbox there: pass options.castKey, the key that signed it",
    )
  const intent = await verify(signedIntent, { expect: 'intent', ...(options.now && { now: options.now }) })
  if (castKey !== undefined && castKey.did !== intent.issuer)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'castKey must be the key that signed the intent')
  const cast = gathering(options)
  const direct = targets.filter((t): t is Exclude<CastTarget, RelayTarget> => !isRelayTarget(t))
  let directDone = false
  const toVendors = castToVendors(signedIntent, intent, direct, options, cast).finally(() => (directDone = true))
  const started = Date.now()
  const toRelays = relays.map((relay) =>
    castThroughRelay({
      signedIntent,
      intent,
      relay,
      castKey: castKey!,
      options,
      cast,
      started,
      directDone: () => directDone,
    }),
  )
  await Promise.all([toVendors, ...toRelays])
  return cast.result(intent)
}

/** What a cast gathers as it goes, from vendors and relays alike. */
interface Gathering {
  /**
   * The vendors cast to directly whose keys are known and that did not fail: an offer signed by
   * one of their keys is theirs.
   */
  readonly known: VendorTarget[]
  /** Origins of vendors that answered 202, until one answers later through a relay. */
  readonly pending: string[]
  readonly failures: CastFailure[]
  readonly relays: RelayCast[]
  readonly report: (event: CastProgress) => void
  /** Keeps an offer; false when it was had already. An offer that came directly replaces one through a relay. */
  offer(reply: VendorReply, direct: boolean): boolean
  fail(vendor: string, e: unknown, otherwise: string): void
  result(intent: Verified<'intent'>): CastResult
}

function gathering(options: CastOptions): Gathering {
  const offers = new Map<string, { reply: VendorReply; direct: boolean }>()
  const failures: CastFailure[] = []
  const report = (event: CastProgress): void => {
    try {
      options.onProgress?.(event)
    } catch {
      // A failing progress callback is the caller's problem; it does not stop the cast.
    }
  }
  return {
    known: [],
    pending: [],
    failures,
    relays: [],
    report,
    offer(reply, direct) {
      const had = offers.get(reply.proposal.digest)
      if (had !== undefined && (had.direct || !direct)) return false
      offers.set(reply.proposal.digest, { reply, direct })
      return had === undefined
    },
    fail(vendor, e, otherwise) {
      options.signal?.throwIfAborted()
      const failure: CastFailure = isIntentcastError(e)
        ? { vendor, code: e.code, message: e.message }
        : { vendor, code: 'ERR_INTERNAL', message: otherwise }
      failures.push(failure)
      report({ type: 'failed', vendor, failure })
    },
    result(intent) {
      return {
        intent,
        ...rankReplies(
          intent,
          [...offers.values()].map((o) => o.reply),
        ),
        pending: this.pending,
        failures,
        relays: this.relays,
      }
    },
  }
}

/** The vendors cast to directly, `concurrency` at a time. */
async function castToVendors(
  signedIntent: string | Uint8Array,
  intent: Verified<'intent'>,
  vendors: ReadonlyArray<Exclude<CastTarget, RelayTarget>>,
  options: CastIntentOptions,
  cast: Gathering,
): Promise<void> {
  async function castTo(target: Exclude<CastTarget, RelayTarget>): Promise<void> {
    const origin = typeof target === 'string' ? target : target.origin
    try {
      const outcome = await sendTo(signedIntent, intent, target, options, cast)
      if (outcome === null) {
        cast.pending.push(origin)
        cast.report({ type: 'pending', vendor: origin })
      } else if (cast.offer(outcome, true)) {
        cast.report({ type: 'offer', vendor: origin, offer: outcome.proposal as Verified<'offer'> })
      }
    } catch (e) {
      // Its offer through the relay, if it makes one, is then negotiated through the relay, the route that works.
      const known = cast.known.findIndex((v) => sameOrigin(v.origin, origin))
      if (known >= 0) cast.known.splice(known, 1)
      cast.fail(origin, e, 'the vendor could not be cast to')
    }
  }
  const queue = [...vendors]
  const workers = Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await castTo(next)
  })
  await Promise.all(workers)
}

/** One relay of a cast. */
interface RelayCasting {
  readonly signedIntent: string | Uint8Array
  readonly intent: Verified<'intent'>
  readonly relay: string
  readonly castKey: KeyPair
  readonly options: CastOptions
  readonly cast: Gathering
  /** When the cast started (ms since the epoch): `collectMs` counts from it. */
  readonly started: number
  readonly directDone: () => boolean
}

/**
 * Casts the intent to one relay and reads its mailbox there for offers, until `collectMs` has
 * passed, or the intent has expired, or nothing more is awaited: every vendor the relay
 * delivered it to has answered, and no vendor cast to directly is pending (one that is may still
 * answer through `replyTo`, when the intent names this relay's mailbox).
 */
async function castThroughRelay(r: RelayCasting): Promise<void> {
  const { relay, intent, options, cast } = r
  const deadline = Math.min(r.started + (options.collectMs ?? options.timeoutMs ?? 10_000), intent.payload.exp * 1000)
  cast.report({ type: 'sending', vendor: relay, attempt: 1 })
  let delivered: number
  try {
    const taken = await castToRelay(relay, r.signedIntent, {
      ...transport(options),
      timeoutMs: Math.max(1, Math.min(deadline, Date.now() + (options.timeoutMs ?? 10_000)) - Date.now()),
      onRetry: (attempt) => cast.report({ type: 'sending', vendor: relay, attempt: attempt + 1 }),
    })
    delivered = taken.delivered
    cast.relays.push({ relay, ...taken })
  } catch (e) {
    return cast.fail(relay, e, 'the relay could not be cast to')
  }
  cast.report({ type: 'relayed', vendor: relay, delivered })
  const repliesHere = intent.payload.replyTo === mailboxUrl(relay, intent.issuer)
  // The vendors whose offers count towards `delivered`: not those cast to directly that answered later.
  const answered = new Set<string>()
  await collectOffers({
    intent,
    relay,
    reader: new MailboxReader(relay, r.castKey, { fetch: options.fetch, signal: options.signal }),
    deadline,
    signal: options.signal,
    checks: replyChecks(options),
    vendorOf: (issuer) => knownVendor(cast.known, issuer, options.now),
    onOffer(reply) {
      const origin = reply.vendor.relay === undefined ? reply.vendor.origin : undefined
      const waiting = origin === undefined ? -1 : cast.pending.findIndex((p) => sameOrigin(p, origin))
      if (waiting >= 0) cast.pending.splice(waiting, 1)
      else answered.add(reply.proposal.issuer)
      if (cast.offer(reply, false))
        cast.report({
          type: 'offer',
          vendor: origin ?? reply.proposal.issuer,
          offer: reply.proposal as Verified<'offer'>,
          relay,
        })
    },
    onFailure: (failure) => {
      cast.failures.push(failure)
      cast.report({ type: 'failed', vendor: relay, failure })
    },
    stop: () => r.directDone() && (cast.pending.length === 0 || !repliesHere) && answered.size >= delivered,
  })
}

/** True when two vendor origins, as given or as discovered, name one origin. */
function sameOrigin(a: string, b: string): boolean {
  return new URL(a).origin === new URL(b).origin
}

/** The transport options of a cast, for one request. */
function transport(options: CastOptions): SendOptions {
  return {
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.signal && { signal: options.signal }),
    ...(options.retries !== undefined && { retries: options.retries }),
    ...(options.backoffMs !== undefined && { backoffMs: options.backoffMs }),
  }
}

function replyChecks(options: CastOptions): ReplyChecks {
  return {
    ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }),
    ...(options.now && { now: options.now }),
  }
}

/** One vendor: discover it if need be, send, verify the offer. Null when it answered 202. */
async function sendTo(
  signedIntent: string | Uint8Array,
  intent: Verified<'intent'>,
  target: Exclude<CastTarget, RelayTarget>,
  options: CastIntentOptions,
  cast: Gathering,
): Promise<VendorReply | null> {
  const { report } = cast
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
  if (vendor.keys !== undefined) cast.known.push(vendor)
  const mediaType = mediaTypeOf(signedIntent)
  if (discovered !== undefined && !discovered.mediaTypes.includes(mediaType)) {
    throw new IntentcastError(
      'ERR_MALFORMED',
      `${origin} does not take ${mediaType} (it lists ${discovered.mediaTypes.join(', ').slice(0, 128) || 'none'})`,
    )
  }
  report({ type: 'sending', vendor: origin, attempt: 1 })
  const answer = await send(
    vendor.endpoint,
    signedIntent,
    {
      ...options,
      timeoutMs: Math.max(1, deadline - Date.now()),
      onRetry: (attempt) => report({ type: 'sending', vendor: origin, attempt: attempt + 1 }),
    },
    options.castKey,
  )
  if (answer === null) return null
  const offer = await verifyReply(
    answer,
    'offer',
    { customer: intent.issuer, inReplyTo: intent.digest, vendor },
    replyChecks(options),
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
