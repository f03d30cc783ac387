/**
 * Builds the core test vectors (spec/vectors/*.json) from fixed keys, a fixed clock and fixed
 * jtis, so the output is byte-for-byte reproducible: Ed25519 signatures are deterministic.
 * Invalid vectors are built by hand where the SDK would refuse to produce them.
 */
import { signEd25519 } from '../src/crypto/index.js'
import {
  countersign,
  digest,
  keyPairFromSeed,
  signAcceptance,
  signAccess,
  signAgreement,
  signCounter,
  signIntent,
  signOffer,
  signSubscription,
  signTerms,
  signWithdrawal,
  verify,
  Thread,
  DPV_STATUS,
  type KeyPair,
  type TermsBody,
} from '../src/index.js'
import { didFromPublicKey, kidForDid } from '../src/keys/did-key.js'
import { encodeBase64url } from '../src/lib/base64url.js'
import { threadVectors } from './vectors-threads.js'

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
/** The vector keys' seeds: the byte repeated 32 times (0x01 customer, 0x02 vendor, 0x03 stranger). */
export const seedOf = (byte: number) => new Uint8Array(32).fill(byte)

/** The relay the subscription and access vectors are addressed to. */
export const VECTOR_RELAY = 'https://relay.example/relay'

/** The fixed clock of every vector: 2026-01-01T00:00:00Z. */
export const VECTOR_TIME = '2026-01-01T00:00:00.000Z'
export const now = new Date(VECTOR_TIME)
export const later = (s: number) => new Date(now.getTime() + s * 1000)

async function keys() {
  const named: Record<string, { seed: string; pair: KeyPair }> = {}
  for (const [name, byte] of [
    ['customer', 1],
    ['vendor', 2],
    ['stranger', 3],
    // The customer's relationship key for the vendor, named in an acceptance's `party`.
    ['relationship', 4],
  ] as const) {
    const seed = seedOf(byte)
    named[name] = { seed: hex(seed), pair: await keyPairFromSeed(seed) }
  }
  return named as Record<'customer' | 'vendor' | 'stranger' | 'relationship', { seed: string; pair: KeyPair }>
}

/** A compact JWS from any header and payload, signed with `seed`: for vectors the SDK refuses to sign. */
export async function rawJws(header: object | string, payload: object | string, seed: Uint8Array): Promise<string> {
  const enc = (v: object | string) =>
    encodeBase64url(new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v)))
  const input = `${enc(header)}.${enc(payload)}`
  return `${input}.${encodeBase64url(await signEd25519(seed, new TextEncoder().encode(input)))}`
}

export const decodePayload = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8'))

/** The intent every vector thread starts from (the COSE vectors sign the same one). */
export const VECTOR_INTENT_BODY = {
  want: {
    item: { name: 'cargo bike', category: 'bicycles', attributes: { wheels: 3, electric: true } },
    quantity: 1,
    maxPrice: { amount: '2000.00', currency: 'EUR' },
    deliverBy: '2026-01-09T17:00:00Z',
    region: 'DE-BE',
  },
  terms: {
    agreements: ['SD-BASE', 'SD-BASE-A'],
    conditions: [
      { id: 'retention-days', value: '30', unit: 'day', required: true },
      { id: 'deletion-on-request', value: true, required: true },
      { id: 'returns-days', value: '14', unit: 'day' },
    ],
  },
}

/** A did:key whose multicodec is secp256k1's (0xe7 0x01), not Ed25519's: the did:key spec's example. */
const SECP256K1_DID = 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme'
/** The did:key of the all-zero encoding, a point of order 4 (§Ed25519 verification rule, step 4). */
const SMALL_ORDER_DID = didFromPublicKey(new Uint8Array(32))
/** A DID of a method other than did:key: without a resolver its key cannot be found. */
/** The vector vendor's terms declaration: messages.json's terms vector, and http.json's vendor. */
export const VECTOR_TERMS_BODY: TermsBody = {
  role: 'vendor',
  name: 'Lastenrad Berlin',
  url: 'https://bikes.example',
  terms: {
    agreements: ['SD-BASE', 'SD-BASE-A'],
    conditions: [
      { id: 'retention-days', value: '30', unit: 'day' },
      { id: 'returns-days', value: '30', unit: 'day' },
      { id: 'payment-methods', value: ['card', 'sepa'] },
    ],
  },
}

