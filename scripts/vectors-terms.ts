/**
 * Vectors for the terms layer (spec §Terms and negotiation): inputs and the outputs the SDK
 * gives for `matchTerms`, `negotiate` and `rankOffers`, so a second implementation can replay
 * them. Everything is fixed data: no keys, no clock, no randomness, so the output is the same on
 * every run. Inputs are payloads (no signatures: the terms layer reads payloads only), each
 * checked against the model's schemas here, so no vector holds something `verify` would refuse.
 */
import { CounterPayload } from '../src/model/counter.js'
import { IntentPayload } from '../src/model/intent.js'
import { OfferPayload } from '../src/model/offer.js'
import { TermSet, type DealTerms, type Term } from '../src/model/term-set.js'
import { matchTerms, negotiate, rankOffers } from '../src/terms/index.js'

// The vector keys' DIDs (spec/vectors/keys.json: seeds 0x01, 0x02 and 0x03).
const CUSTOMER = 'did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX'
const VENDOR = 'did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH'
const INTENT_DIGEST = 'Mu2m-FB3qh_pIl5ZCG_gqI6gDaTK9yXaTDpOM6sgJ6I'
const T = 1767225600
const STRANGER = 'did:key:z6MkvRXNYcE7MMduynWTgeKbDaT1iijDSC8pZqXZc8rHPrf2'
const IRI = (id: string) => `https://w3id.org/dpv/standards/p7012#${id}`
const GIFT_WRAP = 'https://example.com/terms#gift-wrap'
const ARBITRATION = 'https://shop.example/terms#arbitration'

const set = (x: unknown): TermSet => TermSet.parse(x)

/** A customer's standing terms, as in the worked examples of the spec. */
const CUSTOMER_TERMS = set({
  agreements: ['SD-BASE', 'SD-BASE-A'],
  conditions: [
    { id: 'retention-days', value: '30', unit: 'day', required: true },
    { id: 'deletion-on-request', value: true, required: true },
    { id: 'payment-methods', value: ['card', 'bank'] },
    { id: 'warranty-months', value: '24', unit: 'month' },
  ],
})

const VENDOR_CONDITIONS: Term[] = [
  { id: 'retention-days', value: '14', unit: 'day' },
  { id: 'deletion-on-request', value: true },
  { id: 'payment-methods', value: ['paypal', 'card', 'bank'] },
  { id: 'warranty-months', value: '36', unit: 'month' },
  { id: 'no-resale', value: true },
]

const vendor = (agreements: string[], ...replace: Term[]) =>
  set({ agreements, conditions: [...VENDOR_CONDITIONS.filter((t) => !replace.some((r) => r.id === t.id)), ...replace] })

