/**
 * Builders and arbitraries for the terms tests. Everything they make is checked against the
 * model's zod schemas, so the tests exercise the same inputs `verify` would let through.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { isIntentcastError } from '../../src/errors.js'
import type { Deal } from '../../src/model/deal.js'
import type { Kind } from '../../src/model/kinds.js'
import { CounterPayload } from '../../src/model/counter.js'
import { IntentPayload } from '../../src/model/intent.js'
import { OfferPayload } from '../../src/model/offer.js'
import type { DealTerms, Term, TermSet } from '../../src/model/term-set.js'
import type { IntentPayload as Intent } from '../../src/model/intent.js'
import { TermSet as TermSetSchema } from '../../src/model/term-set.js'
import { CATALOG, ROSTER } from '../../src/index.js'

export const CUSTOMER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
export const VENDOR = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'
export const VENDOR_2 = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG'
export const INTENT_DIGEST = 'A'.repeat(43)

export function intentPayload(terms: TermSet, want: Partial<IntentPayload['want']> = {}): IntentPayload {
  return IntentPayload.parse({
    v: '0.1',
    iss: CUSTOMER,
    iat: 1_700_000_000,
    jti: 'intent-0001',
    exp: 1_700_086_400,
    want: { item: { name: 'cargo bike' }, ...want },
    terms,
  })
}

export interface OfferParts {
  price?: { amount: string; currency: string }
  deliverBy?: string
  quantity?: number
  iss?: string
  jti?: string
}

export function offerPayload(terms: DealTerms, parts: OfferParts = {}): OfferPayload {
  return OfferPayload.parse({
    v: '0.1',
    iss: parts.iss ?? VENDOR,
    iat: 1_700_000_100,
    jti: parts.jti ?? 'offer-0001',
    exp: 1_700_003_700,
    aud: CUSTOMER,
    inReplyTo: INTENT_DIGEST,
    item: { name: 'cargo bike' },
    quantity: parts.quantity ?? 1,
    price: parts.price ?? { amount: '1000.00', currency: 'EUR' },
    ...(parts.deliverBy !== undefined && { deliverBy: parts.deliverBy }),
    terms,
  })
}

/** A counter deal (negotiate's `counter`) made a whole counter and checked against its schema. */
export function asCounter(deal: object): CounterPayload {
  return CounterPayload.parse({
    v: '0.1',
    iss: CUSTOMER,
    iat: 1_700_000_200,
    jti: 'counter-0001',
    exp: 1_700_003_800,
    aud: VENDOR,
    inReplyTo: 'B'.repeat(43),
    intent: INTENT_DIGEST,
    ...deal,
  })
}

/** The kind of a payload the builders here make, read off its claims. */
function kindOf(p: object): Kind {
  return 'want' in p
    ? 'intent'
    : 'role' in p
      ? 'terms'
      : 'parties' in p
        ? 'agreement'
        : 'intent' in p
          ? 'counter'
          : 'offer'
}

/**
 * A message as `verify` returns it, without the signing: frozen, with its kind, digest, signers
 * and message, so the terms functions take it as verified and do not check its payload again.
 */
export function verified<P extends object>(
  payload: P,
  digest = INTENT_DIGEST,
): { readonly kind: Kind; readonly payload: P; readonly digest: string } {
  const iss = (payload as { iss?: string }).iss ?? CUSTOMER
  return Object.freeze({
    kind: kindOf(payload),
    payload,
    issuer: iss,
    signers: Object.freeze([iss]),
    digest,
    header: Object.freeze({ alg: 'EdDSA', typ: `intentcast-${kindOf(payload)}+jws`, kid: `${iss}#${iss.slice(8)}` }),
    format: 'jws',
    message: 'not.signed.here',
  })
}

/** What `f` throws, as `CODE: message` for an IntentcastError, the error itself otherwise. */
export function refusal(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    return isIntentcastError(e) ? `${e.code}: ${e.message}` : `not an IntentcastError: ${String(e)}`
  }
  return 'no error'
}

export const ext = (name: string) => `https://example.com/terms#${name}`

// ---------------------------------------------------------------------------------------------
// Arbitraries

const SD = ROSTER.filter((a) => a.family === 'SD').map((a) => a.id)
const ALL_AGREEMENTS = ROSTER.map((a) => a.id)
/** SD-heavy, so the chain logic is exercised; sometimes an IRI, which must normalise. */
const agreementId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SD) },
  { weight: 1, arbitrary: fc.constantFrom(...ALL_AGREEMENTS) },
)

