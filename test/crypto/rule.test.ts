import { Point } from '@noble/ed25519'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkPublicKeyBytes, checkSignatureBytes, SMALL_ORDER_ENCODINGS } from '../../src/crypto/rule.js'
import { hex, rfc8032, toHex } from './vectors.js'

const L = Point.CURVE().n
const P = Point.CURVE().p
const le = (b: Uint8Array): bigint => BigInt('0x' + (toHex(Uint8Array.from(b).reverse()) || '0'))
const toLE = (n: bigint): Uint8Array => hex(n.toString(16).padStart(64, '0')).reverse()
const withSign = (b: Uint8Array, sign: number): Uint8Array => {
  const out = Uint8Array.from(b)
  out[31] = (out[31]! & 0x7f) | (sign << 7)
  return out
}

/** Rule steps 3 and 4 from their text, with BigInt and point arithmetic instead of byte tables. */
function referenceEncoding(b: Uint8Array): boolean {
  const y = le(withSign(b, 0))
  const sign = b[31]! >> 7
  if (y >= P || (sign === 1 && (y === 1n || y === P - 1n))) return false
  try {
    return !Point.fromBytes(b, false).isSmallOrder()
  } catch {
    return true // not on the curve: the encoding itself is canonical
  }
}

/** All 8 points of small order: the multiples of an order-8 point. */
const torsion: string[] = (() => {
  const t8 = Point.fromHex(SMALL_ORDER_ENCODINGS[6]!)
  const points = [Point.ZERO]
  for (let i = 1; i < 8; i++) points.push(points[i - 1]!.add(t8))
  return points.map((p) => p.toHex())
})()

describe('SMALL_ORDER_ENCODINGS', () => {
  it('is frozen', () => {
    expect(Object.isFrozen(SMALL_ORDER_ENCODINGS)).toBe(true)
  })

  it('is exactly the canonical encodings of the 8 small-order points', () => {
    expect([...SMALL_ORDER_ENCODINGS].sort()).toEqual([...torsion].sort())
    for (const e of SMALL_ORDER_ENCODINGS) expect(Point.fromHex(e, false).toHex()).toBe(e)
  })
})

describe('checkPublicKeyBytes', () => {
  it.each(rfc8032)('accepts the key of $name', (v) => {
    expect(checkPublicKeyBytes(v.publicKey)).toBe(true)
  })

  it('accepts the base point and a mixed-order point', () => {
    expect(checkPublicKeyBytes(Point.BASE.toBytes())).toBe(true)
    expect(checkPublicKeyBytes(Point.BASE.add(Point.fromHex(SMALL_ORDER_ENCODINGS[4]!)).toBytes())).toBe(true)
  })

  it.each(SMALL_ORDER_ENCODINGS)('refuses the small-order point %s, with either sign bit', (e) => {
    expect(checkPublicKeyBytes(withSign(hex(e), 0))).toBe(false)
    expect(checkPublicKeyBytes(withSign(hex(e), 1))).toBe(false)
  })

  it('refuses every encoding with y >= p', () => {
    for (let t = 0n; t < 19n; t++) {
      expect(checkPublicKeyBytes(withSign(toLE(P + t), 0))).toBe(false)
      expect(checkPublicKeyBytes(withSign(toLE(P + t), 1))).toBe(false)
    }
  })

  it('refuses a y with no point (y = 2), and wrong lengths', () => {
    expect(checkPublicKeyBytes(toLE(2n))).toBe(false)
    expect(checkPublicKeyBytes(new Uint8Array(31))).toBe(false)
    expect(checkPublicKeyBytes(Uint8Array.of(...Point.BASE.toBytes(), 0))).toBe(false)
  })

  it('agrees with the rule text on arbitrary and boundary encodings', () => {
    fc.assert(
      fc.property(encoding(), (a) => {
        let decodes = true
        try {
          Point.fromBytes(a, false)
        } catch {
          decodes = false
        }
        expect(checkPublicKeyBytes(a)).toBe(referenceEncoding(a) && decodes)
      }),
      { numRuns: 2000 },
    )
  })
})

/** Encodings biased toward the boundaries the rule cares about. */
function encoding(): fc.Arbitrary<Uint8Array> {
  const sign = fc.integer({ min: 0, max: 1 })
  return fc.oneof(
    fc.uint8Array({ minLength: 32, maxLength: 32 }),
    fc.tuple(fc.constantFrom(...SMALL_ORDER_ENCODINGS), sign).map(([e, s]) => withSign(hex(e), s)),
    fc.tuple(fc.bigInt({ min: P - 40n, max: 2n ** 255n - 1n }), sign).map(([y, s]) => withSign(toLE(y), s)),
    fc.tuple(fc.bigInt({ min: 0n, max: 40n }), sign).map(([y, s]) => withSign(toLE(y), s)),
    fc.bigInt({ min: 1n, max: L - 1n }).map((n) => Point.BASE.multiply(n).toBytes()),
  )
}

/** Scalars biased toward L and the byte boundaries. */
function scalar(): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
    fc.bigInt({ min: L - 300n, max: L + 300n }),
    fc.bigInt({ min: 0n, max: 2n ** 252n }),
    fc.constantFrom(0n, L - 1n, L, 2n ** 252n - 1n, 2n ** 253n, 2n ** 256n - 1n),
  )
}

describe('checkSignatureBytes', () => {
  const R = Point.BASE.toBytes()
  const sig = (r: Uint8Array, s: bigint) => Uint8Array.of(...r, ...toLE(s))

  it('takes S up to L - 1 and refuses L and above', () => {
    expect(checkSignatureBytes(sig(R, 0n))).toBe(true)
    expect(checkSignatureBytes(sig(R, L - 1n))).toBe(true)
    expect(checkSignatureBytes(sig(R, L))).toBe(false)
    expect(checkSignatureBytes(sig(R, L + 1n))).toBe(false)
    expect(checkSignatureBytes(sig(R, 2n ** 253n))).toBe(false)
  })

  it('refuses wrong lengths', () => {
    for (const n of [0, 32, 63, 65, 128]) expect(checkSignatureBytes(new Uint8Array(n))).toBe(false)
  })

  it('agrees with the rule text on arbitrary and boundary signatures', () => {
    fc.assert(
      fc.property(encoding(), scalar(), (r, s) => {
        expect(checkSignatureBytes(sig(r, s))).toBe(s < L && referenceEncoding(r))
      }),
      { numRuns: 3000 },
    )
  })

  it('reads only the 64 bytes of its view', () => {
    const buffer = new Uint8Array(80).fill(0xff)
    buffer.set(sig(R, L - 1n), 8)
    expect(checkSignatureBytes(buffer.subarray(8, 72))).toBe(true)
  })

  it('costs well under a microsecond', () => {
    const signatures = rfc8032.map((v) => v.signature)
    const rounds = 200_000
    const start = performance.now()
    let accepted = 0
    for (let i = 0; i < rounds; i++) if (checkSignatureBytes(signatures[i % signatures.length]!)) accepted++
    const perCall = ((performance.now() - start) * 1000) / rounds // µs
    expect(accepted).toBe(rounds)
    // Typically 10-20 ns; the bound is loose so a slow, instrumented CI run still passes.
    expect(perCall).toBeLessThan(1)
  })
})
