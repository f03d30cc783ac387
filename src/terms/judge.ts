import type { Term } from '../model/term.js'
import { getTermDefinition, type Better, type TermType } from './catalog.js'
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

export interface Judgement {
  readonly id: string
  readonly customer: Term | undefined
  readonly vendor: Term | undefined
  readonly gap: Gap | undefined
  /** Without a gap: the term both stand on (the vendor's value; a set narrowed to both lists). */
  readonly settled: Term | undefined
}

/** A term's value type and favourable direction: the catalog's for catalog terms, else its own. */
export function typeOf(t: Term): { readonly type: TermType; readonly better: Better | undefined } {
  const def = getTermDefinition(t.id)
  return def ? { type: def.type, better: def.better } : { type: t.type!, better: t.better }
}

/** An obligation set to `false` asks nothing of the vendor; every other customer term does. */
export function asks(c: Term): boolean {
  return c.value !== false
}

function meets(type: TermType, better: Better | undefined, c: Term, v: Term): Term | undefined {
  const cv = c.value
  const vv = v.value
  switch (type) {
    case 'obligation':
      return vv === true ? v : undefined
    case 'number':
    case 'date': {
      const cmp = type === 'number' ? compareDecimal(vv as string, cv as string) : compareInstant(vv as string, cv as string)
      return (better === 'lower' ? cmp <= 0 : cmp >= 0) ? v : undefined
    }
    case 'set': {
      const both = (vv as string[]).filter((x) => (cv as string[]).includes(x))
      return both.length > 0 ? { ...v, value: both } : undefined
    }
  }
}

/** Compares the two statements of term `id`; either may be absent, not both. */
export function judge(id: string, customer: Term | undefined, vendor: Term | undefined): Judgement {
  let gap: Gap | undefined
  let settled: Term | undefined
  const def = getTermDefinition(id)
  if (!customer || !asks(customer)) {
    if (!customer && vendor?.required === true && !def) gap = 'unknown'
    else settled = vendor
  } else if (!vendor) gap = 'unstated'
  else if (def ? def.unit === 'currency' && customer.unit !== vendor.unit : customer.type !== vendor.type || customer.better !== vendor.better || customer.unit !== vendor.unit) {
    // Catalog terms share one type; only a currency can differ. Extension terms carry their own.
    gap = 'mismatch'
  } else {
    settled = def ? meets(def.type, def.better, customer, vendor) : meets(customer.type!, customer.better, customer, vendor)
    if (!settled) gap = 'short'
  }
  return { id, customer, vendor, gap, settled }
}

/** Judges every term either side states. The order is unspecified: callers sort what they output. */
export function judgeAll(customer: ReadonlyMap<string, Term>, vendor: readonly Term[]): Judgement[] {
  const out: Judgement[] = []
  let matched = 0
  for (const v of vendor) {
    const c = customer.get(v.id)
    if (c) matched++
    out.push(judge(v.id, c, v))
  }
  if (matched < customer.size) {
    const stated = new Set(vendor.map((v) => v.id))
    for (const c of customer.values()) if (!stated.has(c.id)) out.push(judge(c.id, c, undefined))
  }
  return out
}
