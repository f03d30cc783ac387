/**
 * The disclosure rule (spec §Selective disclosure, "Checking disclosures"): one describe per
 * step, in the order the steps run, then several digest sets, then properties.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkDisclosures, disclosureDigest, discloseClaims } from '../../src/disclose/index.js'
import { b64u, expectCode } from '../helpers/fixtures.js'

const details = await discloseClaims({ email: 'ada@example.org', phone: '+49 30 1234', note: 'Ring twice' })
const [d0, d1, d2] = details.disclosures as [string, string, string]
const foreign = (await discloseClaims({ email: 'eve@example.org' })).disclosures[0]!
const precise = await discloseClaims({ region: '10115 Berlin, Invalidenstr. 1', quantity: 2 })

/** A digest set made by hand from disclosures, sorted as the schema requires. */
const setOf = async (disclosures: readonly string[]) => ({
  _sd: (await Promise.all(disclosures.map(disclosureDigest))).sort(),
})
/** The disclosures in the order of their digests. */
const byDigest = async (disclosures: readonly string[]) => {
  const digests = await Promise.all(disclosures.map(disclosureDigest))
  return disclosures
    .map((d, i) => ({ d, digest: digests[i]! }))
    .sort((a, b) => (a.digest < b.digest ? -1 : 1))
    .map((e) => e.d)
}

describe('step 1: each disclosure is well-formed', () => {
  it('refuses a malformed disclosure before looking it up', async () => {
    await expectCode(checkDisclosures(details.claim, [d0, 'not base64url!']), 'ERR_MALFORMED')
    await expectCode(checkDisclosures(details.claim, [foreign, b64u('[1]')]), 'ERR_MALFORMED')
  })
  it('refuses a disclosure over 2,048 characters', async () => {
    await expectCode(checkDisclosures(details.claim, ['A'.repeat(2049)]), 'ERR_TOO_LARGE')
  })
})

describe('step 2: ERR_DISCLOSURE_UNKNOWN', () => {
  it('refuses a disclosure whose digest the set does not carry', async () => {
    await expectCode(checkDisclosures(details.claim, [foreign]), 'ERR_DISCLOSURE_UNKNOWN')
    await expectCode(checkDisclosures(details.claim, [d0, d1, foreign]), 'ERR_DISCLOSURE_UNKNOWN')
  })
  it('refuses any disclosure for an absent set, and reads none as nothing', async () => {
    await expectCode(checkDisclosures(undefined, [d0]), 'ERR_DISCLOSURE_UNKNOWN')
    expect(await checkDisclosures(undefined, [])).toEqual({})
  })
  it('comes before a duplicate and a wrong order', async () => {
    await expectCode(checkDisclosures(details.claim, [d2, d0, d0, foreign]), 'ERR_DISCLOSURE_UNKNOWN')
  })
})

describe('step 3: ERR_DISCLOSURE_DUPLICATE', () => {
  it('refuses the same disclosure twice', async () => {
    await expectCode(checkDisclosures(details.claim, [d0, d0]), 'ERR_DISCLOSURE_DUPLICATE')
  })
  it('refuses two disclosures of one claim name in one set', async () => {
    const email = details.disclosures.find((d) => nameOf(d) === 'email')!
    const twice = [(await discloseClaims({ email: 'a@x.org' })).disclosures[0]!, email]
    const set = await setOf(twice)
    const inOrder = await byDigest(twice)
    expect(set._sd).toEqual(await Promise.all(inOrder.map(disclosureDigest)))
    await expectCode(checkDisclosures(set, inOrder), 'ERR_DISCLOSURE_DUPLICATE')
  })
  it('comes before a wrong order: a list with a duplicate anywhere is a duplicate', async () => {
    await expectCode(checkDisclosures(details.claim, [d2, d0, d0]), 'ERR_DISCLOSURE_DUPLICATE')
    await expectCode(checkDisclosures(details.claim, [d1, d0, d1]), 'ERR_DISCLOSURE_DUPLICATE')
  })
})

describe('step 4: ERR_DISCLOSURE_ORDER', () => {
  it('refuses disclosures out of the order of their digests', async () => {
    await expectCode(checkDisclosures(details.claim, [d1, d0]), 'ERR_DISCLOSURE_ORDER')
    await expectCode(checkDisclosures(details.claim, [d0, d2, d1]), 'ERR_DISCLOSURE_ORDER')
  })
  it('reads any subset in order, and discloses exactly it', async () => {
    expect(await checkDisclosures(details.claim, [])).toEqual({})
    expect(await checkDisclosures(details.claim, [d0, d2])).toEqual(
      Object.fromEntries([d0, d2].map((d) => [nameOf(d), valueOf(d)])),
    )
  })
})

