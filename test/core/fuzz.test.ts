/**
 * Property tests and a mutation fuzzer for `verify` (10,000 cases each). Whatever it is given,
 * verify only ever rejects with an IntentcastError whose code is in ERROR_CODES (and never via its
 * internal catch-all, which would hide a bug), never accepts a mutated message unless the
 * mutation left the signed bytes untouched, and always answers promptly.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  countersign,
  digest,
  ERROR_CODES,
  IntentcastError,
  JWS_TYP,
  kidForDid,
  signAgreement,
  verify,
  type IntentcastErrorCode,
} from '../../src/index.js'
import {
  agreementBodyFor,
  b64u,
  customer,
  INTERNAL_FAILURE,
  signSamples,
  SOME_DIGEST,
  SOON,
  stranger,
  T0,
  vendor,
} from '../helpers/fixtures.js'

const RUNS = 10_000
/** Far more than any single verify needs; only a hang or pathological input could take this long. */
const CALL_LIMIT_MS = 2_000
const OPTIONS = { now: SOON }

const samples = await signSamples()
/** A small pool of valid tokens: one per serialization, plus a large one. */
const POOL = [samples.intent, samples.offer, samples.withdrawal, samples.agreement] as const
const POOL_DIGESTS = POOL.map((m) => digest(m))

const CODES = new Set<string>(ERROR_CODES)
const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const NOISE = `${B64U}.{}[]":,\\ =+/\u0000\u00e9\u{1f600}`

type Outcome = { ok: true; digest: string; ms: number } | { ok: false; code: IntentcastErrorCode; ms: number }

