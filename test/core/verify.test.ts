/**
 * Each check of `verify`, in spec order, and the code it fails with. Tokens that must get past
 * the signature check to reach a later one are signed by hand with the fixture keys.
 */
import { createHmac, generateKeyPairSync, sign as nodeSign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { encodeCbor } from '../../src/cose/cbor-encode.js'
import { signCoseSign1 } from '../../src/cose/sign1.js'
import { signEd25519 } from '../../src/crypto/index.js'
import { claimsToCbor } from '../../src/envelope/cose-claims.js'
import { signerHeader } from '../../src/envelope/cose-typ.js'
import { DEFAULT_MAX_BYTES } from '../../src/envelope/verify.js'
import {
  didFromPublicKey,
  JWS_TYP,
  kidForDid,
  MemoryReplayStore,
  signIntent,
  signTerms,
  verify,
  type KeyResolver,
  type VerifyOptions,
} from '../../src/index.js'
import {
  agreementBodyFor,
  ascii,
  at,
  b64u,
  b64uJson,
  claimsFor,
  customer,
  expectCode,
  headerFor,
  intentBody,
  intentPayload,
  offerBody,
  signAgreementByHand,
  signCompact,
  signSamples,
  seedOf,
  SOME_DIGEST,
  SOON,
  stranger,
  T0,
  T0s,
  termsBody,
  unb64u,
  vendor,
} from '../helpers/fixtures.js'

const samples = await signSamples()
const opts: VerifyOptions = { now: SOON }
const [h64, p64, s64] = samples.intent.split('.') as [string, string, string]

describe('ERR_TOO_LARGE: size, checked before any parsing', () => {
  it('the default limit is 64 KiB', async () => {
    expect(DEFAULT_MAX_BYTES).toBe(65_536)
    await expectCode(verify('a'.repeat(65_537), opts), 'ERR_TOO_LARGE')
    // One byte under the limit gets past the size check and fails later, on structure.
    await expectCode(verify('a'.repeat(65_536), opts), 'ERR_MALFORMED')
  })

  it('a 10 MB string is refused at once, without being parsed', async () => {
    const huge = `${h64}.${'A'.repeat(10_000_000)}.${s64}`
    const started = performance.now()
    await expectCode(verify(huge, opts), 'ERR_TOO_LARGE')
    await expectCode(verify(`{"payload":"${'A'.repeat(10_000_000)}","signatures":[]}`, opts), 'ERR_TOO_LARGE')
    expect(performance.now() - started).toBeLessThan(50)
  })

  it('maxBytes is configurable, and a message exactly at the limit passes', async () => {
    await expectCode(verify(samples.intent, { ...opts, maxBytes: samples.intent.length - 1 }), 'ERR_TOO_LARGE')
    expect((await verify(samples.intent, { ...opts, maxBytes: samples.intent.length })).kind).toBe('intent')
    await expectCode(verify(samples.agreement, { ...opts, maxBytes: 100 }), 'ERR_TOO_LARGE')
  })
})

describe('ERR_MALFORMED: structure, base64url and JSON', () => {
  it.each([
    ['the empty string', ''],
    ['one part', 'abc'],
    ['two parts', `${h64}.${p64}`],
    ['four parts', `${samples.intent}.${s64}`],
    ['a trailing dot', `${samples.intent}.`],
    ['only dots', '..'],
    ['whitespace around the token', ` ${samples.intent}`],
    ['a line break inside', `${h64}.${p64}\n.${s64}`],
  ])('%s', async (_, token) => {
    await expectCode(verify(token, opts), 'ERR_MALFORMED')
  })

  it('a token read with its line ending is refused with a message that names it', async () => {
    for (const [ending, named] of [
      ['\n', 'a newline'],
      ['\r\n', 'a newline'],
      [' ', 'white space'],
    ] as const) {
      const error = await expectCode(verify(samples.intent + ending, opts), 'ERR_MALFORMED')
      expect(error.message).toBe(
        `the message ends in ${named}: a compact JWS is the token alone; trim what was read with it`,
      )
    }
  })

  it.each([
    ['standard base64 characters', (s: string) => s.replace(/-/g, '+').replace(/_/g, '/').replace(/^(.)/, '+')],
    ['padding', (s: string) => `${s}==`],
    ['a length of 4n+1', (s: string) => `${s}A`.slice(0, s.length - (s.length % 4) + 1)],
    ['a character outside the alphabet', (s: string) => `${s.slice(0, 5)}*${s.slice(6)}`],
  ])('bad base64url in a segment: %s', async (_, mangle) => {
    await expectCode(verify(`${mangle(h64)}.${p64}.${s64}`, opts), 'ERR_MALFORMED')
    await expectCode(verify(`${h64}.${mangle(p64)}.${s64}`, opts), 'ERR_MALFORMED')
    await expectCode(verify(`${h64}.${p64}.${mangle(s64)}`, opts), 'ERR_MALFORMED')
  })

  it('non-canonical trailing bits: a second spelling of the same signature bytes is refused', async () => {
    // 64 signature bytes take 86 characters: the last carries 2 data bits and 4 that must be 0.
    expect(s64.length % 4).toBe(2)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet.indexOf(s64.at(-1)!)
    expect(last % 16).toBe(0)
    for (let low = 1; low < 16; low++) {
      const twin = s64.slice(0, -1) + alphabet[last + low]!
      expect(Buffer.from(twin, 'base64url')).toEqual(Buffer.from(s64, 'base64url')) // lenient decoders agree...
      await expectCode(verify(`${h64}.${p64}.${twin}`, opts), 'ERR_MALFORMED') // ...intentcast does not
    }
  })

  it('non-canonical trailing bits in the payload segment', async () => {
    // Pick a jti that makes the payload length 3n+1 or 3n+2 bytes, so its last character has spare bits.
    let token = ''
    for (const jti of ['padding-jti-1', 'padding-jti-12', 'padding-jti-123']) {
      token = await signIntent(intentBody, customer, { now: T0, jti })
      if (token.split('.')[1]!.length % 4 !== 0) break
    }
    const [h, p, s] = token.split('.') as [string, string, string]
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const twin = p.slice(0, -1) + alphabet[alphabet.indexOf(p.at(-1)!) + 1]!
    expect(Buffer.from(twin, 'base64url')).toEqual(Buffer.from(p, 'base64url'))
    expect((await verify(token, opts)).kind).toBe('intent')
    await expectCode(verify(`${h}.${twin}.${s}`, opts), 'ERR_MALFORMED')
  })

  it.each([
    ['not JSON', 'alg=EdDSA'],
    ['truncated JSON', '{"alg":"EdDSA"'],
    ['a JSON array', '["EdDSA"]'],
    ['a JSON string', '"EdDSA"'],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['JSON with a byte-order mark', '\ufeff{"alg":"EdDSA"}'],
    ['two JSON values', '{}{}'],
    ['a value after an object', '{}"x"'],
  ])('a header that is %s', async (_, json) => {
    await expectCode(verify(`${b64u(json)}.${p64}.${s64}`, opts), 'ERR_MALFORMED')
  })

  it.each([
    ['not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"payload"'],
    ['JSON null', 'null'],
    ['JSON true', 'true'],
    ['a JSON number', '1e400'],
    ['empty', ''],
  ])('a payload that is %s (even validly signed)', async (_, json) => {
    await expectCode(verify(await signCompact(headerFor('intent'), json), opts), 'ERR_MALFORMED')
  })

  it.each(['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64', 'cty', 'zip', 'enc', 'nonce'])(
    'an extra header member %s (validly signed)',
    async (member) => {
      const value = member === 'jwk' ? stranger.publicJwk : member === 'crit' ? ['b64'] : member === 'b64' ? false : 'x'
      const token = await signCompact({ ...headerFor('intent'), [member]: value }, intentPayload(), customer)
      await expectCode(verify(token, opts), 'ERR_MALFORMED')
    },
  )

  it('a header whose kid is missing, empty, not a string or absurdly long', async () => {
    const { kid: _, ...noKid } = headerFor('intent')
    for (const header of [
      noKid,
      { ...noKid, kid: '' },
      { ...noKid, kid: 42 },
      { ...noKid, kid: [customer.did] },
      { ...noKid, kid: `${customer.did}#${'k'.repeat(600)}` },
    ]) {
      await expectCode(verify(await signCompact(header, intentPayload()), opts), 'ERR_MALFORMED')
    }
  })

  it.each([
    ['a lone continuation byte', [0x80]],
    ['0xFF', [0xff]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-16 surrogate encoded in UTF-8', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('non-UTF-8 bytes in the payload: %s', async (_, bad) => {
    const json = ascii(JSON.stringify({ ...intentPayload(), want: { item: { name: 'X' } } }))
    const at = json.indexOf(0x58) // the "X"
    const bytes = new Uint8Array([...json.slice(0, at), ...bad, ...json.slice(at + 1)])
    await expectCode(verify(await signCompact(headerFor('intent'), bytes), opts), 'ERR_MALFORMED')
    // and in the header
    const header = ascii(JSON.stringify({ ...headerFor('intent'), kid: `${kidForDid(customer.did)}X` }))
    const hx = header.lastIndexOf(0x58)
    const badHeader = new Uint8Array([...header.slice(0, hx), ...bad, ...header.slice(hx + 1)])
    await expectCode(verify(`${b64u(badHeader)}.${p64}.${s64}`, opts), 'ERR_MALFORMED')
  })

  it.each([
    ['a number', 42],
    ['NaN', Number.NaN],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', { payload: p64 }],
    ['an array of segments', samples.intent.split('.')],
    ['a Uint8Array of the token', ascii(samples.intent)],
    ['a Buffer of the token', Buffer.from(samples.intent)],
    ['a String object', new String(samples.intent)],
    ['a function', () => samples.intent],
    ['a symbol', Symbol('jws')],
    ['a bigint', 10n],
    ['a promise of the token', Promise.resolve(samples.intent)],
  ])('input that is not a string: %s', async (_, input) => {
    await expectCode(verify(input, opts), 'ERR_MALFORMED')
  })

  it('an agreement in compact form, or an intent in JSON form', async () => {
    const { payload, signatures } = JSON.parse(samples.agreement) as {
      payload: string
      signatures: Array<{ protected: string; signature: string }>
    }
    await expectCode(
      verify(`${signatures[0]!.protected}.${payload}.${signatures[0]!.signature}`, opts),
      'ERR_MALFORMED',
    )
    await expectCode(
      verify(JSON.stringify({ payload: p64, signatures: [{ protected: h64, signature: s64 }] }), opts),
      'ERR_TYPE_MISMATCH',
    )
  })

  it('agreement JSON with the wrong shape', async () => {
    const j = JSON.parse(samples.agreement) as {
      payload: string
      signatures: Array<{ protected: string; signature: string }>
    }
    const bad: unknown[] = [
      [],
      { payload: j.payload },
      { ...j, signatures: [] },
      { ...j, signatures: [...j.signatures, j.signatures[0]] },
      { ...j, signatures: 'x' },
      { ...j, signatures: [null, j.signatures[1]] },
      { ...j, signatures: [{ ...j.signatures[0], header: { kid: customer.did } }, j.signatures[1]] },
      { ...j, signatures: [{ protected: j.signatures[0]!.protected }, j.signatures[1]] },
      { ...j, signature: j.signatures[0]!.signature },
      { ...j, protected: j.signatures[0]!.protected },
      { ...j, payload: 42 },
      { ...j, payload: `${j.payload}=` },
      { ...j, payload: '' },
    ]
    for (const b of bad) await expectCode(verify(JSON.stringify(b), opts), 'ERR_MALFORMED')
    await expectCode(verify(`${samples.agreement.slice(0, -1)}`, opts), 'ERR_MALFORMED')
  })
})

describe('ERR_UNSUPPORTED_ALG: only EdDSA, whatever else the header claims', () => {
  const payload = b64uJson(intentPayload())
  const withAlg = (alg: unknown) => {
    const { alg: _, ...rest } = headerFor('intent')
    return b64uJson(alg === undefined ? rest : { alg, ...rest })
  }

  it('alg none with an empty signature', async () => {
    await expectCode(verify(`${withAlg('none')}.${payload}.`, opts), 'ERR_UNSUPPORTED_ALG')
  })

  it('HS256 keyed with the public key (the classic confusion)', async () => {
    const h = withAlg('HS256')
    const mac = createHmac('sha256', Buffer.from(customer.publicJwk.x, 'base64url'))
      .update(`${h}.${payload}`)
      .digest('base64url')
    await expectCode(verify(`${h}.${payload}.${mac}`, opts), 'ERR_UNSUPPORTED_ALG')
  })

  it('RS256 and ES256 with real signatures', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const hr = withAlg('RS256')
    const rs = nodeSign('sha256', Buffer.from(`${hr}.${payload}`), rsa.privateKey).toString('base64url')
    await expectCode(verify(`${hr}.${payload}.${rs}`, opts), 'ERR_UNSUPPORTED_ALG')
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const he = withAlg('ES256')
    const es = nodeSign('sha256', Buffer.from(`${he}.${payload}`), {
      key: ec.privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url')
    await expectCode(verify(`${he}.${payload}.${es}`, opts), 'ERR_UNSUPPORTED_ALG')
  })

  it.each([
    undefined,
    null,
    '',
    'NONE',
    'None',
    'eddsa',
    'EDDSA',
    'EdDSA ',
    'Ed25519',
    'Ed448',
    'HS512',
    'RS512',
    'PS256',
    'ES256K',
    'dir',
    ['EdDSA'],
    { name: 'EdDSA' },
    1,
  ])('alg %o (validly signed with Ed25519)', async (alg) => {
    const { alg: _, ...rest } = headerFor('intent')
    const token = await signCompact(alg === undefined ? rest : { alg, ...rest }, intentPayload())
    await expectCode(verify(token, opts), 'ERR_UNSUPPORTED_ALG')
  })
})

describe('ERR_TYPE_MISMATCH: typ against the kind and against expect', () => {
  it.each([
    undefined,
    'JWT',
    'jwt',
    'JOSE',
    'intentcast-intent+jwt',
    'Intentcast-intent+jws',
    'intentcast-intent',
    'application/intentcast-intent+jws',
    'intentcast-unknown+jws',
    42,
  ])('typ %o is not an intentcast type', async (typ) => {
    const { typ: _, ...rest } = headerFor('intent')
    await expectCode(
      verify(await signCompact(typ === undefined ? rest : { ...rest, typ }, intentPayload()), opts),
      'ERR_TYPE_MISMATCH',
    )
  })

  it('an offer passed where an intent was expected', async () => {
    await expectCode(verify(samples.offer, { ...opts, expect: 'intent' }), 'ERR_TYPE_MISMATCH')
    await expectCode(verify(samples.offer, { ...opts, expect: ['intent', 'counter'] }), 'ERR_TYPE_MISMATCH')
    expect((await verify(samples.offer, { ...opts, expect: ['intent', 'offer'] })).kind).toBe('offer')
  })

  it('every kind is refused when another is expected', async () => {
    for (const [kind, message] of Object.entries(samples)) {
      const other = kind === 'terms' ? 'intent' : 'terms'
      await expectCode(verify(message, { ...opts, expect: other as 'intent' }), 'ERR_TYPE_MISMATCH')
    }
  })

  it('an intent payload under an offer typ does not pass as an offer', async () => {
    // The signer really signed this, but typ says offer: the schema of the kind typ names applies.
    const token = await signCompact(headerFor('offer'), intentPayload())
    await expectCode(verify(token, opts), 'ERR_SCHEMA')
    await expectCode(verify(token, { ...opts, expect: 'intent' }), 'ERR_TYPE_MISMATCH')
  })

  it("an agreement whose headers carry another kind's typ", async () => {
    const body = {
      v: '0.1',
      iat: T0s,
      jti: 'agreement-jti-1',
      ...agreementBodyFor({ intent: SOME_DIGEST, offer: SOME_DIGEST, acceptance: SOME_DIGEST }),
    }
    const payload64 = b64uJson(body)
    const sig = async (k: typeof customer) => {
      const protected64 = b64uJson(headerFor('offer', k))
      return {
        protected: protected64,
        signature: b64u(await signEd25519(seedOf(k), ascii(`${protected64}.${payload64}`))),
      }
    }
    const token = JSON.stringify({ payload: payload64, signatures: [await sig(customer), await sig(vendor)] })
    await expectCode(verify(token, opts), 'ERR_TYPE_MISMATCH')
    await expectCode(verify(token, { ...opts, expect: 'offer' }), 'ERR_TYPE_MISMATCH')
    await expectCode(verify(token, { ...opts, expect: ['offer', 'agreement'] }), 'ERR_TYPE_MISMATCH')
  })
})

describe('ERR_ISSUER_MISMATCH: the kid names the iss; agreements are signed by their parties', () => {
  it("a payload whose iss is someone else, signed by the kid's key", async () => {
    await expectCode(
      verify(await signCompact(headerFor('intent', customer), intentPayload(vendor), customer), opts),
      'ERR_ISSUER_MISMATCH',
    )
  })

  it('a kid naming someone else than the iss', async () => {
    await expectCode(
      verify(await signCompact(headerFor('intent', vendor), intentPayload(customer), customer), opts),
      'ERR_ISSUER_MISMATCH',
    )
  })

  it('a payload without an iss, or with a non-string iss', async () => {
    const { iss: _, ...noIss } = intentPayload()
    await expectCode(verify(await signCompact(headerFor('intent'), noIss), opts), 'ERR_ISSUER_MISMATCH')
    await expectCode(
      verify(await signCompact(headerFor('intent'), { ...noIss, iss: [customer.did] }), opts),
      'ERR_ISSUER_MISMATCH',
    )
  })

  it('kid and iss agree, but the key that signed is another: that is a bad signature', async () => {
    await expectCode(
      verify(await signCompact(headerFor('intent', vendor), intentPayload(vendor), customer), opts),
      'ERR_SIGNATURE_INVALID',
    )
  })

  it('an agreement signed by a non-party, or by the parties in the wrong order', async () => {
    const body = {
      v: '0.1',
      iat: T0s,
      jti: 'agreement-jti-2',
      ...agreementBodyFor({ intent: SOME_DIGEST, offer: SOME_DIGEST, acceptance: SOME_DIGEST }),
    }
    expect((await verify(await signAgreementByHand(body, [customer, vendor]), opts)).signers).toEqual([
      customer.did,
      vendor.did,
    ])
    await expectCode(verify(await signAgreementByHand(body, [customer, stranger]), opts), 'ERR_ISSUER_MISMATCH')
    await expectCode(verify(await signAgreementByHand(body, [stranger, vendor]), opts), 'ERR_ISSUER_MISMATCH')
    await expectCode(verify(await signAgreementByHand(body, [vendor, customer]), opts), 'ERR_ISSUER_MISMATCH')
    await expectCode(verify(await signAgreementByHand(body, [customer, customer]), opts), 'ERR_ISSUER_MISMATCH')
    await expectCode(verify(await signAgreementByHand(body, [stranger]), opts), 'ERR_ISSUER_MISMATCH')
    await expectCode(
      verify(await signAgreementByHand({ ...body, parties: null }, [customer, vendor]), opts),
      'ERR_ISSUER_MISMATCH',
    )
  })
})

describe('ERR_KEY_UNRESOLVED: keys come from did:key or from resolveKey', () => {
  const web = 'did:web:shop.example'
  const webKid = `${web}#key-1`
  const webToken = () =>
    signCompact(
      { alg: 'EdDSA', kid: webKid, typ: JWS_TYP.offer },
      { ...claimsFor({ ...vendor, did: web }), aud: customer.did, ...offerBody(SOME_DIGEST) },
      vendor,
    )

  it('did:web without a resolver', async () => {
    await expectCode(verify(await webToken(), opts), 'ERR_KEY_UNRESOLVED')
  })

  it('a resolver that throws (the cause is kept) or returns nothing', async () => {
    const boom = new Error('network down')
    const e = await expectCode(
      verify(await webToken(), {
        ...opts,
        resolveKey: () => {
          throw boom
        },
      }),
      'ERR_KEY_UNRESOLVED',
    )
    expect(e.cause).toBe(boom)
    await expectCode(
      verify(await webToken(), { ...opts, resolveKey: async () => Promise.reject(boom) }),
      'ERR_KEY_UNRESOLVED',
    )
    await expectCode(verify(await webToken(), { ...opts, resolveKey: () => undefined }), 'ERR_KEY_UNRESOLVED')
    await expectCode(verify(await webToken(), { ...opts, resolveKey: async () => undefined }), 'ERR_KEY_UNRESOLVED')
  })

  it('a resolver that returns something that is not an Ed25519 key', async () => {
    for (const junk of [
      null,
      'key',
      42,
      {},
      { kty: 'RSA' },
      { ...vendor.publicJwk, crv: 'X25519' },
      { ...vendor.publicJwk, x: 'AA' },
      new Uint8Array(31),
      new Uint8Array(32),
    ]) {
      await expectCode(verify(await webToken(), { ...opts, resolveKey: () => junk as never }), 'ERR_KEY_UNRESOLVED')
    }
  })

  it('a resolver that returns a JWK or raw bytes works, and is asked with the kid and the DID', async () => {
    const calls: Array<[string, string]> = []
    const resolveKey: KeyResolver = async (kid, did) => {
      calls.push([kid, did])
      return did === web ? vendor.publicJwk : undefined
    }
    const v = await verify(await webToken(), { ...opts, resolveKey })
    expect(v.issuer).toBe(web)
    expect(v.header.kid).toBe(webKid)
    expect(calls).toEqual([[webKid, web]])
    expect((await verify(await webToken(), { ...opts, resolveKey: () => unb64u(vendor.publicJwk.x) })).issuer).toBe(web)
    // The resolver is asked every time: it may rotate or revoke.
    await verify(await webToken(), { ...opts, resolveKey })
    expect(calls).toHaveLength(2)
  })

  it('a resolver that returns another key: the signature fails', async () => {
    await expectCode(
      verify(await webToken(), { ...opts, resolveKey: () => stranger.publicJwk }),
      'ERR_SIGNATURE_INVALID',
    )
  })

  it('did:key never consults the resolver', async () => {
    let asked = false
    await verify(samples.offer, {
      ...opts,
      resolveKey: () => {
        asked = true
        return stranger.publicJwk
      },
    })
    expect(asked).toBe(false)
  })

  it('a did:key that is not a valid Ed25519 key', async () => {
    for (const did of [
      'did:key:z6MkNOTBASE58OIl0',
      `did:key:z${'1'.repeat(47)}`,
      'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme',
    ]) {
      await expectCode(
        verify(
          await signCompact(
            { alg: 'EdDSA', kid: kidForDid(did), typ: JWS_TYP.intent },
            { ...intentPayload(), iss: did },
          ),
          opts,
        ),
        'ERR_KEY_UNRESOLVED',
      )
    }
  })

  it('a did:key holding a small-order point (the identity) is refused by the key rule', async () => {
    const identity = new Uint8Array(32)
    identity[0] = 1
    const did = didFromPublicKey(identity)
    const token = await signCompact(
      { alg: 'EdDSA', kid: kidForDid(did), typ: JWS_TYP.intent },
      { ...intentPayload(), iss: did },
    )
    await expectCode(verify(token, opts), 'ERR_KEY_UNRESOLVED')
  })

  describe('a key off the curve (rule step 5), whose check waits for the signature to fail', () => {
    // y = 2: (y² - 1)/(d·y² + 1) is not a square mod p, so no point has this encoding.
    const offCurve = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 2 : 0))
    const did = didFromPublicKey(offCurve)
    const header = { alg: 'EdDSA', kid: kidForDid(did), typ: JWS_TYP.intent }
    const signed = `${b64uJson(header)}.${b64uJson({ ...intentPayload(), iss: did })}`

    it('is ERR_KEY_UNRESOLVED whatever the signature: random, all zeros, short, or not base64url', async () => {
      for (const signature of [
        b64u(crypto.getRandomValues(new Uint8Array(64))),
        b64u(new Uint8Array(64)),
        'AAAA',
        '!!',
      ]) {
        await expectCode(verify(`${signed}.${signature}`, opts), 'ERR_KEY_UNRESOLVED')
        // And again, with the key now imported and remembered.
        await expectCode(verify(`${signed}.${signature}`, opts), 'ERR_KEY_UNRESOLVED')
      }
    })

    it('from a resolver, and in COSE, the same', async () => {
      const web = 'did:web:shop.example'
      const token = `${b64uJson({ ...header, kid: `${web}#k` })}.${b64uJson({ ...intentPayload(), iss: web })}.${b64u(new Uint8Array(64))}`
      await expectCode(verify(token, { ...opts, resolveKey: () => offCurve }), 'ERR_KEY_UNRESOLVED')
      const cose = await signCoseSign1(
        encodeCbor(claimsToCbor({ ...intentPayload(), iss: did })),
        async () => crypto.getRandomValues(new Uint8Array(64)),
        { protectedHeader: signerHeader(kidForDid(did), 'intent') },
      )
      await expectCode(verify(cose, opts), 'ERR_KEY_UNRESOLVED')
    })

    it('a key on the curve whose signature fails is still ERR_SIGNATURE_INVALID', async () => {
      await expectCode(verify(`${h64}.${p64}.${b64u(new Uint8Array(64).fill(1))}`, opts), 'ERR_SIGNATURE_INVALID')
    })
  })
})

describe('ERR_SIGNATURE_INVALID: the bytes are the ones signed', () => {
  it('a payload re-encoded with one claim changed, the old signature kept', async () => {
    const payload = JSON.parse(Buffer.from(p64, 'base64url').toString()) as Record<string, unknown>
    for (const change of [
      { exp: (payload.exp as number) + 1 },
      { jti: 'another-jti-000' },
      { want: { item: { name: 'Car' } } },
    ]) {
      await expectCode(verify(`${h64}.${b64uJson({ ...payload, ...change })}.${s64}`, opts), 'ERR_SIGNATURE_INVALID')
    }
    // Same claims, different JSON spelling: also different bytes.
    await expectCode(verify(`${h64}.${b64u(JSON.stringify(payload, null, 1))}.${s64}`, opts), 'ERR_SIGNATURE_INVALID')
  })

  it('a signature with one bit flipped, truncated, extended, empty or from another message', async () => {
    const sig = unb64u(s64)
    for (let i = 0; i < 64; i += 9) {
      const flipped = Uint8Array.from(sig)
      flipped[i]! ^= 1
      await expectCode(verify(`${h64}.${p64}.${b64u(flipped)}`, opts), 'ERR_SIGNATURE_INVALID')
    }
    await expectCode(verify(`${h64}.${p64}.${b64u(sig.slice(0, 63))}`, opts), 'ERR_SIGNATURE_INVALID')
    await expectCode(verify(`${h64}.${p64}.${b64u(new Uint8Array([...sig, 0]))}`, opts), 'ERR_SIGNATURE_INVALID')
    await expectCode(verify(`${h64}.${p64}.`, opts), 'ERR_SIGNATURE_INVALID')
    await expectCode(verify(`${h64}.${p64}.${samples.counter.split('.')[2]}`, opts), 'ERR_SIGNATURE_INVALID')
  })

  it('S + L (the malleable twin of a valid signature) is refused', async () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n
    const sig = unb64u(s64)
    let s = 0n
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!)
    const twin = Uint8Array.from(sig)
    let t = s + L
    for (let i = 32; i < 64; i++) {
      twin[i] = Number(t & 0xffn)
      t >>= 8n
    }
    expect(t).toBe(0n) // fits in 256 bits
    await expectCode(verify(`${h64}.${p64}.${b64u(twin)}`, opts), 'ERR_SIGNATURE_INVALID')
  })

  it("an agreement with only one party's signature", async () => {
    const j = JSON.parse(samples.agreement) as { payload: string; signatures: unknown[] }
    await expectCode(verify(JSON.stringify({ ...j, signatures: [j.signatures[0]] }), opts), 'ERR_SIGNATURE_INVALID')
    const vendorOnly = await signAgreementByHand(fromPayload(j.payload), [vendor])
    await expectCode(verify(vendorOnly, opts), 'ERR_SIGNATURE_INVALID')
  })

  it("an agreement with a tampered payload or one signature swapped for another's", async () => {
    const j = JSON.parse(samples.agreement) as {
      payload: string
      signatures: Array<{ protected: string; signature: string }>
    }
    const changed = b64uJson({ ...fromPayload(j.payload), price: { amount: '1.00', currency: 'EUR' } })
    await expectCode(verify(JSON.stringify({ ...j, payload: changed }), opts), 'ERR_SIGNATURE_INVALID')
    const sigs = j.signatures
    await expectCode(
      verify(JSON.stringify({ ...j, signatures: [sigs[0], { ...sigs[1]!, signature: sigs[0]!.signature }] }), opts),
      'ERR_SIGNATURE_INVALID',
    )
  })
})

