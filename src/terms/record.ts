import type { AgreementPayload } from '../model/agreement.js'
import type { Term } from '../model/term-set.js'
import { namedAgreement, type AgreementFacts, type Envelope, type Signature } from './facts.js'

/**
 * The record each party keeps (`exportAgreement(…, 'json')`), with the fields IEEE 7012 asks
 * of a record: the parties, the agreement ID, the time and both signatures. `envelope` holds
 * the agreement exactly as signed, so either party can re-verify the record alone.
 */
export interface AgreementRecord {
  readonly type: 'intentcast-agreement-record'
  readonly id: string
  readonly digest?: string
  readonly time: string
  readonly agreement: { readonly id: string; readonly iri: string; readonly label: string }
  /** The customer is the 7012 first party, the vendor the second party. */
  readonly parties: AgreementPayload['parties']
  readonly refs: AgreementPayload['refs']
  readonly item: AgreementPayload['item']
  readonly quantity: number
  readonly price: AgreementPayload['price']
  readonly deliverBy?: string
  readonly conditions: Term[]
  readonly signatures: readonly Signature[]
  readonly envelope?: Envelope
}

export function toRecord(f: AgreementFacts): AgreementRecord {
  const p = f.payload
  return {
    type: 'intentcast-agreement-record',
    id: f.uid,
    ...(f.digest !== undefined && { digest: f.digest }),
    time: f.time,
    agreement: namedAgreement(f),
    parties: { customer: p.parties.customer, vendor: p.parties.vendor },
    refs: { intent: p.refs.intent, offer: p.refs.offer, acceptance: p.refs.acceptance },
    item: p.item,
    quantity: p.quantity,
    price: { amount: p.price.amount, currency: p.price.currency },
    ...(p.deliverBy !== undefined && { deliverBy: p.deliverBy }),
    // As signed: the record restates the agreement, it does not reinterpret it.
    conditions: p.terms.conditions ?? [],
    signatures: f.signatures,
    ...(f.envelope !== undefined && { envelope: f.envelope }),
  }
}
