import * as z from 'zod/mini'
import { strictObject } from './strict-object.js'
import { EXTENSION_ID, getTermDefinition, type TermType } from './catalog.js'
import { normalizeAgreementId } from './roster.js'
import { CURRENCY, DECIMAL, isDateTime } from './primitives.js'

/** A 7012 agreement, by short ID (`SD-BASE`) or DPV IRI. Both name the same roster entry. */
export const AgreementId = z.string().check(
  z.maxLength(128),
  z.refine((s) => normalizeAgreementId(s) !== undefined, 'not an IEEE 7012 agreement in the roster'),
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
  'a term value is true or false, a string of at most 64 characters, or a list of 1 to 32 tokens',
)

/**
 * One typed term. Catalog terms (`retention-days`) take their type from the catalog;
 * extension terms (an IRI) carry `type`, and `better`/`unit` where the type needs them.
 */
export const Term = strictObject({
  id: z.string().check(z.maxLength(256)),
  value: TermValue,
  unit: z.optional(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/))),
  type: z.optional(z.enum(['obligation', 'number', 'date', 'set'])),
  better: z.optional(z.enum(['lower', 'higher'])),
  required: z.optional(z.boolean()),
}).check(
  z.superRefine((t, ctx) => {
    const problem = termProblem(t)
    if (problem) ctx.issues.push({ code: 'custom', message: `term ${t.id.slice(0, 64)}: ${problem}`, input: t })
  }),
)
export type Term = z.infer<typeof Term>

function termProblem(t: Term): string | undefined {
  const def = getTermDefinition(t.id)
  let type: TermType
  if (def) {
    // One spelling per meaning: a catalog term's type is implied, never restated.
    if (t.type !== undefined || t.better !== undefined) return 'a catalog term takes no type or better'
    type = def.type
    if (def.unit === 'currency') {
      if (!t.unit || !CURRENCY.test(t.unit)) return 'unit must be an ISO 4217 currency'
    } else if (def.unit !== undefined && t.unit !== def.unit) return `unit must be ${def.unit}`
  } else {
    if (!EXTENSION_ID.test(t.id))
      return 'unknown term; extension terms are IRIs such as https://example.com/terms#gift-wrap'
    if (!t.type) return 'an extension term needs a type'
    type = t.type
    if ((type === 'number' || type === 'date') !== (t.better !== undefined))
      return 'better is required for number and date terms, and only for them'
    if ((type === 'number') !== (t.unit !== undefined)) return 'unit is required for number terms, and only for them'
  }
  if (type !== 'number' && t.unit !== undefined) return 'only number terms have a unit'
  switch (type) {
    case 'obligation':
      return typeof t.value === 'boolean' ? undefined : 'value must be true or false'
    case 'number':
      return typeof t.value === 'string' && DECIMAL.test(t.value) ? undefined : 'value must be a decimal string'
    case 'date':
      return typeof t.value === 'string' && isDateTime(t.value) ? undefined : 'value must be an RFC 3339 date-time'
    case 'set':
      return Array.isArray(t.value) && new Set(t.value).size === t.value.length
        ? undefined
        : 'value must be a list of distinct tokens'
  }
}

const Conditions = z.array(Term).check(
  z.maxLength(64),
  z.refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, 'a term appears twice'),
)

const Agreements = z.array(AgreementId).check(
  z.minLength(1),
  z.maxLength(16),
  z.refine((ids) => new Set(ids.map(normalizeAgreementId)).size === ids.length, 'an agreement appears twice'),
)

/**
 * A party's standing terms: in an intent, or in a `terms` declaration.
 * - customer: `agreements` in order of preference; the first is the one proffered, the rest
 *   are acceptable alternatives. `strict: true` means no agreement outside the list is acceptable.
 * - vendor: the agreements it accepts, most preferred first.
 */
export const TermSet = strictObject({
  agreements: Agreements,
  strict: z.optional(z.boolean()),
  conditions: z.optional(Conditions),
})
export type TermSet = z.infer<typeof TermSet>

/** The terms of one deal (in an offer, counter, acceptance or agreement): one 7012 agreement and its conditions. */
export const DealTerms = strictObject({
  agreement: AgreementId,
  conditions: z.optional(Conditions),
})
export type DealTerms = z.infer<typeof DealTerms>
