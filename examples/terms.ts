// The README's terms example: two declarations → r-button → offer → counter → agreement → ODRL.
import {
  countersign,
  dealOf,
  generateKeyPair,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signOffer,
  verify,
  verifyThread,
} from 'intentcast'
import { agreementJson, matchTerms, negotiate } from 'intentcast/terms'

const customer = await generateKeyPair(),
  vendor = await generateKeyPair()
const mine = {
  agreements: ['SD-BASE'],
  conditions: [{ id: 'retention-days', value: '30', unit: 'day', required: true }],
}
const theirs = { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '90', unit: 'day' }] }
console.log(matchTerms(mine, theirs).state) // 'dark': a required term is not met

const intent = await verify(
  await signIntent(
    { want: { item: { name: 'cargo bike' }, maxPrice: { amount: '2000', currency: 'EUR' } }, terms: mine },
    customer,
  ),
  { expect: 'intent' },
)
const offer = await verify(
  await signOffer(
    {
      inReplyTo: intent.digest,
      item: { name: 'cargo bike' },
      quantity: 1,
      price: { amount: '1900', currency: 'EUR' },
      terms: { agreement: 'SD-BASE', conditions: theirs.conditions },
    },
    vendor,
    { audience: customer.did },
  ),
  { expect: 'offer' },
)
const answer = negotiate(intent, offer) // 'counter': 30 days' retention, same price
if (answer.outcome !== 'counter') throw new Error(answer.outcome) // narrows: answer.counter is the deal to counter with
const counter = await verify(
  await signCounter({ inReplyTo: offer.digest, intent: intent.digest, ...answer.counter }, customer, {
    audience: vendor.did,
  }),
  { expect: 'counter' },
)
const restated = await verify(
  await signCounter({ inReplyTo: counter.digest, intent: intent.digest, ...dealOf(counter.payload) }, vendor, {
    audience: customer.did,
  }),
  { expect: 'counter' },
)
const acceptance = await signAcceptance(
  { inReplyTo: restated.digest, intent: intent.digest, ...dealOf(restated.payload) },
  customer,
  { audience: vendor.did },
)
const thread = await verifyThread([intent.message, offer.message, counter.message, restated.message, acceptance])
const agreement = await countersign(await signAgreement(thread.agreementBody(), customer), vendor)
console.log(answer.outcome, thread.add(await verify(agreement)).state()) // 'counter' 'agreed'
console.log(agreementJson(await verify(agreement, { expect: 'agreement' }), 'odrl'))