const decimal = fc
  .tuple(
    fc.integer({ min: 0, max: 120 }),
    fc.option(fc.constantFrom('0', '00', '5', '50', '25', '99', '00000001'), { nil: undefined }),
  )
  .map(([i, f]) => (f === undefined ? String(i) : `${i}.${f}`))

/** Date-times on whole seconds in a few offsets, around one week, so they collide often. */
const dateTime = fc
  .tuple(
    fc.integer({ min: 0, max: 14 }),
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('Z', '+00:00', '+02:00', '-05:30'),
  )
  .map(([day, hour, off]) => {
    const base = Date.UTC(2030, 0, 1 + day, 6 * hour)
    const shift = off === 'Z' || off === '+00:00' ? 0 : off === '+02:00' ? 120 : -330
    const local = new Date(base + shift * 60_000).toISOString().slice(0, 19)
    return local + off
  })

const TOKENS = ['card', 'bank', 'paypal', 'cash', 'crypto']
const REGIONS = ['DE', 'FR', 'NL', 'GB', 'US']
const tokens = (pool: string[]) =>
  fc
    .subarray(pool, { minLength: 1 })
    .chain((xs) => fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }))

const required = fc.option(fc.boolean(), { nil: undefined })
const withRequired = (t: Term, r: boolean | undefined): Term => (r === undefined ? t : { ...t, required: r })

/** Extension terms with fixed definitions, and one whose unit varies, to produce mismatches. */
const EXTENSIONS: ReadonlyArray<fc.Arbitrary<Term>> = [
  fc.boolean().map((value) => ({ id: ext('gift-wrap'), type: 'obligation' as const, value })),
  decimal.map((value) => ({
    id: ext('battery'),
    type: 'number' as const,
    better: 'higher' as const,
    unit: 'Wh',
    value,
  })),
  fc
    .tuple(decimal, fc.constantFrom('kg', 'lb'))
    .map(([value, unit]) => ({ id: ext('weight'), type: 'number' as const, better: 'lower' as const, unit, value })),
  dateTime.map((value) => ({ id: ext('install-by'), type: 'date' as const, better: 'lower' as const, value })),
  tokens(['red', 'blue', 'green']).map((value) => ({ id: ext('colour'), type: 'set' as const, value })),
]

function catalogTerm(id: string): fc.Arbitrary<Term> {
  const def = CATALOG.find((d) => d.id === id)!
  switch (def.type) {
    case 'obligation':
      return fc.boolean().map((value) => ({ id, value }))
    case 'date':
      return dateTime.map((value) => ({ id, value }))
    case 'set':
      return tokens(id === 'jurisdiction' ? REGIONS : TOKENS).map((value) => ({ id, value }))
    case 'number':
      return fc
        .tuple(decimal, fc.constantFrom('EUR', 'EUR', 'USD'))
        .map(([value, currency]) => ({ id, value, unit: def.unit === 'currency' ? currency : def.unit! }))
  }
}

const TERM_ARBS: ReadonlyArray<fc.Arbitrary<Term>> = [...CATALOG.map((d) => catalogTerm(d.id)), ...EXTENSIONS]

/** Conditions with distinct IDs, each maybe required. */
export const conditions = (opts: { exclude?: readonly string[] } = {}): fc.Arbitrary<Term[]> =>
  fc
    .tuple(...TERM_ARBS.map((a) => fc.option(fc.tuple(a, required), { freq: 2, nil: undefined })))
    .map((xs) => xs.flatMap((x) => (x ? [withRequired(x[0], x[1])] : [])).filter((t) => !opts.exclude?.includes(t.id)))
    .chain((ts) => fc.shuffledSubarray(ts, { minLength: ts.length, maxLength: ts.length }))

export const termSet = (opts: { exclude?: readonly string[] } = {}): fc.Arbitrary<TermSet> =>
  fc
    .record({
      agreements: fc.uniqueArray(agreementId, { minLength: 1, maxLength: 4 }),
      strict: fc.option(fc.boolean(), { nil: undefined }),
      conditions: fc.option(conditions(opts), { nil: undefined }),
    })
    .map((r) => TermSetSchema.parse(Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined))))

