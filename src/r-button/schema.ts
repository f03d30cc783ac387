// Over 250 lines on purpose: the whole of TermsPayload and TermSet (src/model/terms.ts,
// term-set.ts, primitives.ts) restated as predicates in one place, so it can be read side by side
// with those schemas and held to them by one differential test.
/**
 * The schemas the element checks terms against, without zod.
 *
 * The model's schemas (src/model) are zod: the SDK's one source of truth for the wire, but zod
 * alone is about a third of the element's 25 KB budget, and matching a button needs only two of
 * them. So the rules of `TermSet` and `TermsPayload` are restated here as plain predicates, rule
 * for rule, accepting exactly what the schemas accept. test/browser/schema.test.ts holds this to
 * the zod schemas on generated near-valid input (same verdict, same checked value): a rule
 * added to the model and missed here fails it.
 *
 * Failures read like `parseWith`'s (src/model/parse.ts): `what: path: problem`, for the first
 * problem found. Which problem is first may differ from zod's; that something is wrong does not.
 * @module
 */
import { IntentcastError, type IntentcastErrorCode } from '../errors.js'
import { EXTENSION_ID, getTermDefinition, type TermType } from '../model/catalog.js'
import { normalizeAgreementId } from '../model/roster.js'
import type { Term, TermSet } from '../model/term-set.js'
import type { TermsPayload } from '../model/terms.js'

/** A broken rule, where it was found: caught once, at the top, and turned into an IntentcastError. */
class Problem extends Error {
  constructor(
    readonly at: string,
    message: string,
  ) {
    super(message)
  }
}

function fail(at: string, message: string): never {
  throw new Problem(at, message)
}

const join = (at: string, key: string | number): string => (at ? `${at}.${key}` : String(key))

type Json = Record<string, unknown>

/** One member of a closed object: its check, and whether it may be absent. */
type Member = readonly [check: (value: unknown, at: string) => unknown, optional?: 'optional']

/**
 * zod's `strictObject`: a non-null, non-array object; every listed member checked (an optional
 * one may be absent or undefined); any other enumerable key, inherited ones included (zod walks
 * `for…in`), refused. The checked copy holds the present members only.
 */
function closed(value: unknown, at: string, members: Readonly<Record<string, Member>>): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, 'expected an object')
  const input = value as Json
  const out: Json = {}
  for (const [key, [check, optional]] of Object.entries(members)) {
    const v = input[key]
    if (v === undefined) {
      if (!optional) fail(join(at, key), 'required')
      continue
    }
    out[key] = check(v, join(at, key))
  }
  for (const key in input) if (!Object.hasOwn(members, key)) fail(at, `unknown member ${key.slice(0, 64)}`)
  return out
}

function string(value: unknown, at: string, max: number, pattern?: RegExp, min = 0): string {
  if (typeof value !== 'string') fail(at, 'expected a string')
  if (value.length < min || value.length > max) fail(at, `expected ${min} to ${max} characters`)
  if (pattern && !pattern.test(value)) fail(at, `does not match ${pattern.source}`)
  return value
}

function boolean(value: unknown, at: string): boolean {
  if (typeof value !== 'boolean') fail(at, 'expected true or false')
  return value
}

function oneOf<T extends string>(values: readonly T[]): (value: unknown, at: string) => T {
  return (value, at) =>
    (values as readonly unknown[]).includes(value) ? (value as T) : fail(at, `expected ${values.join(' or ')}`)
}

function array(value: unknown, at: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value)) fail(at, 'expected an array')
  if (value.length < min || value.length > max) fail(at, `expected ${min} to ${max} entries`)
  return value
}

// ---- Primitives (src/model/primitives.ts) ----

/** `PROTOCOL_VERSION`. */
const VERSION = '0.1'
const DID = /^did:[a-z0-9]{1,32}:[A-Za-z0-9._:%-]{1,470}$/
const JTI = /^[A-Za-z0-9_-]{8,64}$/
const DECIMAL = /^(0|[1-9][0-9]{0,17})(\.[0-9]{1,8})?$/
const CURRENCY = /^[A-Z]{3}$/
const HTTP_URL = /^https?:\/\/[^\s]+$/
const RFC3339 =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/
// Control characters, or a surrogate that is not half of a pair: not Text.
const NOT_TEXT =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** DateTime: the pattern, and a day that exists in its month (by arithmetic, as the model does). */
function isDateTime(s: string): boolean {
  const m = RFC3339.exec(s)
  if (!m) return false
  const year = Number(m[1])
  const month = Number(m[2])
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return Number(m[3]) <= (month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31)
}

/** NumericDate: an integer in 0 … 10^11 (zod's `int()` with its bounds). */
function numericDate(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100_000_000_000)
    fail(at, 'expected a whole number of seconds from 0 to 100000000000')
  return value
}

function text(max: number): (value: unknown, at: string) => string {
  return (value, at) => {
    const s = string(value, at, max, undefined, 1)
    if (NOT_TEXT.test(s)) fail(at, 'control characters or unpaired surrogates')
    return s
  }
}

// ---- TermSet (src/model/term-set.ts) ----

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/
const UNIT = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/

