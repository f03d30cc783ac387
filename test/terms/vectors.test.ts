/**
 * Replays the terms vectors as a second implementation would: from their JSON alone, checking
 * the SDK's outputs against the recorded ones, plus the outcome each vector's name promises.
 */
import { describe, expect, it } from 'vitest'
import { termsVectors } from '../../scripts/vectors-terms.js'
import { matchTerms, negotiate, rankOffers, type MatchResult, type NegotiationResult } from '../../src/terms/index.js'

interface Vectors {
  match: Array<{ name: string; customer: never; vendor: never; expected: MatchResult }>
  negotiate: Array<{ name: string; intent: never; proposal: never; expected: NegotiationResult }>
  rank: Array<{
    name: string
    intent: never
    offers: never[]
    expected: {
      ranked: Array<{ index: number; score: number; reasons: string[] }>
      excluded: Array<{ index: number; reasons: string[] }>
    }
  }>
}

const vectors = JSON.parse(JSON.stringify(termsVectors())) as Vectors
const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown

describe('terms vectors', () => {
  it('are deterministic', () => {
    expect(JSON.stringify(termsVectors())).toBe(JSON.stringify(termsVectors()))
  })

  it.each(vectors.match.map((v) => [v.name, v] as const))('match: %s', (name, v) => {
    const got = json(matchTerms(v.customer, v.vendor)) as MatchResult
    expect(got).toEqual(v.expected)
    expect(got.state).toBe(name.split(':')[0])
  })

  it.each(vectors.negotiate.map((v) => [v.name, v] as const))('negotiate: %s', (name, v) => {
    const got = json(negotiate(v.intent, v.proposal)) as NegotiationResult
    expect(got).toEqual(v.expected)
    expect(got.outcome).toBe(name.split(':')[0])
  })

  it.each(vectors.rank.map((v) => [v.name, v] as const))('rank: %s', (_, v) => {
    const got = rankOffers(v.intent, v.offers)
    expect(
      json({
        ranked: got.ranked.map((r) => ({ index: v.offers.indexOf(r.offer), score: r.score, reasons: r.reasons })),
        excluded: got.excluded.map((r) => ({ index: v.offers.indexOf(r.offer), reasons: r.reasons })),
      }),
    ).toEqual(v.expected)
    expect(v.expected.ranked.map((r) => r.index)).toEqual([5, 4, 3, 2])
    expect(v.expected.excluded.map((r) => r.index)).toEqual([0, 1])
  })
})