const MATCH: ReadonlyArray<{ name: string; customer: TermSet; vendor: TermSet }> = [
  {
    name: 'lit: the proffered agreement taken, every term met, a set narrowed to both lists',
    customer: CUSTOMER_TERMS,
    vendor: vendor(['SD-BASE', 'SD-BASE-ATP']),
  },
  { name: 'partial: an alternative the customer lists', customer: CUSTOMER_TERMS, vendor: vendor(['SD-BASE-A']) },
  {
    name: 'partial: one alternative outside a non-strict list, the least permissive SD the vendor takes',
    customer: set({ agreements: ['SD-BASE'] }),
    vendor: set({ agreements: ['SD-BASE-ATP-S3P', 'SD-BASE-AT', 'PDC'] }),
  },
  {
    name: 'partial: an alternative no more permissive than a listed agreement',
    customer: set({ agreements: ['SD-BASE-A'] }),
    vendor: set({ agreements: ['SD-BASE-DP'] }),
  },
  {
    name: 'dark: a strict list the vendor takes none of',
    customer: set({ agreements: ['SD-BASE', 'SD-BASE-A'], strict: true }),
    vendor: set({ agreements: ['SD-BASE-ATP'] }),
  },
  {
    name: 'dark: a required bound not met',
    customer: CUSTOMER_TERMS,
    vendor: vendor(['SD-BASE'], { id: 'retention-days', value: '90', unit: 'day' }),
  },
  {
    name: 'dark: a required obligation the vendor does not state',
    customer: CUSTOMER_TERMS,
    vendor: set({
      agreements: ['SD-BASE'],
      conditions: VENDOR_CONDITIONS.filter((t) => t.id !== 'deletion-on-request'),
    }),
  },
  {
    name: 'partial: only a negotiable term falls short; the customer position is proposed',
    customer: CUSTOMER_TERMS,
    vendor: vendor(['SD-BASE'], { id: 'warranty-months', value: '12', unit: 'month' }),
  },
  {
    name: 'partial: a required vendor value stands against a negotiable bound',
    customer: CUSTOMER_TERMS,
    vendor: vendor(['SD-BASE'], { id: 'warranty-months', value: '12', unit: 'month', required: true }),
  },
  {
    name: 'partial: sets that do not overlap on a negotiable term',
    customer: CUSTOMER_TERMS,
    vendor: vendor(['SD-BASE'], { id: 'payment-methods', value: ['paypal'] }),
  },
  {
    name: 'dark: an extension term the customer requires and the vendor does not declare',
    customer: set({
      agreements: ['SD-BASE'],
      conditions: [{ id: GIFT_WRAP, type: 'obligation', value: true, required: true }],
    }),
    vendor: set({ agreements: ['SD-BASE'] }),
  },
  {
    name: 'dark: an extension term the vendor requires and the customer does not declare',
    customer: set({ agreements: ['SD-BASE'] }),
    vendor: set({
      agreements: ['SD-BASE'],
      conditions: [{ id: ARBITRATION, type: 'obligation', value: true, required: true }],
    }),
  },
  {
    name: 'lit: an extension term the vendor states without requiring it is carried',
    customer: set({ agreements: ['SD-BASE'] }),
    vendor: set({ agreements: ['SD-BASE'], conditions: [{ id: GIFT_WRAP, type: 'obligation', value: true }] }),
  },
  {
    name: 'partial: different units are a conflict, not a pass',
    customer: set({ agreements: ['PDC'], conditions: [{ id: 'price', value: '100', unit: 'EUR' }] }),
    vendor: set({ agreements: ['PDC'], conditions: [{ id: 'price', value: '10', unit: 'USD' }] }),
  },
  {
    name: 'lit: decimals compare exactly (0.3 = 0.30000000)',
    customer: set({ agreements: ['PDC'], conditions: [{ id: 'price', value: '0.3', unit: 'EUR', required: true }] }),
    vendor: set({ agreements: ['PDC'], conditions: [{ id: 'price', value: '0.30000000', unit: 'EUR' }] }),
  },
  {
    name: 'dark: decimals compare exactly (0.30000001 > 0.3)',
    customer: set({ agreements: ['PDC'], conditions: [{ id: 'price', value: '0.3', unit: 'EUR', required: true }] }),
    vendor: set({ agreements: ['PDC'], conditions: [{ id: 'price', value: '0.30000001', unit: 'EUR' }] }),
  },
  {
    name: 'lit: dates compare as instants across offsets',
    customer: set({
      agreements: ['PDC'],
      conditions: [{ id: 'deliver-by', value: '2030-01-09T18:00:00Z', required: true }],
    }),
    vendor: set({ agreements: ['PDC'], conditions: [{ id: 'deliver-by', value: '2030-01-09T12:30:00-05:30' }] }),
  },
  {
    name: 'dark: dates compare below the millisecond',
    customer: set({
      agreements: ['PDC'],
      conditions: [{ id: 'deliver-by', value: '2030-01-09T18:00:00Z', required: true }],
    }),
    vendor: set({
      agreements: ['PDC'],
      conditions: [{ id: 'deliver-by', value: '2030-01-09T19:00:00.000000001+01:00' }],
    }),
  },
  {
    name: 'lit: an agreement IRI and its short ID are one agreement',
    customer: set({ agreements: ['https://w3id.org/dpv/standards/p7012#SD-BASE'] }),
    vendor: set({ agreements: ['SD-BASE'] }),
  },
  {
    name: 'lit: an obligation set to false asks nothing',
    customer: set({ agreements: ['PDC'], conditions: [{ id: 'no-resale', value: false, required: true }] }),
    vendor: set({ agreements: ['PDC'] }),
  },
  {
    name: 'partial: an alternative the customer lists by IRI is named by its short ID',
    customer: set({ agreements: ['SD-BASE', IRI('SD-BASE-A')] }),
    vendor: set({ agreements: [IRI('SD-BASE-A')] }),
  },
  {
    name: 'lit: a vendor statement marked required: false is stated without required; its position keeps it',
    customer: set({ agreements: ['SD-BASE'], conditions: [{ id: 'returns-days', value: '14', unit: 'day' }] }),
    vendor: set({
      agreements: ['SD-BASE'],
      conditions: [
        { id: 'returns-days', value: '30', unit: 'day', required: false },
        { id: 'payment-methods', value: ['sepa', 'card'], required: false },
      ],
    }),
  },
  {
    name: 'partial: a conflict shows each position as stated, required: false included, tokens sorted',
    customer: set({ agreements: ['SD-BASE'], conditions: [{ id: 'payment-methods', value: ['sepa', 'card'] }] }),
    vendor: set({
      agreements: ['SD-BASE'],
      conditions: [{ id: 'payment-methods', value: ['paypal', 'invoice'], required: false }],
    }),
  },
]

