/**
 * The element's declaration check (src/r-button/declaration.ts) against the SDK's
 * `verify(jws, { expect: 'terms' })`: on the spec's message vectors and on generated
 * declarations broken in one or two places (header, payload, signature, clock, envelope), both
 * give the same verified payload or fail with the same code. This is what keeps the element,
 * which cannot carry `verify`, exactly as strict as it.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { signEd25519 } from '../../src/crypto/index.js'
import { verify } from '../../src/envelope/verify.js'
import { IntentcastError } from '../../src/errors.js'
import { didFromPublicKey, kidForDid } from '../../src/keys/did-key.js'
import { keyPairFromSeed, type KeyPair } from '../../src/keys/key-pair.js'
import { encodeBase64url } from '../../src/lib/base64url.js'
import { utf8 } from '../../src/lib/utf8.js'
import { verifyDeclaration, type DeclarationOptions } from '../../src/r-button/declaration.js'
import { mostly, payloadOf } from './arbitraries.js'

type Outcome = { ok: true; payload: unknown; issuer: string } | { ok: false; code: string }

async function settle(run: () => Promise<{ payload: unknown; issuer: string }>): Promise<Outcome> {
  try {
    const { payload, issuer } = await run()
    return { ok: true, payload, issuer }
  } catch (e) {
    if (!(e instanceof IntentcastError)) throw e
    return { ok: false, code: e.code }
  }
}

/** Both verifiers on one message, at one time. */
async function both(jws: string, nowMs: number, options: DeclarationOptions = {}) {
  const sdk = await settle(() =>
    verify(jws, { expect: 'terms', now: new Date(nowMs), ...(options.maxBytes && { maxBytes: options.maxBytes }) }),
  )
  const element = await settle(() => verifyDeclaration(jws, { ...options, now: nowMs }))
  return { sdk, element }
}

const seed = (byte: number) => new Uint8Array(32).fill(byte)
let signer: KeyPair
let stranger: KeyPair

beforeAll(async () => {
  signer = await keyPairFromSeed(seed(2))
  stranger = await keyPairFromSeed(seed(3))
})

describe("the spec's message vectors", () => {
  const vectors = JSON.parse(readFileSync(new URL('../../spec/vectors/messages.json', import.meta.url), 'utf8')) as {
    valid: Array<{ name: string; message: string; options: { now: string } }>
    invalid: Array<{ name: string; message: string; options: { now: string; maxBytes?: number }; code: string }>
  }

  it('verifies the vendor terms declaration, as verify does', async () => {
    const v = vectors.valid.find((x) => x.name.startsWith('terms'))!
    const { sdk, element } = await both(v.message, Date.parse(v.options.now))
    expect(element).toMatchObject({ ok: true, issuer: 'did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH' })
    expect(element).toEqual(sdk)
  })

  it('fails every other valid message and every invalid one with the code verify gives when it expects terms', async () => {
    const all = [...vectors.valid.filter((x) => !x.name.startsWith('terms')), ...vectors.invalid]
    for (const v of all) {
      if (typeof v.message !== 'string') continue
      const maxBytes = (v.options as { maxBytes?: number }).maxBytes
      const { sdk, element } = await both(v.message, Date.parse(v.options.now), maxBytes ? { maxBytes } : {})
      expect(sdk.ok, v.name).toBe(false)
      expect(element, v.name).toEqual(sdk)
    }
  })
})

/** How a generated declaration is put together, and how it is broken. */
interface Recipe {
  readonly signed: { readonly payload: Record<string, unknown>; readonly header: Record<string, unknown> }
  readonly payloadText: (json: string) => string
  readonly signature: 'good' | 'stranger' | 'tampered' | 'short' | 'not base64url'
  readonly envelope: 'compact' | 'four parts' | 'json' | 'padded'
  readonly clock: number
  readonly backend: 'webcrypto' | 'noble'
}

const HEADERS = (did: string, other: string): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record({
      alg: mostly(fc.constant('EdDSA'), fc.constantFrom('none', 'HS256', 'Ed25519', undefined)),
      typ: mostly(
        fc.constant('intentcast-terms+jws'),
        fc.constantFrom('intentcast-offer+jws', 'intentcast-agreement+jws', 'JWT', 5, undefined),
      ),
      kid: mostly(
        fc.constant(kidForDid(did)),
        fc.constantFrom('', `${did}#key-1`, kidForDid(other), 'x'.repeat(601), 'did:web:shop.example#key-1', 5),
      ),
    })
    .chain((h) => mostly(fc.constant(h), fc.constantFrom({ ...h, jwk: { kty: 'OKP' } }, { ...h, crit: [] })))

/** The payload's JSON as signed: usually as is, sometimes not JSON a strict reader takes. */
const PAYLOAD_TEXT = mostly(
  fc.constant((json: string) => json),
  fc.constantFrom(
    (json: string) => json.replace('{', '{"v":"0.1",'), // a duplicate key
    (json: string) => json.replace('{', '{"__proto__":{},'),
    () => '[]',
    () => '"terms"',
    (json: string) => `\ufeff${json}`,
  ),
)

