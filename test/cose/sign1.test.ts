import { describe, expect, it } from 'vitest'
import { getPublicKey, randomPrivateKey, signEd25519 } from '../../src/crypto/index.js'
import {
  COSE_ALG_EDDSA,
  COSE_HEADER,
  COSE_TAG,
  CborTag,
  type CborValue,
  type CoseHeaderMap,
  encodeCbor,
  signCoseSign1,
  verifyCoseSign1,
} from '../../src/cose/index.js'
import { expectCode, fromHex, hex, seed, utf8 } from './support.js'

const PRIVATE = seed(7)
const PUBLIC = await getPublicKey(PRIVATE)
const PAYLOAD = utf8('an intent, signed')
const EMPTY = new Uint8Array(0)

/** A COSE_Sign1 assembled field by field and correctly signed, to reach checks past the signature. */
async function craft(
  protectedBytes: Uint8Array,
  unprotected: CborValue,
  payload: CborValue = PAYLOAD,
  tag: number = COSE_TAG.sign1,
) {
  const signed = payload instanceof Uint8Array ? payload : EMPTY
  const signature = await signEd25519(PRIVATE, encodeCbor(['Signature1', protectedBytes, EMPTY, signed]))
  return encodeCbor(new CborTag(tag, [protectedBytes, unprotected, payload, signature]))
}
const map = (...entries: Array<[number | string, CborValue]>): CoseHeaderMap => new Map(entries)
const ALG = map([COSE_HEADER.alg, COSE_ALG_EDDSA])

