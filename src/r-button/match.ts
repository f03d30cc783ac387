/**
 * The r-button match on term sets already checked: the body of `matchTerms`
 * (src/terms/match.ts) without its front door. `matchTerms` checks each argument against the
 * zod schemas (and accepts verified declarations too), which pulls zod and every payload schema
 * into the element's one-file bundle; the element checks its inputs itself (schema.ts) and then
 * needs only this. test/browser/match.test.ts holds the two to the same result on the spec's
 * match vectors and on generated term sets.
 * @module
 */
import type { DealTerms, Term, TermSet } from '../model/term-set.js'
import { canonicalTerm, sortTerms } from '../terms/canonical.js'
import { chooseAgreement, explainAgreement } from '../terms/choose-agreement.js'
import { AGREEMENT, positionOf, sortConflicts, type Conflict } from '../terms/conflict.js'
import { explainGap } from '../terms/explain.js'
import { forEachTerm, gapOf, settle } from '../terms/judge.js'
import { R_BUTTON_STATUS, type MatchResult, type RButtonState } from '../terms/match.js'
import { customerFromTermSet, vendorFromTermSet } from '../terms/side.js'

/**
 * `matchTerms(customer, vendor)` for two TermSets that have passed `checkTermSet`. Trusts its
 * input: anything unchecked may throw or answer wrongly.
 * @example
 * ```ts
 * const customer = checkTermSet(JSON.parse(attr), 'customer-terms', 'ERR_INVALID_ARGUMENT')
 * matchTermSets(customer, vendor.terms).state // 'lit', 'partial' or 'dark'
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
