/**
 * The element's match (`matchTermSets`, `matchTerms` without its schema front door) gives the
 * spec's match vectors, and `matchTerms`'s result on generated term sets.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TermSet } from '../../src/model/term-set.js'
import { matchTermSets } from '../../src/terms/match.js'
import { matchTerms } from '../../src/terms/index.js'
import { termSet } from './arbitraries.js'

const vectors = JSON.parse(readFileSync(new URL('../../spec/vectors/terms.json', import.meta.url), 'utf8')) as {
  match: Array<{ name: string; customer: TermSet; vendor: TermSet; expected: unknown }>
}

describe('matchTermSets', () => {
  it.each(vectors.match)('$name', ({ customer, vendor, expected }) => {
    expect(JSON.parse(JSON.stringify(matchTermSets(customer, vendor)))).toEqual(expected)
  })

  it('equals matchTerms on any two valid term sets', () => {
    const valid = termSet.filter((t) => TermSet.safeParse(t).success) as fc.Arbitrary<TermSet>
    const states = new Set<string>()
    fc.assert(
      fc.property(valid, valid, (customer, vendor) => {
        const r = matchTermSets(customer, vendor)
        expect(r).toEqual(matchTerms(customer, vendor))
        states.add(r.state)
      }),
      { numRuns: 1000 },
    )
    expect([...states].sort()).toEqual(['dark', 'lit', 'partial'])
  })
})
