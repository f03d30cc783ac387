import { IntentcastError } from '../errors.js'
import type { CounterPayload } from '../model/counter.js'
import type { Deal } from '../model/deal.js'
import type { IntentPayload } from '../model/intent.js'
import type { DealTerms, Term } from '../model/term-set.js'
import { canonicalTerm, sortTerms } from './canonical.js'
import type { Conflict } from './conflict.js'
import { readArg, type Input, type Read } from './input.js'
import { forEachTerm } from './judge.js'
import { assessCounter, type Judgement } from './assess-counter.js'
import { customerFromIntent, DELIVER_BY, PRICE, statement, vendorFromOffer } from './side.js'
import { priceFloor, readPosition, type VendorPosition, type VendorStance } from './vendor-position.js'

interface Answer {
  /**
   * `agreed`: the counter's own terms, unchanged (what `'agree'` restates); `counter`: the
   * counter's terms (`counter.terms`); `rejected`: the customer's counter's terms.
   */
  readonly terms: DealTerms
  /**
   * Every term where the customer's counter departs from the vendor's position, sorted by term,
   * each with a sentence addressed to the vendor. `required` is true exactly when one of the
   * vendor's hard positions is at stake (a term it marks required, a limit, the agreements it
   * takes): those conflicts decide the outcome; the others are conceded, and listed so the
   * vendor sees what it agrees to.
   */
  readonly conflicts: Conflict[]
}

/** `answerCounter`'s answer when the counter can be agreed as it stands: return `'agree'`. */
export interface AgreedVendorAnswer extends Answer {
  readonly outcome: 'agreed'
}

/** `answerCounter`'s answer when the vendor should counter, with the deal to counter with. */
export interface CounterVendorAnswer extends Answer {
  readonly outcome: 'counter'
  /** The vendor's counter deal: return it (with a note if you like) from `on.counter`. */
  readonly counter: Deal
}

/** `answerCounter`'s answer when no counter can meet both sides' hard positions. */
export interface RejectedVendorAnswer extends Answer {
  readonly outcome: 'rejected'
}

/**
 * The vendor's answer to a customer's counter, in negotiate's words. The counter deal is there
 * exactly when the outcome is `counter`, so narrowing on `outcome` is how a program reaches it.
 *
 * @example
 * ```ts
 * const r: VendorAnswer = answerCounter(thread.intent, counter, { terms })
 * const decision = r.outcome === 'agreed' ? 'agree' : r.outcome === 'counter' ? r.counter : null
 * ```
 */
export type VendorAnswer = AgreedVendorAnswer | CounterVendorAnswer | RejectedVendorAnswer

/**
 * The vendor's answer to a customer's counter (the mirror of `negotiate`, which answers for the
 * customer): it judges the counter's deal against the vendor's position, its terms declaration
 * and its limits, and against the hard limits of the customer's intent, so that it never
 * proposes what the customer has already said it cannot take.
 * - `rejected` when no counter can settle it: the counter names an agreement the vendor's
 *   declaration does not take and the intent accepts none it takes (IEEE 7012: the vendor
 *   takes an agreement the customer lists, offers one alternative, or rejects), or one of the
 *   vendor's hard positions (a term it marks `required`, `minPrice`, `minUnitPrice`,
 *   `earliestDelivery`) breaks a hard limit of the intent (`maxPrice`, `deliverBy`, a
 *   `required` condition);
 * - else `counter` when the counter breaks a hard position: the counter deal restores each one
 *   (an agreement the vendor takes and the intent accepts, the floor price, the earliest
 *   delivery, the required terms, a required set narrowed to the tokens both list), keeps
 *   everything else as the customer wrote it, and marks a restored term `required` where the
 *   intent holds it negotiably, so that the customer's `negotiate` yields it rather than
 *   countering it back;
 * - else `agreed`, perhaps conceding negotiable statements (those not marked `required`) and
 *   terms the declaration does not state, each listed in `conflicts`.
 *
 * `agreed` means the handler's `'agree'` signs the deal, and with no limits given, the handler
 * runs exactly this check before it does. Deterministic, and independent of the order terms
 * and set tokens are listed in. Each message may be one `verify` returned or its payload; a
 * payload is checked against its schema first, and the position against its own, so a
 * mistake is ERR_INVALID_ARGUMENT. Throws ERR_BROKEN_LINK when the counter is not the intent
 * issuer's counter in this intent's thread.
 *
 * @example
 * ```ts
 * import { answerCounter } from 'intentcast/terms'
 *
 * const on = {
 *   intent: offerFor,
 *   counter: (counter, { thread, terms }) => {
 *     const r = answerCounter(thread.intent, counter, { terms, minUnitPrice: { amount: '1800.00', currency: 'EUR' } })
 *     if (r.outcome === 'agreed') return 'agree'
 *     if (r.outcome === 'counter') return { ...r.counter, note: 'Our floor, and card or SEPA.' }
 *     return null // rejected: no answer (202); r.conflicts say why, in words for the vendor
 *   },
 * }
 * ```
 */
