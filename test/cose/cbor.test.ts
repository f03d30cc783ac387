import { describe, expect, it } from 'vitest'
import {
  CBOR_DECODE_DEFAULTS,
  CborTag,
  decodeCbor,
  encodeCbor,
  type CborValue,
  type DecodeCborOptions,
} from '../../src/cose/index.js'
import type { IntentcastErrorCode } from '../../src/errors.js'
import strict from '../vectors/cose/cbor-strict.json' with { type: 'json' }
import { expectCode, fromHex, hex } from './support.js'

interface Vector {
  name: string
  hex: string
  code?: string
  options?: DecodeCborOptions
}

describe('decodeCbor strict vectors (test/vectors/cose/cbor-strict.json)', () => {
  it.each((strict.reject as Vector[]).map((v) => [v.name, v] as const))('rejects %s', async (_, vector) => {
    await expectCode(() => decodeCbor(fromHex(vector.hex), vector.options), vector.code as IntentcastErrorCode)
  })

  it.each((strict.accept as Vector[]).map((v) => [v.name, v] as const))('accepts %s', (_, vector) => {
    const bytes = fromHex(vector.hex)
    expect(hex(encodeCbor(decodeCbor(bytes, vector.options)))).toBe(vector.hex)
  })

  it('has unique names', () => {
    const names = [...strict.reject, ...strict.accept].map((v) => v.name)
    expect(new Set(names).size).toBe(names.length)
  })
})

describe('decodeCbor', () => {
  it('says what is wrong and where', async () => {
    const cases: Array<[string, string]> = [
      ['a2 01 01 01 02', 'duplicate map key at byte 3'],
      ['a2 02 01 01 02', 'map keys not in deterministic order at byte 3'],
      ['18 17', 'not in shortest form at byte 0'],
      ['9f ff', 'indefinite-length item at byte 0'],
      ['82 01 f9 3c 00', 'floating-point number at byte 2'],
      ['00 00', 'trailing byte(s) after the top-level item at byte 1'],
      ['62 c3 28', 'not valid UTF-8 at byte 0'],
      ['c1 00', 'tag 1 is not allowed at byte 0'],
    ]
    for (const [input, message] of cases) {
      const error = await expectCode(() => decodeCbor(fromHex(input.replaceAll(' ', ''))), 'ERR_MALFORMED')
      expect(error.message).toContain(message)
    }
  })

  it('returns the data model: Maps, plain Uint8Arrays that do not alias the input, CborTag', () => {
    const input = fromHex('d864a301420102616180626b6bf6')
    const value = decodeCbor(input, { allowedTags: [100] })
    expect(value).toBeInstanceOf(CborTag)
    const map = (value as CborTag).value as Map<number | string, CborValue>
    expect(map).toBeInstanceOf(Map)
    const bytes = map.get(1) as Uint8Array
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype)
    expect([...bytes]).toEqual([1, 2])
    input[5] = 0xff
    expect([...bytes]).toEqual([1, 2])
    expect(map.get('a')).toEqual([])
    expect(map.get('kk')).toBeNull()
    expect(Object.isFrozen(value)).toBe(true)
  })

  it('leaves the caller’s input as it was', () => {
    const input = fromHex('a1016161')
    decodeCbor(input)
    expect(Object.keys(input)).toEqual(['0', '1', '2', '3'])
    expect(hex(input)).toBe('a1016161')
  })

  it('applies the documented defaults', async () => {
    expect(CBOR_DECODE_DEFAULTS).toEqual({ maxBytes: 65536, maxDepth: 16, maxItems: 1024, maxTotalItems: 8192 })
    expect(Object.isFrozen(CBOR_DECODE_DEFAULTS)).toBe(true)
    // A 3-byte head (0x59 and a 2-byte length) and its content.
    const atLimit = encodeCbor(new Uint8Array(65536 - 3))
    expect(atLimit.length).toBe(65536)
    expect(decodeCbor(atLimit)).toEqual(new Uint8Array(65536 - 3))
    await expectCode(() => decodeCbor(encodeCbor(new Uint8Array(65536 - 2))), 'ERR_TOO_LARGE')
    expect(decodeCbor(encodeCbor(new Uint8Array(100_000)), { maxBytes: 200_000 })).toHaveLength(100_000)
  })

  it('refuses a 4 GiB claimed length without allocating for it', async () => {
    // 2^32-1 bytes of byte string claimed by a 5-byte head, inside a size limit large enough
    // that only the scan's remaining-bytes check stands in the way.
    const input = fromHex('5affffffff00')
    await expectCode(() => decodeCbor(input, { maxBytes: 1 << 30 }), 'ERR_MALFORMED')
  })

  it('refuses deep nesting without exhausting the stack, whatever the limit', async () => {
    const deep = new Uint8Array(60_000).fill(0x81)
    await expectCode(() => decodeCbor(deep), 'ERR_MALFORMED')
    await expectCode(() => decodeCbor(deep, { maxDepth: 256 }), 'ERR_MALFORMED')
  })

  it('refuses bad options as the caller’s mistake', async () => {
    const bad: unknown[] = [
      { maxBytes: 0 },
      { maxBytes: 1.5 },
      { maxDepth: 257 },
      { maxDepth: -1 },
      { maxItems: Number.NaN },
      { maxTotalItems: Infinity },
      { allowedTags: [-1] },
      { allowedTags: [1.5] },
      { allowedTags: [2 ** 32] },
      { allowedTags: 18 },
    ]
    for (const options of bad) {
      await expectCode(() => decodeCbor(fromHex('00'), options as DecodeCborOptions), 'ERR_INVALID_ARGUMENT')
    }
    await expectCode(() => decodeCbor('00' as unknown as Uint8Array), 'ERR_INVALID_ARGUMENT')
    await expectCode(() => decodeCbor([0] as unknown as Uint8Array), 'ERR_INVALID_ARGUMENT')
  })
})

