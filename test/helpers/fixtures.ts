/**
 * Shared fixtures for the core tests: fixed identities, fixed times, valid bodies for every
 * kind, and helpers to build JWS tokens by hand (so a test can get a hostile payload past the
 * signature check and prove which later check refuses it).
 */
import { expect } from 'vitest'
import { signEd25519 } from '../../src/crypto/index.js'
import {
  ERROR_CODES,
  IntentcastError,
  JWS_TYP,
  countersign,
  kidForDid,
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
  type AcceptanceBody,
  type AgreementBody,
  type CounterBody,
  type IntentBody,
  type IntentcastErrorCode,
  type KeyPair,
  type Kind,
  type OfferBody,
  type TermsBody,
  type Verified,
  type WithdrawalBody,
} from '../../src/index.js'

// ---------------------------------------------------------------------------------------------
// Bytes and base64url, written independently of src/lib so the tests do not grade their own homework.

export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s)
export const b64u = (bytes: Uint8Array | string): string =>
  Buffer.from(typeof bytes === 'string' ? ascii(bytes) : bytes).toString('base64url')
export const unb64u = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'))
export const b64uJson = (value: unknown): string => b64u(JSON.stringify(value))
export const fromB64uJson = <T = Record<string, unknown>>(s: string): T =>
  JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as T

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

/** A textbook base58btc encoder (BigInt), independent of @scure/base used by src/. */
export function base58btc(bytes: Uint8Array): string {
  let n = 0n
  for (const b of bytes) n = n * 256n + BigInt(b)
  let out = ''
  while (n > 0n) {
    out = BASE58[Number(n % 58n)]! + out
    n /= 58n
  }
  for (const b of bytes) {
    if (b !== 0) break
    out = '1' + out
  }
  return out
}

/** `did:key` of a raw Ed25519 key, computed by the did:key method spec by hand. */
export const expectedDidKey = (raw: Uint8Array): string => 'did:key:z' + base58btc(new Uint8Array([0xed, 0x01, ...raw]))

// ---------------------------------------------------------------------------------------------
// Time. Everything is signed at fixed instants long in the past, and verified with `now`.

export const T0 = new Date('2021-03-01T12:00:00Z')
export const T0s = Math.floor(T0.getTime() / 1000)
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000)
/** A `now` at which every fixture signed at T0 with a lifetime >= 1h is still valid. */
export const SOON = at(60)

// ---------------------------------------------------------------------------------------------
// Identities.

export const seed = (byte: number): Uint8Array => new Uint8Array(32).fill(byte)
export const customer: KeyPair = await keyPairFromSeed(seed(1))
export const vendor: KeyPair = await keyPairFromSeed(seed(2))
export const stranger: KeyPair = await keyPairFromSeed(seed(3))
export const seedOf = (k: KeyPair): Uint8Array => unb64u(k.privateJwk.d)

// ---------------------------------------------------------------------------------------------
// Bodies.

export const EUR = (amount: string) => ({ amount, currency: 'EUR' })

export const dealTerms = {
  agreement: 'SD-BASE',
  conditions: [
    { id: 'retention-days', value: '30', unit: 'day' },
    { id: 'deletion-on-request', value: true },
  ],
} satisfies OfferBody['terms']

export const intentBody: IntentBody = {
  want: {
    item: {
      name: 'Touring bicycle',
      category: 'bicycles',
      attributes: { frameSize: '56cm', electric: false, gears: 18 },
    },
    quantity: 1,
    maxPrice: EUR('1200.00'),
    deliverBy: '2021-04-01T18:00:00Z',
    region: 'DE-BE',
  },
  terms: {
    agreements: ['SD-BASE', 'SD-BASE-DP'],
    conditions: [{ id: 'retention-days', value: '30', unit: 'day', required: true }],
  },
  replyTo: 'https://wallet.example/inbox',
}

export const offerBody = (intentDigest: string, price = '999.00'): OfferBody => ({
  inReplyTo: intentDigest,
  item: { name: 'Touring bicycle', category: 'bicycles' },
  quantity: 1,
  price: EUR(price),
  deliverBy: '2021-03-20T12:00:00Z',
  terms: dealTerms,
  note: 'Assembled and tuned.',
})

export const counterBody = (intentDigest: string, answers: string, price: string): CounterBody => ({
  inReplyTo: answers,
  intent: intentDigest,
  quantity: 1,
  price: EUR(price),
  deliverBy: '2021-03-20T12:00:00Z',
  terms: dealTerms,
})

/** An acceptance that repeats `proposal` exactly, as the thread requires. */
export const acceptanceBody = (
  intentDigest: string,
  proposal: Verified<'offer'> | Verified<'counter'>,
): AcceptanceBody => ({
  inReplyTo: proposal.digest,
  intent: intentDigest,
  quantity: proposal.payload.quantity,
  price: proposal.payload.price,
  ...(proposal.payload.deliverBy !== undefined && { deliverBy: proposal.payload.deliverBy }),
  terms: proposal.payload.terms,
})

export const termsBody: TermsBody = {
  role: 'vendor',
  name: 'Velo Berlin',
  url: 'https://velo.example',
  terms: { agreements: ['SD-BASE', 'SD-BASE-A'], conditions: [{ id: 'returns-days', value: '30', unit: 'day' }] },
}

export const withdrawalBody = (withdraws: string): WithdrawalBody => ({ withdraws, reason: 'Changed my mind.' })

