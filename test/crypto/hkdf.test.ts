import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { hkdfSha256 } from '../../src/crypto/hkdf.js'
import { native } from '../../src/crypto/native-hash.js'
import { loadNative } from '../../src/crypto/native.js'

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'))

// RFC 5869 Appendix A, the SHA-256 cases: 1 (basic), 3 (no salt, empty info).
const CASES = [
  {
    name: 'A.1',
    ikm: hex('0b'.repeat(22)),
    salt: hex('000102030405060708090a0b0c'),
    info: hex('f0f1f2f3f4f5f6f7f8f9'),
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'A.3',
    ikm: hex('0b'.repeat(22)),
    salt: undefined,
    info: new Uint8Array(0),
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
]

/** Runs `f` with node:crypto's HKDF switched off, so the @noble/hashes fallback answers. */
function withoutNative<T>(f: () => T): T {
  const saved = native.hkdf
  delete native.hkdf
  try {
    return f()
  } finally {
    native.hkdf = saved
  }
}

describe('hkdfSha256: node:crypto and @noble/hashes give the same bytes', () => {
  it('node:crypto is in use once the native backend has loaded', async () => {
    await loadNative()
    expect(native.hkdf).toBeTypeOf('function')
  })

  for (const c of CASES) {
    it(`RFC 5869 ${c.name}, on both backends`, async () => {
      await loadNative()
      expect(Buffer.from(hkdfSha256(c.ikm, c.salt, c.info, 42)).toString('hex')).toBe(c.okm)
      expect(Buffer.from(withoutNative(() => hkdfSha256(c.ikm, c.salt, c.info, 42))).toString('hex')).toBe(c.okm)
    })
  }

  it('agree on random inputs, an absent salt included', async () => {
    await loadNative()
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 1, max: 255 }),
        (ikm, salt, info, length) => {
          const expected = hkdf(sha256, ikm, salt, info, length)
          expect(hkdfSha256(ikm, salt, info, length)).toEqual(expected)
          expect(withoutNative(() => hkdfSha256(ikm, salt, info, length))).toEqual(expected)
        },
      ),
      { numRuns: 200 },
    )
  })
})
