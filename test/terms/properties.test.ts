/**
 * The correctness properties of issue 3, over random declarations, intents and offers. The
 * oracle below judges a term without the SDK's code: decimals as scaled BigInts, dates with
 * Date.parse (the arbitraries use whole seconds), so the SDK is not graded by itself.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { IntentPayload } from '../../src/model/intent.js'
import type { OfferPayload } from '../../src/model/offer.js'
import type { Term, TermSet } from '../../src/model/term-set.js'
import { CATALOG, getAgreement, normalizeAgreementId } from '../../src/index.js'
import { matchTerms, negotiate, rankOffers } from '../../src/terms/index.js'
import {
  conditions,
  expectValidCounter,
  intentAndOffer,
  intentArb,
  intentPayload,
  offerArb,
  offerNear,
  offerPayload,
  RUNS,
  shuffled,
  termSet,
} from './support.js'

// ---------------------------------------------------------------------------------------------
// Oracle

const kind = (t: Term) => {
  const d = CATALOG.find((x) => x.id === t.id)
  return d ? { type: d.type, better: d.better } : { type: t.type!, better: t.better }
}
const scaled = (d: string) => {
  const [i, f = ''] = d.split('.')
  return BigInt(i! + f.padEnd(8, '0'))
}
const sign = (n: number | bigint) => (n > 0 ? 1 : n < 0 ? -1 : 0)

/** Whether the vendor's statement `v` meets the customer's term `c`. */
function satisfies(c: Term, v: Term | undefined): boolean {
  const { type, better } = kind(c)
  if (type === 'obligation') return c.value === false || v?.value === true
  if (!v) return false
  const vk = kind(v)
  if (vk.type !== type || vk.better !== better || v.unit !== c.unit) return false
  if (type === 'set') return (v.value as string[]).some((x) => (c.value as string[]).includes(x))
  const cmp =
    type === 'number'
      ? sign(scaled(v.value as string) - scaled(c.value as string))
      : sign(Date.parse(v.value as string) - Date.parse(c.value as string))
  return better === 'lower' ? cmp <= 0 : cmp >= 0
}

/** The customer's positions in an intent: conditions, with `want` bounds as required terms. */
function customerTerms(intent: IntentPayload): Map<string, Term> {
  const m = new Map((intent.terms.conditions ?? []).map((t) => [t.id, t]))
  if (intent.want.maxPrice)
    m.set('price', {
      id: 'price',
      value: intent.want.maxPrice.amount,
      unit: intent.want.maxPrice.currency,
      required: true,
    })
  if (intent.want.deliverBy) m.set('deliver-by', { id: 'deliver-by', value: intent.want.deliverBy, required: true })
  return m
}

interface Deal {
  quantity: number
  price: { amount: string; currency: string }
  deliverBy?: string | undefined
  terms: { agreement: string; conditions?: Term[] | undefined }
}

/** A proposal's statement of every term: its conditions, with price and delivery from its fields. */
function statements(d: Deal): Map<string, Term> {
  const m = new Map((d.terms.conditions ?? []).map((t) => [t.id, t]))
  m.set('price', {
    id: 'price',
    value: d.price.amount,
    unit: d.price.currency,
    ...(m.get('price')?.required && { required: true }),
  })
  if (d.deliverBy !== undefined)
    m.set('deliver-by', {
      id: 'deliver-by',
      value: d.deliverBy,
      ...(m.get('deliver-by')?.required && { required: true }),
    })
  return m
}

/** Every hard limit of the customer the deal keeps. */
function keepsCustomerLimits(intent: IntentPayload, d: Deal): boolean {
  const s = statements(d)
  for (const c of customerTerms(intent).values()) if (c.required && !satisfies(c, s.get(c.id))) return false
  const agreements = intent.terms.agreements.map((a) => normalizeAgreementId(a))
  if (intent.terms.strict && !agreements.includes(normalizeAgreementId(d.terms.agreement))) return false
  return intent.want.quantity === undefined || intent.want.quantity === d.quantity
}

const canon = (t: Term | undefined) =>
  t === undefined
    ? undefined
    : JSON.stringify({ ...t, required: undefined, value: Array.isArray(t.value) ? [...t.value].sort() : t.value })

