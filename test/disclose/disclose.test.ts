/**
 * Making and reading disclosures (spec §Selective disclosure, "Disclosures"): discloseClaims,
 * then each refusal of parseDisclosure in the order it checks (size, base64url, UTF-8, JSON,
 * shape, salt, name).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkDisclosures, disclosureDigest, discloseClaims, parseDisclosure } from '../../src/disclose/index.js'
import { b64u, expectCode } from '../helpers/fixtures.js'

const SALT = 'c2FsdHNhbHRzYWx0c2FsdA' // 22 characters
const disclosureOf = (json: string) => b64u(json)
const DIGEST = /^[A-Za-z0-9_-]{43}$/

describe('discloseClaims', () => {
  const claims = { email: 'ada@example.org', address: { locality: 'Berlin', country: 'DE' }, phone: '+49 30 1234' }

  it('hides each claim behind a digest, sorted, and returns the disclosures in that order', async () => {
    const { claim, disclosures } = await discloseClaims(claims)
    expect(claim._sd).toHaveLength(3)
    expect(claim._sd.every((d) => DIGEST.test(d))).toBe(true)
    expect([...claim._sd].sort()).toEqual(claim._sd)
    expect(await Promise.all(disclosures.map(disclosureDigest))).toEqual(claim._sd)
    expect(await checkDisclosures(claim, disclosures)).toEqual(claims)
  })
  it('draws a fresh 128-bit salt for every claim, every time', async () => {
    const [a, b] = await Promise.all([discloseClaims(claims), discloseClaims(claims)])
    const salts = [...a.disclosures, ...b.disclosures].map((d) => parseDisclosure(d).salt)
    expect(new Set(salts).size).toBe(6)
    for (const salt of salts) expect(Buffer.from(salt, 'base64url')).toHaveLength(16)
    expect(a.claim._sd).not.toEqual(b.claim._sd)
  })
  it('writes the disclosure as compact JSON of [salt, name, value]', async () => {
    const { disclosures } = await discloseClaims({ note: 'Ring twice' })
    const json = Buffer.from(disclosures[0]!, 'base64url').toString('utf8')
    expect(json).toBe(JSON.stringify([parseDisclosure(disclosures[0]!).salt, 'note', 'Ring twice']))
  })
  it('adds decoy digests that no disclosure opens', async () => {
    const { claim, disclosures } = await discloseClaims(claims, { decoys: 5 })
    expect(claim._sd).toHaveLength(8)
    expect(disclosures).toHaveLength(3)
    expect([...claim._sd].sort()).toEqual(claim._sd)
    expect(await checkDisclosures(claim, disclosures)).toEqual(claims)
  })
  it('takes up to 32 claims and decoys together', async () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c${i}`, i]))
    expect((await discloseClaims(many, { decoys: 2 })).claim._sd).toHaveLength(32)
    await expectCode(discloseClaims(many, { decoys: 3 }), 'ERR_INVALID_ARGUMENT')
  })
  it.each([
    ['no claims', {}],
    ['an array', ['a']],
    ['null', null],
    ['a string', 'email'],
  ])('refuses %s as claims', async (_, bad) => {
    await expectCode(discloseClaims(bad as never), 'ERR_INVALID_ARGUMENT')
  })
  it.each([
    ['_sd', { _sd: 1 }],
    ['...', { '...': 1 }],
    ['__proto__', JSON.parse('{"__proto__": 1}') as Record<string, unknown>],
    ['an empty name', { '': 1 }],
  ])('refuses the reserved name %s', async (_, bad) => {
    await expectCode(discloseClaims(bad), 'ERR_INVALID_ARGUMENT')
  })
  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a bigint', 1n],
    ['a value over 2 KiB as a disclosure', 'x'.repeat(1600)],
    ['a value nested deeper than 16', JSON.parse('['.repeat(16) + ']'.repeat(16)) as unknown],
    ['a value with a "__proto__" key inside', JSON.parse('{"a": {"__proto__": 1}}') as unknown],
  ])('refuses %s as a value', async (_, value) => {
    await expectCode(discloseClaims({ note: value }), 'ERR_INVALID_ARGUMENT')
  })
  it.each([
    ['an unknown option', { salt: 'x' }],
    ['negative decoys', { decoys: -1 }],
    ['fractional decoys', { decoys: 1.5 }],
    ['options that are not an object', 3],
  ])('refuses %s', async (_, options) => {
    await expectCode(discloseClaims({ note: 'x' }, options as never), 'ERR_INVALID_ARGUMENT')
  })
})

describe('parseDisclosure: size', () => {
  it('refuses a disclosure over 2,048 characters before decoding it', async () => {
    const long = 'A'.repeat(2049)
    await expectCode(() => parseDisclosure(long), 'ERR_TOO_LARGE')
    await expectCode(disclosureDigest(long), 'ERR_TOO_LARGE')
  })
  it('reads one of exactly 2,048', () => {
    const json = JSON.stringify([SALT, 'note', 'x'.repeat(1536 - 36)])
    const d = disclosureOf(json)
    expect(d).toHaveLength(2048)
    expect(parseDisclosure(d).name).toBe('note')
  })
})

describe('parseDisclosure: base64url, UTF-8 and JSON', () => {
  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['padded', disclosureOf(`["${SALT}","a",1]`) + '=='],
    ['base64, not base64url', 'WyJ+/w'],
    ['with stray bits (not canonical)', disclosureOf(`["${SALT}","a",1]`).replace(/.$/, 'B')],
    ['with a length of 4n+1', 'AAAAA'],
    ['not UTF-8', b64u(new Uint8Array([0x5b, 0x22, 0xff, 0x22, 0x5d]))],
    ['not JSON', disclosureOf(`["${SALT}", "a", 1`)],
    ['JSON with a duplicate key', disclosureOf(`["${SALT}", "a", {"x": 1, "x": 2}]`)],
    ['JSON nested deeper than 16', disclosureOf(`["${SALT}", "a", ${'['.repeat(16)}${']'.repeat(16)}]`)],
  ])('refuses a disclosure %s (ERR_MALFORMED)', async (_, d) => {
    await expectCode(() => parseDisclosure(d as string), 'ERR_MALFORMED')
  })
  it('computes no digest for a string that is not base64url', async () => {
    await expectCode(disclosureDigest('é'), 'ERR_MALFORMED')
    await expectCode(disclosureDigest(undefined as never), 'ERR_MALFORMED')
  })
})

describe('parseDisclosure: [salt, name, value]', () => {
  it.each([
    ['an object', `{"salt": "${SALT}", "name": "a", "value": 1}`],
    ['an array element (two members)', `["${SALT}", 1]`],
    ['four members', `["${SALT}", "a", 1, 2]`],
    ['a salt that is not a string', `[1234567890123456789012, "a", 1]`],
    ['a salt under 22 characters', `["${SALT.slice(1)}", "a", 1]`],
    ['a salt that is not base64url', `["${SALT.slice(1)}=", "a", 1]`],
    ['a name that is not a string', `["${SALT}", 1, 1]`],
    ['an empty name', `["${SALT}", "", 1]`],
    ['the name _sd', `["${SALT}", "_sd", ["x"]]`],
    ['the name ...', `["${SALT}", "...", 1]`],
    ['the name __proto__', `["${SALT}", "__proto__", {}]`],
  ])('refuses %s (ERR_MALFORMED)', async (_, json) => {
    await expectCode(() => parseDisclosure(disclosureOf(json)), 'ERR_MALFORMED')
  })
  it('reads any JSON value, null included', () => {
    for (const value of [null, 0, -1.5, 'x', [], {}, [1, { a: [true] }]]) {
      expect(parseDisclosure(disclosureOf(JSON.stringify([SALT, 'v', value]))).value).toEqual(value)
    }
  })
})

describe('properties', () => {
  const name = fc.string({ minLength: 1, maxLength: 12 }).filter((n) => !['_sd', '...', '__proto__'].includes(n))
  const value = fc
    .jsonValue({ maxDepth: 3 })
    .filter((v) => JSON.stringify(v).length < 600 && !JSON.stringify(v).includes('"__proto__"'))
  const claimsArb = fc.dictionary(name, value, { minKeys: 1, maxKeys: 8 })

  it('any set of claims round-trips, with any number of decoys', async () => {
    await fc.assert(
      fc.asyncProperty(claimsArb, fc.integer({ min: 0, max: 8 }), async (claims, decoys) => {
        const { claim, disclosures } = await discloseClaims(claims, { decoys })
        expect(claim._sd).toHaveLength(Object.keys(claims).length + decoys)
        expect(await checkDisclosures(claim, disclosures)).toEqual(JSON.parse(JSON.stringify(claims)))
      }),
      { numRuns: 60 },
    )
  })
  it('fuzzed strings are refused with ERR_TOO_LARGE or ERR_MALFORMED, never anything else', () => {
    const fuzz = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ maxLength: 80 }).map((s) => b64u(s)),
      fc.tuple(fc.jsonValue(), fc.jsonValue(), fc.jsonValue()).map((t) => b64u(JSON.stringify(t))),
      fc.jsonValue().map((v) => b64u(JSON.stringify(v))),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => b64u(bytes)),
    )
    fc.assert(
      fc.property(fuzz, (s) => {
        try {
          parseDisclosure(s)
        } catch (e) {
          expect(['ERR_TOO_LARGE', 'ERR_MALFORMED']).toContain((e as { code?: string }).code)
        }
      }),
      { numRuns: 2000 },
    )
  })
})