// A digest-shaped reference for messages that only need a well-formed one.
export const SOME_DIGEST = b64u(new Uint8Array(32).fill(7))

export const agreementBodyFor = (refs: { intent: string; offer: string; acceptance: string }): AgreementBody => ({
  parties: { customer: customer.did, vendor: vendor.did },
  refs,
  item: { name: 'Touring bicycle', category: 'bicycles' },
  quantity: 1,
  price: EUR('999.00'),
  deliverBy: '2021-03-20T12:00:00Z',
  terms: dealTerms,
})

// ---------------------------------------------------------------------------------------------
// One valid message of every kind, signed at T0.

export interface Samples {
  intent: string
  offer: string
  counter: string
  terms: string
  acceptance: string
  agreement: string
  withdrawal: string
  subscription: string
  access: string
}

/** The relay the samples' subscription and access are addressed to. */
export const RELAY = 'https://relay.example/relay'

export async function signSamples(now: Date = T0): Promise<Samples> {
  const intent = await signIntent(intentBody, customer, { now })
  const intentV = await verify(intent, { expect: 'intent', now })
  const offer = await signOffer(offerBody(intentV.digest), vendor, { now, audience: customer.did })
  const offerV = await verify(offer, { expect: 'offer', now })
  const counter = await signCounter(counterBody(intentV.digest, offerV.digest, '950.00'), customer, {
    now,
    audience: vendor.did,
  })
  const terms = await signTerms(termsBody, vendor, { now })
  const acceptance = await signAcceptance(acceptanceBody(intentV.digest, offerV), customer, {
    now,
    audience: vendor.did,
  })
  const acceptanceV = await verify(acceptance, { expect: 'acceptance', now })
  const body = agreementBodyFor({ intent: intentV.digest, offer: offerV.digest, acceptance: acceptanceV.digest })
  const agreement = await countersign(await signAgreement(body, customer, { now }), vendor, { now })
  const withdrawal = await signWithdrawal(withdrawalBody(intentV.digest), customer, { now })
  const subscription = await signSubscription({ filters: { categories: ['bicycles'], regions: ['DE'] } }, vendor, {
    now,
    audience: RELAY,
  })
  const access = await signAccess(customer, { now, audience: `${RELAY}/mailboxes/${customer.did}` })
  return { intent, offer, counter, terms, acceptance, agreement, withdrawal, subscription, access }
}

// ---------------------------------------------------------------------------------------------
// Hand-made tokens.

/** The protected header `sign*` writes for `kind`, as an object. */
export const headerFor = (kind: Kind, k: KeyPair = customer) => ({
  alg: 'EdDSA',
  kid: kidForDid(k.did),
  typ: JWS_TYP[kind],
})

/** The common claims of a valid payload signed by `k` at T0 with a one-hour lifetime. */
export const claimsFor = (k: KeyPair = customer, jti = 'hand-made-jti-0001') => ({
  v: '0.1',
  iss: k.did,
  iat: T0s,
  exp: T0s + 3600,
  jti,
})

/** A valid intent payload (the fixture body plus claims) as a plain object. */
export const intentPayload = (k: KeyPair = customer, jti?: string): Record<string, unknown> => ({
  ...claimsFor(k, jti),
  ...structuredClone(intentBody),
})

type Part = string | Uint8Array | object

function segmentOf(part: Part): string {
  if (typeof part === 'string') return b64u(part)
  if (part instanceof Uint8Array) return b64u(part)
  return b64uJson(part)
}

/**
 * A compact JWS signed by hand with `k`'s key over exactly the given header and payload: a string
 * is used as the JSON text verbatim, bytes verbatim, anything else through JSON.stringify.
 */
export async function signCompact(header: Part, payload: Part, k: KeyPair = customer): Promise<string> {
  const input = `${segmentOf(header)}.${segmentOf(payload)}`
  return `${input}.${b64u(await signEd25519(seedOf(k), ascii(input)))}`
}

/** One entry of a hand-made JWS JSON (agreement) signature list, signed with `k`. */
export async function agreementSignature(payload64: string, k: KeyPair, header: Part = headerFor('agreement', k)) {
  const protected64 = segmentOf(header)
  return { protected: protected64, signature: b64u(await signEd25519(seedOf(k), ascii(`${protected64}.${payload64}`))) }
}

/** A hand-made agreement (JWS JSON General Serialization) with the given signers in order. */
export async function signAgreementByHand(payload: Part, signers: KeyPair[]): Promise<string> {
  const payload64 = segmentOf(payload)
  const signatures = []
  for (const k of signers) signatures.push(await agreementSignature(payload64, k))
  return JSON.stringify({ payload: payload64, signatures })
}

// ---------------------------------------------------------------------------------------------
// Assertions.

/** Asserts that `p` rejects (or `f` throws) with an IntentcastError of `code`, and returns the error. */
export async function expectCode(
  p: Promise<unknown> | (() => unknown),
  code: IntentcastErrorCode,
): Promise<IntentcastError> {
  let error: unknown
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    error = e
  }
  expect(error, `expected ${code}, but nothing was thrown`).toBeDefined()
  expect(error).toBeInstanceOf(IntentcastError)
  const e = error as IntentcastError
  expect(ERROR_CODES).toContain(e.code)
  expect(e.code, `${e.code}: ${e.message}`).toBe(code)
  expect(e.name).toBe('IntentcastError')
  return e
}

/** The code verify reports a bug with (a non-IntentcastError thrown inside): never expected from input. */
export const INTERNAL_FAILURE = 'ERR_INTERNAL'