export function answerCounter(
  intent: Input<IntentPayload>,
  counter: Input<CounterPayload>,
  vendor: VendorPosition,
): VendorAnswer {
  const i = readArg(intent, ['intent'], 'answerCounter: intent')
  const p = readArg(counter, ['counter'], 'answerCounter: counter').payload
  const stance = readPosition(vendor, 'answerCounter: vendor')
  const reason = brokenCounterLink(i, p)
  if (reason) throw new IntentcastError('ERR_BROKEN_LINK', reason)
  const customer = customerFromIntent(i.payload)
  const position = positionFor(stance, p.quantity)
  const j = assessCounter(customer, stance, position, p)
  if (j.blocked) return { outcome: 'rejected', terms: p.terms, conflicts: j.conflicts }
  if (j.restored.size === 0 && j.agreement === undefined)
    return { outcome: 'agreed', terms: p.terms, conflicts: j.conflicts }
  const deal = counterOf(position, p, j)
  return { outcome: 'counter', terms: deal.terms, conflicts: j.conflicts, counter: deal }
}

/**
 * Why a counter cannot be the customer's move in this intent's thread, or undefined: the
 * customer's counters are signed by the intent's issuer and, when the intent's digest is known,
 * name it.
 */
function brokenCounterLink(intent: Read<IntentPayload>, p: CounterPayload): string | undefined {
  if (p.iss !== intent.payload.iss) return "the counter is not signed by the intent's issuer"
  if (intent.digest !== undefined && p.intent !== intent.digest) return 'the counter belongs to a different intent'
  return undefined
}

/** The vendor's statements for a deal of `quantity`: the declared ones, with its price floor. */
function positionFor(stance: VendorStance, quantity: number): Map<string, Term> {
  const position = new Map(stance.terms)
  const floor = priceFloor(stance, quantity)
  if (floor) position.set(PRICE, floor)
  return position
}

/**
 * The vendor's counter deal: the customer's counter with every hard position it broke restored.
 * Price and delivery travel as the deal's fields; a condition of either ID carries only the
 * firmness of a restored one (spec §Positions). The customer's own `required` flags are dropped:
 * in the vendor's counter they would claim a firmness of the vendor's.
 */
function counterOf(position: ReadonlyMap<string, Term>, p: CounterPayload, j: Judgement): Deal {
  const { restored } = j
  const deal = vendorFromOffer(p)
  const conditions: Term[] = []
  forEachTerm(position, deal.terms, (id, _v, x) => {
    const back = restored.get(id)
    if (id === PRICE || id === DELIVER_BY) {
      if (back?.required === true) conditions.push(back)
      return
    }
    if (back) conditions.push(back)
    else if (x) conditions.push(canonicalTerm(x, false))
  })
  sortTerms(conditions)
  const price = restored.get(PRICE)
  const date = (restored.get(DELIVER_BY) ?? statement(deal, DELIVER_BY))?.value as string | undefined
  return {
    quantity: p.quantity,
    price: price ? { amount: price.value as string, currency: price.unit! } : p.price,
    ...(date !== undefined && { deliverBy: date }),
    terms: { agreement: j.agreement ?? p.terms.agreement, ...(conditions.length > 0 && { conditions }) },
  }
}
