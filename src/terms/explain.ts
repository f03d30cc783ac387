import type { Term } from '../model/term-set.js'
import { sortStrings } from './canonical.js'
import { getTermDefinition } from '../model/catalog.js'
import { typeOf, type Gap } from './judge.js'

/**
 * The sentences a person reads in a conflict. They are addressed to the customer ("you"), whose
 * side the r-button and the negotiation take. Callers switch on the conflict's fields, never on
 * this text.
 */

/** A catalog term's label; an extension term's name after `#`. */
export function labelOf(id: string): string {
  return getTermDefinition(id)?.label ?? id.slice(id.lastIndexOf('#') + 1)
}

const PLURAL: Readonly<Record<string, string>> = { day: 'days', month: 'months' }

function amount(value: string, unit: string | undefined): string {
  if (unit === undefined) return value
  return `${value} ${value !== '1' && PLURAL[unit] ? PLURAL[unit] : unit}`
}

/** A term's value as words: `30 days`, `100.00 EUR`, `card, paypal`. */
export function valueOf(t: Term): string {
  if (Array.isArray(t.value)) return sortStrings(t.value).join(', ')
  if (typeof t.value === 'boolean') return t.value ? 'yes' : 'no'
  return amount(t.value, t.unit)
}

function bound(c: Term): string {
  const v = valueOf(c)
  const { type, better } = typeOf(c)
  switch (type) {
    case 'number':
      return better === 'lower' ? `you allow at most ${v}` : `you want at least ${v}`
    case 'date':
      return better === 'lower' ? `you want no later than ${v}` : `you want no earlier than ${v}`
    case 'set':
      return `you accept only ${v}`
    case 'obligation':
      return 'you ask for it'
  }
}

function kind(t: Term): string {
  const { type, better } = typeOf(t)
  switch (type) {
    case 'number':
      return `a number in ${t.unit}, ${better} is better`
    case 'date':
      return `a date, ${better === 'lower' ? 'earlier' : 'later'} is better`
    case 'set':
      return 'a list'
    case 'obligation':
      return 'a yes/no commitment'
  }
}

/** The sentence for a gap in term `id` between the customer's statement `c` and the vendor's `v`. */
export function explainGap(id: string, gap: Gap, c: Term | undefined, v: Term | undefined): string {
  const label = labelOf(id)
  if (gap === 'unknown' || !c) return `The vendor requires ${label} (${id}), which your terms do not cover.`
  const type = typeOf(c).type
  if (gap === 'unstated' || !v) {
    return type === 'obligation'
      ? `The vendor does not commit to ${label}; you ask for it.`
      : `The vendor states no ${label}; ${bound(c)}.`
  }
  if (gap === 'mismatch') {
    return `The vendor states ${label} as ${kind(v)} and you as ${kind(c)}, so the two cannot be compared.`
  }
  switch (type) {
    case 'obligation':
      return `The vendor declines ${label}; you ask for it.`
    case 'set':
      return `The vendor supports ${label} ${valueOf(v)}; ${bound(c)}.`
    default:
      return `The vendor states ${label} ${type === 'number' ? 'of ' : ''}${valueOf(v)}; ${bound(c)}.`
  }
}