function fromPayload(p: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
}

describe('ERR_SCHEMA: validly signed, but not a valid message of its kind', () => {
  const schema = async (payload: Record<string, unknown>, kind: 'intent' | 'offer' = 'intent') =>
    expectCode(
      verify(
        await signCompact(
          headerFor(kind, kind === 'offer' ? vendor : customer),
          payload,
          kind === 'offer' ? vendor : customer,
        ),
        opts,
      ),
      'ERR_SCHEMA',
    )

  it('a smuggled top-level claim', async () => {
    for (const extra of [
      { admin: true },
      { nonce: 'x' },
      { sub: vendor.did },
      { nbf: T0s },
      { constructor: { prototype: { polluted: 1 } } },
    ]) {
      await schema({ ...intentPayload(), ...extra })
    }
    // The same payload without the extra claim verifies: the claim alone is refused.
    expect((await verify(await signCompact(headerFor('intent'), intentPayload()), opts)).kind).toBe('intent')
  })

  it('a smuggled nested claim', async () => {
    const p = intentPayload()
    const want = p.want as Record<string, unknown>
    await schema({ ...p, want: { ...want, item: { ...(want.item as object), price: 1 } } })
    await schema({ ...p, want: { ...want, maxPrice: { amount: '1.00', currency: 'EUR', fx: 'USD' } } })
  })

  it('floats and numbers for money', async () => {
    const p = intentPayload()
    const want = p.want as Record<string, unknown>
    for (const amount of [1199.99, 1200, '1199.999999999', '01.00', '-1.00', '1e3', '1,00', ' 1.00', '']) {
      await schema({ ...p, want: { ...want, maxPrice: { amount, currency: 'EUR' } } })
    }
    const offer = { ...claimsFor(vendor), aud: customer.did, ...offerBody(SOME_DIGEST) }
    await schema({ ...offer, price: { amount: 999, currency: 'EUR' } }, 'offer')
    await schema({ ...offer, price: '999.00 EUR' }, 'offer')
  })

  it('wrong types and ranges for claims', async () => {
    const p = intentPayload()
    for (const change of [
      { v: '0.2' },
      { v: 0.1 },
      { iat: T0s + 0.5 },
      { iat: String(T0s) },
      { iat: -1 },
      { exp: 1e12 },
      { jti: 'short' },
      { jti: 'has space in it' },
      { iss: customer.did, aud: 'not-a-did' },
      { want: 'a bicycle' },
      { want: { item: { name: 'X' }, quantity: '1' } },
      { terms: { agreements: [] } },
      { terms: { agreements: ['SD-BASE', 'SD-BASE'] } },
      { replyTo: 'javascript:alert(1)' },
    ]) {
      await schema({ ...p, ...change })
    }
  })

  it('a missing required claim (exp on an intent, terms, want)', async () => {
    for (const claim of ['exp', 'jti', 'iat', 'v', 'want', 'terms']) {
      const p = intentPayload()
      delete p[claim]
      await schema(p)
    }
  })
})

