/**
 * The terms layer's figures: matchTerms, negotiate (an intent and an offer with about 12 terms
 * each) and the median time of rankOffers over 1,000 offers. Payloads are built from the SDK's
 * own signing path, so they are what verify hands the terms layer.
 */
import { generateKeyPair, signIntent, signOffer, verify, type Term, type Verified } from '../src/index.js'
import { matchTerms, negotiate, rankOffers } from '../src/terms/index.js'
import { measure, median, type Result } from './harness.js'

const conditions = (side: 'customer' | 'vendor'): Term[] => [
  { id: 'retention-days', value: side === 'customer' ? '30' : '60', unit: 'day', required: side === 'customer' },
  { id: 'deletion-on-request', value: true, required: side === 'customer' },
  { id: 'contact-via-agent', value: true },
  { id: 'no-resale', value: true },
  { id: 'jurisdiction', value: side === 'customer' ? ['DE', 'AT', 'NL'] : ['DE'] },
  { id: 'returns-days', value: side === 'customer' ? '14' : '30', unit: 'day' },
  { id: 'warranty-months', value: '24', unit: 'month' },
  { id: 'payment-methods', value: side === 'customer' ? ['card', 'sepa'] : ['sepa', 'invoice'] },
  { id: 'https://example.com/terms#gift-wrap', type: 'obligation', value: true },
  { id: 'https://example.com/terms#assembly', type: 'obligation', value: side === 'vendor' },
  {
    id: 'https://example.com/terms#co2-grams',
    type: 'number',
    better: 'lower',
    unit: 'g',
    value: side === 'customer' ? '5000' : '3200',
  },
  { id: 'https://example.com/terms#pickup-by', type: 'date', better: 'lower', value: '2030-02-01T12:00:00Z' },
]

/** Runs `n` calls per batch: the harness awaits each batch, which would dominate a sync call. */
const BATCH = 200

export async function termsBench(): Promise<{ results: Result[]; rank: { name: string; medianMs: number } }> {
  const customer = await generateKeyPair()
  const vendor = await generateKeyPair()
  const intent = await verify(
    await signIntent(
      {
        want: {
          item: { name: 'cargo bike' },
          quantity: 1,
          maxPrice: { amount: '2000.00', currency: 'EUR' },
          deliverBy: '2030-01-09T17:00:00Z',
          region: 'DE-BE',
        },
        terms: { agreements: ['SD-BASE', 'SD-BASE-A'], conditions: conditions('customer') },
      },
      customer,
    ),
    { expect: 'intent' },
  )
  const offerFor = async (price: string) =>
    verify(
      await signOffer(
        {
          inReplyTo: intent.digest,
          item: { name: 'cargo bike' },
          quantity: 1,
          price: { amount: price, currency: 'EUR' },
          deliverBy: '2030-01-08T12:00:00Z',
          terms: { agreement: 'SD-BASE-A', conditions: conditions('vendor') },
        },
        vendor,
        { audience: customer.did },
      ),
      { expect: 'offer' },
    )
  const offer = await offerFor('2150.00')
  const vendorTerms = { agreements: ['SD-BASE-A', 'SD-BASE-AT'], conditions: conditions('vendor') }
  const offers: Verified<'offer'>[] = []
  for (let i = 0; i < 1000; i++) offers.push(await offerFor(`${1500 + (i % 700)}.${String(i % 100).padStart(2, '0')}`))

  const results = [
    await measure('matchTerms (12 terms a side)', BATCH, () => {
      for (let i = 0; i < BATCH; i++) matchTerms(intent.payload.terms, vendorTerms)
    }),
    await measure('negotiate (12 terms a side)', BATCH, () => {
      for (let i = 0; i < BATCH; i++) negotiate(intent, offer)
    }),
  ]
  return { results, rank: await median('rankOffers over 1,000 offers', 50, () => rankOffers(intent, offers)) }
}
