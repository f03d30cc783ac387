/**
 * Why this test exists: src/model/strict-object.ts builds `strictObject` on zod internals that
 * are not part of zod's documented API — `core.$constructor`, `core.$ZodObjectJIT` (zod
 * classic's compiled object parser) and the `init` of `z.ZodMiniType` — so that zod/mini schemas
 * parse on the compiled parser. Every message schema of the protocol is built with it. zod may
 * rename, reshape or change the behaviour of these internals in any minor release, which is why
 * package.json pins zod to one minor (`~4.6.x`) rather than `^4`.
 *
 * Before moving the pin to another minor, run this file against it. It fails loudly if:
 * - the pin in package.json is not a `~` range on the installed minor (someone widened it);
 * - the internals are gone or no longer constructors;
 * - `strictObject` no longer builds a `$ZodObjectJIT`, or no longer takes the compiled path;
 * - it parses anything differently from zod/mini's own `z.strictObject`: the same data (values
 *   and key order) for valid input, the same issues (code, path, message, keys) for invalid
 *   input, synchronously and asynchronously, and with zod's JIT switched off (a page whose CSP
 *   forbids eval).
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod/mini'
import * as core from 'zod/v4/core'
import { strictObject } from '../../src/model/strict-object.js'

type StrictObject = <T extends core.$ZodLooseShape>(shape: T) => z.ZodMiniObject<T, core.$strict>

const ours: StrictObject = strictObject
const minis: StrictObject = (shape) => z.strictObject(shape)

/**
 * One schema tree built twice, once with each `strictObject`: the field kinds the protocol's
 * schemas use (strings with checks, ints, literals, enums, arrays, optionals, refinements,
 * nested strict objects), every optional flavour the compiled parser generates code for
 * (optional, exact optional, default, prefault), and keys that must be escaped in generated code.
 */
function tree(obj: StrictObject) {
  const money = obj({ amount: z.string().check(z.regex(/^\d+(\.\d{1,2})?$/)), currency: z.enum(['EUR', 'USD']) })
  const term = obj({ id: z.string().check(z.minLength(1), z.maxLength(16)), value: z.union([z.string(), z.boolean()]) })
  return obj({
    v: z.literal('0.1'),
    kind: z.enum(['intent', 'offer']),
    quantity: z.int().check(z.minimum(1), z.maximum(1000)),
    price: money,
    terms: z.optional(obj({ agreement: z.string(), conditions: z.array(term).check(z.maxLength(3)) })),
    note: z.optional(z.string()),
    exact: z.exactOptional(z.string()),
    flag: z._default(z.boolean(), false),
    pre: z.prefault(z.string(), 'x'),
    'odd-key': z.optional(z.string()),
    "quo'te": z.optional(z.string()),
    'has space': z.optional(z.string()),
    even: z.optional(z.int().check(z.refine((n) => n % 2 === 0, 'must be even'))),
  })
}

const OURS = tree(ours)
const MINI = tree(minis)

const valid = { v: '0.1', kind: 'offer', quantity: 2, price: { amount: '10.50', currency: 'EUR' } }

/** Valid inputs: every optional present or absent, explicit undefined where allowed. */
const VALID: [string, unknown][] = [
  ['minimal', valid],
  [
    'everything present',
    {
      ...valid,
      terms: { agreement: 'SD-BASE', conditions: [{ id: 'a', value: true }] },
      note: 'n',
      exact: 'e',
      flag: true,
      pre: 'p',
      'odd-key': 'o',
      "quo'te": 'q',
      'has space': 's',
      even: 4,
    },
  ],
  ['optional given as undefined', { ...valid, note: undefined, terms: undefined }],
  ['keys in another order', { price: { currency: 'USD', amount: '1' }, quantity: 1, kind: 'intent', v: '0.1' }],
]

/** Invalid inputs: the issue kinds `verify` turns into ERR_SCHEMA. */
const INVALID: [string, unknown][] = [
  ['not an object', 'offer'],
  ['null', null],
  ['an array', [valid]],
  ['empty object', {}],
  ['one unknown key', { ...valid, extra: 1 }],
  ['several unknown keys', { ...valid, extra: 1, more: 2 }],
  ['unknown key in a nested object', { ...valid, price: { ...valid.price, rate: 1 } }],
  [
    'unknown key inside an array element',
    { ...valid, terms: { agreement: 'A', conditions: [{ id: 'a', value: 'b', x: 1 }] } },
  ],
  ['missing required key', { v: '0.1', kind: 'offer', price: valid.price }],
  ['wrong literal', { ...valid, v: '0.2' }],
  ['wrong enum', { ...valid, kind: 'counter' }],
  ['float for int', { ...valid, quantity: 1.5 }],
  ['below minimum', { ...valid, quantity: 0 }],
  ['pattern mismatch', { ...valid, price: { amount: '1.234', currency: 'EUR' } }],
  [
    'too many array items',
    { ...valid, terms: { agreement: 'A', conditions: [1, 2, 3, 4].map((n) => ({ id: `t${n}`, value: true })) } },
  ],
  ['union mismatch', { ...valid, terms: { agreement: 'A', conditions: [{ id: 'a', value: 1 }] } }],
  ['exact optional given undefined', { ...valid, exact: undefined }],
  ['refinement fails', { ...valid, even: 3 }],
  ['escaped keys with wrong types', { ...valid, 'odd-key': 1, "quo'te": 2, 'has space': 3 }],
  ['several faults at once', { v: 1, kind: 2, quantity: 'x', price: null, extra: true }],
  [
    '__proto__ as own key',
    JSON.parse('{"v":"0.1","kind":"offer","quantity":2,"price":{"amount":"1","currency":"EUR"},"__proto__":{"x":1}}'),
  ],
]