describe('ERR_EXPIRED and ERR_NOT_YET_VALID: time, with now and clockTolerance', () => {
  const token = () => signCompact(headerFor('intent'), intentPayload()) // iat T0, exp T0 + 1h

  it('exp, with the default 30 s tolerance', async () => {
    const t = await token()
    expect((await verify(t, { now: at(3600 + 29) })).kind).toBe('intent')
    await expectCode(verify(t, { now: at(3600 + 30) }), 'ERR_EXPIRED')
    await expectCode(verify(t, { now: at(86_400 * 365) }), 'ERR_EXPIRED')
    await expectCode(verify(t), 'ERR_EXPIRED') // the real clock is years after T0
  })

  it('exp, with an explicit clockTolerance', async () => {
    const t = await token()
    expect((await verify(t, { now: at(3599), clockTolerance: 0 })).kind).toBe('intent')
    await expectCode(verify(t, { now: at(3600), clockTolerance: 0 }), 'ERR_EXPIRED')
    expect((await verify(t, { now: at(3600 + 299), clockTolerance: 300 })).kind).toBe('intent')
    await expectCode(verify(t, { now: at(3600 + 300), clockTolerance: 300 }), 'ERR_EXPIRED')
  })

  it('iat in the future beyond the tolerance', async () => {
    const t = await token()
    expect((await verify(t, { now: at(-30) })).kind).toBe('intent')
    await expectCode(verify(t, { now: at(-31) }), 'ERR_NOT_YET_VALID')
    await expectCode(verify(t, { now: at(-1), clockTolerance: 0 }), 'ERR_NOT_YET_VALID')
    expect((await verify(t, { now: at(-120), clockTolerance: 120 })).kind).toBe('intent')
    await expectCode(verify(t, { now: at(-121), clockTolerance: 120 }), 'ERR_NOT_YET_VALID')
  })

  it('kinds without exp never expire, but still check iat', async () => {
    const terms = await signTerms(termsBody, vendor, { now: T0 })
    expect((await verify(terms, { now: at(86_400 * 3650) })).kind).toBe('terms')
    await expectCode(verify(terms, { now: at(-3600) }), 'ERR_NOT_YET_VALID')
    expect((await verify(samples.agreement, { now: at(86_400 * 3650) })).kind).toBe('agreement')
    await expectCode(verify(samples.agreement, { now: at(-3600) }), 'ERR_NOT_YET_VALID')
  })

  it('a message signed in the future is refused now', async () => {
    const future = await signIntent(intentBody, customer, { now: new Date(Date.now() + 3_600_000) })
    await expectCode(verify(future), 'ERR_NOT_YET_VALID')
  })
})

