import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CborTag, decodeCbor, encodeCbor, type CborValue } from '../../src/cose/index.js'
import { IntentcastError } from '../../src/errors.js'

// Allowed tags of every head size up to 4 bytes: the COSE ones, and ones other decoders give a
// meaning (0 and 1 dates, 64 a typed array, 55799 self-described CBOR), which this one returns as
// CborTag with their content, like any other.
const TAGS = [0, 1, 18, 64, 98, 100, 1000, 24601, 55799, 0xffffffff] as const
const OPTIONS = { allowedTags: TAGS, maxTotalItems: 1_000_000 }

const key = fc.oneof(fc.maxSafeInteger(), fc.string({ unit: 'binary', maxLength: 6 }))
const { value: cborValue } = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 6, depthSize: 'small' },
    fc.maxSafeInteger(),
    fc.integer({ min: -1000, max: 1000 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .uniqueArray(fc.tuple(key, tie('value')), { selector: ([k]) => k, comparator: 'SameValueZero', maxLength: 5 })
      .map((entries) => new Map(entries)),
    fc.tuple(fc.constantFrom(...TAGS), tie('value')).map(([tag, inner]) => new CborTag(tag, inner)),
  ),
}))

/** The same value with every map rebuilt in another insertion order. */
function reorder(value: CborValue, pick: () => number): CborValue {
  if (Array.isArray(value)) return value.map((v) => reorder(v, pick))
  if (value instanceof CborTag) return new CborTag(value.tag, reorder(value.value, pick))
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => [k, reorder(v, pick)] as [number | string, CborValue])
    for (let i = entries.length - 1; i > 0; i--) {
      const j = pick() % (i + 1)
      ;[entries[i], entries[j]] = [entries[j]!, entries[i]!]
    }
    return new Map(entries)
  }
  return value
}

describe('CBOR properties', () => {
  it('decode(encode(v)) is v, and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(cborValue, (value) => {
        const bytes = encodeCbor(value)
        const decoded = decodeCbor(bytes, OPTIONS)
        expect(decoded).toEqual(value)
        expect(encodeCbor(decoded)).toEqual(bytes)
      }),
      { numRuns: 10_000 },
    )
  })

  it('encodes the same value to the same bytes whatever the Map insertion order', () => {
    fc.assert(
      fc.property(cborValue, fc.infiniteStream(fc.nat()), (value, stream) => {
        const it = stream[Symbol.iterator]()
        const shuffled = reorder(value, () => it.next().value as number)
        expect(encodeCbor(shuffled)).toEqual(encodeCbor(value))
      }),
      { numRuns: 10_000 },
    )
  })
})

describe('decodeCbor fuzz', () => {
  /** Whatever the input, either a value that is exactly those bytes, or ERR_MALFORMED. */
  function check(bytes: Uint8Array): void {
    let value: CborValue
    try {
      value = decodeCbor(bytes, OPTIONS)
    } catch (error) {
      if (!(error instanceof IntentcastError) || error.code !== 'ERR_MALFORMED') throw error
      return
    }
    expect(encodeCbor(value)).toEqual(bytes)
  }

  it('random byte strings', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), check), { numRuns: 10_000 })
  })

  it('random byte strings that start like CBOR containers and tags', () => {
    const prefix = fc.constantFrom(
      ...[[0x82], [0xa1], [0xd2, 0x84], [0xd8, 0x62, 0x84], [0x9f], [0xbf]].map((p) => Uint8Array.from(p)),
    )
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 64 }), (head, tail) => check(new Uint8Array([...head, ...tail]))),
      { numRuns: 10_000 },
    )
  })

  it('mutations of valid encodings', () => {
    const mutation = fc.record({
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
      kind: fc.constantFrom('set', 'insert', 'delete', 'truncate'),
    })
    fc.assert(
      fc.property(cborValue, fc.array(mutation, { minLength: 1, maxLength: 4 }), (value, mutations) => {
        let bytes = [...encodeCbor(value)]
        for (const { at, byte, kind } of mutations) {
          const i = at % (bytes.length + 1)
          if (kind === 'set') bytes[Math.min(i, bytes.length - 1)] = byte
          else if (kind === 'insert') bytes.splice(i, 0, byte)
          else if (kind === 'delete') bytes.splice(i, 1)
          else bytes = bytes.slice(0, i)
        }
        check(Uint8Array.from(bytes))
      }),
      { numRuns: 10_000 },
    )
  })
})
