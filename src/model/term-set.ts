import * as z from 'zod/mini'
import { expecting } from './expected.js'
import { strictObject } from './strict-object.js'
import { EXTENSION_ID, getTermDefinition, type TermType } from './catalog.js'
import { normalizeAgreementId } from './roster.js'
import { CURRENCY, DECIMAL, isDateTime } from './primitives.js'

/**
 * A 7012 agreement, by short ID (`SD-BASE`) or DPV IRI. Both name the same roster entry.
 *
 * @example
 * ```ts
 * import { AgreementId } from 'intentcast'
 *
 * AgreementId.safeParse('SD-BASE').success // true
 * AgreementId.safeParse('https://w3id.org/dpv/standards/p7012#SD-BASE').success // true
 * AgreementId.safeParse('SD-EVERYTHING').success // false: not in the roster
 * ```
 */
export const AgreementId = z
  .string(expecting('an IEEE 7012 agreement from the roster, such as "SD-BASE", or its DPV IRI'))
  .check(
    z.maxLength(128),
    z.refine((s) => normalizeAgreementId(s) !== undefined),
  )

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/

/**
 * A term's value: true/false, a string of at most 64 characters, or a set of 1 to 32 tokens.
 * One predicate rather than a zod union: a union tries each branch and builds an issue for
 * every miss, which made it the dearest part of checking a term.
 */
const TermValue = z.custom<boolean | string | string[]>(
  (v) =>
    typeof v === 'boolean' ||
    (typeof v === 'string' && v.length <= 64) ||
    (Array.isArray(v) && v.length >= 1 && v.length <= 32 && v.every((t) => typeof t === 'string' && TOKEN.test(t))),
  expecting(
    'true or false, a string of at most 64 characters, or a list of 1 to 32 tokens ' +
      '(a letter or digit, then letters, digits, ".", "_", ":" or "-")',
  ),
)

/**
 * One typed term. Catalog terms (`retention-days`) take their type from the catalog;
 * extension terms (an IRI) carry `type`, and `better`/`unit` where the type needs them.
 *
 * @example
 * ```ts
 * import { Term } from 'intentcast'
 *
 * Term.parse({ id: 'retention-days', value: '30', unit: 'day', required: true }) // a catalog term: its type is implied
 * Term.parse({ id: 'https://example.com/terms#gift-wrap', type: 'obligation', value: true }) // an extension term
 * ```
 */
export const Term = strictObject({
  id: z.string(expecting('a term ID of at most 256 characters')).check(z.maxLength(256)),
  value: TermValue,
  unit: z.optional(
    z
      .string(expecting('a unit such as "day": a letter, then at most 31 letters, digits, "_" or "-"'))
      .check(z.regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/)),
  ),
  type: z.optional(z.enum(['obligation', 'number', 'date', 'set'])),
  better: z.optional(z.enum(['lower', 'higher'])),
  required: z.optional(z.boolean()),
}).check(
  z.superRefine((t, ctx) => {
    const problem = termProblem(t)
    // At the member that is wrong, so the path names it: `conditions.0.unit`.
    if (problem) ctx.issues.push({ code: 'custom', path: [problem[0]], message: problem[1], input: t })
  }),
)
export type Term = z.infer<typeof Term>

/** The member of a term that breaks its type's rules, and what it should be instead. */
type TermProblem = readonly [member: 'id' | 'value' | 'unit' | 'type' | 'better', expected: string]

/** Which term it is, for a message (the path gives only an index). */
const nameOf = (t: Term): string => JSON.stringify(t.id.slice(0, 64))