describe('signCoseSign1 / verifyCoseSign1', () => {
  it('round-trips with generated keys and headers of every kind', async () => {
    const privateKey = randomPrivateKey()
    const publicKey = await getPublicKey(privateKey)
    const protectedHeader = map(
      [COSE_HEADER.typ, 'application/example+cbor'],
      [COSE_HEADER.contentType, 60],
      ['private', [1, 'x']],
    )
    const unprotectedHeader = map([COSE_HEADER.kid, utf8('key-1')], [-70000, true])
    for (const payload of [EMPTY, PAYLOAD, new Uint8Array(40_000).fill(9)]) {
      const bytes = await signCoseSign1(payload, privateKey, { protectedHeader, unprotectedHeader })
      const result = await verifyCoseSign1(bytes, publicKey)
      expect(result.payload).toEqual(payload)
      expect(result.protectedHeader).toEqual(new Map([...protectedHeader, [COSE_HEADER.alg, COSE_ALG_EDDSA]]))
      expect(result.unprotectedHeader).toEqual(unprotectedHeader)
    }
  })

  it('is deterministic, sets alg when absent, and leaves the caller’s maps alone', async () => {
    const protectedHeader = map([COSE_HEADER.contentType, 0])
    const a = await signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader })
    const b = await signCoseSign1(PAYLOAD, PRIVATE, {
      protectedHeader: map([COSE_HEADER.contentType, 0], [COSE_HEADER.alg, -8]),
    })
    expect(hex(a)).toBe(hex(b))
    expect(hex(a).slice(0, 18)).toBe('d28445a201270300a0') // 18([h'a201270300', {}, ...
    expect(protectedHeader).toEqual(map([COSE_HEADER.contentType, 0]))
  })

  it('encodes an empty protected bucket as a zero-length byte string', async () => {
    // alg is always protected, so only a crafted message can have an empty bucket; it is read as such
    // (and then refused for the missing alg).
    const bytes = await craft(EMPTY, map())
    const error = await expectCode(() => verifyCoseSign1(bytes, PUBLIC), 'ERR_UNSUPPORTED_ALG')
    expect(error.message).toContain('alg is missing')
  })

  describe('tampering fails with ERR_SIGNATURE_INVALID', () => {
    it('protected header', async () => {
      const good = await signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader: map([COSE_HEADER.contentType, 0]) })
      const bad = fromHex(hex(good).replace('a201270300', 'a201270301'))
      await expectCode(() => verifyCoseSign1(bad, PUBLIC), 'ERR_SIGNATURE_INVALID')
    })

    it('payload', async () => {
      const good = await signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader: map() })
      const bad = Uint8Array.from(good)
      bad[good.length - 64 - 3]! ^= 1
      await expectCode(() => verifyCoseSign1(bad, PUBLIC), 'ERR_SIGNATURE_INVALID')
    })

    it('signature, every byte', async () => {
      const good = await signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader: map() })
      for (let i = good.length - 64; i < good.length; i++) {
        const bad = Uint8Array.from(good)
        bad[i]! ^= 0x80
        await expectCode(() => verifyCoseSign1(bad, PUBLIC), 'ERR_SIGNATURE_INVALID')
      }
    })

    it('another key', async () => {
      const good = await signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader: map() })
      const other = await getPublicKey(seed(8))
      await expectCode(() => verifyCoseSign1(good, other), 'ERR_SIGNATURE_INVALID')
    })

    it('a signature of the wrong length', async () => {
      for (const length of [0, 63, 65]) {
        const bad = encodeCbor(new CborTag(18, [encodeCbor(ALG), map(), PAYLOAD, new Uint8Array(length)]))
        await expectCode(() => verifyCoseSign1(bad, PUBLIC), 'ERR_SIGNATURE_INVALID')
      }
    })
  })

  describe('alg', () => {
    const cases: Array<[string, CoseHeaderMap, CoseHeaderMap]> = [
      ['ES256 (-7)', map([1, -7]), map()],
      ['absent', map([COSE_HEADER.contentType, 0]), map()],
      ['the text "EdDSA"', map([1, 'EdDSA']), map()],
      ['-8 but unprotected', map([COSE_HEADER.contentType, 0]), map([1, -8])],
      ['-8 as a 1-byte negative integer is not possible, so 8', map([1, 8]), map()],
    ]
    it.each(cases)(
      '%s: ERR_UNSUPPORTED_ALG on verify, ERR_INVALID_ARGUMENT on sign',
      async (_, protectedHeader, unprotectedHeader) => {
        const bytes = await craft(protectedHeader.size ? encodeCbor(protectedHeader) : EMPTY, unprotectedHeader)
        await expectCode(() => verifyCoseSign1(bytes, PUBLIC), 'ERR_UNSUPPORTED_ALG')
        if (protectedHeader.has(1) || unprotectedHeader.has(1)) {
          await expectCode(
            () => signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader, unprotectedHeader }),
            'ERR_INVALID_ARGUMENT',
          )
        }
      },
    )
  })

  describe('header rules (ERR_MALFORMED on verify, ERR_INVALID_ARGUMENT on sign)', () => {
    const cases: Array<[string, CoseHeaderMap, CoseHeaderMap]> = [
      ['a label in both buckets', map([1, -8], [4, utf8('a')]), map([4, utf8('b')])],
      ['alg in both buckets', map([1, -8]), map([1, -8])],
      ['crit naming an unknown label', map([1, -8], [2, [99]], [99, 0]), map()],
      ['crit naming an unknown text label', map([1, -8], [2, ['x']], ['x', 0]), map()],
      ['crit empty', map([1, -8], [2, []]), map()],
      ['crit not an array', map([1, -8], [2, 4]), map()],
      ['crit unprotected', map([1, -8]), map([2, [4]])],
      ['kid not a byte string', map([1, -8]), map([4, 'kid'])],
      ['typ negative', map([1, -8], [16, -1]), map()],
      ['content type a byte string', map([1, -8], [3, utf8('text/plain')]), map()],
    ]
    it.each(cases)('%s', async (_, protectedHeader, unprotectedHeader) => {
      await expectCode(() => verifyCoseSign1(craftSync(protectedHeader, unprotectedHeader), PUBLIC), 'ERR_MALFORMED')
      await expectCode(
        () => signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader, unprotectedHeader }),
        'ERR_INVALID_ARGUMENT',
      )
    })
    // The signature is never reached for these, so a dummy one does.
    function craftSync(protectedHeader: CoseHeaderMap, unprotectedHeader: CoseHeaderMap): Uint8Array {
      return encodeCbor(new CborTag(18, [encodeCbor(protectedHeader), unprotectedHeader, PAYLOAD, new Uint8Array(64)]))
    }

    it('accepts crit naming understood labels', async () => {
      const protectedHeader = map([2, [16]], [16, 'application/example+cbor'])
      const bytes = await signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader })
      expect((await verifyCoseSign1(bytes, PUBLIC)).protectedHeader.get(2)).toEqual([16])
    })
  })

  describe('structure (ERR_MALFORMED)', () => {
    const protectedBytes = encodeCbor(ALG)
    const cases: Array<[string, () => Promise<Uint8Array> | Uint8Array, string]> = [
      [
        'untagged',
        () => encodeCbor([protectedBytes, map(), PAYLOAD, new Uint8Array(64)]),
        'must start with CBOR tag 18',
      ],
      [
        'tagged COSE_Sign (98)',
        () => craft(protectedBytes, map(), PAYLOAD, COSE_TAG.sign),
        'must start with CBOR tag 18',
      ],
      [
        'tag 18 in a non-minimal head',
        async () => fromHex('d812' + hex(await craft(protectedBytes, map())).slice(2)),
        'must start with CBOR tag 18',
      ],
      ['detached payload (nil)', () => craft(protectedBytes, map(), null), 'detached payloads are not supported'],
      ['payload a text string', () => craft(protectedBytes, map(), 'text'), 'payload is not a byte string'],
      [
        "empty protected map encoded as h'a0'",
        () => craft(fromHex('a0'), map()),
        'it must be a zero-length byte string',
      ],
      [
        'protected header not a byte string',
        () => encodeCbor(new CborTag(18, [ALG, map(), PAYLOAD, new Uint8Array(64)])),
        'protected header is not a byte string',
      ],
      ['protected header not a map', () => craft(encodeCbor([1, -8]), map()), 'protected header is not a map'],
      [
        'protected header not canonical',
        () => craft(fromHex('a2030001 27'.replaceAll(' ', '')), map()),
        'map keys not in deterministic order',
      ],
      ['protected header with trailing bytes', () => craft(fromHex('a1012700'), map()), 'trailing byte(s)'],
      ['unprotected header not a map', () => craft(protectedBytes, []), 'unprotected header is not a map'],
      [
        'unprotected header not canonical',
        async () => fromHex(hex(await craft(protectedBytes, map())).replace('43a10127a0', '43a10127b800')),
        'not in shortest form',
      ],
      [
        'three fields',
        () => encodeCbor(new CborTag(18, [protectedBytes, map(), PAYLOAD])),
        'must be an array of 4 items',
      ],
      [
        'five fields',
        () => encodeCbor(new CborTag(18, [protectedBytes, map(), PAYLOAD, new Uint8Array(64), 0])),
        'must be an array of 4 items',
      ],
      [
        'signature a text string',
        () => encodeCbor(new CborTag(18, [protectedBytes, map(), PAYLOAD, 'sig'])),
        'signature is not a byte string',
      ],
      ['a tag inside a header', () => craft(protectedBytes, map([-1, new CborTag(18, 0)])), 'tag 18 is not allowed'],
      [
        'trailing bytes',
        async () => fromHex(hex(await craft(protectedBytes, map())) + '00'),
        'content after the tag: CBOR: 1 trailing byte(s)',
      ],
      ['empty input', () => EMPTY, 'must start with CBOR tag 18'],
    ]
    it.each(cases)('%s', async (_, make, message) => {
      const error = await expectCode(async () => verifyCoseSign1(await make(), PUBLIC), 'ERR_MALFORMED')
      expect(error.message).toContain(message)
    })
  })

  it('checks the size before anything else (ERR_TOO_LARGE)', async () => {
    const big = await signCoseSign1(new Uint8Array(70_000), PRIVATE, { protectedHeader: map() })
    await expectCode(() => verifyCoseSign1(big, PUBLIC), 'ERR_TOO_LARGE')
    expect((await verifyCoseSign1(big, PUBLIC, { maxBytes: 80_000 })).payload).toHaveLength(70_000)
    await expectCode(() => verifyCoseSign1(new Uint8Array(101).fill(0xff), PUBLIC, { maxBytes: 100 }), 'ERR_TOO_LARGE')
  })

  it('refuses bad arguments with ERR_INVALID_ARGUMENT', async () => {
    const good = await signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader: map() })
    const calls: Array<() => Promise<unknown>> = [
      () => signCoseSign1('x' as unknown as Uint8Array, PRIVATE, { protectedHeader: map() }),
      () => signCoseSign1(PAYLOAD, new Uint8Array(31), { protectedHeader: map() }),
      () => signCoseSign1(PAYLOAD, new Uint8Array(64), { protectedHeader: map() }),
      () => signCoseSign1(PAYLOAD, PRIVATE, undefined as unknown as { protectedHeader: CoseHeaderMap }),
      () => signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader: { 1: -8 } as unknown as CoseHeaderMap }),
      () =>
        signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader: map(), unprotectedHeader: [] as unknown as CoseHeaderMap }),
      () => signCoseSign1(PAYLOAD, PRIVATE, { protectedHeader: map([-1, 1.5]) }),
      () =>
        signCoseSign1(PAYLOAD, PRIVATE, {
          protectedHeader: map(),
          unprotectedHeader: map([-1, undefined as unknown as CborValue]),
        }),
      () => verifyCoseSign1(good, new Uint8Array(33)),
      () => verifyCoseSign1(good, 'key' as unknown as Uint8Array),
      () => verifyCoseSign1(hex(good) as unknown as Uint8Array, PUBLIC),
      () => verifyCoseSign1(good, PUBLIC, { maxBytes: 0 }),
      () => verifyCoseSign1(good, PUBLIC, { maxBytes: 1.5 }),
    ]
    for (const call of calls) await expectCode(call, 'ERR_INVALID_ARGUMENT')
  })
})
