import type { CounterPayload } from '../model/counter.js'
import type { IntentPayload } from '../model/intent.js'
import type { OfferPayload } from '../model/offer.js'
import type { Term, TermSet } from '../model/term-set.js'
import { normalizeAgreementId } from '../model/roster.js'

/**
 * The customer's position: agreements in preference order (short IDs), whether only those are
 * acceptable, and a bound per term ID. `required` on a bound makes it a hard limit.
 */
export interface CustomerSide {
  readonly agreements: readonly string[]
  readonly strict: boolean
  readonly terms: ReadonlyMap<string, Term>
  /** From an intent's `want.quantity`: the quantity the customer wants, exactly. */
  readonly quantity?: number
}

/** The vendor's position: the agreements it takes and its stated value of each term. */
export interface VendorSide {
  readonly agreements: readonly string[]
  /** One term per ID. */
  readonly terms: readonly Term[]
}

/** The two commercial terms an intent and an offer carry as fields rather than conditions. */
export const PRICE = 'price'
export const DELIVER_BY = 'deliver-by'

// Every ID is in the roster: the model's AgreementId schema checked it.
const short = (id: string): string => normalizeAgreementId(id)!

function byId(conditions: readonly Term[] | undefined): Map<string, Term> {
  const m = new Map<string, Term>()
  if (conditions) for (const t of conditions) m.set(t.id, t)
  return m
}

export function customerFromTermSet(set: TermSet): CustomerSide {
  return { agreements: set.agreements.map(short), strict: set.strict === true, terms: byId(set.conditions) }
}

export function vendorFromTermSet(set: TermSet): VendorSide {
  return { agreements: set.agreements.map(short), terms: set.conditions ?? [] }
}

/**
 * An intent's terms plus its `want`: `maxPrice` and `deliverBy` are hard limits, so they become
 * required `price` and `deliver-by` bounds, replacing conditions of the same ID (the `want`
 * fields are where an intent states them).
 */
export function customerFromIntent(intent: IntentPayload): CustomerSide {
  const terms = byId(intent.terms.conditions)
  const { maxPrice, deliverBy, quantity } = intent.want
  if (maxPrice) terms.set(PRICE, { id: PRICE, value: maxPrice.amount, unit: maxPrice.currency, required: true })
  if (deliverBy) terms.set(DELIVER_BY, { id: DELIVER_BY, value: deliverBy, required: true })
  const agreements = intent.terms.agreements.map(short)
  const strict = intent.terms.strict === true
  return quantity === undefined ? { agreements, strict, terms } : { agreements, strict, terms, quantity }
}

/**
 * An offer's or counter's deal as a vendor position. Its `price` and `deliverBy` fields are
 * its statements of `price` and `deliver-by`; a condition of the same ID adds only its
 * `required` flag, which is how a vendor marks price or delivery firm (without a `deliverBy`
 * field, a `deliver-by` condition is the statement).
 */
export function vendorFromOffer(p: OfferPayload | CounterPayload): VendorSide {
  const terms: Term[] = []
  let firmPrice = false
  let firmDate = false
  for (const t of p.terms.conditions ?? []) {
    if (t.id === PRICE) firmPrice = t.required === true
    else if (t.id === DELIVER_BY && p.deliverBy !== undefined) firmDate = t.required === true
    else terms.push(t)
  }
  terms.push({ id: PRICE, value: p.price.amount, unit: p.price.currency, ...(firmPrice && { required: true }) })
  if (p.deliverBy !== undefined) terms.push({ id: DELIVER_BY, value: p.deliverBy, ...(firmDate && { required: true }) })
  return { agreements: [short(p.terms.agreement)], terms }
}

/** The vendor's statement of term `id`, if any. */
export function statement(v: VendorSide, id: string): Term | undefined {
  return v.terms.find((t) => t.id === id)
}