export const WEB_DID = 'did:web:shop.example'
/** U+1F600: one code point, two UTF-16 code units, four UTF-8 octets. */
export const ASTRAL = '\u{1F600}'

const decodeAgreementPayload = (agreement: string) =>
  JSON.parse(Buffer.from(JSON.parse(agreement).payload, 'base64url').toString('utf8'))

export async function coreVectors() {
  const k = await keys()
  const { customer, vendor, stranger } = { customer: k.customer.pair, vendor: k.vendor.pair, stranger: k.stranger.pair }
  let n = 0
  const jti = () => `vector-jti-${String(++n).padStart(4, '0')}`

  const intent = await signIntent(VECTOR_INTENT_BODY, customer, { now, jti: jti() })
  const intentDigest = digest(intent)
  const offerBody = {
    inReplyTo: intentDigest,
    item: { name: 'cargo bike', category: 'bicycles' },
    quantity: 1,
    price: { amount: '2150.00', currency: 'EUR' },
    deliverBy: '2026-01-08T12:00:00Z',
    terms: {
      agreement: 'SD-BASE-A',
      conditions: [
        { id: 'retention-days', value: '30', unit: 'day' },
        { id: 'deletion-on-request', value: true },
        { id: 'returns-days', value: '30', unit: 'day' },
      ],
    },
  }
  const offer = await signOffer(offerBody, vendor, { now: later(60), audience: customer.did, jti: jti() })
  const counter = await signCounter(
    {
      inReplyTo: digest(offer),
      intent: intentDigest,
      quantity: 1,
      price: { amount: '2000.00', currency: 'EUR' },
      deliverBy: offerBody.deliverBy,
      terms: { ...offerBody.terms, agreement: 'SD-BASE' },
      note: 'At my ceiling, and on my first-choice terms.',
    },
    customer,
    { now: later(120), audience: vendor.did, jti: jti() },
  )
  const counter2 = await signCounter(
    {
      inReplyTo: digest(counter),
      intent: intentDigest,
      quantity: 1,
      price: { amount: '2000.00', currency: 'EUR' },
      deliverBy: offerBody.deliverBy,
      terms: { ...offerBody.terms, agreement: 'SD-BASE' },
    },
    vendor,
    { now: later(180), audience: customer.did, jti: jti() },
  )
  const c2 = decodePayload(counter2)
  const acceptance = await signAcceptance(
    {
      inReplyTo: digest(counter2),
      intent: intentDigest,
      quantity: c2.quantity,
      price: c2.price,
      deliverBy: c2.deliverBy,
      terms: c2.terms,
    },
    customer,
    { now: later(240), audience: vendor.did, jti: jti() },
  )
  const thread = new Thread(await verify(intent, { now }))
  for (const [m, at] of [
    [offer, 60],
    [counter, 120],
    [counter2, 180],
    [acceptance, 240],
  ] as const)
    thread.add(await verify(m, { now: later(at) }))
  const partial = await signAgreement(thread.agreementBody(), customer, { now: later(300), jti: jti() })
  const agreement = await countersign(partial, vendor, { now: later(300) })
  const terms = await signTerms(VECTOR_TERMS_BODY, vendor, { now, jti: jti() })
  const withdrawal = await signWithdrawal({ withdraws: intentDigest, reason: 'Bought elsewhere.' }, customer, {
    now: later(400),
    jti: jti(),
  })

  // The relay's two messages (spec §Relay binding): a vendor's subscription, and the customer's
  // access to its cast mailbox.
  const subscription = await signSubscription(
    { filters: { categories: ['bicycles'], regions: ['DE'], price: { currency: 'EUR', min: '500.00' } } },
    vendor,
    // Their own jtis, so that adding them left every earlier vector byte for byte as it was.
    { now, jti: 'vector-jti-relay-1', audience: VECTOR_RELAY, expiresIn: '7d' },
  )
  const access = await signAccess(customer, {
    now,
    jti: 'vector-jti-relay-2',
    audience: `${VECTOR_RELAY}/mailboxes/${customer.did}`,
  })

  const valid = [
    ['intent', intent, {}],
    ['offer', offer, { audience: customer.did }],
    ['counter by the customer', counter, { audience: vendor.did }],
    ['counter by the vendor', counter2, { audience: customer.did }],
    ['acceptance', acceptance, { audience: vendor.did }],
    ['agreement', agreement, {}],
    ['terms (vendor r-button declaration)', terms, {}],
    ['withdrawal', withdrawal, {}],
    ['subscription', subscription, { audience: VECTOR_RELAY }],
    ['access', access, { audience: `${VECTOR_RELAY}/mailboxes/${customer.did}` }],
  ] as const
  const at = (m: string) =>
    (m.startsWith('{')
      ? JSON.parse(Buffer.from(JSON.parse(m).payload, 'base64url').toString()).iat
      : decodePayload(m).iat) as number

  const ip = decodePayload(intent)
  const header = (typ: string, kid = `${customer.did}#${customer.did.slice(8)}`) => ({ alg: 'EdDSA', kid, typ })
  const seed = seedOf(1)
  const [h, p, s] = intent.split('.') as [string, string, string]
  const invalid: Array<{ name: string; message: string; options?: object; code: string }> = [
    {
      name: 'tampered signature',
      message: `${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`,
      code: 'ERR_SIGNATURE_INVALID',
    },
    {
      name: 'claim changed, signature kept',
      message: `${h}.${encodeBase64url(new TextEncoder().encode(JSON.stringify({ ...ip, want: { ...ip.want, quantity: 2 } })))}.${s}`,
      code: 'ERR_SIGNATURE_INVALID',
    },
    {
      name: 'alg none',
      message: `${encodeBase64url(new TextEncoder().encode(JSON.stringify({ alg: 'none', typ: 'intentcast-intent+jws', kid: header('').kid })))}.${p}.`,
      code: 'ERR_UNSUPPORTED_ALG',
    },
    {
      name: 'alg HS256',
      message: await rawJws({ ...header('intentcast-intent+jws'), alg: 'HS256' }, ip, seed),
      code: 'ERR_UNSUPPORTED_ALG',
    },
    { name: 'wrong typ', message: await rawJws(header('JWT'), ip, seed), code: 'ERR_TYPE_MISMATCH' },
    {
      name: 'offer where an intent is expected',
      message: offer,
      options: { expect: 'intent' },
      code: 'ERR_TYPE_MISMATCH',
    },
    {
      name: 'kid names another DID than iss',
      message: await rawJws(header('intentcast-intent+jws', `${stranger.did}#${stranger.did.slice(8)}`), ip, seedOf(3)),
      code: 'ERR_ISSUER_MISMATCH',
    },
    {
      name: 'signed by a key other than kid',
      message: await rawJws(header('intentcast-intent+jws'), ip, seedOf(3)),
      code: 'ERR_SIGNATURE_INVALID',
    },
    {
      name: 'extra header member jwk',
      message: await rawJws({ ...header('intentcast-intent+jws'), jwk: customer.publicJwk }, ip, seed),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'unknown claim smuggled in',
      message: await rawJws(header('intentcast-intent+jws'), { ...ip, admin: true }, seed),
      code: 'ERR_SCHEMA',
    },
    {
      name: 'price as a float',
      message: await rawJws(
        header('intentcast-intent+jws'),
        { ...ip, want: { ...ip.want, maxPrice: { amount: 2000.5, currency: 'EUR' } } },
        seed,
      ),
      code: 'ERR_SCHEMA',
    },
    {
      name: 'duplicate JSON key',
      message: await rawJws(
        header('intentcast-intent+jws'),
        JSON.stringify(ip).replace('{"v":"0.1",', '{"v":"0.1","v":"0.1",'),
        seed,
      ),
      code: 'ERR_MALFORMED',
    },
    {
      name: '__proto__ key',
      message: await rawJws(
        header('intentcast-intent+jws'),
        JSON.stringify(ip).replace('{"v":"0.1",', '{"__proto__":{"admin":true},"v":"0.1",'),
        seed,
      ),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'expired',
      message: intent,
      options: { now: new Date((ip.exp + 31) * 1000).toISOString() },
      code: 'ERR_EXPIRED',
    },
    {
      name: 'issued in the future',
      message: intent,
      options: { now: new Date((ip.iat - 31) * 1000).toISOString() },
      code: 'ERR_NOT_YET_VALID',
    },
    { name: 'wrong audience', message: offer, options: { audience: stranger.did }, code: 'ERR_AUDIENCE' },
    { name: 'oversized', message: intent, options: { maxBytes: 256 }, code: 'ERR_TOO_LARGE' },
    {
      name: 'access to another mailbox',
      message: access,
      options: { audience: `${VECTOR_RELAY}/mailboxes/${vendor.did}` },
      code: 'ERR_AUDIENCE',
    },
    { name: 'agreement with one signature', message: partial, code: 'ERR_SIGNATURE_INVALID' },
    {
      name: 'agreement signatures in the wrong order',
      message: (() => {
        const j = JSON.parse(agreement)
        return JSON.stringify({ payload: j.payload, signatures: [j.signatures[1], j.signatures[0]] })
      })(),
      code: 'ERR_ISSUER_MISMATCH',
    },
    { name: 'not a JWS', message: 'hello', code: 'ERR_MALFORMED' },
    // Keys (§Identities and keys, §Verification step 14): each signer's kid and iss agree, so
    // these reach the key, which cannot be had.
    {
      name: 'a did:key that is not an Ed25519 key (secp256k1)',
      message: await rawJws(
        header('intentcast-intent+jws', kidForDid(SECP256K1_DID)),
        { ...ip, iss: SECP256K1_DID },
        seed,
      ),
      code: 'ERR_KEY_UNRESOLVED',
    },
    {
      name: 'a did:key of a small-order point (the all-zero encoding)',
      message: await rawJws(
        header('intentcast-intent+jws', kidForDid(SMALL_ORDER_DID)),
        { ...ip, iss: SMALL_ORDER_DID },
        seed,
      ),
      code: 'ERR_KEY_UNRESOLVED',
    },
    {
      name: 'a did:web signer and no resolver',
      message: await rawJws(header('intentcast-intent+jws', `${WEB_DID}#key-1`), { ...ip, iss: WEB_DID }, seed),
      code: 'ERR_KEY_UNRESOLVED',
    },
    // Lengths read before any schema count UTF-16 code units (§Status and conventions).
    {
      name: 'a kid of 601 UTF-16 code units (311 code points)',
      message: await rawJws(
        header('intentcast-intent+jws', `${WEB_DID}#${ASTRAL.repeat(290)}`),
        { ...ip, iss: WEB_DID },
        seed,
      ),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'a kid of exactly 600 UTF-16 code units (1,178 octets) passes step 8, and its key is not found',
      message: await rawJws(
        header('intentcast-intent+jws', `${WEB_DID}#a${ASTRAL.repeat(289)}`),
        { ...ip, iss: WEB_DID },
        seed,
      ),
      code: 'ERR_KEY_UNRESOLVED',
    },
    {
      name: 'a message of exactly maxBytes UTF-16 code units (not ASCII) is not too large',
      message: ASTRAL.repeat(4),
      options: { maxBytes: 8 },
      code: 'ERR_MALFORMED',
    },
    {
      name: 'a message of maxBytes + 1 UTF-16 code units (5 code points) is too large',
      message: ASTRAL.repeat(4) + 'a',
      options: { maxBytes: 8 },
      code: 'ERR_TOO_LARGE',
    },
    {
      name: 'a constructor member (an unknown member to the schema)',
      message: await rawJws(header('intentcast-intent+jws'), { ...ip, constructor: true }, seed),
      code: 'ERR_SCHEMA',
    },
    // Agreements.
    {
      name: 'agreement to another audience',
      message: agreement,
      options: { audience: stranger.did },
      code: 'ERR_AUDIENCE',
    },
    {
      name: 'agreement in compact form',
      message: await rawJws(header('intentcast-agreement+jws'), decodeAgreementPayload(agreement), seed),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'agreement in compact form, where an offer is expected (step 10 before step 11)',
      message: await rawJws(header('intentcast-agreement+jws'), decodeAgreementPayload(agreement), seed),
      options: { expect: 'offer' },
      code: 'ERR_TYPE_MISMATCH',
    },
  ]

  const threads = [
    {
      name: 'intent, offer, two counters, acceptance, agreement',
      messages: [intent, offer, counter, counter2, acceptance, agreement],
      state: 'agreed',
      status: DPV_STATUS.accepted,
    },
    {
      name: 'intent withdrawn',
      messages: [intent, offer, withdrawal],
      state: 'withdrawn',
      status: DPV_STATUS.terminated,
    },
    {
      name: 'offer answers another intent',
      messages: [
        intent,
        await signOffer({ ...offerBody, inReplyTo: digest(offer) }, vendor, {
          now: later(60),
          audience: customer.did,
          jti: jti(),
        }),
      ],
      code: 'ERR_BROKEN_LINK',
    },
    {
      name: 'acceptance of a withdrawn offer',
      messages: [
        intent,
        offer,
        await signWithdrawal({ withdraws: digest(offer) }, vendor, { now: later(70), jti: jti() }),
        await signAcceptance(
          {
            inReplyTo: digest(offer),
            intent: intentDigest,
            quantity: 1,
            price: offerBody.price,
            deliverBy: offerBody.deliverBy,
            terms: offerBody.terms,
          },
          customer,
          { now: later(80), audience: vendor.did, jti: jti() },
        ),
      ],
      code: 'ERR_ILLEGAL_MOVE',
    },
    {
      name: 'counter after the agreement',
      messages: [
        intent,
        offer,
        counter,
        counter2,
        acceptance,
        agreement,
        await signCounter(
          {
            inReplyTo: digest(counter2),
            intent: intentDigest,
            quantity: 1,
            price: { amount: '1900.00', currency: 'EUR' },
            terms: offerBody.terms,
          },
          customer,
          { now: later(500), audience: vendor.did, jti: jti() },
        ),
      ],
      code: 'ERR_ILLEGAL_MOVE',
    },
    {
      name: 'acceptance that changes the price',
      messages: [
        intent,
        offer,
        await signAcceptance(
          {
            inReplyTo: digest(offer),
            intent: intentDigest,
            quantity: 1,
            price: { amount: '1.00', currency: 'EUR' },
            deliverBy: offerBody.deliverBy,
            terms: offerBody.terms,
          },
          customer,
          { now: later(90), audience: vendor.did, jti: jti() },
        ),
      ],
      code: 'ERR_BROKEN_LINK',
    },
  ]

  return {
    keys: {
      time: VECTOR_TIME,
      keys: Object.fromEntries(
        Object.entries(k).map(([name, { seed, pair }]) => [
          name,
          { seed, did: pair.did, publicJwk: pair.publicJwk, privateJwk: pair.privateJwk },
        ]),
      ),
    },
    messages: {
      valid: await Promise.all(
        valid.map(async ([name, message, options]) => {
          const when = new Date(at(message) * 1000)
          // The whole result a replayer checks (§Test vectors): as verify gives it, as JSON.
          const v = await verify(message, { now: when, ...options })
          return {
            name,
            message,
            options: { now: when.toISOString(), ...options },
            expected: { kind: v.kind, digest: v.digest, issuer: v.issuer, signers: v.signers, payload: v.payload },
          }
        }),
      ),
      invalid: invalid.map((v) => {
        let when = at(intent)
        try {
          when = at(v.message)
        } catch {
          // not decodable: the intent's time will do
        }
        return { ...v, options: { now: new Date(when * 1000).toISOString(), ...v.options } }
      }),
    },
    threads: [
      ...threads.map((t) => ('state' in t ? { ...t, at: new Date(at(t.messages.at(-1)!) * 1000).toISOString() } : t)),
      ...(await threadVectors({
        keys: { customer, vendor, stranger, relationship: k.relationship.pair },
        jti,
        messages: { intent, offer, counter, counter2, acceptance, agreement, tampered: invalid[0]!.message },
        offerBody,
      })),
    ],
  }
}
