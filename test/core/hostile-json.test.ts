/**
 * Hostile JSON: every message here is validly signed by hand, so what refuses it is the JSON
 * handling (or the schema), never the signature. None may touch a prototype.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, parseJsonStrict } from '../../src/lib/json.js'
import { digest, signIntent, verify, type IntentBody, type VerifyOptions } from '../../src/index.js'
import {
  agreementBodyFor,
  b64u,
  claimsFor,
  customer,
  expectCode,
  headerFor,
  intentBody,
  intentPayload,
  signAgreementByHand,
  signCompact,
  signSamples,
  SOME_DIGEST,
  SOON,
  T0s,
  vendor,
} from '../helpers/fixtures.js'

const opts: VerifyOptions = { now: SOON }
const samples = await signSamples()

/** The JSON text of a valid intent payload with `inject` spliced in as raw members after `{`. */
const intentJsonWith = (inject: string, jti = 'hostile-jti-0001'): string =>
  `{${inject},${JSON.stringify(intentPayload(customer, jti)).slice(1)}`
/** The same, with raw text spliced into the item object. */
const itemJsonWith = (inject: string): string => {
  const json = JSON.stringify(intentPayload())
  return json.replace('"item":{', `"item":{${inject},`)
}

const signedIntent = (json: string) => signCompact(headerFor('intent'), json)

function assertNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  expect(Object.prototype).not.toHaveProperty('polluted')
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted')
  expect((Object as unknown as Record<string, unknown>).polluted).toBeUndefined()
  expect(Array.prototype).not.toHaveProperty('polluted')
}

const protoNamesBefore = Object.getOwnPropertyNames(Object.prototype).sort()
beforeAll(assertNoPollution)
afterAll(() => {
  assertNoPollution()
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNamesBefore)
})

describe('__proto__ keys are refused: ERR_MALFORMED', () => {
  it.each([
    ['top level', intentJsonWith('"__proto__":{"polluted":"yes"}')],
    ['top level, escaped as \\u005f', intentJsonWith('"\\u005f_proto__":{"polluted":"yes"}')],
    [
      'top level, fully escaped',
      intentJsonWith('"\\u005f\\u005f\\u0070\\u0072\\u006f\\u0074\\u006f\\u005f\\u005f":{"polluted":"yes"}'),
    ],
    ['nested in the item', itemJsonWith('"__proto__":{"polluted":"yes"}')],
    [
      'nested in attributes',
      JSON.stringify(intentPayload()).replace('"attributes":{', '"attributes":{"__proto__":{"polluted":"yes"},'),
    ],
    ['as a null prototype', intentJsonWith('"__proto__":null')],
    [
      'inside an array of objects',
      JSON.stringify(intentPayload()).replace('"conditions":[{', '"conditions":[{"__proto__":{"polluted":"yes"},'),
    ],
  ])('in the payload: %s', async (_, json) => {
    await expectCode(verify(await signedIntent(json), opts), 'ERR_MALFORMED')
    assertNoPollution()
  })

  it('in the protected header', async () => {
    const header = `{"__proto__":{"polluted":"yes"},${JSON.stringify(headerFor('intent')).slice(1)}`
    await expectCode(verify(await signCompact(header, intentPayload())), 'ERR_MALFORMED')
    assertNoPollution()
  })

  it('in the agreement JSON envelope and in an agreement signature entry', async () => {
    const [first, ...rest] = samples.agreement
    expect(first).toBe('{')
    await expectCode(verify(`{"__proto__":{"polluted":"yes"},${rest.join('')}`, opts), 'ERR_MALFORMED')
    await expectCode(
      verify(samples.agreement.replace('"signatures":[{', '"signatures":[{"__proto__":{"polluted":"yes"},'), opts),
      'ERR_MALFORMED',
    )
    assertNoPollution()
  })

  it('a key that merely contains __proto__ is an ordinary (unknown) key', async () => {
    await expectCode(verify(await signedIntent(intentJsonWith('"x__proto__":1')), opts), 'ERR_SCHEMA')
  })
})

