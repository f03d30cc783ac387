/**
 * The samples of test/helpers/fixtures.ts in the COSE binding, and the two-message bodies of each
 * binding (an acceptance and the agreement signed by the customer alone, spec §HTTP binding).
 */
import { encodeCbor } from '../../src/cose/index.js'
import {
  countersign,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signOffer,
  verify,
} from '../../src/index.js'
import {
  acceptanceBody,
  agreementBodyFor,
  counterBody,
  customer,
  intentBody,
  offerBody,
  signSamples,
  T0,
  vendor,
} from '../helpers/fixtures.js'

export async function coseSamples() {
  const now = T0
  const cose = { format: 'cose', now } as const
  const intent = await signIntent(intentBody, customer, cose)
  const intentV = await verify(intent, { now })
  const offer = await signOffer(offerBody(intentV.digest), vendor, { ...cose, audience: customer.did })
  const offerV = await verify(offer, { now, expect: 'offer' })
  const counter = await signCounter(counterBody(intentV.digest, offerV.digest, '950.00'), customer, {
    ...cose,
    audience: vendor.did,
  })
  const acceptance = await signAcceptance(acceptanceBody(intentV.digest, offerV), customer, {
    ...cose,
    audience: vendor.did,
  })
  const acceptanceV = await verify(acceptance, { now })
  const body = agreementBodyFor({ intent: intentV.digest, offer: offerV.digest, acceptance: acceptanceV.digest })
  const partial = await signAgreement(body, customer, cose)
  const agreement = await countersign(partial, vendor, { now })
  return { intent, offer, counter, acceptance, agreement, partial }
}

/** The request body of an acceptance and its agreement, in each binding. */
export async function twoMessageBodies() {
  const jws = await signSamples()
  const partialJws = JSON.parse(jws.agreement) as { payload: string; signatures: unknown[] }
  const cose = await coseSamples()
  return {
    jws: `${jws.acceptance}\n${JSON.stringify({ payload: partialJws.payload, signatures: partialJws.signatures.slice(0, 1) })}`,
    cose: encodeCbor([cose.acceptance, cose.partial]),
  }
}