describe('several digest sets: the first set’s disclosures first', () => {
  const [p0, p1] = precise.disclosures as [string, string]

  it('returns the claims per set', async () => {
    const [mine, theirs] = await checkDisclosures([details.claim, precise.claim], [d1, p0, p1])
    expect(mine).toEqual({ [nameOf(d1)]: valueOf(d1) })
    expect(theirs).toEqual({ region: '10115 Berlin, Invalidenstr. 1', quantity: 2 })
  })
  it('refuses a later set’s disclosure before an earlier one’s', async () => {
    await expectCode(checkDisclosures([details.claim, precise.claim], [p0, d1]), 'ERR_DISCLOSURE_ORDER')
  })
  it('lets an absent set hold nothing', async () => {
    expect(await checkDisclosures([undefined, precise.claim], [p1])).toEqual([{}, { [nameOf(p1)]: valueOf(p1) }])
    await expectCode(checkDisclosures([undefined, precise.claim], [d0]), 'ERR_DISCLOSURE_UNKNOWN')
  })
  it('allows one name in two sets, once in each', async () => {
    const other = await discloseClaims({ email: 'ada@work.example' })
    const [a, b] = await checkDisclosures([details.claim, other.claim], [d0, d1, d2, other.disclosures[0]!])
    expect(a!.email).toBe('ada@example.org')
    expect(b!.email).toBe('ada@work.example')
  })
  it('gives a digest in two sets to the first', async () => {
    const [a, b] = await checkDisclosures([details.claim, details.claim], [d0])
    expect(Object.keys(a!)).toHaveLength(1)
    expect(b).toEqual({})
  })
})

describe('the caller’s arguments', () => {
  it.each([
    ['not an object', 'x'],
    ['empty', { _sd: [] }],
    ['unsorted', { _sd: [...details.claim._sd].reverse() }],
    ['with a repeated digest', { _sd: [details.claim._sd[0], details.claim._sd[0]] }],
    ['with a digest that is not one', { _sd: ['abc'] }],
    ['with another member', { ...details.claim, _sd_alg: 'sha-256' }],
  ])('refuses a digest set %s', async (_, set) => {
    await expectCode(checkDisclosures(set as never, []), 'ERR_INVALID_ARGUMENT')
  })
  it('refuses disclosures that are not an array', async () => {
    await expectCode(checkDisclosures(details.claim, d0 as never), 'ERR_INVALID_ARGUMENT')
  })
})

describe('properties', () => {
  const claimsArb = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }).filter((n) => !['_sd', '...', '__proto__'].includes(n)),
    fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()),
    { minKeys: 2, maxKeys: 10 },
  )
  const made = fc.tuple(claimsArb, fc.integer({ min: 0, max: 4 }))

  it('any subset in digest order verifies and reveals exactly that subset', async () => {
    await fc.assert(
      fc.asyncProperty(
        made,
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        async ([claims, decoys], pick) => {
          const { claim, disclosures } = await discloseClaims(claims, { decoys })
          const shown = disclosures.filter((_, i) => pick[i])
          const expected = Object.fromEntries(shown.map((d) => [nameOf(d), valueOf(d)]))
          expect(await checkDisclosures(claim, shown)).toEqual(expected)
        },
      ),
      { numRuns: 40 },
    )
  })
  it('any permutation that is not in digest order is ERR_DISCLOSURE_ORDER', async () => {
    await fc.assert(
      fc.asyncProperty(claimsArb, fc.nat(), async (claims, seed) => {
        const { claim, disclosures } = await discloseClaims(claims)
        const permuted = shuffle(disclosures, seed)
        fc.pre(permuted.some((d, i) => d !== disclosures[i]))
        await expectCode(checkDisclosures(claim, permuted), 'ERR_DISCLOSURE_ORDER')
      }),
      { numRuns: 40 },
    )
  })
  it('any foreign disclosure, anywhere in any list, is ERR_DISCLOSURE_UNKNOWN', async () => {
    await fc.assert(
      fc.asyncProperty(claimsArb, fc.nat(), fc.nat(), async (claims, seed, at) => {
        const { claim, disclosures } = await discloseClaims(claims)
        const list = shuffle(disclosures, seed)
        list.splice(at % (list.length + 1), 0, foreign)
        await expectCode(checkDisclosures(claim, list), 'ERR_DISCLOSURE_UNKNOWN')
      }),
      { numRuns: 40 },
    )
  })
  it('fuzzed lists fail only with IntentcastError codes of the rule', async () => {
    const RULE = [
      'ERR_TOO_LARGE',
      'ERR_MALFORMED',
      'ERR_DISCLOSURE_UNKNOWN',
      'ERR_DISCLOSURE_DUPLICATE',
      'ERR_DISCLOSURE_ORDER',
    ]
    const item = fc.oneof(
      fc.constantFrom(d0, d1, d2, foreign),
      fc.string({ maxLength: 40 }),
      fc.tuple(fc.string(), fc.string(), fc.jsonValue()).map((t) => b64u(JSON.stringify(t))),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 6 }), async (list) => {
        try {
          await checkDisclosures(details.claim, list)
        } catch (e) {
          expect(e).toMatchObject({ name: 'IntentcastError' })
          expect(RULE).toContain((e as { code: string }).code)
        }
      }),
      { numRuns: 300 },
    )
  })
})

function nameOf(d: string): string {
  return (JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[])[1] as string
}
function valueOf(d: string): unknown {
  return (JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[])[2]
}
/** A deterministic shuffle (Fisher-Yates with a small LCG), so a failing seed replays. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}
