/**
 * The vendor's own code: what it is told (the contexts), what it answers (the replies), and how
 * its failures are told apart from the customer's. The handler decides everything it can about
 * the customer's message before it calls any of this code, so a callback only ever sees a move
 * that the thread accepts and the vendor can still answer.
 */
import { isIntentcastError, type IntentcastErrorCode } from '../errors.js'
import type { OfferBody } from '../envelope/sign.js'
import type { Disclosed } from '../disclose/disclosed.js'
import type { Verified } from '../envelope/verify.js'
import type { ClientInfo } from '../http/client-info.js'
import { statusForCode } from '../http/problem.js'
import type { Deal } from '../model/deal.js'
import type { Thread } from '../thread/thread.js'

/**
 * A value, or a promise of it: every callback may be async.
 *
 * @example
 * ```ts
 * const decide = async (counter: Verified<'counter'>): Awaitable<CounterDecision> => ((await stock.has(counter.payload.quantity)) ? 'agree' : null)
 * ```
 */
export type Awaitable<T> = T | Promise<T>

/**
 * What `on.intent` answers with: an offer. The handler adds `inReplyTo`, addresses it to the
 * intent's issuer and signs it, in the envelope the intent came in.
 *
 * @example
 * ```ts
 * const reply: OfferReply = { item: intent.payload.want.item, quantity: 1, price: { amount: '1890.00', currency: 'EUR' }, terms: { agreement: 'SD-BASE' } }
 * ```
 */
export type OfferReply = Omit<OfferBody, 'inReplyTo'>

/**
 * A counter's content: the deal the vendor puts on the table instead, and an optional note.
 * The handler adds `inReplyTo` and `intent`, addresses it to the customer and signs it.
 *
 * @example
 * ```ts
 * import { dealOf } from 'intentcast'
 *
 * const reply: CounterReply = { ...dealOf(counter.payload), price: { amount: '1850.00', currency: 'EUR' }, note: 'Meet me halfway.' }
 * ```
 */
export type CounterReply = Deal & { readonly note?: string }

/**
 * `'agree'` in its explicit form; `overrideTerms: true` signs the customer's deal even where it
 * breaks the vendor's own hard positions (see CounterDecision), on purpose, for one counter.
 *
 * @example
 * ```ts
 * // A regular customer may pay by PayPal, which the declared terms do not take.
 * const decide = (c: Verified<'counter'>): CounterDecision => (regulars.has(c.issuer) ? { agree: true, overrideTerms: true } : 'agree')
 * ```
 */
export interface AgreeDecision {
  readonly agree: true
  /** Sign the deal even where it breaks the vendor's declared hard positions. Default false. */
  readonly overrideTerms?: boolean
}

/**
 * The vendor's answer to a customer's counter:
 * - a CounterReply: counter it (your own deal, signed as you give it);
 * - `'agree'` (or `{ agree: true }`): counter with the customer's own deal restated, which the
 *   customer can then accept (only the customer accepts). The deal is first judged against the
 *   vendor's own terms declaration, as `answerCounter` (`intentcast/terms`) judges it with no
 *   limits: if it names an agreement the declaration does not take, or breaks or leaves out a
 *   term the declaration marks `required`, nothing is signed or stored: the customer gets 500
 *   ERR_INTERNAL, and `on.error` an IntentcastError ERR_INVALID_ARGUMENT saying what it breaks.
 *   A statement not marked `required` is negotiable (spec §Positions): `'agree'` concedes it;
 * - `{ agree: true, overrideTerms: true }`: restate it without that check;
 * - `null`: no answer now (202).
 *
 * @example
 * ```ts
 * const decide = (counter: Verified<'counter'>): CounterDecision =>
 *   Number(counter.payload.price.amount) >= 1800 ? 'agree' : null
 * ```
 */
export type CounterDecision = CounterReply | 'agree' | AgreeDecision | null

/**
 * What `on.intent` is told besides the intent.
 *
 * @example
 * ```ts
 * const intent = (i: Verified<'intent'>, { gpc, terms }: IntentContext) => {
 *   audit.log({ intent: i.digest, gpc, ourTerms: terms.payload.terms })
 *   return null // no offer: 202
 * }
 * ```
 */
export interface IntentContext {
  readonly request: Request
  /** The request carried `Sec-GPC: 1`: an unsigned signal, beside the intent's signed terms. */
  readonly gpc: boolean
  /** The vendor's own verified terms declaration. */
  readonly terms: Verified<'terms', 'jws'>
}

/**
 * What `on.counter` and `on.withdrawal` are told besides the message.
 *
 * @example
 * ```ts
 * const withdrawal = (_w: Verified<'withdrawal'>, { thread }: MoveContext) => console.log(thread.state())
 * ```
 */
export interface MoveContext {
  readonly request: Request
  /** The thread with the customer's move applied (not yet stored). */
  readonly thread: Thread
}

/**
 * What `on.counter` is told: the thread, the vendor's own terms declaration (to judge the
 * counter by, with `answerCounter`), and what the counter disclosed to this vendor alone (the
 * precise forms of the intent's `want`), checked against the intent's digests.
 *
 * @example
 * ```ts
 * import { answerCounter } from 'intentcast/terms'
 *
 * const counter = (c: Verified<'counter'>, { thread, terms }: CounterContext) =>
 *   answerCounter(thread.intent, c, { terms, minPrice: { amount: '1800.00', currency: 'EUR' } }).outcome === 'agreed' ? 'agree' : null
 * ```
 */