// ---------------------------------------------------------------------------------------------

const INTENT = IntentPayload.parse({
  v: '0.1',
  iss: CUSTOMER,
  iat: T,
  exp: T + 86_400,
  jti: 'vector-terms-intent',
  want: {
    item: { name: 'cargo bike' },
    quantity: 1,
    maxPrice: { amount: '2000.00', currency: 'EUR' },
    deliverBy: '2026-01-09T17:00:00Z',
  },
  terms: {
    agreements: ['SD-BASE', 'SD-BASE-A'],
    conditions: [
      { id: 'retention-days', value: '30', unit: 'day', required: true },
      { id: 'deletion-on-request', value: true, required: true },
      { id: 'returns-days', value: '14', unit: 'day' },
      { id: 'payment-methods', value: ['card', 'bank'] },
    ],
  },
})
const STRICT_INTENT = IntentPayload.parse({
  ...INTENT,
  jti: 'vector-terms-intent-strict',
  terms: { ...INTENT.terms, strict: true },
})

const GOOD: Term[] = [
  { id: 'retention-days', value: '14', unit: 'day' },
  { id: 'deletion-on-request', value: true },
  { id: 'returns-days', value: '30', unit: 'day' },
  { id: 'payment-methods', value: ['card'] },
]
const with_ = (...replace: Term[]) => [...GOOD.filter((t) => !replace.some((r) => r.id === t.id)), ...replace]

let offers = 0
function offer(
  terms: DealTerms,
  parts: {
    price?: string
    currency?: string
    deliverBy?: string | null
    quantity?: number
    /** Its own jti, leaving the numbered ones (and so the earlier vectors) as they were. */
    jti?: string
    aud?: string
  } = {},
): OfferPayload {
  if (parts.jti === undefined) offers++
  return OfferPayload.parse({
    v: '0.1',
    iss: VENDOR,
    iat: T + 60,
    exp: T + 3660,
    jti: parts.jti ?? `vector-terms-offer-${String(offers).padStart(2, '0')}`,
    aud: parts.aud ?? CUSTOMER,
    inReplyTo: INTENT_DIGEST,
    item: { name: 'cargo bike' },
    quantity: parts.quantity ?? 1,
    price: { amount: parts.price ?? '1899.00', currency: parts.currency ?? 'EUR' },
    ...(parts.deliverBy !== null && { deliverBy: parts.deliverBy ?? '2026-01-08T12:00:00Z' }),
    terms,
  })
}

