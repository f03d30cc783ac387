import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareDecimal, decimalKey } from '../../src/terms/decimal.js'
import { compareInstant, instantKey } from '../../src/terms/instant.js'
import { RUNS } from './support.js'

const decimal = fc
  .tuple(
    fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 10n ** 18n - 1n })),
    fc.option(fc.stringMatching(/^[0-9]{1,8}$/), { nil: undefined }),
  )
  .map(([i, f]) => (f === undefined ? `${i}` : `${i}.${f}`))
const scaled = (d: string) => {
  const [i, f = ''] = d.split('.')
  return BigInt(i! + f.padEnd(8, '0'))
}

describe('compareDecimal', () => {
  it('orders by value, not spelling', () => {
    expect(compareDecimal('1.5', '1.50')).toBe(0)
    expect(compareDecimal('0.1', '0.09')).toBe(1)
    expect(compareDecimal('10', '9.99999999')).toBe(1)
    expect(compareDecimal('999999999999999999.99999999', '999999999999999999.99999998')).toBe(1)
    expect(compareDecimal('2', '2.0')).toBe(0)
    expect(compareDecimal('2', '2.00000001')).toBe(-1)
  })

  it('agrees with exact integer arithmetic', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const d = scaled(a) - scaled(b)
        const expected = d > 0n ? 1 : d < 0n ? -1 : 0
        expect(compareDecimal(a, b)).toBe(expected)
        // The sort key orders the same way.
        const [ka, kb] = [decimalKey(a), decimalKey(b)]
        expect(ka < kb ? -1 : ka > kb ? 1 : 0).toBe(expected)
      }),
      RUNS,
    )
  })
})

describe('compareInstant', () => {
  it('keeps every fractional digit and applies offsets', () => {
    expect(compareInstant('2030-01-01T00:00:00.000000001Z', '2030-01-01T00:00:00Z')).toBe(1)
    expect(compareInstant('2030-01-01T00:00:00.100Z', '2030-01-01T00:00:00.1Z')).toBe(0)
    expect(compareInstant('2030-01-01T01:00:00+01:00', '2030-01-01T00:00:00Z')).toBe(0)
    expect(compareInstant('2029-12-31T23:30:00-00:31', '2030-01-01T00:00:00Z')).toBe(1)
    expect(compareInstant('0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z')).toBe(-1)
  })

  it('agrees with Date.parse on millisecond instants in any offset', () => {
    const instant = fc.tuple(
      fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: -23 * 60, max: 23 * 60 }),
    )
    const spell = ([d, off]: [Date, number]) => {
      const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 23)
      const sign = off < 0 ? '-' : '+'
      const a = Math.abs(off)
      return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
    }
    fc.assert(
      fc.property(instant, instant, (x, y) => {
        const d = x[0].getTime() - y[0].getTime()
        const expected = d > 0 ? 1 : d < 0 ? -1 : 0
        expect(compareInstant(spell(x), spell(y))).toBe(expected)
        const [ka, kb] = [instantKey(spell(x)), instantKey(spell(y))]
        expect(ka < kb ? -1 : ka > kb ? 1 : 0).toBe(expected)
      }),
      RUNS,
    )
  })
})