/** Calls `f` and classifies the outcome, failing the property on anything but an IntentcastError. */
async function probe(f: () => Promise<{ digest: string }>): Promise<Outcome> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CALL_LIMIT_MS} ms`)), CALL_LIMIT_MS)
  })
  try {
    const v = await Promise.race([f(), hang])
    return { ok: true, digest: v.digest, ms: performance.now() - started }
  } catch (e) {
    if (!(e instanceof IntentcastError)) throw new Error(`threw a non-IntentcastError: ${String(e)}`, { cause: e })
    if (!CODES.has(e.code)) throw new Error(`unknown code ${e.code}`, { cause: e })
    if (e.code === INTERNAL_FAILURE) throw new Error(`hit the internal catch-all: ${String(e.cause)}`, { cause: e })
    return { ok: false, code: e.code, ms: performance.now() - started }
  } finally {
    clearTimeout(timer)
  }
}

class Stats {
  readonly codes = new Map<string, number>()
  accepted = 0
  maxMs = 0
  note(o: Outcome): void {
    this.maxMs = Math.max(this.maxMs, o.ms)
    if (o.ok) this.accepted++
    else this.codes.set(o.code, (this.codes.get(o.code) ?? 0) + 1)
  }
  count(code: IntentcastErrorCode): number {
    return this.codes.get(code) ?? 0
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations.

type Mutation = (token: string) => string

interface AgreementJson {
  payload: string
  signatures: Array<{ protected: string; signature: string }>
}

/** The token as agreement JSON, when an earlier mutation left it parseable and shaped like one. */
function asAgreement(s: string): AgreementJson | undefined {
  if (!s.startsWith('{')) return undefined
  try {
    const j = JSON.parse(s) as AgreementJson
    return typeof j.payload === 'string' &&
      Array.isArray(j.signatures) &&
      j.signatures.length > 0 &&
      j.signatures.every((x) => typeof x === 'object' && x !== null)
      ? j
      : undefined
  } catch {
    return undefined
  }
}

const at = (s: string, i: number) => (s.length === 0 ? 0 : i % (s.length + 1))

const flip =
  (i: number, c: string): Mutation =>
  (s) => {
    const j = at(s, i) % Math.max(1, s.length)
    return s.slice(0, j) + c + s.slice(j + 1)
  }
const insert =
  (i: number, c: string): Mutation =>
  (s) => {
    const j = at(s, i)
    return s.slice(0, j) + c + s.slice(j)
  }
const remove =
  (i: number, n: number): Mutation =>
  (s) => {
    const j = at(s, i)
    return s.slice(0, j) + s.slice(j + n)
  }
const truncate =
  (i: number): Mutation =>
  (s) =>
    s.slice(0, at(s, i))

/** Permutes the three segments of a compact JWS, or the parts of an agreement. */
const swap =
  (a: number, b: number): Mutation =>
  (s) => {
    if (s.startsWith('{')) {
      const j = asAgreement(s)
      if (!j) return s
      const parts = [j.payload, ...j.signatures.flatMap((x) => [x.protected, x.signature])]
      const [x, y] = [a % parts.length, b % parts.length]
      ;[parts[x], parts[y]] = [parts[y]!, parts[x]!]
      const [payload, ...rest] = parts
      const signatures = []
      for (let k = 0; k + 1 < rest.length; k += 2) signatures.push({ protected: rest[k], signature: rest[k + 1] })
      return JSON.stringify({ payload, signatures })
    }
    const parts = s.split('.')
    const [x, y] = [a % parts.length, b % parts.length]
    ;[parts[x], parts[y]] = [parts[y]!, parts[x]!]
    return parts.join('.')
  }

/** Duplicates one segment in place of another. */
const duplicate =
  (a: number, b: number): Mutation =>
  (s) => {
    if (s.startsWith('{')) return s
    const parts = s.split('.')
    parts[b % parts.length] = parts[a % parts.length]!
    return parts.join('.')
  }

/** The signature of another token of the pool, or of the same token's other signer. */
const foreignSignature =
  (k: number): Mutation =>
  (s) => {
    const other = POOL[k % POOL.length]!
    const otherSig = other.startsWith('{') ? asAgreement(other)!.signatures[k % 2]!.signature : other.split('.')[2]!
    if (s.startsWith('{')) {
      const j = asAgreement(s)
      if (!j) return s
      j.signatures[k % j.signatures.length]!.signature = otherSig
      return JSON.stringify(j)
    }
    const parts = s.split('.')
    parts[parts.length - 1] = otherSig
    return parts.join('.')
  }

type Json = string | number | boolean | null | Json[] | { [k: string]: Json }

/** Re-encodes the payload (or, for a compact token, the header) with one member set, deleted or renamed. */
const reencode =
  (target: 'payload' | 'header', key: string, value: Json | undefined): Mutation =>
  (s) => {
    const edit = (segment: string): string => {
      let obj: Record<string, Json>
      try {
        obj = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, Json>
      } catch {
        return segment
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return segment
      const keys = Object.keys(obj)
      const name = keys.includes(key) || keys.length === 0 ? key : keys[key.length % keys.length]!
      if (value === undefined) delete obj[name]
      else obj[name] = value
      return b64u(JSON.stringify(obj))
    }
    if (s.startsWith('{')) {
      const j = asAgreement(s)
      if (!j) return s
      if (target === 'payload') j.payload = edit(j.payload)
      else j.signatures[0]!.protected = edit(j.signatures[0]!.protected)
      return JSON.stringify(j)
    }
    const parts = s.split('.')
    const i = target === 'payload' ? 1 : 0
    if (parts[i] !== undefined) parts[i] = edit(parts[i])
    return parts.join('.')
  }

/** JSON-level no-op edits of an agreement: whitespace and escapes, which change no signed byte. */
const jsonNoise =
  (i: number): Mutation =>
  (s) => {
    if (!s.startsWith('{')) return s
    const spots = [...s.matchAll(/[{}[\],:]/g)].map((m) => m.index)
    const j = spots[i % spots.length]! + 1
    return s.slice(0, j) + [' ', '\n', '\t', '\r\n '][i % 4] + s.slice(j)
  }

const CLAIMS = [
  'v',
  'iss',
  'iat',
  'exp',
  'jti',
  'aud',
  'want',
  'terms',
  'price',
  'parties',
  'refs',
  'withdraws',
  'alg',
  'typ',
  'kid',
  'extra',
]

const claimValue: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom<Json>(
    customer.did,
    vendor.did,
    stranger.did,
    kidForDid(stranger.did),
    'EdDSA',
    'none',
    JWS_TYP.offer,
    JWS_TYP.agreement,
    '0.1',
    Math.floor(T0.getTime() / 1000),
    0,
    -1,
    1e300,
    1.5,
    SOME_DIGEST,
    { amount: '1.00', currency: 'EUR' },
    { amount: 1, currency: 'EUR' },
    { customer: vendor.did, vendor: customer.did },
    [],
    {},
    null,
    true,
  ),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
)

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...NOISE)).map(([i, c]) => flip(i, c)), weight: 4 },
  { arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...NOISE)).map(([i, c]) => insert(i, c)), weight: 3 },
  { arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })).map(([i, n]) => remove(i, n)), weight: 3 },
  { arbitrary: fc.nat().map(truncate), weight: 1 },
  { arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => swap(a, b)), weight: 2 },
  { arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => duplicate(a, b)), weight: 1 },
  { arbitrary: fc.nat().map(foreignSignature), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom<'payload' | 'header'>('payload', 'header'), fc.constantFrom(...CLAIMS), claimValue)
      .map(([t, k, v]) => reencode(t, k, v)),
    weight: 4,
  },
  { arbitrary: fc.nat().map(jsonNoise), weight: 1 },
)

/** The signed content of a token: for an agreement, its payload and signatures (JSON spelling aside). */
function signedContent(token: string): string {
  if (!token.startsWith('{')) return token
  try {
    // Member order is JSON spelling too: rebuild in one order before comparing.
    const j = JSON.parse(token) as {
      payload?: unknown
      signatures?: Array<{ protected?: unknown; signature?: unknown }>
    }
    const sigs = Array.isArray(j.signatures)
      ? j.signatures.map((x) => ({ protected: x?.protected, signature: x?.signature }))
      : j.signatures
    return JSON.stringify({ payload: j.payload, signatures: sigs })
  } catch {
    return `unparseable:${token}`
  }
}

// ---------------------------------------------------------------------------------------------

describe('fuzz: random input to verify', () => {
  it(`random strings (${RUNS} cases) are rejected with a code`, async () => {
    const stats = new Stats()
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: fc.constantFrom(...`${B64U}.`), maxLength: 400 }),
      fc.string({ unit: fc.constantFrom(...'{}[]":,.\\ ue0123456789abcdefnulltrs_'), maxLength: 200 }),
      fc.tuple(fc.nat({ max: 200_000 }), fc.constantFrom('A', '.', '{', '[')).map(([n, c]) => c.repeat(n)),
    )
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        const o = await probe(() => verify(s, OPTIONS))
        stats.note(o)
        if (o.ok) throw new Error('a random string was accepted')
        if (s.length > 65_536 && o.code !== 'ERR_TOO_LARGE') throw new Error('an oversized string was parsed')
      }),
      { numRuns: RUNS },
    )
    expect(stats.accepted).toBe(0)
    expect(stats.count('ERR_MALFORMED')).toBeGreaterThan(RUNS / 2)
    expect(stats.maxMs).toBeLessThan(CALL_LIMIT_MS)
  })

  it(`random JWS-shaped tokens (${RUNS} cases) reach the later checks and are rejected with a code`, async () => {
    const stats = new Stats()
    const header = fc.record(
      {
        alg: fc.oneof(
          fc.constant('EdDSA'),
          fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'eddsa'),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        typ: fc.oneof(fc.constantFrom(...Object.values(JWS_TYP)), fc.string()),
        kid: fc.oneof(
          fc.constantFrom(kidForDid(customer.did), kidForDid(vendor.did), 'did:web:x.example#k', `${customer.did}#x`),
          fc.string(),
        ),
        jwk: fc.constant(vendor.publicJwk),
      },
      { requiredKeys: [] },
    )
    const payload = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record(
        {
          v: fc.constantFrom('0.1', '0.2', 1),
          iss: fc.constantFrom(customer.did, vendor.did, 'did:web:x.example'),
          iat: fc.integer({ min: -10, max: 2 ** 40 }),
          exp: fc.integer({ min: -10, max: 2 ** 40 }),
          jti: fc.string({ minLength: 0, maxLength: 70 }),
          want: fc.jsonValue({ maxDepth: 3 }),
          terms: fc.jsonValue({ maxDepth: 3 }),
        },
        { requiredKeys: [] },
      ),
    )
    const token = fc
      .tuple(header, payload, fc.uint8Array({ maxLength: 70 }))
      .map(([h, p, s]) => `${b64u(JSON.stringify(h))}.${b64u(JSON.stringify(p) ?? '')}.${b64u(s)}`)
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        const o = await probe(() => verify(t, OPTIONS))
        stats.note(o)
        if (o.ok) throw new Error('an unsigned token was accepted')
      }),
      { numRuns: RUNS },
    )
    expect(stats.accepted).toBe(0)
    // The shapes are close enough to real ones to exercise the checks past parsing.
    for (const code of [
      'ERR_MALFORMED',
      'ERR_UNSUPPORTED_ALG',
      'ERR_TYPE_MISMATCH',
      'ERR_ISSUER_MISMATCH',
      'ERR_SIGNATURE_INVALID',
    ] as const) {
      expect(stats.count(code), code).toBeGreaterThan(0)
    }
  })

  it(`values that are not strings (${RUNS} cases) are ERR_MALFORMED`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .anything({
            withBigInt: true,
            withMap: true,
            withSet: true,
            withTypedArray: true,
            withDate: true,
            withNullPrototype: true,
            withBoxedValues: true,
          })
          .filter((x) => typeof x !== 'string'),
        async (x) => {
          const o = await probe(() => verify(x, OPTIONS))
          if (o.ok || o.code !== 'ERR_MALFORMED') throw new Error(`a ${typeof x} gave ${o.ok ? 'success' : o.code}`)
        },
      ),
      { numRuns: RUNS },
    )
  })
})