function negotiationCases(): Array<{ name: string; intent: IntentPayload; proposal: OfferPayload | CounterPayload }> {
  offers = 0
  return [
    {
      name: "agreed: every term met; the terms are the offer's own",
      intent: INTENT,
      proposal: offer({ agreement: 'SD-BASE', conditions: GOOD }),
    },
    {
      name: 'agreed: an SD agreement no more permissive than one listed',
      intent: INTENT,
      proposal: offer({ agreement: 'SD-BASE-DP', conditions: GOOD }),
    },
    {
      name: 'agreed: a negotiable term yielded to a required vendor value',
      intent: INTENT,
      proposal: offer({
        agreement: 'SD-BASE-A',
        conditions: with_({ id: 'returns-days', value: '7', unit: 'day', required: true }),
      }),
    },
    {
      name: 'counter: price, delivery, retention, payment methods and agreement moved to the customer position',
      intent: INTENT,
      proposal: offer(
        {
          agreement: 'SD-BASE-ATP',
          conditions: with_(
            { id: 'retention-days', value: '90', unit: 'day' },
            { id: 'payment-methods', value: ['paypal'] },
          ),
        },
        { price: '2100.00', deliverBy: '2026-01-12T12:00:00Z' },
      ),
    },
    {
      name: 'counter: a term the offer leaves out is added, and the delivery date the customer needs',
      intent: INTENT,
      proposal: offer(
        { agreement: 'SD-BASE', conditions: GOOD.filter((t) => t.id !== 'deletion-on-request') },
        { deliverBy: null },
      ),
    },
    {
      name: 'counter: a price in another currency is countered with the ceiling',
      intent: INTENT,
      proposal: offer({ agreement: 'SD-BASE', conditions: GOOD }, { price: '10.00', currency: 'USD' }),
    },
    {
      name: 'rejected: a hard limit against a term the vendor requires',
      intent: INTENT,
      proposal: offer({
        agreement: 'SD-BASE',
        conditions: with_({ id: 'retention-days', value: '90', unit: 'day', required: true }),
      }),
    },
    {
      name: 'rejected: an agreement outside a strict list',
      intent: STRICT_INTENT,
      proposal: offer({ agreement: 'SD-BASE-DP', conditions: GOOD }),
    },
    {
      name: 'rejected: a required vendor term the customer does not declare',
      intent: INTENT,
      proposal: offer({
        agreement: 'SD-BASE',
        conditions: [...GOOD, { id: ARBITRATION, type: 'obligation', value: true, required: true }],
      }),
    },
    {
      name: 'rejected: another quantity than the one wanted',
      intent: INTENT,
      proposal: offer({ agreement: 'SD-BASE', conditions: GOOD }, { quantity: 2 }),
    },
    {
      name: 'counter: answering a vendor counter as an offer',
      intent: INTENT,
      proposal: CounterPayload.parse({
        v: '0.1',
        iss: VENDOR,
        iat: T + 180,
        exp: T + 3780,
        jti: 'vector-terms-counter',
        aud: CUSTOMER,
        inReplyTo: 'q7lafXbM3Fbi3jvRjlXkSDt1SauagEx53IAWqkEs8Y0',
        intent: INTENT_DIGEST,
        quantity: 1,
        price: { amount: '2050.00', currency: 'EUR' },
        deliverBy: '2026-01-08T12:00:00Z',
        terms: { agreement: 'SD-BASE', conditions: GOOD },
      }),
    },
    {
      name: "agreed: an offer naming its agreement by IRI; the terms are the offer's own, IRI and all",
      intent: INTENT,
      proposal: offer({ agreement: IRI('SD-BASE'), conditions: GOOD }, { jti: 'vector-terms-offer-iri-1' }),
    },
    {
      name: 'counter: an offer naming an acceptable agreement by IRI; the counter names it by its short ID',
      intent: INTENT,
      proposal: offer(
        { agreement: IRI('SD-BASE-A'), conditions: with_({ id: 'retention-days', value: '90', unit: 'day' }) },
        { jti: 'vector-terms-offer-iri-2' },
      ),
    },
    {
      name: 'counter: the customer proffers its agreement by IRI; the counter names it by its short ID',
      intent: IntentPayload.parse({
        ...INTENT,
        jti: 'vector-terms-intent-iri',
        terms: { ...INTENT.terms, agreements: [IRI('SD-BASE'), 'SD-BASE-A'] },
      }),
      proposal: offer({ agreement: 'SD-BASE-ATP', conditions: GOOD }, { jti: 'vector-terms-offer-iri-3' }),
    },
    {
      name: 'counter: a met set keeps every token the vendor listed, sorted; required: false is dropped from the counter, kept in the conflict',
      intent: INTENT,
      proposal: offer(
        {
          agreement: 'SD-BASE',
          conditions: with_(
            { id: 'retention-days', value: '90', unit: 'day', required: false },
            { id: 'returns-days', value: '30', unit: 'day', required: false },
            { id: 'payment-methods', value: ['sepa', 'card', 'bank'] },
          ),
        },
        { jti: 'vector-terms-offer-set-1' },
      ),
    },
  ]
}

