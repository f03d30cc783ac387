/**
 * The catalog of typed relationship and commercial terms.
 *
 * Each term has a value type and says which direction favours the customer, so matching a
 * customer's bound against a vendor's statement is mechanical: nothing is decided per term ID.
 */

/**
 * - `obligation`: a boolean. A customer's `true` requires the vendor to commit (`true`).
 * - `number`: a decimal string with a unit; the customer states a bound, the vendor a value.
 * - `date`: an RFC 3339 date-time; the customer states a bound, the vendor a value.
 * - `set`: a list of tokens; the customer lists what it accepts, the vendor what it supports,
 *   and they agree on the intersection.
 */
export type TermType = 'obligation' | 'number' | 'date' | 'set'

/** For `number` and `date` terms: which values favour the customer. */
export type Better = 'lower' | 'higher'

/**
 * How a catalog term is grouped: `privacy` (what the vendor may do with the customer's data) or
 * `commercial` (price, delivery, returns, warranty, payment). No catalog term is in `extension`.
 *
 * @example
 * ```ts
 * const category: TermCategory = getTermDefinition('no-resale')!.category // 'privacy'
 * ```
 */
export type TermCategory = 'privacy' | 'commercial' | 'extension'

/**
 * One term of the catalog: its ID, value type, better direction and unit where it has them, its
 * group, a label, and the DPV concept it corresponds to.
 *
 * @example
 * ```ts
 * const retention: TermDefinition | undefined = getTermDefinition('retention-days')
 * retention?.better // 'lower': fewer days favour the customer
 * ```
 */
export interface TermDefinition {
  /** The term's ID, e.g. `retention-days`. */
  readonly id: string
  /** The type of its value. */
  readonly type: TermType
  /** For `number` and `date` terms: which values favour the customer. */
  readonly better?: Better
  /** Fixed unit for `number` terms; `currency` means any ISO 4217 code, stated per use. */
  readonly unit?: string
  /** Its group. */
  readonly category: TermCategory
  /** A short name for people, e.g. `data retention`. */
  readonly label: string
  /** The DPV concept the term corresponds to, where there is one. */
  readonly dpv?: string
}

const DPV = 'https://w3id.org/dpv#'

/**
 * Every term of the catalog, privacy terms first, then commercial ones.
 *
 * @example
 * ```ts
 * import { CATALOG } from 'intentcast'
 *
 * CATALOG.filter((d) => d.category === 'privacy').map((d) => d.id) // ['retention-days', 'deletion-on-request', …]
 * ```
 */
export const CATALOG: ReadonlyArray<TermDefinition> = Object.freeze(
  (
    [
      {
        id: 'retention-days',
        type: 'number',
        better: 'lower',
        unit: 'day',
        category: 'privacy',
        label: 'data retention',
        dpv: `${DPV}StorageDuration`,
      },
      {
        id: 'deletion-on-request',
        type: 'obligation',
        category: 'privacy',
        label: 'deletion on request',
        dpv: `${DPV}DataDeletionOnRequest`,
      },
      {
        id: 'contact-via-agent',
        type: 'obligation',
        category: 'privacy',
        label: "contact only through the customer's agent or reply channel",
      },
      { id: 'no-resale', type: 'obligation', category: 'privacy', label: 'no resale of contact data' },
      { id: 'jurisdiction', type: 'set', category: 'privacy', label: 'jurisdiction', dpv: `${DPV}Jurisdiction` },
      { id: 'price', type: 'number', better: 'lower', unit: 'currency', category: 'commercial', label: 'price' },
      { id: 'deliver-by', type: 'date', better: 'lower', category: 'commercial', label: 'delivery date' },
      {
        id: 'returns-days',
        type: 'number',
        better: 'higher',
        unit: 'day',
        category: 'commercial',
        label: 'returns window',
      },
      {
        id: 'warranty-months',
        type: 'number',
        better: 'higher',
        unit: 'month',
        category: 'commercial',
        label: 'warranty',
      },
      { id: 'payment-methods', type: 'set', category: 'commercial', label: 'payment methods' },
    ] satisfies TermDefinition[]
  ).map((d) => Object.freeze(d)),
)

const BY_ID: ReadonlyMap<string, TermDefinition> = new Map(CATALOG.map((d) => [d.id, d]))

/**
 * Looks up a catalog term by ID; undefined for an extension term or an unknown ID.
 *
 * @example
 * ```ts
 * import { getTermDefinition } from 'intentcast'
 *
 * getTermDefinition('retention-days')?.unit // 'day'
 * getTermDefinition('https://example.com/terms#gift-wrap') // undefined: an extension term
 * ```
 */
export function getTermDefinition(id: string): TermDefinition | undefined {
  return BY_ID.get(id)
}

/**
 * An extension term's ID is an absolute http(s) IRI with a fragment or path naming the term.
 *
 * @example
 * ```ts
 * import { EXTENSION_ID } from 'intentcast'
 *
 * EXTENSION_ID.test('https://example.com/terms#gift-wrap') // true
 * ```
 */
export const EXTENSION_ID = /^https?:\/\/[^\s#]+#[A-Za-z0-9._~-]{1,64}$/