describe('ERR_AUDIENCE: addressed to us, or to no one for broadcasts', () => {
  it('an offer addressed to the customer', async () => {
    expect((await verify(samples.offer, { ...opts, audience: customer.did })).kind).toBe('offer')
    await expectCode(verify(samples.offer, { ...opts, audience: stranger.did }), 'ERR_AUDIENCE')
    await expectCode(verify(samples.offer, { ...opts, audience: vendor.did }), 'ERR_AUDIENCE')
  })

  it('a broadcast intent reaches every vendor; an addressed one only its audience', async () => {
    expect((await verify(samples.intent, { ...opts, audience: stranger.did })).kind).toBe('intent')
    const addressed = await signIntent(intentBody, customer, { now: T0, audience: vendor.did })
    expect((await verify(addressed, { ...opts, audience: vendor.did })).kind).toBe('intent')
    await expectCode(verify(addressed, { ...opts, audience: stranger.did }), 'ERR_AUDIENCE')
  })

  it('kinds whose aud is optional are public without one: terms declarations and withdrawals', async () => {
    expect((await verify(samples.terms, { ...opts, audience: customer.did })).kind).toBe('terms')
    expect((await verify(samples.withdrawal, { ...opts, audience: vendor.did })).kind).toBe('withdrawal')
  })

  it('a did:key kid must carry the key as its fragment: one key, one kid', async () => {
    const token = await signCompact(
      { alg: 'EdDSA', kid: `${customer.did}#key-1`, typ: JWS_TYP.intent },
      intentPayload(),
    )
    await expectCode(verify(token, opts), 'ERR_ISSUER_MISMATCH')
    const bare = await signCompact({ alg: 'EdDSA', kid: customer.did, typ: JWS_TYP.intent }, intentPayload())
    await expectCode(verify(bare, opts), 'ERR_ISSUER_MISMATCH')
  })

  it('an agreement is addressed to its two parties', async () => {
    expect((await verify(samples.agreement, { ...opts, audience: customer.did })).kind).toBe('agreement')
    expect((await verify(samples.agreement, { ...opts, audience: vendor.did })).kind).toBe('agreement')
    await expectCode(verify(samples.agreement, { ...opts, audience: stranger.did }), 'ERR_AUDIENCE')
  })
})