describe('constructor keys are refused', () => {
  it('at the top level of the payload: ERR_SCHEMA (an unknown claim)', async () => {
    await expectCode(
      verify(await signedIntent(intentJsonWith('"constructor":{"prototype":{"polluted":"yes"}}')), opts),
      'ERR_SCHEMA',
    )
    assertNoPollution()
  })

  it('nested in the item or the money: ERR_SCHEMA', async () => {
    await expectCode(
      verify(await signedIntent(itemJsonWith('"constructor":{"prototype":{"polluted":"yes"}}')), opts),
      'ERR_SCHEMA',
    )
    const json = JSON.stringify(intentPayload()).replace(
      '"maxPrice":{',
      '"maxPrice":{"constructor":{"prototype":{"polluted":"yes"}},',
    )
    await expectCode(verify(await signedIntent(json), opts), 'ERR_SCHEMA')
    assertNoPollution()
  })

  it.each([
    ['constructor', 'ERR_SCHEMA'],
    ['__proto__', 'ERR_MALFORMED'],
  ] as const)('as an item attribute name (%s), where keys are otherwise free: %s', async (key, code) => {
    const json = JSON.stringify(intentPayload()).replace('"attributes":{', `"attributes":{"${key}":"x",`)
    await expectCode(verify(await signedIntent(json), opts), code)
    // and nothing with such a key can be signed either
    const body = {
      ...intentBody,
      want: { ...intentBody.want, item: { name: 'X', attributes: JSON.parse(`{"${key}":"x"}`) } },
    } as IntentBody
    await expectCode(signIntent(body, customer), 'ERR_INVALID_ARGUMENT')
    assertNoPollution()
  })

  it('in the header or the agreement envelope: ERR_MALFORMED (no extra members)', async () => {
    const header = { ...headerFor('intent'), constructor: { prototype: { polluted: 'yes' } } }
    await expectCode(verify(await signCompact(header, intentPayload()), opts), 'ERR_MALFORMED')
    await expectCode(
      verify(`{"constructor":{"prototype":{"polluted":"yes"}},${samples.agreement.slice(1)}`, opts),
      'ERR_MALFORMED',
    )
    assertNoPollution()
  })
})

describe('duplicate keys are refused: ERR_MALFORMED', () => {
  it('top level: a second iss naming another party', async () => {
    // JSON.parse would keep the last one; two readers could see two issuers.
    await expectCode(verify(await signedIntent(intentJsonWith(`"iss":"${vendor.did}"`)), opts), 'ERR_MALFORMED')
  })

  it('top level: a second exp', async () => {
    await expectCode(verify(await signedIntent(intentJsonWith(`"exp":${T0s + 10 ** 8}`)), opts), 'ERR_MALFORMED')
  })

  it('top level: the duplicate spelled with an escape', async () => {
    await expectCode(verify(await signedIntent(intentJsonWith('"\\u0065xp":1')), opts), 'ERR_MALFORMED')
  })

  it('nested: a second name in the item', async () => {
    await expectCode(verify(await signedIntent(itemJsonWith('"name":"Car"')), opts), 'ERR_MALFORMED')
  })

  it('nested: a second amount in the money', async () => {
    const json = JSON.stringify(intentPayload()).replace('"maxPrice":{', '"maxPrice":{"amount":"1.00",')
    await expectCode(verify(await signedIntent(json), opts), 'ERR_MALFORMED')
  })

  it('nested deeper: inside an object in an array', async () => {
    const json = JSON.stringify(intentPayload()).replace('"conditions":[{', '"conditions":[{"required":false,')
    await expectCode(verify(await signedIntent(json), opts), 'ERR_MALFORMED')
  })

  it('the same key in sibling objects is fine', async () => {
    // Two conditions: `id` and `value` appear once in each of two sibling objects.
    const p = intentPayload()
    const terms = {
      agreements: ['SD-BASE'],
      conditions: [
        { id: 'no-resale', value: true },
        { id: 'deletion-on-request', value: true },
      ],
    }
    const v = await verify(await signedIntent(JSON.stringify({ ...p, terms })), opts)
    expect(v.kind === 'intent' && v.payload.terms.conditions).toHaveLength(2)
  })

  it('in the header: a second alg', async () => {
    const h = headerFor('intent')
    await expectCode(
      verify(await signCompact(`{"alg":"none",${JSON.stringify(h).slice(1)}`, intentPayload()), opts),
      'ERR_MALFORMED',
    )
    await expectCode(
      verify(await signCompact(`${JSON.stringify(h).slice(0, -1)},"alg":"none"}`, intentPayload()), opts),
      'ERR_MALFORMED',
    )
    await expectCode(
      verify(await signCompact(`${JSON.stringify(h).slice(0, -1)},"kid":"${vendor.did}"}`, intentPayload()), opts),
      'ERR_MALFORMED',
    )
  })

  it('in the agreement envelope: a second payload or signatures', async () => {
    const { payload } = JSON.parse(samples.agreement) as { payload: string }
    await expectCode(verify(`{"payload":"${SOME_DIGEST}",${samples.agreement.slice(1)}`, opts), 'ERR_MALFORMED')
    await expectCode(verify(`${samples.agreement.slice(0, -1)},"payload":"${payload}"}`, opts), 'ERR_MALFORMED')
    await expectCode(verify(`${samples.agreement.slice(0, -1)},"signatures":[]}`, opts), 'ERR_MALFORMED')
  })

  it('in an agreement payload', async () => {
    const body = {
      v: '0.1',
      iat: T0s,
      jti: 'agreement-jti-9',
      ...agreementBodyFor({ intent: SOME_DIGEST, offer: SOME_DIGEST, acceptance: SOME_DIGEST }),
    }
    const json = JSON.stringify(body).replace('"parties":{', `"parties":{"vendor":"${customer.did}",`)
    await expectCode(verify(await signAgreementByHand(json, [customer, vendor]), opts), 'ERR_MALFORMED')
  })
})

