import * as z from 'zod/mini'
import { normalizeAgreementId } from '../model/roster.js'
import { parseWith } from '../model/parse.js'
import { DateTime, DECIMAL, Money } from '../model/primitives.js'
import { strictObject } from '../model/strict-object.js'
import type { Term, TermSet } from '../model/term-set.js'
import { invalidArgument, readArg, requireObject } from './input.js'
import type { TermsInput } from './match.js'
import { checkTermSet } from './parse.js'
import { compareDecimal } from './decimal.js'
import { DELIVER_BY, PRICE } from './side.js'

/**
 * What a vendor holds to when it answers a customer's counter (`answerCounter`): its declared
 * terms, and the limits a declaration does not carry, since they are its own business: the
 * least price it takes and the earliest delivery it can promise.
 *
 * @example
 * ```ts
 * const position: VendorPosition = {
 *   terms: ownTerms, // the vendor's terms declaration, as verify returned it (on.counter is given it), or a TermSet
 *   minUnitPrice: { amount: '1800.00', currency: 'EUR' },
 *   earliestDelivery: '2030-01-10T12:00:00Z',
 * }
 * ```
 */
export interface VendorPosition {
  /**
   * The vendor's terms declaration (as `verify` returned it, or its payload) or a bare TermSet:
   * the agreements it takes, and its statements. A statement marked `required` is a hard
   * position; any other is negotiable (spec §Positions), and a counter may move it.
   */
  readonly terms: TermsInput
  /** The least price for the whole deal, whatever its quantity. A hard position. */
  readonly minPrice?: Money
  /**
   * The least price per item: the floor for a deal is this times its quantity, and the higher
   * of this and `minPrice` when both are given (in one currency). A hard position.
   */
  readonly minUnitPrice?: Money
  /** The earliest delivery the vendor can promise, an RFC 3339 date-time. A hard position. */
  readonly earliestDelivery?: string
}

/** The vendor's position as answerCounter reads it. */
export interface VendorStance {
  /** The agreements it takes, as short IDs. */
  readonly agreements: readonly string[]
  /** Its declared statements by ID; `earliestDelivery` replaces a declared `deliver-by`. */
  readonly terms: ReadonlyMap<string, Term>
  readonly minPrice?: Money
  readonly minUnitPrice?: Money
  readonly earliestDelivery?: string
}

// The documented keys only (STYLE: options are whitelisted). `terms` is read on its own below,
// since it takes three shapes.
const Limits = strictObject({
  terms: z.optional(z.unknown()),
  minPrice: z.optional(Money),
  minUnitPrice: z.optional(Money),
  earliestDelivery: z.optional(DateTime),
})

function vendorTermSet(x: unknown, what: string): TermSet {
  requireObject(x, what, 'a TermSet, or a terms declaration verify returned, or its payload')
  // As matchTerms reads its arguments: a TermSet has `agreements`; a declaration, verified or
  // bare, has `payload` or `terms`.
  if ('agreements' in x || !('payload' in x || 'terms' in x)) return checkTermSet(x, what)
  const p = readArg(x, ['terms'], what).payload
  if (p.role !== 'vendor') throw invalidArgument(`${what} must be a vendor's terms declaration, not a ${p.role}'s`)
  return p.terms
}

/** Reads argument `what`, a VendorPosition; the calling program's mistakes are ERR_INVALID_ARGUMENT. */
export function readPosition(x: unknown, what: string): VendorStance {
  requireObject(x, what, 'a VendorPosition: { terms, minPrice?, minUnitPrice?, earliestDelivery? }')
  const limits = parseWith(Limits, x, `${what} is not a VendorPosition`, 'ERR_INVALID_ARGUMENT')
  const { minPrice, minUnitPrice, earliestDelivery } = limits
  if (minPrice && minUnitPrice && minPrice.currency !== minUnitPrice.currency)
    throw invalidArgument(`${what}: minPrice and minUnitPrice must be in one currency`)
  const set = vendorTermSet(limits.terms, `${what}.terms`)
  const terms = new Map<string, Term>()
  for (const t of set.conditions ?? []) terms.set(t.id, t)
  // The limits are the vendor's own hard positions on the deal's two fields, and replace any
  // declared condition of the same ID, as an intent's `want` bounds replace the customer's (the
  // price floor depends on each deal's quantity: priceFloor).
  if (earliestDelivery !== undefined) terms.set(DELIVER_BY, { id: DELIVER_BY, value: earliestDelivery, required: true })
  return {
    // Every ID is in the roster: the TermSet schema checked it.
    agreements: set.agreements.map((a) => normalizeAgreementId(a)!),
    terms,
    ...(minPrice && { minPrice }),
    ...(minUnitPrice && { minUnitPrice }),
    ...(earliestDelivery !== undefined && { earliestDelivery }),
  }
}

/** `amount` times a whole number, exactly, with as many fraction digits as `amount` has. */
function times(amount: string, n: number): string {
  const dot = amount.indexOf('.')
  const fraction = dot < 0 ? '' : amount.slice(dot + 1)
  const product = (BigInt((dot < 0 ? amount : amount.slice(0, dot)) + fraction) * BigInt(n)).toString()
  if (fraction.length === 0) return product
  const padded = product.padStart(fraction.length + 1, '0')
  return `${padded.slice(0, -fraction.length)}.${padded.slice(-fraction.length)}`
}

/**
 * The vendor's price floor for a deal of `quantity`, as a required `price` statement, or the
 * declared `price` condition when no limit is given. Its value may be larger than a message can
 * state (a per-item floor times a large quantity); the caller treats that as unreachable.
 * compareDecimal orders such a value correctly: it compares integer parts by length first.
 */
export function priceFloor(stance: VendorStance, quantity: number): Term | undefined {
  const { minPrice, minUnitPrice } = stance
  if (!minPrice && !minUnitPrice) return stance.terms.get(PRICE)
  const perDeal = minUnitPrice && times(minUnitPrice.amount, quantity)
  const amount =
    perDeal === undefined
      ? minPrice!.amount
      : minPrice === undefined || compareDecimal(perDeal, minPrice.amount) >= 0
        ? perDeal
        : minPrice.amount
  return { id: PRICE, value: amount, unit: (minPrice ?? minUnitPrice)!.currency, required: true }
}

/** Whether a floor can be stated as a message's price at all. */
export const statable = (t: Term): boolean => typeof t.value === 'string' && DECIMAL.test(t.value)