export interface CounterContext extends MoveContext {
  /** The vendor's own verified terms declaration. */
  readonly terms: Verified<'terms', 'jws'>
  readonly disclosed: Disclosed
}

/**
 * What `on.acceptance` is told: the thread and the agreement as the customer will receive it.
 *
 * @example
 * ```ts
 * const acceptance = (_a: Verified<'acceptance'>, { agreement }: AcceptanceContext) => orders.save(agreement.digest, agreement.message)
 * ```
 */
export interface AcceptanceContext extends MoveContext {
  /** The agreement, countersigned: what the customer receives if this callback returns. */
  readonly agreement: Verified<'agreement'>
  /**
   * What the acceptance disclosed to this vendor alone: where to deliver and how to reach the
   * customer (`details`), and the precise forms of the intent's `want` (`precise`), each checked
   * against the digests the customer signed. The agreement commits to `details`; the acceptance,
   * kept in the thread, proves what was given.
   */
  readonly disclosed: Disclosed
}

/**
 * The vendor's code: one callback per move the customer makes, and `error`. A callback that
 * throws an IntentcastError whose code answers with a 4xx refuses the move with that code (its
 * message is the problem's detail); anything else it throws, ERR_INVALID_ARGUMENT and
 * ERR_INTERNAL included, is the vendor's own failure: a 500 that says nothing, reported to
 * `error`.
 *
 * @example
 * ```ts
 * const on: VendorCallbacks = {
 *   intent: (i) => ({ item: i.payload.want.item, quantity: 1, price: { amount: '1890.00', currency: 'EUR' }, terms: { agreement: 'SD-BASE' } }),
 *   counter: (c) => (Number(c.payload.price.amount) >= 1800 ? 'agree' : null),
 *   error: (e) => log.error(e),
 * }
 * ```
 */
export interface VendorCallbacks {
  /** Decides on an intent: an offer, or null for 202 (the intent is then not kept). */
  readonly intent: (intent: Verified<'intent'>, context: IntentContext) => Awaitable<OfferReply | null>
  /** Decides on a customer's counter. Default: no answer (202), and the counter is not stored, since nothing will answer it. */
  readonly counter?: (counter: Verified<'counter'>, context: CounterContext) => Awaitable<CounterDecision>
  /**
   * Sees each agreement before it is stored and sent; throwing an IntentcastError refuses it. It
   * runs at least once per agreement: again if the process died after it ran and before the
   * agreement was stored, when the customer retries. Key what it does by the agreement's digest.
   */
  readonly acceptance?: (acceptance: Verified<'acceptance'>, context: AcceptanceContext) => Awaitable<void>
  /** Sees each withdrawal before it is stored. */
  readonly withdrawal?: (withdrawal: Verified<'withdrawal'>, context: MoveContext) => Awaitable<void>
  /** Hears every failure that became a 500 (the answer says nothing about it). Default: console.error. */
  readonly error?: (error: unknown) => void
  /**
   * Asked first for every message request, before its body is read or anything is verified:
   * false answers 429 (with `Retry-After: 1`) and does no work. The place to rate-limit by
   * whatever key the vendor trusts: the client's address (`client.address`, from
   * `toNodeListener`), one its proxy sets, an API key, a tenant.
   * Throwing is the vendor's failure (a 500).
   */
  readonly admit?: (request: Request, client: ClientInfo) => Awaitable<boolean>
  /**
   * Hears the outcome of every request once it is answered: answered (2xx), refused (4xx, with
   * the problem's code when it has one), limited (429 from `admit`) or failed (5xx). For logs and
   * metrics; it cannot change the answer, and a listener that throws is ignored.
   */
  readonly outcome?: (event: VendorOutcome) => void
}

/**
 * One request's outcome, as `on.outcome` hears it.
 *
 * @example
 * ```ts
 * const outcome = (e: VendorOutcome) => metrics.increment(`intentcast.${e.result}`, { code: e.code ?? 'none' })
 * ```
 */
export interface VendorOutcome {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly result: 'answered' | 'refused' | 'limited' | 'failed'
  /** The problem's code, for an answer that is a problem with one. */
  readonly code?: IntentcastErrorCode
  /** Milliseconds from the request's arrival to its answer. */
  readonly ms: number
}

/** A failure of the vendor's code or configuration, around what it threw: a 500 whatever that was. */
export class VendorFailure extends Error {}

/** Runs work on the vendor's behalf (signing its reply, waiting for its terms): any failure is the vendor's. */
export async function asVendor<T>(work: () => Awaitable<T>): Promise<T> {
  try {
    return await work()
  } catch (cause) {
    throw new VendorFailure('the vendor’s code or configuration failed', { cause })
  }
}

/**
 * Runs one of the vendor's callbacks. An IntentcastError it throws with a 4xx code is its answer
 * to the customer; everything else is the vendor's failure. ERR_INVALID_ARGUMENT always means the
 * vendor's program passed something wrong, never that the customer did.
 */
export async function callVendor<T>(callback: () => Awaitable<T>): Promise<T> {
  try {
    return await callback()
  } catch (e) {
    if (isIntentcastError(e) && e.code !== 'ERR_INVALID_ARGUMENT' && statusForCode(e.code) < 500) throw e
    throw new VendorFailure('a vendor callback failed', { cause: e })
  }
}
