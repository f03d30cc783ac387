import { describe, expect, it, vi } from 'vitest'
import { getPublicKey, signEd25519 } from '../../src/crypto/index.js'
import {
  COSE_ALG_EDDSA,
  COSE_HEADER,
  COSE_TAG,
  CborTag,
  type CborValue,
  type CoseHeaderMap,
  type CoseSigner,
  addCoseSignature,
  decodeCbor,
  encodeCbor,
  signCoseSign,
  signCoseSign1,
  verifyCoseSign,
  verifyCoseSign1,
} from '../../src/cose/index.js'
import { IntentcastError } from '../../src/errors.js'
import { expectCode, fromHex, hex, seed, utf8 } from './support.js'

const map = (...entries: Array<[number | string, CborValue]>): CoseHeaderMap => new Map(entries)
const EMPTY = new Uint8Array(0)
const PAYLOAD = utf8('the terms both parties agree to')

const ALICE = { privateKey: seed(1), publicKey: await getPublicKey(seed(1)), kid: utf8('alice') }
const BOB = { privateKey: seed(2), publicKey: await getPublicKey(seed(2)), kid: utf8('bob') }
const PARTIES = [ALICE, BOB]

const signer = (party: typeof ALICE, protectedHeader: CoseHeaderMap = map()): CoseSigner => ({
  privateKey: party.privateKey,
  protectedHeader,
  unprotectedHeader: map([COSE_HEADER.kid, party.kid]),
})
/** Finds the key by kid, as a protocol layer would. */
const byKid = (_: CoseHeaderMap, unprotected: CoseHeaderMap): Uint8Array => {
  const kid = hex(unprotected.get(COSE_HEADER.kid) as Uint8Array)
  const party = PARTIES.find((p) => hex(p.kid) === kid)
  if (!party) throw new IntentcastError('ERR_KEY_UNRESOLVED', `no key for kid ${kid}`)
  return party.publicKey
}
const BODY = { protectedHeader: map([COSE_HEADER.typ, 'application/agreement+cose']) }

/** Fields of a COSE_Sign, to take apart and reassemble. */
function fieldsOf(bytes: Uint8Array): CborValue[] {
  return (decodeCbor(bytes, { allowedTags: [COSE_TAG.sign] }) as CborTag).value as CborValue[]
}
const assemble = (fields: CborValue[]): Uint8Array => encodeCbor(new CborTag(COSE_TAG.sign, fields))