const money = fc
  .tuple(decimal, fc.constantFrom('EUR', 'EUR', 'EUR', 'USD'))
  .map(([amount, currency]) => ({ amount, currency }))

export const intentArb = termSet().chain((terms) =>
  fc
    .record({
      maxPrice: fc.option(money, { nil: undefined }),
      deliverBy: fc.option(dateTime, { nil: undefined }),
      quantity: fc.option(fc.constantFrom(1, 2), { freq: 3, nil: undefined }),
    })
    .map((w) => intentPayload(terms, Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined)))),
)

export const dealTerms: fc.Arbitrary<DealTerms> = fc
  .record({
    agreement: agreementId,
    conditions: fc.option(conditions({ exclude: ['price', 'deliver-by'] }), { nil: undefined }),
  })
  .map((r) =>
    r.conditions === undefined ? { agreement: r.agreement } : { agreement: r.agreement, conditions: r.conditions },
  )

export const offerArb = (jti: fc.Arbitrary<string> = fc.constantFrom('offer-0001', 'offer-0002', 'offer-0003')) =>
  fc
    .record({
      terms: dealTerms,
      price: money,
      deliverBy: fc.option(dateTime, { nil: undefined }),
      quantity: fc.constantFrom(1, 1, 1, 2),
      iss: fc.constantFrom(VENDOR, VENDOR_2),
      jti,
    })
    .map(({ terms, ...parts }) =>
      offerPayload(terms, Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined)) as OfferParts),
    )

/** The same list in another order, with every set's tokens reordered too. */
export function shuffled(ts: readonly Term[] | undefined, seed: number): Term[] | undefined {
  if (ts === undefined) return undefined
  let s = seed >>> 0 || 1
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[xs[i], xs[j]] = [xs[j]!, xs[i]!]
    }
    return xs
  }
  return shuffle(ts.map((t) => (Array.isArray(t.value) ? { ...t, value: shuffle([...t.value]) } : { ...t })))
}

export const RUNS = { numRuns: 1000 }

/** Schema check for a counter deal, by way of a whole counter. */
export function expectValidCounter(deal: Deal): void {
  expect(() => asCounter(deal)).not.toThrow()
}

/**
 * An offer built from the intent it answers: its terms copied from the customer's, each then
 * kept, dropped or replaced by a random one, so agreed, counter and rejected all come up.
 */
export const offerNear = (intent: Intent): fc.Arbitrary<OfferPayload> =>
  fc
    .record({
      pick: fc.nat(),
      flags: fc.array(fc.constantFrom('keep', 'keep', 'keep', 'firm', 'drop', 'swap'), {
        minLength: 70,
        maxLength: 70,
      }),
      swaps: conditions({ exclude: ['price', 'deliver-by'] }),
      random: offerArb(),
    })
    .map(({ pick, flags, swaps, random }) => {
      const mine = (intent.terms.conditions ?? []).filter((t) => t.id !== 'price' && t.id !== 'deliver-by')
      const terms: Term[] = []
      mine.forEach((t, i) => {
        const { required: _, ...copy } = t
        const f = flags[i]!
        if (f === 'keep') terms.push(copy)
        if (f === 'firm') terms.push({ ...copy, required: true })
        const swap = swaps.find((x) => x.id === t.id)
        if (f === 'swap' && swap) terms.push(swap)
      })
      for (const x of swaps)
        if (flags[69] === 'swap' && !terms.some((t) => t.id === x.id) && !mine.some((t) => t.id === x.id)) terms.push(x)
      const agreements = intent.terms.agreements
      const near = flags[66] !== 'swap'
      return offerPayload(
        {
          agreement: near ? agreements[pick % agreements.length]! : random.terms.agreement,
          ...(terms.length > 0 && { conditions: terms }),
        },
        {
          price: near && intent.want.maxPrice ? intent.want.maxPrice : random.price,
          ...((near ? intent.want.deliverBy : random.deliverBy) !== undefined && {
            deliverBy: (near ? intent.want.deliverBy : random.deliverBy)!,
          }),
          quantity: flags[67] === 'drop' ? random.quantity : (intent.want.quantity ?? 1),
          iss: random.iss,
          jti: random.jti,
        },
      )
    })

/** An intent and an offer that answers it: random, or built from the intent. */
export const intentAndOffer = intentArb.chain((intent) =>
  fc.tuple(fc.constant(intent), fc.oneof(offerArb(), offerNear(intent))),
)