describe('fuzz: mutated valid tokens', () => {
  it('the pool verifies unmutated', async () => {
    for (const [i, t] of POOL.entries()) expect((await verify(t, OPTIONS)).digest).toBe(POOL_DIGESTS[i])
  })

  it(`mutations (${RUNS} cases) are rejected with a code unless they leave the signed bytes as they were`, async () => {
    const stats = new Stats()
    let noOps = 0
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: POOL.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (k, mutations) => {
          const original = POOL[k]!
          let mutated: string = original
          for (const m of mutations) mutated = m(mutated)
          const o = await probe(() => verify(mutated, OPTIONS))
          stats.note(o)
          if (o.ok) {
            // Only a mutation that changed nothing signed may pass: the same compact token, or the
            // same agreement JSON spelled differently.
            if (signedContent(mutated) !== signedContent(original))
              throw new Error(`accepted a tampered message: ${mutated}`)
            if (o.digest !== POOL_DIGESTS[k]) throw new Error('accepted with another digest')
            noOps++
          }
        },
      ),
      { numRuns: RUNS },
    )
    // The fuzzer must reach the signature and the checks around it, not only the parser.
    expect(stats.count('ERR_SIGNATURE_INVALID')).toBeGreaterThan(RUNS / 20)
    expect(stats.count('ERR_MALFORMED')).toBeGreaterThan(RUNS / 20)
    expect(
      stats.count('ERR_ISSUER_MISMATCH') + stats.count('ERR_TYPE_MISMATCH') + stats.count('ERR_UNSUPPORTED_ALG'),
    ).toBeGreaterThan(0)
    expect(stats.accepted).toBe(noOps)
    expect(stats.maxMs).toBeLessThan(CALL_LIMIT_MS)
  })

  it(`countersign (${RUNS} cases) on a mutated half-signed agreement throws only IntentcastErrors`, async () => {
    // countersign parses and verifies hostile input outside verify's catch-all, so it gets its own run.
    const half = await signAgreement(
      agreementBodyFor({ intent: SOME_DIGEST, offer: SOME_DIGEST, acceptance: SOME_DIGEST }),
      customer,
      { now: T0, jti: 'fuzz-agreement-jti' },
    )
    const halfContent = signedContent(half)
    const stats = new Stats()
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), async (mutations) => {
        let mutated = half
        for (const m of mutations) mutated = m(mutated)
        const o = await probe(async () => ({ digest: digest(await countersign(mutated, vendor, OPTIONS)) }))
        stats.note(o)
        if (o.ok && signedContent(mutated) !== halfContent)
          throw new Error(`countersigned a tampered agreement: ${mutated}`)
      }),
      { numRuns: RUNS },
    )
    expect(stats.count('ERR_SIGNATURE_INVALID')).toBeGreaterThan(0)
  })
})