/** Plain JSON: what the vectors file holds, and what a replay compares against. */
const json = <V>(v: V): V => JSON.parse(JSON.stringify(v)) as V

export function termsVectors(): object {
  const negotiations = negotiationCases()
  const ranking = [
    offer({ agreement: 'SD-BASE', conditions: GOOD }, { price: '2000.01' }),
    offer(
      { agreement: 'SD-BASE', conditions: with_({ id: 'retention-days', value: '365', unit: 'day' }) },
      { price: '900.00' },
    ),
    offer({ agreement: 'SD-BASE-A', conditions: GOOD }, { price: '1500.00' }),
    offer(
      { agreement: 'SD-BASE', conditions: with_({ id: 'returns-days', value: '7', unit: 'day' }) },
      { price: '1400.00' },
    ),
    offer({ agreement: 'SD-BASE', conditions: GOOD }, { price: '1899.00' }),
    offer({ agreement: 'SD-BASE', conditions: GOOD }, { price: '1899.00', deliverBy: '2026-01-07T12:00:00Z' }),
  ]
  const ranked = rankOffers(INTENT, ranking)
  // Excluded in input order: a hard limit, then a broken link, whose reasons would sort the other
  // way; then four that differ in price only, ranked cheapest first.
  const exclusions = [
    offer(
      { agreement: 'SD-BASE', conditions: with_({ id: 'retention-days', value: '365', unit: 'day' }) },
      { jti: 'vector-terms-offer-rank-1' },
    ),
    offer(
      { agreement: 'SD-BASE', conditions: GOOD },
      { price: '1500.00', aud: STRANGER, jti: 'vector-terms-offer-rank-2' },
    ),
    ...['1950.00', '1900.00', '1850.00', '1800.00'].map((price, i) =>
      offer({ agreement: 'SD-BASE', conditions: GOOD }, { price, jti: `vector-terms-offer-rank-${i + 3}` }),
    ),
  ]
  const excludedRanking = rankOffers(INTENT, exclusions)
  const rankVector = (name: string, list: OfferPayload[], r: typeof ranked) => ({
    name,
    intent: INTENT,
    offers: list,
    expected: {
      ranked: r.ranked.map((x) => ({ index: list.indexOf(x.offer), score: x.score, reasons: x.reasons })),
      excluded: r.excluded.map((x) => ({ index: list.indexOf(x.offer), reasons: x.reasons })),
    },
  })
  return json({
    description:
      'Terms-layer vectors (spec §Terms and negotiation). match: matchTerms(customer, vendor) with bare TermSets. negotiate: negotiate(intent, proposal) with payloads; the intent is not verified, so no digest link is checked. rank: rankOffers(intent, offers), results given by input index. Compare outputs as JSON values (member order is not significant).',
    match: MATCH.map((m) => ({
      name: m.name,
      customer: m.customer,
      vendor: m.vendor,
      expected: matchTerms(m.customer, m.vendor),
    })),
    negotiate: negotiations.map((n) => ({
      name: n.name,
      intent: n.intent,
      proposal: n.proposal,
      expected: negotiate(n.intent, n.proposal),
    })),
    rank: [
      rankVector('excluded for a hard limit; ranked by terms met, then price, then delivery', ranking, ranked),
      rankVector(
        'excluded in input order: a hard limit, then a broken link (one reason); the rest by price',
        exclusions,
        excludedRanking,
      ),
    ],
  })
}
