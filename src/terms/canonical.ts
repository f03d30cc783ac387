import type { Term } from '../model/term-set.js'

/** Orders strings by UTF-16 code unit: the same on every runtime, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Sorts in place by a string key, stably. Lists here are short (at most 66 terms), and an
 * insertion sort over them is several times faster than `Array.prototype.sort` with a
 * comparator, which matters on the negotiation hot path.
 */
export function sortBy<T>(xs: T[], key: (x: T) => string): T[] {
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!
    const k = key(x)
    let j = i - 1
    while (j >= 0 && key(xs[j]!) > k) {
      xs[j + 1] = xs[j]!
      j--
    }
    xs[j + 1] = x
  }
  return xs
}

const self = (s: string): string => s

export function sortStrings(xs: readonly string[]): string[] {
  return sortBy([...xs], self)
}

/**
 * A term as results carry it: a set's tokens sorted, so results do not depend on how either
 * party listed them, and `required` kept only for positions (in proposed or agreed terms it
 * would claim a firmness nobody stated there). A term that needs neither change is returned
 * as it is: copying every term would cost more than the rest of a negotiation.
 */
export function canonicalTerm(t: Term, keepRequired: boolean): Term {
  const isSet = Array.isArray(t.value)
  if (!isSet && (keepRequired || t.required === undefined)) return t
  const out: Term = { id: t.id, value: isSet ? sortStrings(t.value as string[]) : t.value }
  if (t.unit !== undefined) out.unit = t.unit
  if (t.type !== undefined) out.type = t.type
  if (t.better !== undefined) out.better = t.better
  if (keepRequired && t.required !== undefined) out.required = t.required
  return out
}

const idOf = (t: Term): string => t.id

/** Sorts terms by ID, in place. */
export function sortTerms(ts: Term[]): Term[] {
  return sortBy(ts, idOf)
}
