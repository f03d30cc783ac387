/** The strict JSON scan against JSON.parse itself, on arbitrary JSON (strings with escapes included). */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IntentcastError } from '../../src/errors.js'
import { parseJsonStrict } from '../../src/lib/json.js'

const shallow = fc.jsonValue({ maxDepth: 6 }).filter((v) => !JSON.stringify(v).includes('__proto__'))

describe('parseJsonStrict agrees with JSON.parse wherever no rule of its own applies', () => {
  it('any JSON.stringify output (no duplicate keys by construction) parses to the same value', () => {
    fc.assert(
      fc.property(shallow, (v) => {
        const text = JSON.stringify(v)
        expect(parseJsonStrict(text, 'x')).toEqual(JSON.parse(text))
      }),
      { numRuns: 5_000 },
    )
  })

  it('a key repeated in another spelling (escapes, quotes and backslashes inside) is refused', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), (key, value) => {
        const plain = JSON.stringify(key)
        // The same key, every character written as a \\u escape.
        const escaped = `"${[...key].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
        const text = `{${plain}:${JSON.stringify(value)},"z\\\\\\"":1,${escaped}:0}`
        if (key === 'z\\"') return
        expect(() => parseJsonStrict(text, 'x')).toThrow(IntentcastError)
      }),
      { numRuns: 2_000 },
    )
  })
})