function termProblem(t: Term): TermProblem | undefined {
  const def = getTermDefinition(t.id)
  let type: TermType
  if (def) {
    // One spelling per meaning: a catalog term's type is implied, never restated.
    if (t.type !== undefined) return ['type', `none: ${nameOf(t)} is a catalog term, whose type the catalog gives`]
    if (t.better !== undefined)
      return ['better', `none: ${nameOf(t)} is a catalog term, whose better direction the catalog gives`]
    type = def.type
    if (def.unit === 'currency') {
      if (!t.unit || !CURRENCY.test(t.unit))
        return ['unit', `an ISO 4217 currency code like "EUR", the unit of ${nameOf(t)}`]
    } else if (def.unit !== undefined && t.unit !== def.unit) return ['unit', `"${def.unit}", the unit of ${nameOf(t)}`]
  } else {
    if (!EXTENSION_ID.test(t.id))
      return [
        'id',
        'a catalog term such as "retention-days", or an extension term\'s IRI such as "https://example.com/terms#gift-wrap"',
      ]
    if (!t.type) return ['type', `"obligation", "number", "date" or "set": ${nameOf(t)} is an extension term`]
    type = t.type
    const ordered = type === 'number' || type === 'date'
    if (ordered && t.better === undefined) return ['better', `"lower" or "higher": ${nameOf(t)} is a ${type} term`]
    if (!ordered && t.better !== undefined)
      return [
        'better',
        `none: ${nameOf(t)} is a${type === 'obligation' ? 'n' : ''} ${type} term; only number and date terms have one`,
      ]
    if (type === 'number' && t.unit === undefined)
      return ['unit', `a unit such as "day" or a currency code: ${nameOf(t)} is a number term`]
  }
  if (type !== 'number' && t.unit !== undefined)
    return [
      'unit',
      `none: ${nameOf(t)} is a${type === 'obligation' ? 'n' : ''} ${type} term; only number terms have a unit`,
    ]
  switch (type) {
    case 'obligation':
      return typeof t.value === 'boolean' ? undefined : ['value', `true or false: ${nameOf(t)} is an obligation`]
    case 'number':
      return typeof t.value === 'string' && DECIMAL.test(t.value)
        ? undefined
        : ['value', `a decimal string like "30": ${nameOf(t)} is a number`]
    case 'date':
      return typeof t.value === 'string' && isDateTime(t.value)
        ? undefined
        : ['value', `an RFC 3339 date-time with an offset, like "2026-11-27T18:00:00Z": ${nameOf(t)} is a date`]
    case 'set':
      return Array.isArray(t.value) && new Set(t.value).size === t.value.length
        ? undefined
        : ['value', `a list of distinct tokens: ${nameOf(t)} is a set`]
  }
}

/**
 * A refinement's message for a list whose entries, by `key`, must differ: which one repeats.
 * Worked out only when the list failed.
 */
function eachOnce<T>(what: string, key: (entry: T) => unknown) {
  return {
    error: (issue: { readonly input?: unknown }) => {
      const seen = new Set<unknown>()
      let twice: unknown
      for (const k of (issue.input as readonly T[]).map(key)) {
        if (seen.has(k)) {
          twice = k
          break
        }
        seen.add(k)
      }
      return `each ${what} at most once: ${JSON.stringify(String(twice).slice(0, 64))} appears twice`
    },
  }
}

const Conditions = z.array(Term, expecting('a list of at most 64 terms')).check(
  z.maxLength(64),
  z.refine(
    (ts) => new Set(ts.map((t) => t.id)).size === ts.length,
    eachOnce('term', (t: Term) => t.id),
  ),
)

const Agreements = z.array(AgreementId, expecting('a list of 1 to 16 IEEE 7012 agreements, such as ["SD-BASE"]')).check(
  z.minLength(1),
  z.maxLength(16),
  z.refine(
    (ids) => new Set(ids.map(normalizeAgreementId)).size === ids.length,
    eachOnce('agreement', normalizeAgreementId),
  ),
)

/**
 * A party's standing terms: in an intent, or in a `terms` declaration.
 * - customer: `agreements` in order of preference; the first is the one proffered, the rest
 *   are acceptable alternatives. `strict: true` means no agreement outside the list is acceptable.
 * - vendor: the agreements it accepts, most preferred first.
 *
 * @example
 * ```ts
 * import { TermSet } from 'intentcast'
 *
 * const terms: TermSet = TermSet.parse({
 *   agreements: ['SD-BASE', 'SD-BASE-A'],
 *   strict: true,
 *   conditions: [{ id: 'retention-days', value: '30', unit: 'day' }, { id: 'deletion-on-request', value: true, required: true }],
 * })
 * ```
 */
export const TermSet = strictObject({
  agreements: Agreements,
  strict: z.optional(z.boolean()),
  conditions: z.optional(Conditions),
})
export type TermSet = z.infer<typeof TermSet>

/**
 * The terms of one deal (in an offer, counter, acceptance or agreement): one 7012 agreement and its conditions.
 *
 * @example
 * ```ts
 * import { DealTerms } from 'intentcast'
 *
 * const terms: DealTerms = DealTerms.parse({ agreement: 'SD-BASE', conditions: [{ id: 'returns-days', value: '30', unit: 'day' }] })
 * ```
 */
export const DealTerms = strictObject({
  agreement: AgreementId,
  conditions: z.optional(Conditions),
})
export type DealTerms = z.infer<typeof DealTerms>