function build(r: Recipe): string {
  const header = encodeBase64url(utf8(JSON.stringify(r.signed.header)))
  const payload = encodeBase64url(utf8(r.payloadText(JSON.stringify(r.signed.payload))))
  return `${header}.${payload}`
}

async function sign(r: Recipe): Promise<string> {
  const input = build(r)
  const key = r.signature === 'stranger' ? seed(3) : seed(2)
  const sig = await signEd25519(key, utf8(input))
  if (r.signature === 'tampered') sig[5]! ^= 1
  const encoded =
    r.signature === 'short'
      ? encodeBase64url(sig.subarray(1))
      : r.signature === 'not base64url'
        ? 'not+base64'
        : encodeBase64url(sig)
  switch (r.envelope) {
    case 'compact':
      return `${input}.${encoded}`
    case 'four parts':
      return `${input}.${encoded}.x`
    case 'padded':
      return `${input}.${encoded}=`
    case 'json': {
      const [protectedHeader, payload] = input.split('.')
      return JSON.stringify({ payload, signatures: [{ protected: protectedHeader, signature: encoded }] })
    }
  }
}

describe('generated declarations', () => {
  it('verify and the element agree on every one: the same payload, or the same code', async () => {
    const IAT = 1767225600
    // Built here, after beforeAll: the DIDs in payloads and headers are the keys'.
    // Mostly the signer's own DID; now and then, in both `iss` and `kid`, one no key comes from:
    // another method, a did:key that is not base58btc, one holding the small-order point 0.
    const identity = mostly(
      fc.constant(signer.did),
      fc.constantFrom('did:web:shop.example', 'did:key:z6Mk0OIl', didFromPublicKey(new Uint8Array(32).fill(0))),
    )
    const signed = identity.chain((did) => fc.record({ payload: payloadOf(did), header: HEADERS(did, stranger.did) }))
    const recipe: fc.Arbitrary<Recipe> = fc.record({
      signed,
      payloadText: PAYLOAD_TEXT,
      signature: mostly(
        fc.constant('good' as const),
        fc.constantFrom('stranger', 'tampered', 'short', 'not base64url'),
      ),
      envelope: mostly(fc.constant('compact' as const), fc.constantFrom('four parts', 'json', 'padded'), 20),
      // Seconds after `iat`: within the tolerance and `exp` (when `exp` is iat + 3600), then at
      // and past the edges: 30 s early is allowed, 31 not; exp + 30 is already expired.
      clock: mostly(fc.constantFrom(0, -30, 29, 3629), fc.constantFrom(-31, 3630, 86_400 * 2), 6),
      backend: fc.constantFrom('webcrypto', 'noble'),
    })
    const codes = new Map<string, number>()
    await fc.assert(
      fc.asyncProperty(recipe, async (r) => {
        const jws = await sign(r)
        const { sdk, element } = await both(jws, (IAT + r.clock) * 1000, { backend: r.backend })
        expect(element).toEqual(sdk)
        const key = sdk.ok ? 'ok' : sdk.code
        codes.set(key, (codes.get(key) ?? 0) + 1)
      }),
      { numRuns: 600 },
    )
    // Every step of the check was reached by some declaration, and many passed them all.
    expect([...codes.keys()].sort()).toEqual([
      'ERR_EXPIRED',
      'ERR_ISSUER_MISMATCH',
      'ERR_KEY_UNRESOLVED',
      'ERR_MALFORMED',
      'ERR_NOT_YET_VALID',
      'ERR_SCHEMA',
      'ERR_SIGNATURE_INVALID',
      'ERR_TYPE_MISMATCH',
      'ERR_UNSUPPORTED_ALG',
      'ok',
    ])
    expect(codes.get('ok')).toBeGreaterThan(20)
  })

  it('agrees at the edges of the clock tolerance', async () => {
    const iat = 1767225600
    const payload = {
      v: '0.1',
      iss: signer.did,
      iat,
      jti: 'edge-of-the-clock',
      exp: iat + 3600,
      role: 'vendor',
      terms: { agreements: ['SD-BASE'] },
    }
    const jws = await sign({
      signed: { payload, header: { alg: 'EdDSA', typ: 'intentcast-terms+jws', kid: kidForDid(signer.did) } },
      payloadText: (json) => json,
      signature: 'good',
      envelope: 'compact',
      clock: 0,
      backend: 'webcrypto',
    })
    for (const [at, expected] of [
      [iat - 30, 'ok'],
      [iat - 31, 'ERR_NOT_YET_VALID'],
      [iat + 3629, 'ok'],
      [iat + 3630, 'ERR_EXPIRED'],
    ] as const) {
      const { sdk, element } = await both(jws, at * 1000)
      expect(element.ok ? 'ok' : element.code, String(at - iat)).toBe(expected)
      expect(element).toEqual(sdk)
    }
  })

  it('refuses a declaration over the size limit before reading it', async () => {
    const { sdk, element } = await both('x'.repeat(65_537), Date.now())
    expect(element).toEqual({ ok: false, code: 'ERR_TOO_LARGE' })
    expect(element).toEqual(sdk)
  })
})
