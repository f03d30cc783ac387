/**
 * Both backends agree, on random keys and messages and on random damage to valid signatures,
 * keys and messages. Damage to a valid signature must always make it fail on both.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Ed25519Backend, getPublicKey, signEd25519, verifyEd25519 } from '../../src/crypto/index.js'

const RUNS = 1000

const seed = fc.uint8Array({ minLength: 32, maxLength: 32 })
const message = fc.uint8Array({ maxLength: 600 })

/** Verifies on both backends, asserts they agree, returns the common answer. */
async function bothVerify(publicKey: Uint8Array, msg: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const [native, noble] = await Promise.all(
    (['native', 'noble'] as Ed25519Backend[]).map((backend) => verifyEd25519(publicKey, msg, signature, { backend })),
  )
  expect(noble).toBe(native)
  return native!
}

const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
  const out = Uint8Array.from(bytes)
  out[bit >> 3] = out[bit >> 3]! ^ (1 << (bit & 7))
  return out
}

describe('both backends', () => {
  it('derive the same public key, produce the same signature, and verify it', async () => {
    await fc.assert(
      fc.asyncProperty(seed, message, async (sk, msg) => {
        const [pkNative, pkNoble] = [await getPublicKey(sk), await getPublicKey(sk, { backend: 'noble' })]
        expect(pkNoble).toEqual(pkNative)
        const signature = await signEd25519(sk, msg)
        expect(await signEd25519(sk, msg, { backend: 'noble' })).toEqual(signature)
        expect(await bothVerify(pkNative, msg, signature)).toBe(true)
      }),
      { numRuns: RUNS },
    )
  })

  it('refuse a valid signature with any one bit flipped', async () => {
    await fc.assert(
      fc.asyncProperty(seed, message, fc.integer({ min: 0, max: 511 }), async (sk, msg, bit) => {
        const signature = await signEd25519(sk, msg)
        expect(await bothVerify(await getPublicKey(sk), msg, flip(signature, bit))).toBe(false)
      }),
      { numRuns: RUNS },
    )
  })

  it('refuse a valid signature under a public key with any one bit flipped', async () => {
    await fc.assert(
      fc.asyncProperty(seed, message, fc.integer({ min: 0, max: 255 }), async (sk, msg, bit) => {
        const signature = await signEd25519(sk, msg)
        expect(await bothVerify(flip(await getPublicKey(sk), bit), msg, signature)).toBe(false)
      }),
      { numRuns: RUNS },
    )
  })

  it('refuse a valid signature on a changed message', async () => {
    const change = fc.oneof(
      fc.nat().map((n) => (m: Uint8Array) => (m.length === 0 ? Uint8Array.of(n & 0xff) : flip(m, n % (m.length * 8)))),
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra) => (m: Uint8Array) => Uint8Array.of(...m, ...extra)),
      fc.constant((m: Uint8Array) => (m.length === 0 ? Uint8Array.of(0) : m.subarray(0, m.length - 1))),
    )
    await fc.assert(
      fc.asyncProperty(seed, message, change, async (sk, msg, changeIt) => {
        const signature = await signEd25519(sk, msg)
        expect(await bothVerify(await getPublicKey(sk), changeIt(msg), signature)).toBe(false)
      }),
      { numRuns: RUNS },
    )
  })

  it('agree on arbitrary keys and signatures that reach the curve math', async () => {
    // S < 2^252 < L and random R and A: most pass the prechecks, so the equation is evaluated.
    const reduced = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((sig) => {
      sig[63] = sig[63]! & 0x0f
      return sig
    })
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), message, reduced, async (pk, msg, sig) => {
        expect(await bothVerify(pk, msg, sig)).toBe(false)
      }),
      { numRuns: RUNS },
    )
  })
})