function agreementId(value: unknown, at: string): string {
  const id = string(value, at, 128)
  if (normalizeAgreementId(id) === undefined) fail(at, 'not an IEEE 7012 agreement in the roster')
  return id
}

function termValue(value: unknown, at: string): boolean | string | string[] {
  if (
    typeof value === 'boolean' ||
    (typeof value === 'string' && value.length <= 64) ||
    (Array.isArray(value) &&
      value.length >= 1 &&
      value.length <= 32 &&
      value.every((t) => typeof t === 'string' && TOKEN.test(t)))
  )
    return Array.isArray(value) ? [...(value as string[])] : value
  return fail(at, 'a term value is true or false, a string of at most 64 characters, or a list of 1 to 32 tokens')
}

const TERM: Readonly<Record<string, Member>> = {
  id: [(v, at) => string(v, at, 256)],
  value: [termValue],
  unit: [(v, at) => string(v, at, Infinity, UNIT), 'optional'],
  type: [oneOf(['obligation', 'number', 'date', 'set']), 'optional'],
  better: [oneOf(['lower', 'higher']), 'optional'],
  required: [boolean, 'optional'],
}

/** The model's `termProblem`, rule for rule: what a term's type asks of its other members. */
function termProblem(t: Term): string | undefined {
  const def = getTermDefinition(t.id)
  let type: TermType
  if (def) {
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

function term(value: unknown, at: string): Term {
  const t = closed(value, at, TERM) as Term
  const problem = termProblem(t)
  if (problem) fail(at, `term ${t.id.slice(0, 64)}: ${problem}`)
  return t
}

function conditions(value: unknown, at: string): Term[] {
  const terms = array(value, at, 0, 64).map((t, i) => term(t, join(at, i)))
  if (new Set(terms.map((t) => t.id)).size !== terms.length) fail(at, 'a term appears twice')
  return terms
}

function agreements(value: unknown, at: string): string[] {
  const ids = array(value, at, 1, 16).map((id, i) => agreementId(id, join(at, i)))
  if (new Set(ids.map(normalizeAgreementId)).size !== ids.length) fail(at, 'an agreement appears twice')
  return ids
}

function termSet(value: unknown, at: string): TermSet {
  return closed(value, at, {
    agreements: [agreements],
    strict: [boolean, 'optional'],
    conditions: [conditions, 'optional'],
  }) as TermSet
}

// ---- TermsPayload (src/model/terms.ts) ----

const TERMS_PAYLOAD: Readonly<Record<string, Member>> = {
  v: [(v, at) => (v === VERSION ? v : fail(at, `expected "${VERSION}"`))],
  iss: [(v, at) => string(v, at, 512, DID)],
  iat: [numericDate],
  jti: [(v, at) => string(v, at, Infinity, JTI)],
  exp: [numericDate, 'optional'],
  role: [oneOf(['customer', 'vendor'])],
  name: [text(200), 'optional'],
  url: [(v, at) => string(v, at, 2048, HTTP_URL), 'optional'],
  terms: [termSet],
}

/** Runs `check`, turning its first problem into the IntentcastError `parseWith` would throw. */
function run<T>(check: () => T, what: string, code: IntentcastErrorCode): T {
  try {
    return check()
  } catch (e) {
    if (!(e instanceof Problem)) throw e
    throw new IntentcastError(code, `${what}: ${e.at || '(root)'}: ${e.message}`)
  }
}

/**
 * Checks a TermSet by the rules of the model's `TermSet` schema and returns a checked copy.
 * @param what - names the input in the message: `customer-terms is not a valid TermSet`.
 * @param code - ERR_INVALID_ARGUMENT for the page's own input, ERR_SCHEMA for a peer's.
 * @throws {IntentcastError} with `code`, locating the first problem found.
 * @example
 * ```ts
 * checkTermSet({ agreements: ['SD-BASE'] }, 'customerTerms is not a valid TermSet', 'ERR_INVALID_ARGUMENT')
 * checkTermSet({ agreements: [] }, 'x', 'ERR_INVALID_ARGUMENT')
 * // throws: 'x: agreements: expected 1 to 16 entries'
 * ```
 */
export function checkTermSet(value: unknown, what: string, code: IntentcastErrorCode): TermSet {
  return run(() => termSet(value, ''), what, code)
}

/**
 * Checks a `terms` declaration's payload as step 17 of spec §Verification does: the model's
 * `TermsPayload` schema, and an `exp` later than `iat`.
 * @throws {IntentcastError} ERR_SCHEMA, locating the first problem found.
 * @example
 * ```ts
 * const payload = checkTermsPayload(JSON.parse(json)) // TermsPayload, or throws ERR_SCHEMA
 * payload.terms.agreements
 * ```
 */
export function checkTermsPayload(value: unknown): TermsPayload {
  const payload = run(() => closed(value, '', TERMS_PAYLOAD), 'terms', 'ERR_SCHEMA') as TermsPayload
  if (payload.exp !== undefined && payload.exp <= payload.iat)
    throw new IntentcastError('ERR_SCHEMA', 'terms: exp must be after iat')
  return payload
}