describe('ERR_REPLAY: MemoryReplayStore', () => {
  it('the second verify of the same message fails', async () => {
    const replay = new MemoryReplayStore({ now: () => SOON.getTime() })
    expect((await verify(samples.offer, { ...opts, replay })).kind).toBe('offer')
    await expectCode(verify(samples.offer, { ...opts, replay }), 'ERR_REPLAY')
    // Other messages, and the same message in a fresh store, are unaffected.
    expect((await verify(samples.counter, { ...opts, replay })).kind).toBe('counter')
    expect((await verify(samples.offer, { ...opts, replay: new MemoryReplayStore() })).kind).toBe('offer')
    await expectCode(
      verify(samples.agreement, { ...opts, replay }).then(() => verify(samples.agreement, { ...opts, replay })),
      'ERR_REPLAY',
    )
  })

  it('a re-signed copy with the same jti from the same issuer is a replay; from another issuer it is not', async () => {
    const replay = new MemoryReplayStore({ now: () => SOON.getTime() })
    await verify(await signIntent(intentBody, customer, { now: T0, jti: 'fixed-jti-0001' }), { ...opts, replay })
    await expectCode(
      verify(await signIntent(intentBody, customer, { now: at(1), jti: 'fixed-jti-0001' }), { ...opts, replay }),
      'ERR_REPLAY',
    )
    expect(
      (await verify(await signIntent(intentBody, vendor, { now: T0, jti: 'fixed-jti-0001' }), { ...opts, replay }))
        .issuer,
    ).toBe(vendor.did)
  })

  it('a message that failed another check is not recorded', async () => {
    const replay = new MemoryReplayStore({ now: () => SOON.getTime() })
    await expectCode(verify(samples.offer, { ...opts, replay, audience: stranger.did }), 'ERR_AUDIENCE')
    expect(replay.size).toBe(0)
    expect((await verify(samples.offer, { ...opts, replay })).kind).toBe('offer')
  })

  it('forgets a message once it has expired', async () => {
    let clock = SOON.getTime()
    const replay = new MemoryReplayStore({ now: () => clock })
    await verify(samples.offer, { ...opts, replay }) // exp T0 + 1h
    await expectCode(verify(samples.offer, { ...opts, replay }), 'ERR_REPLAY')
    clock = at(3600 + 29).getTime() // still within exp + tolerance
    await expectCode(verify(samples.offer, { ...opts, replay }), 'ERR_REPLAY')
    clock = at(3600 + 31).getTime()
    expect((await verify(samples.offer, { ...opts, replay })).kind).toBe('offer')
  })

  it('remembers a message without exp for a day', async () => {
    let clock = SOON.getTime()
    const replay = new MemoryReplayStore({ now: () => clock })
    await verify(samples.terms, { ...opts, replay })
    clock = at(86_000).getTime()
    await expectCode(verify(samples.terms, { ...opts, replay }), 'ERR_REPLAY')
    clock = at(86_400 + 120).getTime()
    expect((await verify(samples.terms, { ...opts, replay })).kind).toBe('terms')
  })

  it('is bounded: when full it drops expired entries first, then the oldest', async () => {
    let clock = 1_000
    const store = new MemoryReplayStore({ maxEntries: 3, now: () => clock })
    expect(await store.add('a', 5_000)).toBe(true)
    expect(await store.add('b', 2_000)).toBe(true)
    expect(await store.add('c', 5_000)).toBe(true)
    expect(await store.add('a', 5_000)).toBe(false)
    clock = 3_000 // b has expired
    expect(await store.add('d', 5_000)).toBe(true)
    expect(store.size).toBe(3)
    expect(await store.add('a', 5_000)).toBe(false) // a survived: b went first
    expect(await store.add('e', 5_000)).toBe(true) // full, nothing expired: the oldest (a) goes
    expect(store.size).toBe(3)
    expect(await store.add('a', 5_000)).toBe(true)
    for (let i = 0; i < 100; i++) await store.add(`k${i}`, 9_000)
    expect(store.size).toBe(3)
  })

  it('a bounded store used by verify evicts the oldest message', async () => {
    const replay = new MemoryReplayStore({ maxEntries: 2, now: () => SOON.getTime() })
    await verify(samples.intent, { ...opts, replay })
    await verify(samples.offer, { ...opts, replay })
    await verify(samples.counter, { ...opts, replay })
    expect(replay.size).toBe(2)
    expect((await verify(samples.intent, { ...opts, replay })).kind).toBe('intent') // evicted, so accepted again
    await expectCode(verify(samples.counter, { ...opts, replay }), 'ERR_REPLAY')
  })

  it('of two concurrent verifies of one message, exactly one succeeds', async () => {
    const replay = new MemoryReplayStore({ now: () => SOON.getTime() })
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => verify(samples.offer, { ...opts, replay })),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('ERR_REPLAY')
  })
})

