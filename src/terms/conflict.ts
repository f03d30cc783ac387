import type { Term } from '../model/term-set.js'
import { canonicalTerm, sortBy } from './canonical.js'

/**
 * One side's position in a conflict: a term as stated (with its `required` flag), a list of
 * agreement short IDs, a quantity, or `null` where that side states nothing.
 */
export type Position = Term | readonly string[] | number | null

/** A term on which the two sides differ, with a sentence a person can read. */
export interface Conflict {
  /** A term ID, `agreement` for the 7012 agreement, or `quantity`. */
  readonly term: string
  readonly customer: Position
  readonly vendor: Position
  /**
   * A hard limit is at stake: the customer marked the term required (an intent's `maxPrice` and
   * `deliverBy` always are), lists agreements `strict`ly, or the vendor requires a term the
   * customer's terms do not cover.
   */
  readonly required: boolean
  readonly message: string
}

/** The names conflicts use for what is not a term of the catalog. */
export const AGREEMENT = 'agreement'
export const QUANTITY = 'quantity'

export function positionOf(t: Term | undefined): Term | null {
  return t ? canonicalTerm(t, true) : null
}

const termOf = (c: Conflict): string => c.term

export function sortConflicts(conflicts: Conflict[]): Conflict[] {
  return sortBy(conflicts, termOf)
}