describe('signCoseSign / addCoseSignature / verifyCoseSign', () => {
  it('round-trips two signers and reports their headers in order', async () => {
    const bytes = await signCoseSign(PAYLOAD, [signer(ALICE), signer(BOB, map([COSE_HEADER.contentType, 0]))], BODY)
    const resolve = vi.fn((p: CoseHeaderMap, u: CoseHeaderMap, _index: number) => byKid(p, u))
    const result = await verifyCoseSign(bytes, resolve)
    expect(result.payload).toEqual(PAYLOAD)
    expect(result.protectedHeader).toEqual(BODY.protectedHeader)
    expect(result.unprotectedHeader).toEqual(map())
    expect(result.signers).toEqual([
      { protectedHeader: map([1, -8]), unprotectedHeader: map([4, ALICE.kid]) },
      { protectedHeader: map([1, -8], [3, 0]), unprotectedHeader: map([4, BOB.kid]) },
    ])
    expect(resolve.mock.calls.map((call) => call[2])).toEqual([0, 1])
    expect(resolve.mock.calls[1]?.[0]).toEqual(map([1, -8], [3, 0]))
  })

  it('accepts an async resolver and a single signer with empty body headers', async () => {
    const bytes = await signCoseSign(EMPTY, [signer(ALICE)])
    expect(hex(bytes).slice(0, 10)).toBe('d8628440a0') // 98([h'', {}, ...
    const result = await verifyCoseSign(bytes, async () => ALICE.publicKey)
    expect(result.payload).toEqual(EMPTY)
  })

  it('addCoseSignature countersigns without touching the body or the first signature', async () => {
    const first = await signCoseSign(PAYLOAD, [signer(ALICE)], BODY)
    const both = await addCoseSignature(first, signer(BOB))
    // Deterministic all the way: the same as both signing at once.
    expect(hex(both)).toBe(hex(await signCoseSign(PAYLOAD, [signer(ALICE), signer(BOB)], BODY)))
    const [body0, body1, body2, sigs0] = fieldsOf(first)
    const [after0, after1, after2, sigs1] = fieldsOf(both)
    expect([after0, after1, after2]).toEqual([body0, body1, body2])
    expect(encodeCbor((sigs1 as CborValue[])[0]!)).toEqual(encodeCbor((sigs0 as CborValue[])[0]!))
    expect((await verifyCoseSign(both, byKid)).signers).toHaveLength(2)
  })

  it('addCoseSignature refuses what it cannot parse', async () => {
    const sign1 = await signCoseSign1(PAYLOAD, ALICE.privateKey, { protectedHeader: map() })
    await expectCode(() => addCoseSignature(sign1, signer(BOB)), 'ERR_MALFORMED')
    await expectCode(() => addCoseSignature(fromHex('d86284'), signer(BOB)), 'ERR_MALFORMED')
    const first = await signCoseSign(PAYLOAD, [signer(ALICE)], BODY)
    await expectCode(() => addCoseSignature(first, signer(BOB), { maxBytes: 10 }), 'ERR_TOO_LARGE')
    await expectCode(() => addCoseSignature(first, { ...signer(BOB), privateKey: EMPTY }), 'ERR_INVALID_ARGUMENT')
  })

  describe('tampering fails with ERR_SIGNATURE_INVALID', () => {
    const make = () => signCoseSign(PAYLOAD, [signer(ALICE), signer(BOB)], BODY)

    it('body protected header', async () => {
      const fields = fieldsOf(await make())
      fields[0] = encodeCbor(map([COSE_HEADER.typ, 'application/other+cose']))
      await expectCode(() => verifyCoseSign(assemble(fields), byKid), 'ERR_SIGNATURE_INVALID')
    })

    it('payload', async () => {
      const fields = fieldsOf(await make())
      fields[2] = utf8('the terms one party wishes were agreed')
      await expectCode(() => verifyCoseSign(assemble(fields), byKid), 'ERR_SIGNATURE_INVALID')
    })

    for (const index of [0, 1]) {
      it(`signer ${index}: signature`, async () => {
        const fields = fieldsOf(await make())
        const entry = (fields[3] as CborValue[][])[index]!
        const signature = Uint8Array.from(entry[2] as Uint8Array)
        signature[10]! ^= 1
        entry[2] = signature
        const error = await expectCode(() => verifyCoseSign(assemble(fields), byKid), 'ERR_SIGNATURE_INVALID')
        expect(error.message).toContain(`signature ${index}`)
      })

      it(`signer ${index}: protected header`, async () => {
        const fields = fieldsOf(await make())
        ;(fields[3] as CborValue[][])[index]![0] = encodeCbor(map([1, -8], [3, 0]))
        await expectCode(() => verifyCoseSign(assemble(fields), byKid), 'ERR_SIGNATURE_INVALID')
      })
    }

    it('signatures swapped between signers', async () => {
      const fields = fieldsOf(await make())
      const [a, b] = fields[3] as CborValue[][]
      ;[a![2], b![2]] = [b![2]!, a![2]!]
      await expectCode(() => verifyCoseSign(assemble(fields), byKid), 'ERR_SIGNATURE_INVALID')
    })

    it('a resolver that returns the wrong key', async () => {
      await expectCode(async () => verifyCoseSign(await make(), () => ALICE.publicKey), 'ERR_SIGNATURE_INVALID')
    })

    it('a signer dropped', async () => {
      // Still a valid message from Alice alone: whether both parties must sign is the protocol's rule.
      const fields = fieldsOf(await make())
      fields[3] = [(fields[3] as CborValue[])[0]!]
      expect((await verifyCoseSign(assemble(fields), byKid)).signers).toHaveLength(1)
    })
  })

  describe('alg', () => {
    /** A COSE_Sign whose one signature really is by Alice over the given protected bucket. */
    async function craft(signProtected: Uint8Array, signUnprotected: CoseHeaderMap = map()) {
      const tbs = encodeCbor(['Signature', EMPTY, signProtected, EMPTY, PAYLOAD])
      const signature = await signEd25519(ALICE.privateKey, tbs)
      return assemble([EMPTY, map(), PAYLOAD, [[signProtected, signUnprotected, signature]]])
    }
    const cases: Array<[string, Uint8Array, CoseHeaderMap?]> = [
      ['ES256 (-7)', encodeCbor(map([1, -7]))],
      ['absent', EMPTY],
      ['absent, with other headers', encodeCbor(map([3, 0]))],
      ['unprotected', EMPTY, map([1, -8])],
    ]
    it.each(cases)('%s: ERR_UNSUPPORTED_ALG before any key is resolved', async (_, signProtected, signUnprotected) => {
      const resolve = vi.fn(byKid)
      await expectCode(
        async () => verifyCoseSign(await craft(signProtected, signUnprotected), resolve),
        'ERR_UNSUPPORTED_ALG',
      )
      expect(resolve).not.toHaveBeenCalled()
    })

    it('a bad alg in a later signer stops verification before any key is resolved', async () => {
      const fields = fieldsOf(await signCoseSign(PAYLOAD, [signer(ALICE)]))
      const bad = await craft(encodeCbor(map([1, -7])))
      ;(fields[3] as CborValue[]).push((fieldsOf(bad)[3] as CborValue[])[0]!)
      const resolve = vi.fn(byKid)
      await expectCode(() => verifyCoseSign(assemble(fields), resolve), 'ERR_UNSUPPORTED_ALG')
      expect(resolve).not.toHaveBeenCalled()
    })

    it('signing with another alg is the caller’s mistake', async () => {
      await expectCode(() => signCoseSign(PAYLOAD, [signer(ALICE, map([1, -7]))]), 'ERR_INVALID_ARGUMENT')
      await expectCode(
        () => signCoseSign(PAYLOAD, [{ ...signer(ALICE), unprotectedHeader: map([1, -8]) }]),
        'ERR_INVALID_ARGUMENT',
      )
    })
  })

  describe('structure (ERR_MALFORMED)', () => {
    it('alg in the body is refused on both sides', async () => {
      const fields = fieldsOf(await signCoseSign(PAYLOAD, [signer(ALICE)]))
      fields[0] = encodeCbor(map([1, -8]))
      await expectCode(() => verifyCoseSign(assemble(fields), byKid), 'ERR_MALFORMED')
      fields[0] = EMPTY
      fields[1] = map([1, -8])
      await expectCode(() => verifyCoseSign(assemble(fields), byKid), 'ERR_MALFORMED')
      await expectCode(
        () => signCoseSign(PAYLOAD, [signer(ALICE)], { protectedHeader: map([1, -8]) }),
        'ERR_INVALID_ARGUMENT',
      )
      await expectCode(
        () => signCoseSign(PAYLOAD, [signer(ALICE)], { unprotectedHeader: map([1, -8]) }),
        'ERR_INVALID_ARGUMENT',
      )
    })

    const edits: Array<[string, (fields: CborValue[]) => void]> = [
      ['no signatures', (f) => void (f[3] = [])],
      ['signatures not an array', (f) => void (f[3] = map())],
      ['a signature of 2 fields', (f) => void (f[3] = [[EMPTY, map()]])],
      ['a signature that is not an array', (f) => void (f[3] = [EMPTY])],
      [
        'a signer protected header that is an encoded empty map',
        (f) => void ((f[3] as CborValue[][])[0]![0] = fromHex('a0')),
      ],
      [
        'a signer protected header that is not a byte string',
        (f) => void ((f[3] as CborValue[][])[0]![0] = map([1, -8])),
      ],
      ['a signer unprotected header that is not a map', (f) => void ((f[3] as CborValue[][])[0]![1] = [])],
      ['a signature that is not a byte string', (f) => void ((f[3] as CborValue[][])[0]![2] = 'sig')],
      ['a label in both signer buckets', (f) => void ((f[3] as CborValue[][])[0]![1] = map([1, -8]))],
      [
        'a label in both body buckets',
        (f) => {
          f[0] = encodeCbor(map([3, 0]))
          f[1] = map([3, 0])
        },
      ],
      ['body crit naming an unknown label', (f) => void (f[0] = encodeCbor(map([2, [-65537]])))],
      ['detached payload', (f) => void (f[2] = null)],
      ['body protected header not a byte string', (f) => void (f[0] = map())],
      ['body unprotected header not a map', (f) => void (f[1] = null)],
    ]
    it.each(edits)('%s', async (_, edit) => {
      const fields = fieldsOf(await signCoseSign(PAYLOAD, [signer(ALICE)]))
      edit(fields)
      await expectCode(() => verifyCoseSign(assemble(fields), byKid), 'ERR_MALFORMED')
    })

    it('tags: COSE_Sign1 is not COSE_Sign, and untagged is refused', async () => {
      const sign1 = await signCoseSign1(PAYLOAD, ALICE.privateKey, { protectedHeader: map() })
      await expectCode(() => verifyCoseSign(sign1, byKid), 'ERR_MALFORMED')
      const sign = await signCoseSign(PAYLOAD, [signer(ALICE)])
      await expectCode(() => verifyCoseSign1(sign, ALICE.publicKey), 'ERR_MALFORMED')
      await expectCode(() => verifyCoseSign(encodeCbor(fieldsOf(sign)), byKid), 'ERR_MALFORMED')
      await expectCode(() => verifyCoseSign(fromHex('d90062' + hex(sign).slice(4)), byKid), 'ERR_MALFORMED')
    })
  })

  it('checks the size first (ERR_TOO_LARGE)', async () => {
    const big = await signCoseSign(new Uint8Array(70_000), [signer(ALICE)])
    await expectCode(() => verifyCoseSign(big, byKid), 'ERR_TOO_LARGE')
    expect((await verifyCoseSign(big, byKid, { maxBytes: 100_000 })).payload).toHaveLength(70_000)
  })

  it('lets the resolver’s own error through unchanged', async () => {
    const stranger = await signCoseSign(PAYLOAD, [{ ...signer(ALICE), unprotectedHeader: map([4, utf8('mallory')]) }])
    await expectCode(() => verifyCoseSign(stranger, byKid), 'ERR_KEY_UNRESOLVED')
    const sentinel = new Error('resolver down')
    await expect(verifyCoseSign(stranger, () => Promise.reject(sentinel))).rejects.toBe(sentinel)
  })

  it('refuses bad arguments with ERR_INVALID_ARGUMENT', async () => {
    const good = await signCoseSign(PAYLOAD, [signer(ALICE)])
    const calls: Array<() => Promise<unknown>> = [
      () => signCoseSign(PAYLOAD, []),
      () => signCoseSign(PAYLOAD, signer(ALICE) as unknown as CoseSigner[]),
      () => signCoseSign(PAYLOAD, [null as unknown as CoseSigner]),
      () => signCoseSign(PAYLOAD, [{ ...signer(ALICE), privateKey: new Uint8Array(33) }]),
      () => signCoseSign(PAYLOAD, [{ ...signer(ALICE), protectedHeader: undefined as unknown as CoseHeaderMap }]),
      () => signCoseSign(PAYLOAD, [signer(ALICE)], { protectedHeader: {} as CoseHeaderMap }),
      () => signCoseSign(PAYLOAD, [signer(ALICE)], { unprotectedHeader: map([2, [4]]) }),
      () => signCoseSign([1] as unknown as Uint8Array, [signer(ALICE)]),
      () => addCoseSignature(good, null as unknown as CoseSigner),
      () => verifyCoseSign(good, null as unknown as () => Uint8Array),
      () => verifyCoseSign(good, () => new Uint8Array(31)),
      () => verifyCoseSign(good, () => 'key' as unknown as Uint8Array),
      () => verifyCoseSign(good, byKid, { maxBytes: -1 }),
    ]
    for (const call of calls) await expectCode(call, 'ERR_INVALID_ARGUMENT')
  })

  it('signs the alg it was given, EdDSA, in every signature', async () => {
    const bytes = await signCoseSign(PAYLOAD, [signer(ALICE), signer(BOB)])
    for (const s of (await verifyCoseSign(bytes, byKid)).signers) {
      expect(s.protectedHeader.get(COSE_HEADER.alg)).toBe(COSE_ALG_EDDSA)
    }
  })
})