// ---------------------------------------------------------------------------------------------

describe('properties', () => {
  it('the arbitraries make schema-valid payloads with a spread of outcomes', () => {
    const outcomes = new Map<string, number>()
    fc.assert(
      fc.property(intentAndOffer, ([intent, offer]) => {
        const o = negotiate(intent, offer).outcome
        outcomes.set(o, (outcomes.get(o) ?? 0) + 1)
      }),
      RUNS,
    )
    // Builders parse with the model schemas, so reaching here means every payload was valid.
    for (const o of ['agreed', 'counter', 'rejected']) expect(outcomes.get(o) ?? 0).toBeGreaterThan(40)
  })

  it("an agreed outcome never violates either party's hard constraints; nor does a counter", () => {
    fc.assert(
      fc.property(intentAndOffer, ([intent, offer]) => {
        const r = negotiate(intent, offer)
        if (r.outcome === 'agreed') {
          expect(keepsCustomerLimits(intent, offer)).toBe(true)
          expect(r.terms).toEqual(offer.terms)
        }
        if (r.outcome === 'counter') {
          const p = r.counter
          expectValidCounter(p)
          expect(keepsCustomerLimits(intent, p)).toBe(true)
          // The vendor's hard positions stand in the counter.
          const mine = statements(p)
          for (const v of statements(offer).values()) if (v.required) expect(canon(mine.get(v.id))).toBe(canon(v))
        }
        if (r.outcome === 'rejected') expect(r.conflicts.some((c) => c.required)).toBe(true)
      }),
      RUNS,
    )
  })

  it('a counter is never worse for the customer than the proposal it counters, on any term', () => {
    fc.assert(
      fc.property(intentAndOffer, ([intent, offer]) => {
        const r = negotiate(intent, offer)
        if (r.outcome !== 'counter') return
        const p = r.counter
        const positions = customerTerms(intent)
        const before = statements(offer)
        const after = statements(p)
        for (const [id, s] of before) {
          const t = after.get(id)
          const c = positions.get(id)
          // Unchanged, or moved to where the customer is satisfied and was not.
          const unchanged = canon(t) === canon(s)
          expect(unchanged || (c !== undefined && satisfies(c, t) && !satisfies(c, s))).toBe(true)
        }
        for (const [id, t] of after) if (!before.has(id)) expect(satisfies(positions.get(id)!, t)).toBe(true)
        const offered = normalizeAgreementId(offer.terms.agreement)
        const proposed = normalizeAgreementId(p.terms.agreement)
        expect([offered, normalizeAgreementId(intent.terms.agreements[0]!)]).toContain(proposed)
        if (proposed !== offered) {
          // Toward the customer: never more permissive on the SD chain than what was offered.
          const [a, b] = [getAgreement(proposed!)!.permissiveness, getAgreement(offered!)!.permissiveness]
          if (a !== undefined && b !== undefined) expect(a).toBeLessThan(b)
        }
        expect(p.quantity).toBe(offer.quantity)
      }),
      RUNS,
    )
  })

  it('lit implies that negotiating an offer on the matched terms is agreed', () => {
    let lit = 0
    // Vendors derived from the customer, so that matches are common, and random ones.
    const vendorFor = (c: TermSet) =>
      fc.oneof(
        termSet(),
        fc.tuple(conditions(), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 })).map(([extra, flags]) => ({
          agreements: [c.agreements[0]!, ...(flags[0] ? ['SD-BASE-ATP'].filter((a) => a !== c.agreements[0]) : [])],
          conditions: [
            ...(c.conditions ?? []).map((t, i) => (flags[i + 1] ? { ...t, required: true } : t)),
            ...extra.filter((t) => !c.conditions?.some((x) => x.id === t.id) && flags[19]),
          ],
        })),
      )
    fc.assert(
      fc.property(
        termSet().chain((c) => fc.tuple(fc.constant(c), vendorFor(c))),
        ([customer, vendor]) => {
          const m = matchTerms(customer, vendor)
          if (m.state !== 'lit') return
          lit++
          const cond = m.terms.conditions ?? []
          const price = cond.find((t) => t.id === 'price')
          const date = cond.find((t) => t.id === 'deliver-by')
          const offer = offerPayload(m.terms, {
            price: price ? { amount: price.value as string, currency: price.unit! } : { amount: '1', currency: 'EUR' },
            ...(date && { deliverBy: date.value as string }),
          })
          expect(negotiate(intentPayload(customer), offer).outcome).toBe('agreed')
        },
      ),
      RUNS,
    )
    expect(lit).toBeGreaterThan(100)
  })

  it('results do not depend on the order of term lists', () => {
    fc.assert(
      fc.property(termSet(), termSet(), fc.integer({ min: 1, max: 2 ** 31 }), (c, v, seed) => {
        const again = matchTerms(
          { ...c, conditions: shuffled(c.conditions, seed) },
          { ...v, conditions: shuffled(v.conditions, seed + 1) },
        )
        expect(again).toEqual(matchTerms(c, v))
      }),
      RUNS,
    )
    fc.assert(
      fc.property(intentAndOffer, fc.integer({ min: 1, max: 2 ** 31 }), ([intent, offer], seed) => {
        const i2 = {
          ...intent,
          terms: {
            ...intent.terms,
            ...(intent.terms.conditions && { conditions: shuffled(intent.terms.conditions, seed)! }),
          },
        }
        const o2 = {
          ...offer,
          terms: {
            ...offer.terms,
            ...(offer.terms.conditions && { conditions: shuffled(offer.terms.conditions, seed + 1)! }),
          },
        }
        const a = negotiate(intent, offer)
        const b = negotiate(i2, o2)
        expect(b.outcome).toBe(a.outcome)
        expect(b.conflicts).toEqual(a.conflicts)
        expect(b.outcome === 'counter' && b.counter).toEqual(a.outcome === 'counter' && a.counter)
        const sorted = (ts: Term[] | undefined) => (ts ?? []).map(canon).sort()
        expect(sorted(b.terms.conditions)).toEqual(sorted(a.terms.conditions))
      }),
      RUNS,
    )
  })

  it('rankOffers is a total order, independent of arrival order, and stable', () => {
    const jti = fc.integer({ min: 0, max: 5 }).map((n) => `offer-${String(n).padStart(4, '0')}`)
    fc.assert(
      fc.property(
        intentArb.chain((i) =>
          fc.tuple(fc.constant(i), fc.array(fc.oneof(offerArb(jti), offerNear(i)), { maxLength: 12 })),
        ),
        fc.integer({ min: 1, max: 2 ** 31 }),
        ([intent, offers], seed) => {
          // Duplicates by reference, too: a stable sort keeps them in input order.
          const input: OfferPayload[] = [...offers, ...offers.slice(0, 2)]
          const r = rankOffers(intent, input)
          const out = [...r.ranked.map((x) => x.offer), ...r.excluded.map((x) => x.offer)]
          expect(out.length).toBe(input.length)
          expect(new Set(out)).toEqual(new Set(input))
          for (let i = 1; i < r.ranked.length; i++)
            expect(r.ranked[i - 1]!.score).toBeGreaterThanOrEqual(r.ranked[i]!.score)
          for (const x of r.excluded) expect(x.reasons.length).toBeGreaterThan(0)
          // Same content in another order ranks the same way: ties fall to content, then position.
          const key = (o: OfferPayload) => JSON.stringify(o)
          const order = shuffled(
            input.map((o, i) => ({ id: String(i), value: key(o) })),
            seed,
          )!.map((t) => input[Number(t.id)]!)
          expect(rankOffers(intent, order).ranked.map((x) => key(x.offer))).toEqual(r.ranked.map((x) => key(x.offer)))
          // Stability: equal offers keep their input order.
          const ranked = r.ranked.map((x) => x.offer)
          for (const o of offers.slice(0, 2)) {
            const seen = ranked.flatMap((x, i) => (x === o ? [i] : []))
            if (seen.length === 2)
              expect(input.indexOf(ranked[seen[0]!]!)).toBeLessThanOrEqual(input.lastIndexOf(ranked[seen[1]!]!))
          }
        },
      ),
      RUNS,
    )
  })
})
