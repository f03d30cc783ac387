import type { Term } from '../model/term-set.js'
import { getTermDefinition, type Better, type TermType } from '../model/catalog.js'
import { getAgreement } from '../model/roster.js'
import { compareDecimal } from './decimal.js'
import { labelOf, valueOf } from './explain.js'
import { compareInstant } from './instant.js'
import { asks, typeOf } from './judge.js'
import { DELIVER_BY, PRICE } from './side.js'

/**
 * The vendor's side of comparing one term, the mirror of judge.ts: how a customer's counter
 * departs from what the vendor states. Where judge.ts asks "does the vendor give the customer
 * enough?", this asks "does the counter ask the vendor for more than it states?", in the same
 * `better` direction of the catalog, which always names what favours the customer.
 *
 * - `undeclared`: the counter commits the vendor to a term its declaration does not state;
 * - `omitted`: the counter leaves out a term the vendor marks required (silence is not consent,
 *   this way round either);
 * - `mismatch`: both state it, typed differently (another currency, unit or type), so the two
 *   cannot be compared, and are never taken as met;
 * - `beyond`: the counter's value favours the customer more than the vendor's statement does.
 */
export type VendorGap = 'undeclared' | 'omitted' | 'mismatch' | 'beyond'

/** Whether the counter's value `x` asks more of the vendor than its statement `v`, both of one type. */
function asksMore(type: TermType, better: Better | undefined, v: Term, x: Term): boolean {
  switch (type) {
    case 'obligation':
      return x.value === true && v.value !== true
    case 'number':
    case 'date': {
      const cmp =
        type === 'number'
          ? compareDecimal(x.value as string, v.value as string)
          : compareInstant(x.value as string, v.value as string)
      return better === 'lower' ? cmp < 0 : cmp > 0
    }
    case 'set': {
      // A deal's set is what both sides agreed to: a token the vendor does not support is one
      // the customer could hold it to.
      const supported = v.value as string[]
      return (x.value as string[]).some((t) => !supported.includes(t))
    }
  }
}

/**
 * How the counter's statement `x` of term `id` departs from the vendor's `v`; either may be
 * absent, not both. Price and delivery are fields of every deal, so a vendor that states no
 * floor or delivery limit takes whatever the counter says there, and a deal without a delivery
 * date promises none, which no earliest delivery can be broken by.
 */
export function vendorGapOf(id: string, v: Term | undefined, x: Term | undefined): VendorGap | undefined {
  if (!v) return x && asks(x) && id !== PRICE && id !== DELIVER_BY ? 'undeclared' : undefined
  if (!x) return v.required === true && asks(v) && id !== DELIVER_BY ? 'omitted' : undefined
  const def = getTermDefinition(id)
  if (
    def ? def.unit === 'currency' && v.unit !== x.unit : v.type !== x.type || v.better !== x.better || v.unit !== x.unit
  ) {
    return 'mismatch'
  }
  const { type, better } = typeOf(v)
  return asksMore(type, better, v, x) ? 'beyond' : undefined
}

/**
 * The vendor's position on a term with a gap, as a counter proposes it: its own statement, with a
 * set narrowed to the tokens the counter also lists when there are any (the spec's settled set),
 * and without `required`, which the caller adds only where it must.
 */
export function restore(v: Term, x: Term | undefined, gap: VendorGap): Term {
  const { required: _required, ...plain } = v
  if (gap !== 'beyond' || !x || !Array.isArray(v.value)) return plain
  const listed = x.value as string[]
  const shared = v.value.filter((t) => listed.includes(t))
  return shared.length > 0 ? { ...plain, value: shared } : plain
}

/**
 * The sentence for a vendor-side gap, addressed to the vendor ("you"), whose side this takes.
 * Callers switch on the conflict's fields, never on this text.
 */
export function explainVendorGap(id: string, gap: VendorGap, v: Term | undefined, x: Term | undefined): string {
  const label = labelOf(id)
  if (gap === 'undeclared' || !v) {
    return typeOf(x!).type === 'obligation'
      ? `The counter asks you to commit to ${label}, which your terms do not state.`
      : `The counter asks for ${label} ${of(x!)}${valueOf(x!)}, which your terms do not state.`
  }
  if (gap === 'omitted' || !x) {
    return typeOf(v).type === 'obligation'
      ? `The counter leaves out ${label}, which you require.`
      : `The counter leaves out ${label}, which you require (${valueOf(v)}).`
  }
  if (gap === 'mismatch') {
    return `The counter states ${label} as ${valueOf(x)} and you as ${valueOf(v)}, so the two cannot be compared.`
  }
  if (id === PRICE) return `The counter offers ${valueOf(x)}; your floor is ${valueOf(v)}.`
  if (id === DELIVER_BY)
    return `The counter asks for delivery by ${valueOf(x)}; you deliver no earlier than ${valueOf(v)}.`
  switch (typeOf(v).type) {
    case 'obligation':
      return `The counter asks you to commit to ${label}; you decline it.`
    case 'set':
      return `The counter lists ${label} ${valueOf(x)}; you support only ${valueOf(v)}.`
    default:
      return `The counter asks for ${label} ${of(x)}${valueOf(x)}; you state ${valueOf(v)}.`
  }
}

/** `of ` before a number: "returns window of 30 days", but "delivery date 2030-01-09T…". */
const of = (t: Term): string => (typeOf(t).type === 'number' ? 'of ' : '')

/** The sentence for a counter naming an agreement the vendor does not take. */
export function explainAgreementTaken(named: string, takes: readonly string[]): string {
  return `The counter names ${named} (${getAgreement(named)!.label}); you take only ${takes.join(', ')}.`
}
