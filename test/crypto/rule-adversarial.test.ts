/**
 * The rule's curve check (src/crypto/rule.ts, an addition chain and a folding reduction) against
 * @noble/ed25519's strict decoding on adversarial encodings: y near 0, near p and at p and above,
 * 2^254 ± d, every small-order encoding with either sign bit, √−1, and extreme byte values.
 */
import { Point } from '@noble/ed25519'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkPublicKeyBytes, hasCurvePoint, SMALL_ORDER_ENCODINGS } from '../../src/crypto/rule.js'

const P = 2n ** 255n - 19n
const enc = (y: bigint, sign = false): Uint8Array => {
  const a = new Uint8Array(32)
  for (let i = 0; i < 32; i++) a[i] = Number((y >> BigInt(8 * i)) & 0xffn)
  if (sign) a[31]! |= 0x80
  return a
}
const noble = (a: Uint8Array): Point | undefined => {
  try {
    return Point.fromBytes(a, false)
  } catch {
    return undefined
  }
}
/** The rule's steps 3–5 for A, by noble: strict decode and not of small order. */
const ruleByNoble = (a: Uint8Array) => {
  const pt = noble(a)
  return pt !== undefined && !pt.isSmallOrder()
}
const check = (a: Uint8Array) => {
  expect(checkPublicKeyBytes(a), Buffer.from(a).toString('hex')).toBe(ruleByNoble(a))
  const y = a.slice()
  y[31]! &= 0x7f
  let yv = 0n
  for (let i = 31; i >= 0; i--) yv = (yv << 8n) | BigInt(y[i]!)
  if (yv < P) expect(hasCurvePoint(y), Buffer.from(y).toString('hex')).toBe(noble(y) !== undefined)
}

describe('rule step 5 on adversarial encodings', () => {
  it('y within 600 of 0 and of p, and up to 2^255-1, both sign bits', () => {
    for (let d = 0n; d < 600n; d++)
      for (const y of [d, P - 1n - d, P + (d % 19n), 2n ** 255n - 1n - (d % 19n), 2n ** 254n + d, 2n ** 254n - d])
        for (const s of [false, true]) check(enc(y, s))
  })
  it('small-order encodings, with either sign bit, and their y + p where that fits', () => {
    for (const hex of SMALL_ORDER_ENCODINGS) {
      const a = Uint8Array.from(Buffer.from(hex, 'hex'))
      for (const s of [0, 0x80]) {
        const b = a.slice()
        b[31] = (b[31]! & 0x7f) | s
        check(b)
      }
    }
  })
  it('random y with adversarial bytes (0x00, 0xff, 0xed, 0x7f, 0x80)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 0xff, 0xed, 0x7f, 0x80, 1, 0xec, 0xee), { minLength: 32, maxLength: 32 }),
        (xs) => check(Uint8Array.from(xs)),
      ),
      { numRuns: 5000 },
    )
  })
  it('reduce() edge: y^2 and u*v near (p-1)^2, via y = p-1, p-2, (p-1)/2, sqrt(-1)', () => {
    const sqrtm1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n
    for (const y of [P - 1n, P - 2n, (P - 1n) / 2n, (P + 1n) / 2n, sqrtm1, P - sqrtm1, 2n, 3n])
      for (const s of [false, true]) check(enc(y, s))
  })
})