describe('deep nesting is refused quickly: ERR_MALFORMED', () => {
  it.each([
    ['arrays', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
    ['objects', (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`],
    ['unclosed arrays', (n: number) => '['.repeat(n)],
  ])('10,000 levels of %s in the payload, the header and the agreement envelope', async (_, nest) => {
    const big = { ...opts, maxBytes: 1_000_000 } // 10,000 levels of objects take more than the default 64 KiB
    const started = performance.now()
    await expectCode(verify(await signedIntent(intentJsonWith(`"deep":${nest(10_000)}`)), big), 'ERR_MALFORMED')
    await expectCode(
      verify(
        await signCompact(`{"deep":${nest(10_000)},${JSON.stringify(headerFor('intent')).slice(1)}`, intentPayload()),
        big,
      ),
      'ERR_MALFORMED',
    )
    await expectCode(verify(`{"x":${nest(10_000)},${samples.agreement.slice(1)}`, big), 'ERR_MALFORMED')
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('a million levels, with the size limit raised, still fails with a code and not a RangeError', async () => {
    const deep = `{"payload":${'['.repeat(1_000_000)}`
    await expectCode(verify(deep, { ...opts, maxBytes: 10_000_000 }), 'ERR_MALFORMED')
    const token = `${b64u(`{"a":${'['.repeat(500_000)}`)}.${b64u('{}')}.AA`
    await expectCode(verify(token, { ...opts, maxBytes: 10_000_000 }), 'ERR_MALFORMED')
  })

  it(`the limit is ${MAX_JSON_DEPTH} levels, brackets inside strings do not count`, () => {
    const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`
    expect(() => parseJsonStrict(nest(MAX_JSON_DEPTH), 'test')).not.toThrow()
    expect(() => parseJsonStrict(nest(MAX_JSON_DEPTH + 1), 'test')).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED' }),
    )
    expect(parseJsonStrict(`{"a":"${'['.repeat(1000)}\\"{{{"}`, 'test')).toEqual({ a: `${'['.repeat(1000)}"{{{` })
  })
})

describe('very long strings', () => {
  it('over the size limit: ERR_TOO_LARGE before any parsing', async () => {
    const json = intentJsonWith(`"x":"${'a'.repeat(70_000)}"`)
    await expectCode(verify(await signedIntent(json), opts), 'ERR_TOO_LARGE')
  })

  it('within a raised limit: parsed in linear time and refused by the schema', async () => {
    const p = intentPayload()
    const long = 'a'.repeat(3_000_000)
    const name = { ...p, want: { item: { name: long } } }
    const started = performance.now()
    await expectCode(
      verify(await signCompact(headerFor('intent'), name), { ...opts, maxBytes: 5_000_000 }),
      'ERR_SCHEMA',
    )
    const key = JSON.stringify(p).replace('"attributes":{', `"attributes":{"${'k'.repeat(1_000_000)}":"v",`)
    await expectCode(
      verify(await signCompact(headerFor('intent'), key), { ...opts, maxBytes: 5_000_000 }),
      'ERR_SCHEMA',
    )
    const escaped = JSON.stringify(p).replace('"attributes":{', `"attributes":{"${'\\u0061'.repeat(200_000)}":"v",`)
    await expectCode(
      verify(await signCompact(headerFor('intent'), escaped), { ...opts, maxBytes: 5_000_000 }),
      'ERR_SCHEMA',
    )
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('a long kid: ERR_MALFORMED', async () => {
    await expectCode(
      verify(
        await signCompact({ ...headerFor('intent'), kid: `${customer.did}#${'k'.repeat(100_000)}` }, intentPayload()),
        { ...opts, maxBytes: 1_000_000 },
      ),
      'ERR_MALFORMED',
    )
  })
})

describe('non-UTF-8 and odd text', () => {
  it('invalid UTF-8 in a string value of a validly signed payload: ERR_MALFORMED', async () => {
    const text = JSON.stringify({ ...intentPayload(), want: { item: { name: 'AB' } } })
    const bytes = new TextEncoder().encode(text)
    const i = text.indexOf('AB')
    bytes[i] = 0xc3 // a two-byte lead...
    bytes[i + 1] = 0x28 // ...followed by '(' instead of a continuation byte
    await expectCode(verify(await signCompact(headerFor('intent'), bytes), opts), 'ERR_MALFORMED')
  })

  it('Latin-1 bytes (a sender that did not encode as UTF-8): ERR_MALFORMED', async () => {
    const text = JSON.stringify({ ...intentPayload(), want: { item: { name: 'Caf\u00e9' } } })
    const latin1 = Uint8Array.from(Buffer.from(text, 'latin1'))
    await expectCode(verify(await signCompact(headerFor('intent'), latin1), opts), 'ERR_MALFORMED')
    // The same text as UTF-8 is fine.
    expect((await verify(await signCompact(headerFor('intent'), text), opts)).payload).toMatchObject({
      want: { item: { name: 'Caf\u00e9' } },
    })
  })

  it('a NUL or other control character in free text: ERR_SCHEMA', async () => {
    for (const name of ['a\u0000b', 'a\u001bb', 'a\u007fb']) {
      await expectCode(
        verify(await signCompact(headerFor('intent'), { ...intentPayload(), want: { item: { name } } }), opts),
        'ERR_SCHEMA',
      )
    }
  })

  it('digest() of hostile agreement JSON fails with a code, never a TypeError', async () => {
    for (const text of ['{}"x"', '{"a":1}{"b":2}', '{]', '{"payload":"a","signatures":[{}]}', `{${'['.repeat(100)}`]) {
      await expectCode(() => digest(text), 'ERR_MALFORMED')
    }
  })
})

describe('parseJsonStrict: the structural scan in front of JSON.parse', () => {
  it.each([
    ['a value after a closed object', '{}"x"'],
    ['a value after a closed array', '[]"x"'],
    ['a key after a closed object', '{"a":{}"b"}'],
    ['an escaped duplicate', '{"a":1,"\\u0061":2}'],
    ['a duplicate after a nested object', '{"a":{"b":1},"a":2}'],
    ['a duplicate after a nested array', '{"a":[1,{"a":1}],"a":2}'],
    ['a bad escape in a key', '{"\\x41":1}'],
    ['a lone closing brace', '}'],
    ['an array where a key belongs', '{["x"]}'],
    ['an array where a key belongs, after a comma', '{"a":1,["x"]}'],
  ])('refuses %s with ERR_MALFORMED', (_, text) => {
    let error: unknown
    try {
      parseJsonStrict(text, 'test')
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ name: 'IntentcastError', code: 'ERR_MALFORMED' })
  })

  it('keeps keys that repeat in different objects, and the same text as a value', () => {
    expect(parseJsonStrict('{"a":{"a":1},"b":[{"a":2},{"a":3}],"c":"a"}', 'test')).toEqual({
      a: { a: 1 },
      b: [{ a: 2 }, { a: 3 }],
      c: 'a',
    })
    expect(parseJsonStrict('{"k":"\\"__proto__\\""}', 'test')).toEqual({ k: '"__proto__"' })
    expect(parseJsonStrict('{"__proto":1,"proto__":2}', 'test')).toEqual({ __proto: 1, proto__: 2 })
  })
})

describe('signIntent never produces hostile JSON', () => {
  it('an own __proto__ member in a body cannot reach the payload', async () => {
    const body = JSON.parse(
      `{"want":{"item":{"name":"X"}},"terms":{"agreements":["SD-BASE"]},"__proto__":{"polluted":"yes"}}`,
    ) as IntentBody
    await expectCode(signIntent(body, customer), 'ERR_INVALID_ARGUMENT')
    assertNoPollution()
  })

  it('a signed intent verifies with a plain Object prototype on every object', async () => {
    const v = await verify(await signIntent(intentBody, customer, { now: new Date(T0s * 1000) }), opts)
    const walk = (o: unknown): void => {
      if (typeof o !== 'object' || o === null) return
      expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(o))
      for (const v of Object.values(o)) walk(v)
    }
    walk(v.payload)
    expect(claimsFor().v).toBe(v.payload.v)
  })
})
