import { describe, expect, it } from 'vitest'
import {
  countersign,
  digest,
  JWS_TYP,
  KINDS,
  kidForDid,
  PROTOCOL_VERSION,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signOffer,
  signTerms,
  signWithdrawal,
  verify,
  type IntentBody,
  type KeyPair,
  type Kind,
  type SignOptions,
} from '../../src/index.js'
import {
  acceptanceBody,
  agreementBodyFor,
  counterBody,
  customer,
  EUR,
  expectCode,
  fromB64uJson,
  intentBody,
  offerBody,
  signSamples,
  SOME_DIGEST,
  SOON,
  T0,
  T0s,
  termsBody,
  vendor,
  withdrawalBody,
} from '../helpers/fixtures.js'

const samples = await signSamples()

const signerOf: Record<Kind, KeyPair> = {
  intent: customer,
  offer: vendor,
  counter: customer,
  terms: vendor,
  acceptance: customer,
  agreement: customer,
  withdrawal: customer,
  subscription: vendor,
  access: customer,
}

describe('sign -> verify round trip for every kind', () => {
  it('covers every kind', () => {
    expect(Object.keys(samples).sort()).toEqual([...KINDS].sort())
  })

  it.each(KINDS.filter((k) => k !== 'agreement'))('%s: compact JWS with typed result fields', async (kind) => {
    const message = samples[kind]
    expect(message.split('.')).toHaveLength(3)
    const v = await verify(message, { now: SOON })
    const k = signerOf[kind]
    expect(v.kind).toBe(kind)
    expect(v.issuer).toBe(k.did)
    expect(v.signers).toEqual([k.did])
    expect(v.digest).toBe(digest(message))
    expect(digest(v)).toBe(v.digest)
    expect(v.digest).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(v.header).toEqual({ alg: 'EdDSA', typ: JWS_TYP[kind], kid: kidForDid(k.did) })
    expect(v.message).toBe(message)
    expect(v.payload).toEqual(fromB64uJson(message.split('.')[1]!))
    expect(v.payload).toMatchObject({ v: PROTOCOL_VERSION, iss: k.did, iat: T0s })
    expect(v.payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(Object.isFrozen(v)).toBe(true)
    // With `expect` the result narrows to the kind.
    const narrowed = await verify(message, { now: SOON, expect: kind })
    expect(narrowed.kind).toBe(kind)
  })

  it("agreement: JWS JSON with both parties' signatures, customer first", async () => {
    const message = samples.agreement
    const json = JSON.parse(message) as { payload: string; signatures: Array<{ protected: string; signature: string }> }
    expect(Object.keys(json)).toEqual(['payload', 'signatures'])
    expect(json.signatures).toHaveLength(2)
    const v = await verify(message, { now: SOON, expect: 'agreement' })
    expect(v.kind).toBe('agreement')
    expect(v.issuer).toBe(customer.did)
    expect(v.signers).toEqual([customer.did, vendor.did])
    expect(v.digest).toBe(digest(message))
    expect(v.header).toEqual({ alg: 'EdDSA', typ: JWS_TYP.agreement, kid: kidForDid(customer.did) })
    expect(v.payload).toEqual(fromB64uJson(json.payload))
    expect(v.payload.parties).toEqual({ customer: customer.did, vendor: vendor.did })
    expect(v.payload).not.toHaveProperty('iss')
    expect(v.payload).not.toHaveProperty('exp')
  })

  it('payload fields come through as signed', async () => {
    const intent = await verify(samples.intent, { now: SOON, expect: 'intent' })
    expect(intent.payload.want).toEqual(intentBody.want)
    expect(intent.payload.terms).toEqual(intentBody.terms)
    expect(intent.payload.exp).toBe(T0s + 86_400) // intents live 24h by default
    const offer = await verify(samples.offer, { now: SOON, expect: 'offer' })
    expect(offer.payload.aud).toBe(customer.did)
    expect(offer.payload.inReplyTo).toBe(intent.digest)
    expect(offer.payload.exp).toBe(T0s + 3600)
    const terms = await verify(samples.terms, { now: SOON, expect: 'terms' })
    expect(terms.payload.role).toBe('vendor')
    expect(terms.payload).not.toHaveProperty('exp') // no default lifetime
    const w = await verify(samples.withdrawal, { now: SOON, expect: 'withdrawal' })
    expect(w.payload.withdraws).toBe(intent.digest)
  })

  it('the digest is SHA-256 over the signing input, not over the signature', async () => {
    const [h, p] = samples.intent.split('.')
    const { createHash } = await import('node:crypto')
    expect(digest(samples.intent)).toBe(createHash('sha256').update(`${h}.${p}`).digest('base64url'))
    const { payload } = JSON.parse(samples.agreement) as { payload: string }
    expect(digest(samples.agreement)).toBe(createHash('sha256').update(payload).digest('base64url'))
  })

  it('options.jti and options.now are used as given', async () => {
    const v = await verify(await signIntent(intentBody, customer, { now: T0, jti: 'my-own-jti-123' }), { now: SOON })
    expect(v.payload.jti).toBe('my-own-jti-123')
    expect(v.payload.iat).toBe(T0s)
  })
})

describe('expiresIn: seconds or a span string', () => {
  const lifetime = async (expiresIn: SignOptions['expiresIn']) => {
    const v = await verify(
      await signIntent(intentBody, customer, { now: T0, ...(expiresIn !== undefined && { expiresIn }) }),
      { now: SOON, expect: 'intent' },
    )
    return v.payload.exp - v.payload.iat
  }

  it.each([
    ['2h', 7200],
    [90, 90],
    ['90s', 90],
    ['15m', 900],
    ['7d', 604_800],
    ['1w', 604_800],
    [undefined, 86_400],
  ] as const)('%s -> %d seconds', async (given, seconds) => {
    expect(await lifetime(given)).toBe(seconds)
  })

  it('applies to kinds without a default lifetime', async () => {
    const v = await verify(await signTerms(termsBody, vendor, { now: T0, expiresIn: '30d' }), {
      now: SOON,
      expect: 'terms',
    })
    expect(v.payload.exp).toBe(T0s + 30 * 86_400)
  })

  it.each([
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 60,
    '',
    'h',
    '2',
    '2y',
    '1.5h',
    '-2h',
    ' 2h',
    '2h ',
    '2 hours',
    '9999999999s',
    null,
    {},
    true,
  ])('refuses %o with ERR_INVALID_ARGUMENT', async (bad) => {
    await expectCode(signIntent(intentBody, customer, { expiresIn: bad as string }), 'ERR_INVALID_ARGUMENT')
  })

  it('refuses a lifetime that overflows NumericDate', async () => {
    await expectCode(signIntent(intentBody, customer, { expiresIn: '999999999w' }), 'ERR_INVALID_ARGUMENT')
  })
})

describe('audience: required where a message is addressed to one party', () => {
  const intentDigest = SOME_DIGEST

  it('offer, counter and acceptance refuse to sign without one', async () => {
    await expectCode(signOffer(offerBody(intentDigest), vendor), 'ERR_INVALID_ARGUMENT')
    await expectCode(signCounter(counterBody(intentDigest, SOME_DIGEST, '1.00'), customer), 'ERR_INVALID_ARGUMENT')
    const acceptance = {
      inReplyTo: SOME_DIGEST,
      intent: intentDigest,
      quantity: 1,
      price: EUR('1.00'),
      terms: { agreement: 'SD-BASE' },
    }
    await expectCode(signAcceptance(acceptance, customer), 'ERR_INVALID_ARGUMENT')
    expect((await verify(await signAcceptance(acceptance, customer, { audience: vendor.did }))).payload).toMatchObject({
      aud: vendor.did,
    })
  })

  it('an intent may be addressed to one vendor or broadcast', async () => {
    const addressed = await verify(await signIntent(intentBody, customer, { audience: vendor.did }), {
      expect: 'intent',
    })
    expect(addressed.payload.aud).toBe(vendor.did)
    const broadcast = await verify(await signIntent(intentBody, customer), { expect: 'intent' })
    expect(broadcast.payload).not.toHaveProperty('aud')
  })

  it('a terms declaration has no audience', async () => {
    await expectCode(signTerms(termsBody, vendor, { audience: customer.did }), 'ERR_INVALID_ARGUMENT')
  })

  it('an audience that is not a DID is refused', async () => {
    await expectCode(signOffer(offerBody(intentDigest), vendor, { audience: 'bob' }), 'ERR_INVALID_ARGUMENT')
  })
})

describe('signing an invalid body: ERR_INVALID_ARGUMENT, nothing is signed', () => {
  const withWant = (want: unknown) => ({ ...intentBody, want }) as unknown as IntentBody

  it.each([
    ['a float for money', withWant({ ...intentBody.want, maxPrice: { amount: 1199.99, currency: 'EUR' } })],
    ['a lower-case currency', withWant({ ...intentBody.want, maxPrice: { amount: '1.00', currency: 'eur' } })],
    ['too many decimals', withWant({ ...intentBody.want, maxPrice: EUR('1.000000001') })],
    ['no item name', withWant({ ...intentBody.want, item: {} })],
    ['a quantity of 0', withWant({ ...intentBody.want, quantity: 0 })],
    ['a fractional quantity', withWant({ ...intentBody.want, quantity: 1.5 })],
    ['a date that is not RFC 3339', withWant({ ...intentBody.want, deliverBy: '01/04/2021' })],
    ['an impossible date', withWant({ ...intentBody.want, deliverBy: '2021-13-01T00:00:00Z' })],
    ['a region that is not ISO 3166', withWant({ ...intentBody.want, region: 'Berlin' })],
    ['an unknown field in want', withWant({ ...intentBody.want, colour: 'red' })],
    ['an unknown top-level field', { ...intentBody, smuggled: true }],
    ['no terms', { want: intentBody.want }],
    ['an agreement not in the 7012 roster', { ...intentBody, terms: { agreements: ['ALL-YOUR-DATA'] } }],
    ['a control character in a name', withWant({ ...intentBody.want, item: { name: 'bike\u0000' } })],
    ['null', null],
    ['a string', 'intent'],
  ])('%s', async (_, body) => {
    await expectCode(signIntent(body as IntentBody, customer), 'ERR_INVALID_ARGUMENT')
  })

  it.each(['v', 'iss', 'iat', 'jti', 'exp', 'aud'])("a body that sets the signer's claim %s", async (claim) => {
    const value = { v: '0.2', iss: vendor.did, iat: 1, jti: 'chosen-by-body', exp: 2, aud: vendor.did }[claim]
    await expectCode(signIntent({ ...intentBody, [claim]: value }, customer), 'ERR_INVALID_ARGUMENT')
  })

  it('other kinds validate their bodies too', async () => {
    await expectCode(
      signOffer({ ...offerBody(SOME_DIGEST), inReplyTo: 'not-a-digest' }, vendor, { audience: customer.did }),
      'ERR_INVALID_ARGUMENT',
    )
    await expectCode(signTerms({ ...termsBody, role: 'broker' as 'vendor' }, vendor), 'ERR_INVALID_ARGUMENT')
    await expectCode(signWithdrawal({ withdraws: SOME_DIGEST, reason: '' }, customer), 'ERR_INVALID_ARGUMENT')
    await expectCode(
      signCounter({ ...counterBody(SOME_DIGEST, SOME_DIGEST, '1'), quantity: -1 }, customer, { audience: vendor.did }),
      'ERR_INVALID_ARGUMENT',
    )
    const body = agreementBodyFor({ intent: SOME_DIGEST, offer: SOME_DIGEST, acceptance: SOME_DIGEST })
    await expectCode(
      signAgreement({ ...body, price: { amount: 999, currency: 'EUR' } } as unknown as typeof body, customer),
      'ERR_INVALID_ARGUMENT',
    )
    await expectCode(
      signAgreement({ ...body, parties: { customer: customer.did } } as unknown as typeof body, customer),
      'ERR_INVALID_ARGUMENT',
    )
    await expectCode(signAgreement(null as unknown as typeof body, customer), 'ERR_INVALID_ARGUMENT')
    await expectCode(
      signAgreement({ ...body, jti: 'chosen-by-body' } as unknown as typeof body, customer),
      'ERR_INVALID_ARGUMENT',
    )
  })

  it('an acceptance needs a complete proposal', async () => {
    const offer = await verify(samples.offer, { now: SOON, expect: 'offer' })
    const { price: _price, ...noPrice } = acceptanceBody(SOME_DIGEST, offer)
    await expectCode(signAcceptance(noPrice as never, customer, { audience: vendor.did }), 'ERR_INVALID_ARGUMENT')
  })
})

describe('withdrawal and countersign round trip', () => {
  it('withdrawal references the digest and carries the reason', async () => {
    const v = await verify(await signWithdrawal(withdrawalBody(SOME_DIGEST), vendor, { now: T0 }), {
      now: SOON,
      expect: 'withdrawal',
    })
    expect(v.payload).toMatchObject({ withdraws: SOME_DIGEST, reason: 'Changed my mind.', iss: vendor.did })
  })

  it('countersign keeps the payload and adds the second signature', async () => {
    const body = agreementBodyFor({ intent: SOME_DIGEST, offer: SOME_DIGEST, acceptance: SOME_DIGEST })
    const half = await signAgreement(body, vendor, { now: T0 })
    const whole = await countersign(half, customer, { now: SOON })
    expect(JSON.parse(whole).payload).toBe(JSON.parse(half).payload)
    const v = await verify(whole, { now: SOON })
    expect(v.signers).toEqual([customer.did, vendor.did])
    expect(v.payload).toMatchObject(body)
  })
})

describe('sign options: the documented keys only, checked before signing', () => {
  it('a misspelt option is refused rather than ignored (audiance would have signed a broadcast)', async () => {
    await expectCode(signIntent(intentBody, customer, { audiance: vendor.did } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(signIntent(intentBody, customer, null as never), 'ERR_INVALID_ARGUMENT')
  })
  it('an unknown format is refused, for messages and agreements alike (COSE used to sign JWS)', async () => {
    await expectCode(signIntent(intentBody, customer, { format: 'COSE' } as never), 'ERR_INVALID_ARGUMENT')
    const body = agreementBodyFor({ intent: SOME_DIGEST, offer: SOME_DIGEST, acceptance: SOME_DIGEST })
    await expectCode(signAgreement(body, customer, { format: 'COSE' } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(signAgreement(body, customer, { audience: vendor.did } as never), 'ERR_INVALID_ARGUMENT')
  })
})
