/**
 * `npm run demo`: the whole story in one process, on in-memory defaults.
 * A customer casts an intent; a vendor offers; they counter; the customer accepts; both sign
 * one agreement; the thread re-verifies from the stored bytes alone.
 */
import {
  countersign,
  generateKeyPair,
  MemoryReplayStore,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signOffer,
  Thread,
  verify,
  verifyThread,
} from '../src/index.js'

const say = (step: string, detail = '') => console.log(`${step.padEnd(34)} ${detail}`)
const t0 = performance.now()

const customer = await generateKeyPair() // in a wallet: a fresh key per cast
const vendor = await generateKeyPair()
const vendorReplay = new MemoryReplayStore()
const customerReplay = new MemoryReplayStore()
say('customer (this cast)', customer.did)
say('vendor', vendor.did)

const intent = await signIntent(
  {
    want: {
      item: { name: 'cargo bike', category: 'bicycles', attributes: { wheels: 3 } },
      quantity: 1,
      maxPrice: { amount: '2000.00', currency: 'EUR' },
      deliverBy: new Date(Date.now() + 4 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      region: 'DE-BE',
    },
    terms: {
      agreements: ['SD-BASE', 'SD-BASE-A'],
      conditions: [
        { id: 'retention-days', value: '30', unit: 'day', required: true },
        { id: 'deletion-on-request', value: true, required: true },
      ],
    },
  },
  customer,
  { expiresIn: '1d' },
)
say('1. customer signs an intent', `${intent.length} bytes, compact JWS`)

const seenByVendor = await verify(intent, { expect: 'intent', replay: vendorReplay })
const want = seenByVendor.payload.want
say('2. vendor verifies it', `${want.item.name}, at most ${want.maxPrice?.amount} ${want.maxPrice?.currency}`)

const offer = await signOffer(
  {
    inReplyTo: seenByVendor.digest,
    item: want.item,
    quantity: 1,
    price: { amount: '2150.00', currency: 'EUR' },
    terms: { agreement: 'SD-BASE-A', conditions: [{ id: 'retention-days', value: '30', unit: 'day' }, { id: 'deletion-on-request', value: true }] },
  },
  vendor,
  { audience: seenByVendor.issuer },
)
const seenOffer = await verify(offer, { expect: 'offer', audience: customer.did, replay: customerReplay })
const thread = new Thread(await verify(intent)).add(seenOffer)
say('3. vendor offers', `${seenOffer.payload.price.amount} EUR under ${seenOffer.payload.terms.agreement}; thread: ${thread.state()}`)

const counter = await signCounter(
  { inReplyTo: seenOffer.digest, intent: seenByVendor.digest, quantity: 1, price: { amount: '2000.00', currency: 'EUR' }, terms: { ...seenOffer.payload.terms, agreement: 'SD-BASE' }, note: 'My ceiling, on my first-choice terms.' },
  customer,
  { audience: vendor.did },
)
const seenCounter = await verify(counter, { expect: 'counter', audience: vendor.did, replay: vendorReplay })
thread.add(seenCounter)
say('4. customer counters', `2000.00 EUR under SD-BASE; status ${thread.status().split('#')[1]}`)

const { quantity, price, terms } = seenCounter.payload
const counter2 = await signCounter({ inReplyTo: seenCounter.digest, intent: seenByVendor.digest, quantity, price, terms }, vendor, { audience: customer.did })
const seenCounter2 = await verify(counter2, { expect: 'counter', audience: customer.did, replay: customerReplay })
thread.add(seenCounter2)
say('5. vendor agrees to the counter', 'restated as its own signed counter')

const acceptance = await signAcceptance(
  { inReplyTo: seenCounter2.digest, intent: seenByVendor.digest, quantity: seenCounter2.payload.quantity, price: seenCounter2.payload.price, terms: seenCounter2.payload.terms },
  customer,
  { audience: vendor.did },
)
thread.add(await verify(acceptance, { expect: 'acceptance', audience: vendor.did, replay: vendorReplay }))
say('6. customer accepts', `thread: ${thread.state()}`)

const signedByCustomer = await signAgreement(thread.agreementBody(), customer)
const agreement = await countersign(signedByCustomer, vendor)
const final = await verify(agreement, { expect: 'agreement' })
thread.add(final)
say('7. both sign the agreement', `${final.signers.length} signatures, digest ${final.digest}`)

const again = await verifyThread([intent, offer, counter, counter2, acceptance, agreement])
say('8. thread re-verified from bytes', `${again.state()} (${again.status().split('#')[1]})`)

try {
  await verify(intent, { expect: 'intent', replay: vendorReplay })
} catch (e) {
  say('9. the same intent again', `refused: ${(e as { code: string }).code}`)
}
say('done', `${(performance.now() - t0).toFixed(0)} ms`)
