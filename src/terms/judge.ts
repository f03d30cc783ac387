import type { Term } from '../model/term-set.js'
import { getTermDefinition, type Better, type TermType } from '../model/catalog.js'
import { compareDecimal } from './decimal.js'
import { compareInstant } from './instant.js'

/**
 * How the vendor's statement of one term falls short of the customer's position:
 * - `unknown`: the vendor requires an extension term the customer does not declare, so the
 *   customer's side cannot judge it (a required term is never silently ignored);
 * - `unstated`: the customer asks and the vendor states nothing;
 * - `mismatch`: both state it, with different types or units, so they cannot be compared;
 * - `short`: the vendor's value does not meet the customer's bound.
 */
export type Gap = 'unknown' | 'unstated' | 'mismatch' | 'short'

/** A term's value type and favourable direction: the catalog's for catalog terms, else its own. */
export function typeOf(t: Term): { readonly type: TermType; readonly better: Better | undefined } {
  const def = getTermDefinition(t.id)
  return def ? { type: def.type, better: def.better } : { type: t.type!, better: t.better }
}

/** An obligation set to `false` asks nothing of the vendor; every other customer term does. */
export function asks(c: Term): boolean {
  return c.value !== false
}

/** Whether the vendor's value meets the customer's bound, both stated with one type. */
function meets(type: TermType, better: Better | undefined, c: Term, v: Term): boolean {
  const cv = c.value
  const vv = v.value
  switch (type) {
    case 'obligation':
      return vv === true
    case 'number':
    case 'date': {
      const cmp =
        type === 'number' ? compareDecimal(vv as string, cv as string) : compareInstant(vv as string, cv as string)
      return better === 'lower' ? cmp <= 0 : cmp >= 0
    }
    case 'set':
      return (vv as string[]).some((x) => (cv as string[]).includes(x))
  }
}

/** How the vendor's statement of term `id` falls short of the customer's; either may be absent, not both. */
export function gapOf(id: string, customer: Term | undefined, vendor: Term | undefined): Gap | undefined {
  const def = getTermDefinition(id)
  if (!customer || !asks(customer)) return !customer && vendor?.required === true && !def ? 'unknown' : undefined
  if (!vendor) return 'unstated'
  // Catalog terms share one type; only a currency can differ. Extension terms carry their own.
  if (
    def
      ? def.unit === 'currency' && customer.unit !== vendor.unit
      : customer.type !== vendor.type || customer.better !== vendor.better || customer.unit !== vendor.unit
  ) {
    return 'mismatch'
  }
  return def
    ? meets(def.type, def.better, customer, vendor)
      ? undefined
      : 'short'
    : meets(customer.type!, customer.better, customer, vendor)
      ? undefined
      : 'short'
}

/**
 * The term two statements without a gap stand on: the vendor's, with a set narrowed to the
 * tokens both list; undefined when neither states anything binding.
 */
export function settle(customer: Term | undefined, vendor: Term | undefined): Term | undefined {
  if (!vendor || !customer || !Array.isArray(vendor.value) || !Array.isArray(customer.value)) return vendor
  const theirs = customer.value
  return { ...vendor, value: vendor.value.filter((x) => theirs.includes(x)) }
}

/**
 * Calls `f` once for every term either side states. The order is unspecified: callers sort
 * what they output. A callback, not a list, so the hot path allocates nothing per term.
 */
export function forEachTerm(
  customer: ReadonlyMap<string, Term>,
  vendor: readonly Term[],
  f: (id: string, c: Term | undefined, v: Term | undefined) => void,
): void {
  let matched = 0
  for (const v of vendor) {
    const c = customer.get(v.id)
    if (c) matched++
    f(v.id, c, v)
  }
  if (matched < customer.size) {
    const stated = new Set(vendor.map((v) => v.id))
    for (const c of customer.values()) if (!stated.has(c.id)) f(c.id, c, undefined)
  }
}