/** The finished result: data (with its key order) on success, the issues on failure. */
function outcome(result: { success: true; data: unknown } | { success: false; error: core.$ZodError }) {
  return result.success
    ? { success: true, data: result.data, keys: JSON.stringify(result.data) }
    : { success: false, issues: result.error.issues }
}

afterEach(() => {
  vi.restoreAllMocks()
  core.config({ jitless: false })
})

describe('the zod pin', () => {
  it('package.json pins zod to the installed minor with a ~ range', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>
    }
    const range = pkg.dependencies['zod']
    const installed = `${core.version.major}.${core.version.minor}`
    expect(range, 'zod must stay pinned to one minor (~x.y.z): src/model/strict-object.ts uses zod internals').toMatch(
      /^~\d+\.\d+\.\d+$/,
    )
    expect(range!.slice(1).split('.').slice(0, 2).join('.'), `installed zod is ${installed}`).toBe(installed)
  })
})

describe('the zod internals strict-object.ts relies on', () => {
  it('exist and are constructors with init', () => {
    expect(typeof core.$constructor).toBe('function')
    expect(typeof core.$ZodObjectJIT).toBe('function')
    expect(typeof core.$ZodObjectJIT.init).toBe('function')
    expect(typeof z.ZodMiniType).toBe('function')
    expect(typeof z.ZodMiniType.init).toBe('function')
    expect(typeof core.Doc.prototype.compile).toBe('function')
  })

  it('strictObject builds a $ZodObjectJIT that is also a zod/mini type with the mini API', () => {
    const schema = strictObject({ a: z.string() })
    expect(schema).toBeInstanceOf(core.$ZodObjectJIT)
    expect(schema).toBeInstanceOf(core.$ZodObject)
    expect(schema).toBeInstanceOf(z.ZodMiniType)
    expect(schema._zod.def.type).toBe('object')
    expect(schema._zod.def.catchall).toBeInstanceOf(core.$ZodNever)
    for (const method of ['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'check', 'clone'] as const) {
      expect(typeof schema[method], method).toBe('function')
    }
    // zod/mini's own strictObject is the interpreted parser: the comparison below is not vacuous.
    expect(z.strictObject({ a: z.string() })).not.toBeInstanceOf(core.$ZodObjectJIT)
  })

  it('strictObject parses on the compiled path (zod/mini does not)', () => {
    const compile = vi.spyOn(core.Doc.prototype, 'compile')
    const schema = strictObject({ a: z.string(), b: z.optional(z.int()) })
    expect(schema.safeParse({ a: 'x' }).success).toBe(true)
    expect(compile).toHaveBeenCalledTimes(1)
    expect(schema.safeParse({ a: 'y', b: 1 }).success).toBe(true)
    expect(compile, 'the compiled parser is built once and reused').toHaveBeenCalledTimes(1)

    compile.mockClear()
    expect(z.strictObject({ a: z.string() }).safeParse({ a: 'x' }).success).toBe(true)
    expect(compile).not.toHaveBeenCalled()
  })

  it('refuses an unknown key with the same issue as zod/mini: unrecognized_keys at the object', () => {
    const input = { ...valid, extra: 1 }
    const ourResult = OURS.safeParse(input)
    expect(ourResult.success).toBe(false)
    expect(ourResult.error!.issues).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', keys: ['extra'], path: [] }),
    ])
    expect(ourResult.error!.issues).toStrictEqual(MINI.safeParse(input).error!.issues)
  })
})

describe('strictObject behaves exactly like zod/mini strictObject', () => {
  it.each(VALID)('valid: %s', (_, input) => {
    const ourResult = outcome(OURS.safeParse(input))
    expect(ourResult.success).toBe(true)
    expect(ourResult).toStrictEqual(outcome(MINI.safeParse(input)))
  })

  it.each(INVALID)('invalid: %s', (_, input) => {
    const ourResult = outcome(OURS.safeParse(input))
    expect(ourResult.success).toBe(false)
    expect(ourResult).toStrictEqual(outcome(MINI.safeParse(input)))
  })

  it.each([...VALID, ...INVALID])('async parse: %s', async (_, input) => {
    expect(outcome(await OURS.safeParseAsync(input))).toStrictEqual(outcome(await MINI.safeParseAsync(input)))
  })

  it('keys named like Object.prototype members read the same (inherited values included)', () => {
    const shape = () => ({ constructor: z.optional(z.string()), toString: z.optional(z.string()) })
    for (const input of [{}, { constructor: 'c', toString: 't' }, { constructor: 1 }]) {
      expect(outcome(ours(shape()).safeParse(input))).toStrictEqual(outcome(minis(shape()).safeParse(input)))
    }
  })

  it('with the JIT off (a CSP without eval): the same results, and nothing compiled', () => {
    core.config({ jitless: true })
    const compile = vi.spyOn(core.Doc.prototype, 'compile')
    const jitless = tree(ours)
    for (const [name, input] of [...VALID, ...INVALID]) {
      expect(outcome(jitless.safeParse(input)), name).toStrictEqual(outcome(MINI.safeParse(input)))
    }
    expect(compile).not.toHaveBeenCalled()
  })
})
