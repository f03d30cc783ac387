import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getPublicKey } from '../../src/crypto/index.js'
import {
  type CoseHeaderMap,
  signCoseSign,
  signCoseSign1,
  verifyCoseSign,
  verifyCoseSign1,
} from '../../src/cose/index.js'
import { IntentcastError } from '../../src/errors.js'
import { hex, seed, utf8 } from './support.js'

const KEYS = [seed(11), seed(12)]
const PUBLIC = await Promise.all(KEYS.map((k) => getPublicKey(k)))
const PAYLOAD = utf8('{"intent":"a bicycle","max":300}')
const resolveKey = (_: CoseHeaderMap, __: CoseHeaderMap, index: number) => PUBLIC[index] ?? PUBLIC[0]!

// Messages with unprotected headers (kid), as a protocol would send them, and without any.
const SIGN1 = await signCoseSign1(PAYLOAD, KEYS[0]!, {
  protectedHeader: new Map([[16, 'application/intent+cbor']]),
  unprotectedHeader: new Map([[4, utf8('k0')]]),
})
const SIGN = await signCoseSign(
  PAYLOAD,
  KEYS.map((privateKey, i) => ({
    privateKey,
    protectedHeader: new Map(),
    unprotectedHeader: new Map([[4, utf8(`k${i}`)]]),
  })),
  { protectedHeader: new Map([[16, 'application/agreement+cbor']]) },
)
const BARE_SIGN1 = await signCoseSign1(PAYLOAD, KEYS[0]!, { protectedHeader: new Map([[3, 0]]) })
const BARE_SIGN = await signCoseSign(
  PAYLOAD,
  KEYS.map((privateKey) => ({ privateKey, protectedHeader: new Map() })),
)

type Verify = (bytes: Uint8Array) => Promise<{ payload: Uint8Array; protectedHeader: CoseHeaderMap }>
const verifiers: Array<[string, Uint8Array, Verify]> = [
  ['COSE_Sign1', SIGN1, (b) => verifyCoseSign1(b, PUBLIC[0]!)],
  ['COSE_Sign', SIGN, (b) => verifyCoseSign(b, resolveKey)],
]

/**
 * Runs a verifier on hostile input: only an IntentcastError may escape. Returns the result
 * when it verified, so callers can say what may and may not verify.
 */
async function attempt(verify: Verify, bytes: Uint8Array) {
  try {
    return await verify(bytes)
  } catch (error) {
    if (!(error instanceof IntentcastError)) throw error
    return undefined
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
)
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function mutate(original: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = [...original]
  for (const m of mutations) {
    const i = m.at % Math.max(bytes.length, 1)
    if (m.kind === 'flip') bytes[i] = (bytes[i] ?? 0) ^ (1 << m.bit)
    else if (m.kind === 'set') bytes[i] = m.byte
    else if (m.kind === 'insert') bytes.splice(i, 0, ...m.bytes)
    else if (m.kind === 'delete') bytes.splice(i, m.count)
    else if (m.kind === 'truncate') bytes = bytes.slice(0, i)
    else {
      const j = m.to % Math.max(bytes.length, 1)
      ;[bytes[i], bytes[j]] = [bytes[j] ?? 0, bytes[i] ?? 0]
    }
  }
  return Uint8Array.from(bytes)
}

describe('COSE fuzz: only IntentcastError escapes, and nothing signed can be changed', () => {
  for (const [name, original, verify] of verifiers) {
    it(`${name}: 10,000 mutations of a valid message`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
          const bytes = mutate(original, mutations)
          const result = await attempt(verify, bytes)
          if (result && hex(bytes) !== hex(original)) {
            // Only the unprotected headers are outside the signature (RFC 9052): anything that
            // still verifies must carry exactly the signed payload and protected headers.
            const expected = await verify(original)
            expect(result.payload).toEqual(expected.payload)
            expect(result.protectedHeader).toEqual(expected.protectedHeader)
          }
        }),
        { numRuns: 10_000 },
      )
    })

    it(`${name}: 10,000 random byte strings, bare and behind the right tag and array heads`, async () => {
      const prefix = fc.constantFrom(
        new Uint8Array(0),
        original.subarray(0, name === 'COSE_Sign' ? 3 : 2),
        original.subarray(0, 8),
      )
      await fc.assert(
        fc.asyncProperty(prefix, fc.uint8Array({ maxLength: 128 }), async (head, tail) => {
          expect(await attempt(verify, new Uint8Array([...head, ...tail]))).toBeUndefined()
        }),
        { numRuns: 10_000 },
      )
    })
  }

  it('no single-bit flip of a message without unprotected headers verifies', async () => {
    for (const [original, verify] of [
      [BARE_SIGN1, verifiers[0]![2]],
      [BARE_SIGN, verifiers[1]![2]],
    ] as const) {
      await verify(original)
      for (let i = 0; i < original.length * 8; i++) {
        const bytes = Uint8Array.from(original)
        bytes[i >> 3]! ^= 1 << (i & 7)
        expect(await attempt(verify, bytes), `bit ${i}`).toBeUndefined()
      }
    }
  })

  it('a changed kid still verifies: unprotected headers are not signed, by design of COSE', async () => {
    const bytes = Uint8Array.from(SIGN1)
    bytes[hex(SIGN1).indexOf(hex(utf8('k0'))) / 2 + 1] = 0x39
    const result = await verifyCoseSign1(bytes, PUBLIC[0]!)
    expect(result.unprotectedHeader.get(4)).toEqual(utf8('k9'))
  })
})
