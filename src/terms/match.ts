import type { DealTerms, Term, TermSet } from '../model/term-set.js'
import type { TermsPayload } from '../model/terms.js'
import { chooseAgreement, explainAgreement } from './choose-agreement.js'
import { canonicalTerm, sortTerms } from './canonical.js'
import { AGREEMENT, positionOf, sortConflicts, type Conflict } from './conflict.js'
import { explainGap } from './explain.js'
import { invalidArgument, readArg, requireObject, type Input } from './input.js'
import { checkTermSet } from './parse.js'
import { forEachTerm, gapOf, settle } from './judge.js'
import { DPV_STATUS } from '../model/status.js'
import { customerFromTermSet, vendorFromTermSet } from './side.js'

/**
 * The r-button: `lit` when the vendor's declared terms meet everything the customer asks and
 * take the agreement the customer proffers; `partial` when they meet it only through an
 * alternative agreement or differ only on terms the customer did not mark required; `dark`
 * when a hard limit is not met.
 */
export type RButtonState = 'lit' | 'partial' | 'dark'

/**
 * The DPV (IEEE 7012 extension) agreement status each r-button state corresponds to.
 *
 * @example
 * ```ts
 * import { matchTerms, R_BUTTON_STATUS } from 'intentcast/terms'
 *
 * R_BUTTON_STATUS.lit // 'https://w3id.org/dpv/standards/p7012#AgreementAccepted'
 * matchTerms(mine, theirs).status === R_BUTTON_STATUS[matchTerms(mine, theirs).state] // true
 * ```
 */
export const R_BUTTON_STATUS: Readonly<Record<RButtonState, string>> = Object.freeze({
  lit: DPV_STATUS.accepted,
  partial: DPV_STATUS.counterOfferMade,
  dark: DPV_STATUS.refused,
})

/**
 * What `matchTerms` finds: the r-button's state, the agreement and terms the two parties would
 * stand on, and every term where they differ.
 *
 * @example
 * ```ts
 * const { state, agreement, conflicts }: MatchResult = matchTerms(mine, theirs)
 * if (state !== 'lit') console.log(conflicts.map((c) => c.message))
 * ```
 */
export interface MatchResult {
  /** The r-button's state: `lit`, `partial` or `dark`. */
  readonly state: RButtonState
  /** The agreement (short ID) agreed (`lit`) or proposed; absent when none is acceptable. */
  readonly agreement?: string
  /**
   * The terms the two would stand on: the vendor's value where it meets the customer's bound
   * (a set narrowed to what both list), else the customer's position, unless the vendor marks
   * its value required and the customer does not. Conditions are sorted by ID. When no
   * agreement is acceptable, `agreement` here is the customer's proffered one.
   */
  readonly terms: DealTerms
  /** Every term where the two differ, each with whether it is a hard limit and a message for people. */
  readonly conflicts: Conflict[]
  /** The DPV status IRI of `state` (R_BUTTON_STATUS). */
  readonly status: string
}

/** A `terms` declaration (verified or its payload), or a bare TermSet. */
export type TermsInput = TermSet | Input<TermsPayload>

function termSetOf(x: TermsInput, role: 'customer' | 'vendor'): TermSet {
  const what = `matchTerms: ${role}`
  requireObject(x, what, 'a TermSet, or a terms declaration verify returned, or its payload')
  // A TermSet has `agreements`; a declaration, verified or bare, has `payload` or `terms`.
  if ('agreements' in x || !('payload' in x || 'terms' in x)) return checkTermSet(x, what)
  const p = readArg(x, ['terms'], what).payload
  if (p.role !== role) throw invalidArgument(`${what} must be a ${role}'s terms declaration, not a ${p.role}'s`)
  return p.terms
}

/**
 * Matches a customer's terms (first argument: the 7012 first party) against a vendor's
 * (second argument): the r-button. Deterministic, and independent of the order conditions and
 * set values are listed in; agreement lists are ordered by preference, so their order counts.
 * Each argument is a TermSet, or a `terms` declaration as `verify` returned it or its payload;
 * anything but a verified declaration is checked against its schema first (ERR_INVALID_ARGUMENT).
 *
 * @example
 * ```ts
 * import { matchTerms } from 'intentcast/terms'
 *
 * const mine = { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '30', unit: 'day', required: true }] }
 * const theirs = { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '90', unit: 'day' }] }
 * const r = matchTerms(mine, theirs)
 * r.state // 'dark': a required term is not met
 * r.conflicts[0].message // 'The vendor states data retention of 90 days; you allow at most 30 days.'
 * ```
 */
export function matchTerms(customer: TermsInput, vendor: TermsInput): MatchResult {
  return matchTermSets(termSetOf(customer, 'customer'), termSetOf(vendor, 'vendor'))
}

/**
 * `matchTerms` on two TermSets already checked, without its schema front door: the r-button's
 * page bundle checks its inputs its own way (src/r-button/schema.ts) and calls this, so zod and
 * the payload schemas stay out of that one file. Internal: not exported by `intentcast/terms`.
 * Trusts its input; anything unchecked may throw or answer wrongly.
 *
 * @example
 * ```ts
 * matchTermSets(checkTermSet(mine, 'customer'), vendor.terms).state // 'lit', 'partial' or 'dark'
 * ```
 */
export function matchTermSets(customer: TermSet, vendor: TermSet): MatchResult {
  const c = customerFromTermSet(customer)
  const v = vendorFromTermSet(vendor)
  const conflicts: Conflict[] = []
  const verdict = chooseAgreement(c, v.agreements)
  if (verdict.fit !== 'first') {
    conflicts.push({
      term: AGREEMENT,
      customer: c.agreements,
      vendor: v.agreements,
      required: verdict.fit === 'refused',
      message: explainAgreement(c, verdict, v.agreements, false),
    })
  }
  const conditions: Term[] = []
  forEachTerm(c.terms, v.terms, (id, ct, vt) => {
    const gap = gapOf(id, ct, vt)
    if (!gap) {
      const settled = settle(ct, vt)
      if (settled) conditions.push(canonicalTerm(settled, false))
      return
    }
    const hard = gap === 'unknown' || ct!.required === true
    conflicts.push({
      term: id,
      customer: positionOf(ct),
      vendor: positionOf(vt),
      required: hard,
      message: explainGap(id, gap, ct, vt),
    })
    // A firm vendor value wins over a negotiable customer bound; otherwise the customer's stands.
    const vendorWins = gap === 'unknown' || (!hard && vt?.required === true)
    conditions.push(canonicalTerm(vendorWins ? vt! : ct!, false))
  })
  sortTerms(conditions)
  const state: RButtonState = conflicts.some((x) => x.required) ? 'dark' : conflicts.length > 0 ? 'partial' : 'lit'
  const terms: DealTerms = {
    agreement: verdict.agreement ?? c.agreements[0]!,
    ...(conditions.length > 0 && { conditions }),
  }
  return {
    state,
    ...(verdict.agreement !== undefined && { agreement: verdict.agreement }),
    terms,
    conflicts: sortConflicts(conflicts),
    status: R_BUTTON_STATUS[state],
  }
}
