import { Point } from '@noble/ed25519'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkPublicKeyBytes, hasCurvePoint } from '../../src/crypto/rule.js'
import { randomPrivateKey, getPublicKey } from '../../src/crypto/index.js'

/** noble's strict decoding plus the rule's byte checks: what the hand-written curve test must equal. */
function nobleDecodes(a: Uint8Array): boolean {
  try {
    Point.fromBytes(a, false)
    return true
  } catch {
    return false
  }
}

describe('rule step 5 (A on the curve) agrees with @noble/ed25519 decoding', () => {
  it('on random 32-byte strings, about half of which are y-coordinates of no point', () => {
    fc.assert(
      // Random y are canonical except with probability 19/2^255, so the two must simply agree.
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (a) => {
        expect(hasCurvePoint(a)).toBe(nobleDecodes(a))
      }),
      { numRuns: 5_000 },
    )
  })

  it('accepts every real public key', async () => {
    for (let i = 0; i < 50; i++) expect(checkPublicKeyBytes(await getPublicKey(randomPrivateKey()))).toBe(true)
  })

  it('refuses y-coordinates with no point, found by noble', () => {
    let found = 0
    for (let i = 1; found < 20; i++) {
      const a = new Uint8Array(32)
      a[0] = i & 0xff
      a[1] = i >> 8
      a[5] = 7
      if (!nobleDecodes(a)) {
        expect(checkPublicKeyBytes(a)).toBe(false)
        found++
      }
    }
  })
})
