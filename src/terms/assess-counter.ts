import type { CounterPayload } from '../model/counter.js'
import type { Term } from '../model/term-set.js'
import { canonicalTerm } from './canonical.js'
import { chooseAgreement } from './choose-agreement.js'
import { AGREEMENT, positionOf, sortConflicts, type Conflict } from './conflict.js'
import { forEachTerm, gapOf } from './judge.js'
import { vendorFromOffer, PRICE, type CustomerSide } from './side.js'
import { explainAgreementTaken, explainVendorGap, restore, vendorGapOf } from './vendor-gap.js'
import { statable, type VendorStance } from './vendor-position.js'

/**
 * What becomes of one conflict on a term, from the vendor's side (negotiate's fates, mirrored;
 * the agreement has its own rule, in assessCounter):
 * - `yield`: the vendor gives way: its statement is negotiable, or it states nothing there;
 * - `move`: a counter restores the vendor's hard position, which the customer can accept;
 * - `block`: no counter settles it: the vendor's hard position breaks a hard limit of the
 *   customer's intent.
 */
type Fate = 'yield' | 'move' | 'block'

const SUFFIX: Readonly<Record<Fate, string>> = {
  yield: " You do not mark it required, so the counter's value stands.",
  move: ' A counter restores yours.',
  block: " Yours breaks a hard limit of the customer's intent, so no counter can settle it.",
}

// A per-item floor times a large quantity can exceed the largest amount a message states.
const UNREACHABLE = ' No price a message can state reaches it, so no counter can settle it.'

export interface Judgement {
  readonly conflicts: Conflict[]
  readonly blocked: boolean
  /** The terms a counter restores, by ID, `required` set where the customer could move them back. */
  readonly restored: ReadonlyMap<string, Term>
  /** The agreement a counter proposes instead of the counter's, one the vendor takes. */
  readonly agreement?: string
}

/**
 * The vendor's view of a customer's counter, the mirror of assess.ts: each departure from the
 * vendor's position, what becomes of it, and what a counter would restore. `position` is the
 * stance's statements for this deal's quantity (its price floor among them).
 */
export function assessCounter(
  customer: CustomerSide,
  stance: VendorStance,
  position: ReadonlyMap<string, Term>,
  p: CounterPayload,
): Judgement {
  const conflicts: Conflict[] = []
  const restored = new Map<string, Term>()
  let blocked = false
  // The counter's deal read as statements: its `price` and `deliverBy` fields among its terms.
  const deal = vendorFromOffer(p)
  const named = deal.agreements[0]!
  let agreement: string | undefined
  if (!stance.agreements.includes(named)) {
    // IEEE 7012's answer, as the r-button gives it: the customer's earliest listed agreement the
    // vendor takes, else one alternative. The customer's negotiate accepts it as it stands only
    // when the intent lists it or it is covered (no more permissive than one listed); any other
    // would be countered back with the customer's first choice, for ever.
    const pick = chooseAgreement(customer, stance.agreements)
    const settles = pick.fit !== 'outside' && pick.fit !== 'refused'
    if (settles) agreement = pick.agreement
    else blocked = true
    conflicts.push({
      term: AGREEMENT,
      customer: [named],
      vendor: stance.agreements,
      required: true,
      message:
        explainAgreementTaken(named, stance.agreements) +
        (settles
          ? ` A counter proposes ${pick.agreement}, which the customer's intent accepts.`
          : " The customer's intent accepts none of them, so no counter can settle it."),
    })
  }
  forEachTerm(position, deal.terms, (id, v, x) => {
    const gap = vendorGapOf(id, v, x)
    if (!gap) return
    let fate: Fate = 'yield'
    let unreachable = false
    if (v?.required === true) {
      const back = restore(v, x, gap)
      // The customer's bound on the term, and whether the restored value falls short of it.
      const bound = customer.terms.get(id)
      const short = bound !== undefined && gapOf(id, bound, back) !== undefined
      const hard = short && bound.required === true
      unreachable = id === PRICE && !statable(back)
      fate = hard || unreachable ? 'block' : 'move'
      blocked ||= fate === 'block'
      // Marked firm only where the customer's negotiate would otherwise move it back: marking a
      // term the intent does not declare would read to it as an unknown required term.
      if (fate === 'move') restored.set(id, canonicalTerm(short ? { ...back, required: true } : back, true))
    }
    conflicts.push({
      term: id,
      customer: positionOf(x),
      vendor: positionOf(v),
      required: v?.required === true,
      message: explainVendorGap(id, gap, v, x) + (gap === 'undeclared' ? '' : unreachable ? UNREACHABLE : SUFFIX[fate]),
    })
  })
  return { conflicts: sortConflicts(conflicts), blocked, restored, ...(agreement !== undefined && { agreement }) }
}
