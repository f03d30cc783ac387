/**
 * Plain words for terms, deals and r-button states, shared by the commands (and the demo): what a
 * person reads in a terminal, never what a script parses (that is --json).
 */
import type { Deal } from '../model/deal.js'
import type { Money } from '../model/primitives.js'
import type { DealTerms, Term, TermSet } from '../model/term-set.js'
import type { Conflict } from '../terms/conflict.js'
import type { RButtonState } from '../terms/match.js'
import { getTermDefinition } from '../model/catalog.js'

/** The r-button as text: ⊂⊃ joined (lit), half apart (partial), apart (dark). */
export const R_BUTTON: Readonly<Record<RButtonState, string>> = Object.freeze({
  lit: '⊂⊃  ',
  partial: '⊂ ⊃ ',
  dark: '⊂  ⊃',
})

export function money(m: Money): string {
  return `${m.amount} ${m.currency}`
}

const plural = (unit: string, value: string): string => (value === '1' ? unit : `${unit}s`)

/**
 * One term in words. `bound` reads a customer's term as the limit it is (`at most 30 days`);
 * otherwise it is a statement (`30 days`).
 */
export function termText(t: Term, bound = false): string {
  const def = getTermDefinition(t.id)
  const label = def?.label ?? t.id
  const better = def?.better ?? t.better
  const limit = bound && better ? (better === 'lower' ? 'at most ' : 'at least ') : ''
  let text: string
  if (typeof t.value === 'boolean') text = t.value ? label : `no ${label}`
  else if (Array.isArray(t.value)) text = `${label}: ${t.value.join(', ')}`
  else if ((def?.type ?? t.type) === 'date')
    text = `${label} ${bound ? (better === 'lower' ? 'by ' : 'from ') : ''}${t.value}`
  else if (t.unit && def?.unit !== 'currency' && !/^[A-Z]{3}$/.test(t.unit))
    text = `${label} ${limit}${t.value} ${plural(t.unit, t.value)}`
  else text = `${label} ${limit}${t.value}${t.unit ? ` ${t.unit}` : ''}`
  return bound && t.required ? `${text} (required)` : text
}

/** A party's standing terms in words: the agreements, then each condition. */
export function termSetText(ts: TermSet, side: 'customer' | 'vendor'): string {
  const agreements =
    side === 'customer' && ts.strict ? `${ts.agreements.join(' or ')} (no others)` : ts.agreements.join(' or ')
  return [agreements, ...(ts.conditions ?? []).map((t) => termText(t, side === 'customer'))].join('; ')
}

/** The terms of one deal in words. */
export function dealTermsText(terms: DealTerms): string {
  return [terms.agreement, ...(terms.conditions ?? []).map((t) => termText(t))].join('; ')
}

/** One conflict: the term, whether it is a hard limit, and the sentence. */
export function conflictText(c: Conflict): string {
  return `${c.required ? '✗' : '~'} ${c.term}${c.required ? ' (hard limit)' : ' (negotiable)'}: ${c.message}`
}

/** A deal in words: quantity, item, price, delivery, then its terms. A counter names no item: pass the intent's. */
export function dealText(deal: Deal, item: string): string {
  return `${deal.quantity} × ${item} for ${money(deal.price)}${deal.deliverBy ? `, by ${deal.deliverBy}` : ''}; ${dealTermsText(deal.terms)}`
}
