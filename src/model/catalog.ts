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

export type TermCategory = 'privacy' | 'commercial' | 'extension'

export interface TermDefinition {
  readonly id: string
  readonly type: TermType
  readonly better?: Better
  /** Fixed unit for `number` terms; `currency` means any ISO 4217 code, stated per use. */
  readonly unit?: string
  readonly category: TermCategory
  readonly label: string
  /** The DPV concept the term corresponds to, where there is one. */
  readonly dpv?: string
}

const DPV = 'https://w3id.org/dpv#'

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

export function getTermDefinition(id: string): TermDefinition | undefined {
  return BY_ID.get(id)
}

/** An extension term's ID is an absolute http(s) IRI with a fragment or path naming the term. */
export const EXTENSION_ID = /^https?:\/\/[^\s#]+#[A-Za-z0-9._~-]{1,64}$/
