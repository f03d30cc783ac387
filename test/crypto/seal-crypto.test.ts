/**
 * The two sealing backends (src/crypto/seal-crypto.ts) give the same answer on every input: the
 * tests seal and open every vector on node:crypto, so WebCrypto, which every other runtime uses,
 * is held to it here, on RFC 7748's keys, random keys, low-order points and altered ciphertexts.
 */
import * as nodeCrypto from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { nodeSealCrypto, webCryptoSealCrypto } from '../../src/crypto/seal-crypto.js'

const node = nodeSealCrypto(nodeCrypto)
const web = webCryptoSealCrypto()

/** RFC 7748 §6.1's test keys: Alice's private key, Bob's public key, and their shared secret. */
const ALICE_D = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex')
const BOB_X = Buffer.from('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', 'hex')
const SHARED = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'
const ALICE_X = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'

/** Points of small order on Curve25519 (RFC 7748 §6.1 has agreement with them fail). */
const LOW_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
]

describe('publicKey', () => {
  test("RFC 7748 §6.1: Alice's public key from her private key, on both backends", async () => {
    for (const b of [node, web]) expect(Buffer.from(await b.publicKey({ d: ALICE_D })).toString('hex')).toBe(ALICE_X)
  })

  test('any private key: the same public key on both', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (d) => {
        expect(await node.publicKey({ d })).toEqual(await web.publicKey({ d }))
      }),
      { numRuns: 100 },
    )
  })
})

describe('agree', () => {
  test('RFC 7748 §6.1 on both backends', async () => {
    for (const b of [node, web])
      expect(Buffer.from((await b.agree({ d: ALICE_D }, BOB_X))!).toString('hex')).toBe(SHARED)
  })

  test('low-order points: undefined on both', async () => {
    for (const x of LOW_ORDER)
      for (const b of [node, web]) expect(await b.agree({ d: ALICE_D }, Buffer.from(x, 'hex'))).toBeUndefined()
  })

  test('any private key and any 32 bytes: the same answer on both', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        async (d, x) => {
          const key = { d }
          expect(await node.agree(key, x)).toEqual(await web.agree(key, x))
        },
      ),
      { numRuns: 100 },
    )
  })
})

describe('decrypt', () => {
  test('both encrypt alike; what they sealed opens on both; any changed byte opens on neither', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(),
        async (key, iv, plaintext, aad, at) => {
          const sealed = await node.encrypt(key, iv, plaintext, aad)
          expect(await web.encrypt(key, iv, plaintext, aad)).toEqual(sealed)
          for (const b of [node, web]) expect(await b.decrypt(key, iv, sealed, aad)).toEqual(plaintext)
          const altered = Uint8Array.from(sealed)
          altered[at % altered.length]! ^= 1
          for (const b of [node, web]) expect(await b.decrypt(key, iv, altered, aad)).toBeUndefined()
          // Shorter than a tag: nothing to check, nothing opened.
          for (const b of [node, web]) expect(await b.decrypt(key, iv, sealed.subarray(0, 15), aad)).toBeUndefined()
        },
      ),
      { numRuns: 100 },
    )
  })
})
