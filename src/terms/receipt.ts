import { allowancesOf } from './allowances.js'
import { committed, namedAgreement, type AgreementFacts } from './facts.js'
import { R_BUTTON_STATUS } from './match.js'
import { PROCESSING } from './vocab.js'

/** A thing a consent receipt names: a label for people, and its DPV IRI where there is one. */
export interface Labelled {
  readonly label: string
  readonly iri?: string
}

/**
 * A consent-receipt-shaped summary (`exportAgreement(…, 'receipt')`) under the ISO/IEC TS 27560
 * headings. It is a summary for a person or a regulator: the signed agreement, not the receipt,
 * is the evidence, and the receipt names it by `recordId` (and `digest` when verified).
 */
export interface ConsentReceipt {
  readonly recordId: string
  readonly digest?: string
  /** The person: the 7012 first party. */
  readonly principal: { readonly id: string; readonly role: 'customer' }
  /** The organisation: the 7012 second party. */
  readonly controller: { readonly id: string; readonly role: 'vendor' }
  readonly agreement: { readonly id: string; readonly iri: string; readonly label: string }
  readonly purposes: Labelled[]
  readonly dataCategories: Labelled[]
  /** An ISO 8601 duration (`P30D`), or null when the agreement states none. */
  readonly retention: string | null
  readonly thirdParties: Labelled[]
  /** ISO 3166 codes; empty when the agreement states none. */
  readonly jurisdiction: string[]
  readonly withdrawalMethod: string
  readonly eventTime: string
  readonly status: string
}

// What the vendor holds under any intentcast agreement: the customer's identifier and the order.
const DATA_CATEGORIES: readonly Labelled[] = [
  { label: "identifier: the customer's DID for this relationship", iri: 'https://w3id.org/dpv/pd#Identifier' },
  { label: 'order: item, quantity, price and delivery' },
]

export function toReceipt(f: AgreementFacts): ConsentReceipt {
  const p = f.payload
  const allows = allowancesOf(f.agreement.id)
  const purposes: Labelled[] = allows
    ? [
        PROCESSING.serviceDelivery,
        ...(['analytics', 'tracking', 'profiling'] as const).filter((k) => allows[k]).map((k) => PROCESSING[k]),
      ]
    : [{ label: f.agreement.label, iri: f.agreement.iri }]
  const retention = f.conditions.get('retention-days')
  const jurisdiction = f.conditions.get('jurisdiction')
  const withdrawal = [
    `Send the vendor a signed intentcast withdrawal of this agreement${f.digest !== undefined ? ` (digest ${f.digest})` : ''}.`,
  ]
  if (committed(f, 'deletion-on-request')) withdrawal.push('The vendor deletes your data on request.')
  return {
    recordId: f.uid,
    ...(f.digest !== undefined && { digest: f.digest }),
    principal: { id: p.parties.customer, role: 'customer' },
    controller: { id: p.parties.vendor, role: 'vendor' },
    agreement: namedAgreement(f),
    purposes: purposes.map((x) => ({ label: x.label, ...(x.iri !== undefined && { iri: x.iri }) })),
    dataCategories: DATA_CATEGORIES.map((x) => ({ ...x })),
    retention: retention ? `P${retention.value as string}D` : null,
    thirdParties: allows?.anonymisedSharing
      ? [{ label: 'third parties, fully anonymised data only', iri: PROCESSING.sharing.iri }]
      : [],
    jurisdiction: jurisdiction ? [...(jurisdiction.value as string[])] : [],
    withdrawalMethod: withdrawal.join(' '),
    eventTime: f.time,
    status: R_BUTTON_STATUS.lit,
  }
}
