import * as z from 'zod/mini'
import { sameJson } from '../lib/same.js'
import { DateTime, Money, Quantity } from './primitives.js'
import { normalizeAgreementId } from './roster.js'
import { strictObject } from './strict-object.js'
import { DealTerms } from './term-set.js'

/**
 * The four claims of a deal, for a message schema to spread among its own (our `strictObject`
 * keeps no `.shape` to read them back from `Deal`).
 */
export const dealClaims = { quantity: Quantity, price: Money, deliverBy: z.optional(DateTime), terms: DealTerms }

/**
 * What is on the table: quantity, price for the whole quantity, delivery and the terms. An
 * offer, a counter, an acceptance and an agreement each carry one deal among their claims
 * (spec §Offer, §Counter, §Acceptance, §Agreement), so the four schemas spread `dealClaims`
 * rather than each restating the four fields.
 *
 * @example
 * ```ts
 * import { Deal } from 'intentcast'
 *
 * const deal: Deal = Deal.parse({ quantity: 1, price: { amount: '1890.00', currency: 'EUR' }, terms: { agreement: 'SD-BASE' } })
 * ```
 */
export const Deal = strictObject(dealClaims)
export type Deal = z.infer<typeof Deal>

/**
 * The deal a message carries, and nothing else: what an acceptance repeats and an agreement
 * records.
 *
 * @example
 * ```ts
 * import { dealOf } from 'intentcast'
 *
 * const deal = dealOf(offer.payload) // { quantity, price, deliverBy?, terms }
 * ```
 */
export function dealOf(message: Deal): Deal {
  const { quantity, price, deliverBy, terms } = message
  return { quantity, price, ...(deliverBy !== undefined && { deliverBy }), terms }
}

/**
 * Two deals are the same deal: one 7012 agreement however it is spelled (short ID or IRI),
 * conditions in any order (spec §Moves, Same deal).
 *
 * @example
 * ```ts
 * import { sameDeal } from 'intentcast'
 *
 * sameDeal(acceptance.payload, offer.payload) // true when the acceptance repeats the offer
 * ```
 */
export function sameDeal(a: Deal, b: Deal): boolean {
  return sameJson(canonical(a), canonical(b))
}

function canonical(d: Deal) {
  return {
    quantity: d.quantity,
    price: d.price,
    deliverBy: d.deliverBy,
    agreement: normalizeAgreementId(d.terms.agreement),
    conditions: [...(d.terms.conditions ?? [])].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)),
  }
}
