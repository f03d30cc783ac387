/**
 * What casting takes and gives: the options, the progress events, the result. Apart from the
 * casting itself so the per-vendor exchange (cast.ts) and the wallet can share them.
 */
import type { IntentcastErrorCode } from '../errors.js'
import type { Verified } from '../envelope/verify.js'
import type { KeyPair } from '../keys/key-pair.js'
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
  /** The vendor's origin, or the relay's URL for a relay that failed or an answer at it that did not verify. */
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
  /** `vendor` is the vendor's origin, or the relay's URL when the intent is cast to a relay. */
  | { readonly type: 'sending'; readonly vendor: string; readonly attempt: number }
  /** A relay took the intent and put it in the mailboxes of `delivered` vendors. */
  | { readonly type: 'relayed'; readonly vendor: string; readonly delivered: number }
  /**
   * An offer, verified. `vendor` is the vendor's origin, or, for a vendor met through a relay,
   * its DID; `relay` is set when the offer came through one (also from a vendor the wallet cast
   * to directly that answered later, through the intent's `replyTo`).
   */
  | { readonly type: 'offer'; readonly vendor: string; readonly offer: Verified<'offer'>; readonly relay?: string }
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
  /** Told of each step as the cast goes (CastProgress), once or more per vendor. */
  readonly onProgress?: (event: CastProgress) => void
  /** The time offers are checked at (and, for `wallet.cast`, the intent signed at). Default: now. */
  readonly now?: Date
  /**
   * Milliseconds the cast reads its mailbox at a relay for offers, from the start of the cast;
   * it stops sooner once every vendor the relay delivered the intent to has answered and no
   * vendor cast to directly is still pending (each may answer later, through the intent's
   * `replyTo`), and never reads past the intent's expiry. Default: `timeoutMs`. Offers that
   * come later stay in the mailbox until the intent expires: `wallet.collect` reads them.
   */
  readonly collectMs?: number
}

/**
 * `castIntent`'s options: those of any cast, and the key that signed the intent, which a cast to
 * a relay needs to read the answers in the intent's mailbox there.
 *
 * @example
 * ```ts
 * const castKey = await generateKeyPair()
 * const signed = await signIntent({ ...body, replyTo: `https://relay.example/relay/mailboxes/${castKey.did}` }, castKey)
 * await castIntent(signed, [{ relay: 'https://relay.example/relay' }], { castKey } satisfies CastIntentOptions)
 * ```
 */
export interface CastIntentOptions extends CastOptions {
  /**
   * The key that signed the intent: it opens the intent's mailbox at a relay (an access message
   * signed by the mailbox's owner), and its reply key (`deriveSealKeyPair` of its seed) opens the
   * answers vendors seal to an intent that names one. Required when a target is a relay, or when
   * the intent names a `replyKey`; not sent anywhere.
   */
  readonly castKey?: KeyPair
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
  /** Vendors that took the intent without an offer yet (202), and that have not answered later through a relay. */
  readonly pending: readonly string[]
  readonly failures: readonly CastFailure[]
  /** The relays that took the intent: where its mailbox is, and how many vendors each delivered it to. */
  readonly relays: readonly RelayCast[]
}

/**
 * A relay that took an intent: the cast's mailbox there, where answers come until the intent
 * expires (and an hour more), and how many vendor mailboxes the relay put the intent in.
 *
 * @example
 * ```ts
 * for (const r of result.relays) console.log(`${r.relay}: delivered to ${r.delivered} vendors; answers at ${r.mailbox}`)
 * ```
 */
export interface RelayCast {
  readonly relay: string
  readonly mailbox: string
  readonly delivered: number
}

/**
 * A relay as a cast target: the intent goes to `<relay>/intents`, and from there to every vendor
 * subscribed to intents like it, vendors the wallet may never have heard of; their offers come
 * to the intent's mailbox at the relay. `relay` is the relay's URL (its mailboxes are at
 * `<relay>/mailboxes/<did>`).
 *
 * @example
 * ```ts
 * const { offers } = await wallet.cast(body, ['https://shop.example', { relay: 'https://relay.example/relay' }])
 * ```
 */
export interface RelayTarget {
  readonly relay: string
}

/**
 * Where a cast goes: a vendor's origin to discover, a vendor already discovered or known, or a
 * relay, which passes the intent on to the vendors subscribed to it.
 *
 * @example
 * ```ts
 * const targets: CastTarget[] = ['https://shop.example', await discover('https://bikes.example'), { relay: 'https://relay.example/relay' }]
 * ```
 */
export type CastTarget = string | VendorTarget | DiscoveredVendor | RelayTarget
