import { IntentcastError } from '../errors.js'
import type { TermSet } from '../model/term-set.js'
// labelOf and valueOf are the words the conflict messages use, so agreed terms read the same.
import { labelOf, valueOf } from '../terms/explain.js'
import { getAgreement } from '../model/roster.js'
import type { Conflict } from '../terms/conflict.js'
import { matchTermSets, type MatchResult, type RButtonState } from '../terms/match.js'
import type { Vendor } from './vendor.js'

/**
 * What the element shows: a match's three states, plus `unknown` when there is nothing to
 * compare or the input could not be read or verified (the 2011 r-button status values start
 * with `unknown`). It looks dark, and the panel says why.
 * @example
 * ```ts
 * const state: RButtonElementState = document.querySelector('r-button')!.state
 * ```
 */
export type RButtonElementState = RButtonState | 'unknown'

/**
 * Everything the element renders, worked out without a DOM so it can be tested in Node.
 * @example
 * ```ts
 * const r: Reading = readMatch(customer, { terms: vendorTerms })
 * r.label // 'Terms match'
 * ```
 */
export interface Reading {
  readonly state: RButtonElementState
  /** The short text on the button, which is also its accessible name. */
  readonly label: string
  /** One sentence saying what the state means for the customer. */
  readonly summary: string
  /** The terms both sides stand on, in plain words. */
  readonly agreed: readonly string[]
  readonly conflicts: readonly Conflict[]
  readonly result?: MatchResult
  readonly vendor?: Vendor
  readonly error?: string
}

const LABELS: Readonly<Record<RButtonElementState, string>> = {
  lit: 'Terms match',
  partial: 'Terms partly match',
  dark: "Terms don't match",
  unknown: 'Terms unknown',
}

function summary(state: RButtonState, vendor: Vendor): string {
  const who = vendor.name ?? 'This vendor'
  switch (state) {
    case 'lit':
      return `${who} takes your terms as they are.`
    case 'partial':
      return `${who} meets every term you require; the others differ and are open to negotiation.`
    case 'dark':
      return `${who} does not meet a term you require.`
  }
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/**
 * The agreed lines: the agreement when the vendor takes the one proffered, and each condition
 * no conflict is about. `result.terms` also holds the customer's position on conflicting
 * terms, which is a proposal, not something agreed.
 */
function agreedLines(result: MatchResult): string[] {
  const disputed = new Set(result.conflicts.map((c) => c.term))
  const lines: string[] = []
  const agreement =
    result.agreement !== undefined && !disputed.has('agreement') ? getAgreement(result.agreement) : undefined
  if (agreement) lines.push(`${agreement.label} (${agreement.id})`)
  for (const t of result.terms.conditions ?? []) {
    if (!disputed.has(t.id)) lines.push(`${capital(labelOf(t.id))}: ${valueOf(t)}`)
  }
  return lines
}

/**
 * Matches the customer's terms (⊂, first party) against the vendor's (⊃, second party), both
 * already checked.
 * @example
 * ```ts
 * readMatch({ agreements: ['SD-BASE'] }, { terms: { agreements: ['SD-BASE'] }, name: 'Shop' }).summary
 * // 'Shop takes your terms as they are.'
 * ```
 */
export function readMatch(customer: TermSet, vendor: Vendor): Reading {
  const result = matchTermSets(customer, vendor.terms)
  return {
    state: result.state,
    label: LABELS[result.state],
    summary: summary(result.state, vendor),
    agreed: agreedLines(result),
    conflicts: result.conflicts,
    result,
    vendor,
  }
}

/**
 * The reading before anything has been compared.
 * @example
 * ```ts
 * UNKNOWN.state // 'unknown'
 * ```
 */
export const UNKNOWN: Reading = {
  state: 'unknown',
  label: LABELS.unknown,
  summary: 'Nothing to compare yet.',
  agreed: [],
  conflicts: [],
}

/**
 * The unknown reading for input that could not be read, verified or fetched; `what` names it.
 * @example
 * ```ts
 * readFailure("The vendor's terms", new IntentcastError('ERR_SIGNATURE_INVALID', 'signature does not verify')).error
 * // "The vendor's terms: signature does not verify (ERR_SIGNATURE_INVALID)"
 * ```
 */
export function readFailure(what: string, e: unknown): Reading {
  return { ...UNKNOWN, summary: 'The terms could not be checked.', error: `${what}: ${reason(e)}` }
}

function reason(e: unknown): string {
  if (e instanceof IntentcastError) return `${e.message} (${e.code})`
  return e instanceof Error ? e.message : String(e)
}
