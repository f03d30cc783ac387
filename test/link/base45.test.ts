/** Base45 (RFC 9285) against the RFC's own examples, and strict decoding. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IntentcastError } from '../../src/errors.js'
import { BASE45_ALPHABET, decodeBase45, encodeBase45 } from '../../src/link/base45.js'

const ascii = (s: string) => new TextEncoder().encode(s)

function code(f: () => unknown): string | undefined {
  try {
    f()
  } catch (e) {
    if (e instanceof IntentcastError) return e.code
    throw e
  }
  return undefined
}

describe('base45 (RFC 9285)', () => {
  // RFC 9285 §4.3 and §4.4.
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ])('%s ↔ %s', (text, encoded) => {
    expect(encodeBase45(ascii(text))).toBe(encoded)
    expect(new TextDecoder().decode(decodeBase45(encoded))).toBe(text)
  })

  it('the alphabet is the QR alphanumeric set, in RFC 9285 order', () => {
    expect(BASE45_ALPHABET).toBe('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:')
    expect(new Set(BASE45_ALPHABET).size).toBe(45)
  })

  it('empty in, empty out', () => {
    expect(encodeBase45(new Uint8Array(0))).toBe('')
    expect(decodeBase45('')).toEqual(new Uint8Array(0))
  })

  it('encodes a view into a larger buffer by its own bytes', () => {
    const backing = new Uint8Array([0xff, 0x41, 0x42, 0xff])
    expect(encodeBase45(backing.subarray(1, 3))).toBe('BB8')
  })

  it('the extremes of each group', () => {
    expect(encodeBase45(Uint8Array.of(0, 0))).toBe('000')
    expect(encodeBase45(Uint8Array.of(0xff, 0xff))).toBe('FGW')
    expect(encodeBase45(Uint8Array.of(0xff))).toBe('U5')
    expect(decodeBase45('FGW')).toEqual(Uint8Array.of(0xff, 0xff))
    expect(decodeBase45('U5')).toEqual(Uint8Array.of(0xff))
  })

  it.each([
    ['GGW', 'a triplet of 65536 (RFC 9285 §6)'],
    [':::', 'the largest triplet, 91124'],
    ['V5', 'a last pair of 256'],
    ['::', 'the largest pair, 2024'],
    ['A', 'a length of 1 mod 3'],
    ['BB8B', 'a length of 1 mod 3 after a triplet'],
    ['bb8', 'lower case'],
    ['BB=', 'a character outside the alphabet'],
    ['BB\u0138', 'a non-ASCII character'],
    ['BB\u{1F600}'.slice(0, 3), 'a lone surrogate'],
  ])('refuses %j: %s', (text) => {
    expect(code(() => decodeBase45(text))).toBe('ERR_MALFORMED')
  })

  it('refuses arguments of the wrong type', () => {
    expect(code(() => encodeBase45('AB' as never))).toBe('ERR_INVALID_ARGUMENT')
    expect(code(() => decodeBase45(Uint8Array.of(1) as never))).toBe('ERR_INVALID_ARGUMENT')
  })

  it('round-trips any bytes, and each byte string has one encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase45(bytes)
        expect(text.length).toBe(Math.floor(bytes.length / 2) * 3 + (bytes.length % 2) * 2)
        expect(decodeBase45(text)).toEqual(bytes)
      }),
      { numRuns: 2000 },
    )
  })

  it('any string either decodes to bytes that encode back to it, or is ERR_MALFORMED', () => {
    const chars = fc.constantFrom(...BASE45_ALPHABET, 'a', '=', '\u00e9', '\u0000')
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 40 }).map((a) => a.join('')),
        (text) => {
          let bytes: Uint8Array
          try {
            bytes = decodeBase45(text)
          } catch (e) {
            expect(e).toBeInstanceOf(IntentcastError)
            expect((e as IntentcastError).code).toBe('ERR_MALFORMED')
            return
          }
          expect(encodeBase45(bytes)).toBe(text)
        },
      ),
      { numRuns: 5000 },
    )
  })
})