describe('encodeCbor', () => {
  // RFC 8949 Appendix A, for the values inside the data model.
  const appendixA: Array<[CborValue, string]> = [
    [0, '00'],
    [1, '01'],
    [10, '0a'],
    [23, '17'],
    [24, '1818'],
    [25, '1819'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [-1, '20'],
    [-10, '29'],
    [-100, '3863'],
    [-1000, '3903e7'],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
    [new Uint8Array(0), '40'],
    [new Uint8Array([1, 2, 3, 4]), '4401020304'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    ['"\\', '62225c'],
    ['\u00fc', '62c3bc'],
    ['\u6c34', '63e6b0b4'],
    ['\ud800\udd51', '64f0908591'],
    [[], '80'],
    [[1, 2, 3], '83010203'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [new Map(), 'a0'],
    [
      new Map([
        [1, 2],
        [3, 4],
      ]),
      'a201020304',
    ],
    [
      new Map<string, CborValue>([
        ['a', 1],
        ['b', [2, 3]],
      ]),
      'a26161016162820203',
    ],
    [['a', new Map([['b', 'c']])], '826161a161626163'],
    [new CborTag(1, 1363896240), 'c11a514b67b0'],
    [new CborTag(23, new Uint8Array([1, 2, 3, 4])), 'd74401020304'],
    [new CborTag(32, 'http://www.example.com'), 'd82076687474703a2f2f7777772e6578616d706c652e636f6d'],
  ]
  it.each(appendixA.map(([value, expected]) => [expected, value] as const))(
    'encodes RFC 8949 Appendix A %s',
    (expected, value) => {
      expect(hex(encodeCbor(value))).toBe(expected)
    },
  )

  it('uses the shortest head at every boundary, both signs', () => {
    const cases: Array<[number, string]> = [
      [23, '17'],
      [24, '1818'],
      [255, '18ff'],
      [256, '190100'],
      [65535, '19ffff'],
      [65536, '1a00010000'],
      [4294967295, '1affffffff'],
      [4294967296, '1b0000000100000000'],
      [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
      [-24, '37'],
      [-25, '3818'],
      [-256, '38ff'],
      [-257, '390100'],
      [-4294967296, '3affffffff'],
      [-4294967297, '3b0000000100000000'],
      [Number.MIN_SAFE_INTEGER, '3b001ffffffffffffe'],
    ]
    for (const [value, expected] of cases) expect(hex(encodeCbor(value)), String(value)).toBe(expected)
    expect(hex(encodeCbor(-0))).toBe('00')
    expect(hex(encodeCbor(new Uint8Array(24)))).toMatch(/^5818/)
    expect(hex(encodeCbor('x'.repeat(256)))).toMatch(/^790100/)
  })

  it('sorts map keys bytewise by encoding, not by length first or by insertion', () => {
    const map = new Map<number | string, CborValue>([
      ['aa', 0],
      ['b', 0],
      [-1, 0],
      [24, 0],
      [0, 0],
      [-25, 0],
    ])
    // 0x00 < 0x1818 < 0x20 < 0x3818 < 0x6162 < 0x626161
    expect(hex(encodeCbor(map))).toBe('a6' + '0000' + '181800' + '2000' + '381800' + '616200' + '62616100')
  })

  it('refuses values outside the data model as the caller’s mistake', async () => {
    const cyclic: unknown[] = []
    cyclic.push(cyclic)
    const bad: unknown[] = [
      1.5,
      Number.NaN,
      Infinity,
      -Infinity,
      2 ** 53,
      -(2 ** 53),
      10n,
      undefined,
      Symbol('x'),
      () => 0,
      '\ud800',
      'a\udc00b',
      new Date(0),
      new Uint16Array(2),
      new Set(),
      { a: 1 },
      new ArrayBuffer(2),
      [1, undefined],
      new Map([[1, 0.5]]),
      new Map([[true, 1]]),
      new Map([[new Uint8Array(1), 1]]),
      new Map([[1.5, 1]]),
      Object.create(null),
      new CborTag(-1, 0),
      new CborTag(1.5, 0),
      new CborTag(2 ** 53, 0),
      cyclic,
    ]
    for (const value of bad) {
      await expectCode(() => encodeCbor(value as CborValue), 'ERR_INVALID_ARGUMENT')
    }
  })
})

describe('decodeCbor allocates in proportion to the bytes it has read, not to what heads claim', () => {
  it('64 KiB of nested array heads, each claiming nearly all the rest, is refused in a 64 MB heap', async () => {
    // 256 nested heads, each claiming every byte that remains, then a stray break. Sized from
    // their claims, the arrays took some 130 MB or more before the break refused the input; a
    // child with a 64 MB heap makes that an out-of-memory crash rather than a figure to time.
    const { spawnSync } = await import('node:child_process')
    const script = `
      import { decodeCbor } from './src/cose/cbor-decode.ts'
      const input = new Uint8Array(65536)
      let p = 0
      for (let d = 0; d < 256; d++) {
        const n = Math.min(input.length - (p + 3), 0xffff)
        input.set([0x99, n >> 8, n & 0xff], p)
        p += 3
      }
      input.fill(0xff, p)
      for (let i = 0; i < 5; i++)
        try { decodeCbor(input, { maxDepth: 256, maxItems: 65535, maxTotalItems: 1e6 }) } catch (e) { if (i === 4) console.log(e.code) }`
    const run = spawnSync(
      process.execPath,
      ['--max-old-space-size=64', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: new URL('../../', import.meta.url), encoding: 'utf8' },
    )
    expect([run.status, run.stdout.trim()]).toEqual([0, 'ERR_MALFORMED'])
  }, 60_000)
})
