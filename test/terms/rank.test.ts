import { describe, expect, it } from 'vitest'
import type { TermSet } from '../../src/model/term-set.js'
import { rankOffers } from '../../src/terms/index.js'
import { intentPayload, offerPayload, VENDOR, VENDOR_2, verified } from './support.js'

const TERMS: TermSet = {
  agreements: ['SD-BASE', 'SD-BASE-A'],
  conditions: [
    { id: 'retention-days', value: '30', unit: 'day', required: true },
    { id: 'warranty-months', value: '24', unit: 'month' },
  ],
}
const intent = intentPayload(TERMS, { maxPrice: { amount: '500', currency: 'EUR' } })

const offer = (
  jti: string,
  amount: string,
  opts: { agreement?: string; retention?: string; warranty?: string; deliverBy?: string; iss?: string } = {},
) =>
  offerPayload(
    {
      agreement: opts.agreement ?? 'SD-BASE',
      conditions: [
        { id: 'retention-days', value: opts.retention ?? '30', unit: 'day' },
        { id: 'warranty-months', value: opts.warranty ?? '24', unit: 'month' },
      ],
    },
    {
      jti,
      price: { amount, currency: 'EUR' },
      ...(opts.deliverBy && { deliverBy: opts.deliverBy }),
      ...(opts.iss && { iss: opts.iss }),
    },
  )

describe('rankOffers', () => {
  it('excludes offers that break a hard limit, with the reason, and ranks the rest by fit then price', () => {
    const tooDear = offer('offer-dear', '500.01')
    const keeps = offer('offer-keeps', '100', { retention: '365' })
    const cheapShortWarranty = offer('offer-cheap', '300', { warranty: '12' })
    const fits = offer('offer-fits', '450')
    const fitsCheaper = offer('offer-fits-2', '449.99')
    const r = rankOffers(intent, [tooDear, keeps, cheapShortWarranty, fits, fitsCheaper])
    expect(r.ranked.map((x) => x.offer)).toEqual([fitsCheaper, fits, cheapShortWarranty])
    expect(r.ranked.map((x) => x.score)).toEqual([1, 1, 3 / 4])
    expect(r.ranked[2]!.reasons).toEqual([
      'Meets 3 of 4 of your asks.',
      'Price 300 EUR.',
      'The vendor states warranty of 12 months; you want at least 24 months.',
    ])
    expect(r.excluded).toEqual([
      { offer: tooDear, reasons: ['The vendor states price of 500.01 EUR; you allow at most 500 EUR.'] },
      { offer: keeps, reasons: ['The vendor states data retention of 365 days; you allow at most 30 days.'] },
    ])
  })

  it('ranks the proffered agreement above an alternative, and explains the alternative', () => {
    const alt = offer('offer-alt', '100', { agreement: 'SD-BASE-A' })
    const first = offer('offer-first', '200')
    const r = rankOffers(intent, [alt, first])
    expect(r.ranked.map((x) => x.offer)).toEqual([first, alt])
    expect(r.ranked[1]!.reasons).toContain('Takes SD-BASE-A, your choice 2 of 2.')
  })

  it('breaks ties on delivery, then issuer and jti, then input position', () => {
    const late = offer('offer-bb', '100', { deliverBy: '2030-01-05T00:00:00Z' })
    const early = offer('offer-cc', '100', { deliverBy: '2030-01-04T23:00:00-02:00' })
    const none = offer('offer-aa', '100')
    const other = offer('offer-aa', '100', { iss: VENDOR_2 })
    const same = offer('offer-aa', '100')
    const r = rankOffers(intent, [none, late, other, early, same])
    const expected = [late, early, ...(VENDOR < VENDOR_2 ? [none, same, other] : [other, none, same])]
    expect(r.ranked.map((x) => x.offer)).toEqual(expected)
    // A duplicate keeps its input position: the sort is stable.
    expect(r.ranked.map((x) => x.offer).indexOf(none)).toBeLessThan(r.ranked.map((x) => x.offer).indexOf(same))
  })

  it('excludes an offer that answers another intent', () => {
    const wrong = { ...offer('offer-xx', '100'), inReplyTo: 'Q'.repeat(43) }
    const r = rankOffers(verified(intent), [verified(wrong, 'D'.repeat(43))])
    expect(r.ranked).toEqual([])
    expect(r.excluded[0]!.reasons).toEqual(['Not an answer to this intent: the proposal answers a different intent.'])
  })

  it('returns verified offers as given', () => {
    const v = verified(offer('offer-vv', '100'), 'E'.repeat(43))
    expect(rankOffers(verified(intent), [v]).ranked[0]!.offer).toBe(v)
  })
})
