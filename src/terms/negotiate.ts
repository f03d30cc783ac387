import { IntentcastError } from '../errors.js'
import type { Deal } from '../model/deal.js'
import type { IntentPayload } from '../model/intent.js'
import type { DealTerms, Term } from '../model/term-set.js'
import { assess, brokenLink, type Assessment } from './assess.js'
import { canonicalTerm, sortTerms } from './canonical.js'
import { AGREEMENT, type Conflict } from './conflict.js'
import { OFFER_KINDS, offerOrCounter, readArg, type Input, type OfferInput } from './input.js'
import { forEachTerm } from './judge.js'
import { customerFromIntent, DELIVER_BY, PRICE, statement, type CustomerSide } from './side.js'

interface Answer {
  /**
   * `agreed`: the offer's own terms, unchanged, to repeat in the acceptance; `counter`: the
   * counter's terms (`counter.terms`); `rejected`: the offer's terms that were rejected.
   */
  readonly terms: DealTerms
  /** Every term where the offer departs from the customer's position, sorted by term. */
  readonly conflicts: Conflict[]
}

/** `negotiate`'s answer when the offer can be accepted as it stands. */
export interface AgreedAnswer extends Answer {
  readonly outcome: 'agreed'
}

/** `negotiate`'s answer when the customer should counter, with the deal to counter with. */
export interface CounterAnswer extends Answer {
  readonly outcome: 'counter'
  /** The counter's deal: pass it, with `inReplyTo` and `intent`, to `signCounter`. */
  readonly counter: Deal
}

/** `negotiate`'s answer when no counter can settle a conflict. */
export interface RejectedAnswer extends Answer {
  readonly outcome: 'rejected'
}

/**
 * The customer's answer. The counter's deal is there exactly when the outcome is `counter`, so
 * narrowing on `outcome` is how a program reaches it:
 * `if (r.outcome === 'counter') signCounter({ ...r.counter, inReplyTo, intent }, key, …)`.
 */
export type NegotiationResult = AgreedAnswer | CounterAnswer | RejectedAnswer

/**
 * What `negotiate` decides: `agreed`, `counter` or `rejected`.
 *
 * @example
 * ```ts
 * const outcomes: Outcome[] = offers.map((offer) => negotiate(intent, offer).outcome)
 * ```
 */
export type Outcome = NegotiationResult['outcome']

/**
 * The customer's answer to an offer or a counter from the vendor (spec §Negotiation):
 * - `rejected` when a conflict is one no counter can settle (a `required` conflict the vendor
 *   also holds firm, a strict agreement list, another quantity: spec §Negotiation, Fates);
 * - else `counter` when a term can move to the customer's position, with a counter deal that
 *   moves every such term there and keeps the rest of the vendor's deal as it is, so it is
 *   never worse for the customer on any term and never crosses a hard limit;
 * - else `agreed`, perhaps having yielded negotiable terms the vendor marks required.
 *
 * Either argument may be a message `verify` returned or its payload; a payload is checked
 * against its schema first (ERR_INVALID_ARGUMENT). Throws ERR_BROKEN_LINK when the offer does
 * not answer this intent.
 *
 * @example
 * ```ts
 * import { dealOf, signAcceptance, signCounter } from 'intentcast'
 * import { negotiate } from 'intentcast/terms'
 *
 * const r = negotiate(intent, offer) // both as verify returned them
 * if (r.outcome === 'counter') await signCounter({ ...r.counter, inReplyTo: offer.digest, intent: intent.digest }, key, { audience: offer.issuer })
 * else if (r.outcome === 'agreed') await signAcceptance({ ...dealOf(offer.payload), inReplyTo: offer.digest, intent: intent.digest }, key, { audience: offer.issuer })
 * else console.log(r.conflicts.filter((c) => c.required).map((c) => c.message))
 * ```
 */
export function negotiate(intent: Input<IntentPayload>, proposal: OfferInput): NegotiationResult {
  const i = readArg(intent, ['intent'], 'negotiate: intent')
  const p = readArg(proposal, OFFER_KINDS, 'negotiate: proposal', offerOrCounter).payload
  const reason = brokenLink(i, p)
  if (reason) throw new IntentcastError('ERR_BROKEN_LINK', reason)
  const customer = customerFromIntent(i.payload)
  const a = assess(customer, p)
  if (a.blocked) return { outcome: 'rejected', terms: p.terms, conflicts: a.conflicts }
  if (!a.movable) return { outcome: 'agreed', terms: p.terms, conflicts: a.conflicts }
  const counter = counterOf(customer, a)
  return { outcome: 'counter', terms: counter.terms, conflicts: a.conflicts, counter }
}

/** The counter deal (spec §Negotiation, The counter): every term that can move, moved. */
function counterOf(customer: CustomerSide, a: Assessment): Deal {
  const moved = (id: string) => a.fates.get(id) === 'move'
  const conditions: Term[] = []
  forEachTerm(customer.terms, a.vendor.terms, (id, c, v) => {
    // The deal's own fields carry price and delivery.
    if (id === PRICE || id === DELIVER_BY) return
    const t = moved(id) ? c : v
    if (t) conditions.push(canonicalTerm(t, false))
  })
  sortTerms(conditions)
  const price = moved(PRICE) ? customer.terms.get(PRICE)! : statement(a.vendor, PRICE)!
  // The vendor's statement of delivery, not just the offer's field: without a `deliverBy` field, a
  // `deliver-by` condition is the statement (side.ts).
  const date = (moved(DELIVER_BY) ? customer.terms.get(DELIVER_BY) : statement(a.vendor, DELIVER_BY))?.value as
    string | undefined
  const terms: DealTerms = {
    agreement: moved(AGREEMENT) ? customer.agreements[0]! : a.vendor.agreements[0]!,
    ...(conditions.length > 0 && { conditions }),
  }
  return {
    quantity: a.offer.quantity,
    price: { amount: price.value as string, currency: price.unit! },
    ...(date !== undefined && { deliverBy: date }),
    terms,
  }
}