describe('check order: the first failing check decides the code', () => {
  it('size before structure, alg before typ, typ before issuer, issuer before signature', async () => {
    await expectCode(verify('x'.repeat(100), { maxBytes: 10 }), 'ERR_TOO_LARGE')
    const none = b64uJson({ alg: 'none', kid: 'x' }) // alg none and no typ: alg wins
    await expectCode(verify(`${none}.${p64}.`, opts), 'ERR_UNSUPPORTED_ALG')
    const payload = { ...intentPayload(vendor), want: 'bad' } // wrong iss and bad schema: iss wins
    await expectCode(verify(await signCompact(headerFor('intent'), payload), opts), 'ERR_ISSUER_MISMATCH')
    // bad signature and bad schema: the signature wins, so unsigned junk never reaches the schema
    await expectCode(
      verify(`${h64}.${b64uJson({ ...intentPayload(), want: 'bad' })}.${s64}`, opts),
      'ERR_SIGNATURE_INVALID',
    )
    // expired and wrong audience: time first
    await expectCode(verify(samples.offer, { now: at(86_400), audience: stranger.did }), 'ERR_EXPIRED')
  })
})

describe("found in review: the caller's own options are checked, never silently ignored", () => {
  it('an invalid now or clockTolerance is ERR_INVALID_ARGUMENT, not a switched-off expiry check', async () => {
    for (const bad of [
      { now: new Date(NaN) },
      { clockTolerance: Number.POSITIVE_INFINITY },
      { clockTolerance: Number.NaN },
      { clockTolerance: -1 },
    ]) {
      await expectCode(verify(samples.intent, bad), 'ERR_INVALID_ARGUMENT')
    }
  })
  it("options that are not an object are the caller's mistake, not the message's", async () => {
    await expectCode(verify(samples.intent, null as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(verify(samples.intent, { maxBytes: Number.NaN }), 'ERR_INVALID_ARGUMENT')
  })
})

describe('verify takes exactly the documented options (a whitelist, as jose prepareVerify)', () => {
  it('timeless: true, which 0.1 honoured, is refused: an expired message cannot be made to pass', async () => {
    const expired = await signCompact(headerFor('intent'), intentPayload()) // exp T0 + 1h, long past
    await expectCode(verify(expired, { timeless: true } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(verify(expired, { now: at(7200), timeless: true } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(verify(expired), 'ERR_EXPIRED')
  })
  it('any unknown key is ERR_INVALID_ARGUMENT naming it, so a misspelt check is never silently skipped', async () => {
    const e = await expectCode(
      verify(samples.intent, { ...opts, audeince: 'did:key:z6Mk' } as never),
      'ERR_INVALID_ARGUMENT',
    )
    expect(e.message).toContain('audeince')
  })
  it('each option is checked for its type before any work', async () => {
    for (const bad of [
      { expect: 'offers' },
      { expect: [] },
      { expect: ['intent', 7] },
      { audience: 42 },
      { replay: {} },
      { resolveKey: 'x' },
    ]) {
      await expectCode(verify(samples.intent, { ...opts, ...bad } as never), 'ERR_INVALID_ARGUMENT')
    }
  })
  it('options set to undefined (as plain JavaScript may pass them) count as absent', async () => {
    expect((await verify(samples.intent, { ...opts, audience: undefined, expect: undefined } as never)).kind).toBe(
      'intent',
    )
  })
})

describe('options from a prototype or a getter are read, not dropped', () => {
  it('an audience inherited by the options object is checked', async () => {
    const inherited = Object.create({
      audience: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    }) as VerifyOptions
    inherited.now = SOON
    await expectCode(verify(samples.offer, inherited), 'ERR_AUDIENCE')
  })
})
