import type { IntentPayload } from '../model/intent.js'
import { assess, brokenLink, type Assessment } from './assess.js'
import { compareStrings } from './canonical.js'
import { decimalKey } from './decimal.js'
import { invalidArgument, OFFER_KINDS, offerOrCounter, readArg, type Input, type OfferInput } from './input.js'
import { instantKey } from './instant.js'
import { customerFromIntent, type CustomerSide } from './side.js'

/**
 * One offer of a Ranking, with its score and the reasons for its place.
 *
 * @example
 * ```ts
 * const best: RankedOffer<Proposal> | undefined = rankOffers(intent, offers).ranked[0]
 * ```
 */
export interface RankedOffer<O> {
  /** The offer or counter, exactly as it was passed in. */
  readonly offer: O
  /** The share of the customer's asks (agreement and terms) the offer meets, from 0 to 1. */
  readonly score: number
  /** Why it ranks where it does, one sentence each, for people. */
  readonly reasons: string[]
}

/**
 * An offer `rankOffers` left out: it breaks a hard limit, or does not answer the intent.
 *
 * @example
 * ```ts
 * const excluded: ExcludedOffer<Proposal>[] = rankOffers(intent, offers).excluded
 * for (const { offer, reasons } of excluded) console.log(offer.issuer, reasons.join(' '))
 * ```
 */
export interface ExcludedOffer<O> {
  /** The offer or counter, exactly as it was passed in. */
  readonly offer: O
  /** Each hard limit it breaks, or why it does not answer the intent, for people. */
  readonly reasons: string[]
}

/**
 * What `rankOffers` returns: the offers a customer could take, best first, and those it could not.
 *
 * @example
 * ```ts
 * const { ranked, excluded }: Ranking<Proposal> = rankOffers(intent, offers)
 * ```
 */
export interface Ranking<O> {
  /** Best first. */
  readonly ranked: RankedOffer<O>[]
  /** In input order. */
  readonly excluded: ExcludedOffer<O>[]
}

interface Entry<O> {
  readonly offer: O
  readonly index: number
  readonly a: Assessment
  readonly preference: number
  /** Sort keys worked out once per offer rather than once per comparison. */
  readonly price: string
  readonly date: string
}

// After every date key: an offer without a delivery date sorts after those with one.
const NO_DATE = '~'

/**
 * The ranking order, a total order: more of the customer's asks met; then the lower price
 * (prices in different currencies are not converted: the currency code orders them first);
 * then the earlier delivery (a stated date before none); then the agreement earlier in the
 * customer's list; then, so that ties do not depend on arrival order, the issuer DID, the `jti`
 * and the payload's JSON text (two offers share an issuer and `jti` only when one is a replay);
 * last the input position, which keeps equal offers in input order.
 */
function compare<O>(x: Entry<O>, y: Entry<O>): number {
  if (x.a.met !== y.a.met) return y.a.met - x.a.met
  if (x.price !== y.price) return x.price < y.price ? -1 : 1
  if (x.date !== y.date) return x.date < y.date ? -1 : 1
  const xp = x.a.offer
  const yp = y.a.offer
  return (
    x.preference - y.preference ||
    compareStrings(xp.iss, yp.iss) ||
    compareStrings(xp.jti, yp.jti) ||
    (xp === yp ? 0 : compareStrings(JSON.stringify(xp), JSON.stringify(yp))) ||
    x.index - y.index
  )
}

function reasonsFor(customer: CustomerSide, a: Assessment): string[] {
  const p = a.offer
  const reasons = [`Meets ${a.met} of ${a.asked} of your asks.`, `Price ${p.price.amount} ${p.price.currency}.`]
  const offered = a.vendor.agreements[0]!
  if (a.agreement.fit === 'listed')
    reasons.push(
      `Takes ${offered}, your choice ${customer.agreements.indexOf(offered) + 1} of ${customer.agreements.length}.`,
    )
  if (a.agreement.fit === 'covered')
    reasons.push(`Takes ${offered}, which permits the vendor no more than an agreement you accept.`)
  for (const c of a.conflicts) reasons.push(c.message)
  return reasons
}

/**
 * Ranks offers (or counters) for an intent, for a wallet to show (spec §Ranking). An offer that
 * breaks a hard limit, or does not answer this intent, is excluded with the reasons. The intent
 * is read once; each offer is assessed once and sorted on precomputed keys. Messages `verify`
 * returned are read as they are; a bare payload is checked against its schema first, and one that
 * fails is the caller's mistake (ERR_INVALID_ARGUMENT), not an offer to exclude.
 *
 * @example
 * ```ts
 * import { rankOffers } from 'intentcast/terms'
 *
 * const { ranked, excluded } = rankOffers(intent, offers) // offers: verified offers or counters
 * for (const r of ranked) console.log(r.score, r.offer.payload.price, r.reasons.join(' '))
 * for (const x of excluded) console.log('excluded:', x.reasons.join(' '))
 * ```
 */
export function rankOffers<O extends OfferInput>(intent: Input<IntentPayload>, offers: readonly O[]): Ranking<O> {
  const i = readArg(intent, ['intent'], 'rankOffers: intent')
  // Checked through an `unknown` alias: narrowing a readonly array with Array.isArray types its elements `any`.
  const list: unknown = offers
  if (!Array.isArray(list)) throw invalidArgument('rankOffers: offers must be an array of offers or counters')
  const customer = customerFromIntent(i.payload)
  const entries: Entry<O>[] = []
  const excluded: ExcludedOffer<O>[] = []
  offers.forEach((offer, index) => {
    const p = readArg(offer, OFFER_KINDS, `rankOffers: offers[${index}]`, offerOrCounter).payload
    const link = brokenLink(i, p)
    if (link) {
      excluded.push({ offer, reasons: [`Not an answer to this intent: ${link}.`] })
      return
    }
    const a = assess(customer, p)
    const hard = a.conflicts.filter((c) => c.required)
    if (hard.length > 0) {
      excluded.push({ offer, reasons: hard.map((c) => c.message) })
      return
    }
    const at = customer.agreements.indexOf(a.vendor.agreements[0]!)
    const { price, deliverBy } = p
    entries.push({
      offer,
      index,
      a,
      preference: at < 0 ? customer.agreements.length : at,
      price: `${price.currency} ${decimalKey(price.amount)}`,
      date: deliverBy === undefined ? NO_DATE : instantKey(deliverBy),
    })
  })
  entries.sort(compare)
  return {
    ranked: entries.map((e) => ({ offer: e.offer, score: e.a.met / e.a.asked, reasons: reasonsFor(customer, e.a) })),
    excluded,
  }
}
