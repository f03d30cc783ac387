// Over 250 lines on purpose: one signing path for every kind, and most of the length is each
// kind's signing function with its documented example.
import { signPrepared } from '../crypto/prepared.js'
import { IntentcastError } from '../errors.js'
import type { KeyPair } from '../keys/key-pair.js'
import { signerFor, type Signer } from '../keys/signer.js'
import { encodeBase64url } from '../lib/base64url.js'
import { randomId } from '../lib/random.js'
import { epochSeconds, parseDuration } from '../lib/time.js'
import { utf8 } from '../lib/utf8.js'
import {
  ADDRESSED,
  DEFAULT_LIFETIME,
  JWS_ONLY,
  JWS_TYP,
  SCHEMAS,
  type CoseKind,
  type Kind,
  type PayloadOf,
} from '../model/kinds.js'
import { PROTOCOL_VERSION } from '../model/primitives.js'
import type { Format } from './checks.js'
import { signCoseMessage } from './cose-sign.js'
import { encodeProtectedHeader } from './header.js'
import { parseWith } from '../model/parse.js'

/**
 * The options of `sign*`: the envelope, the lifetime, the one party addressed, and the signing
 * time and message ID (their defaults are what a program wants; tests and vectors fix them).
 *
 * @example
 * ```ts
 * const offer = await signOffer(body, vendor, { audience: intent.issuer, expiresIn: '2h', format: 'cose' }) // COSE_Sign1 bytes, good for 2 hours
 * ```
 */
export interface SignOptions<F extends Format = Format> {
  /** `jws` (default): a compact JWS string. `cose`: COSE_Sign1 bytes (spec §COSE binding). */
  format?: F
  /** Lifetime: seconds, or a span such as `'2h'`. Intents default to 24h; offers, counters, acceptances to 1h. */
  expiresIn?: number | string
  /** The one party the message is addressed to (`aud`). Required for offers, counters and acceptances. */
  audience?: string
  /** The signing time. Default: now. */
  now?: Date
  /** The message ID. Default: 16 random bytes. */
  jti?: string
}

const SIGN_OPTIONS: readonly (keyof SignOptions)[] = ['format', 'expiresIn', 'audience', 'now', 'jti']

/**
 * The caller's sign options, checked before any work: an object of documented keys only (a
 * misspelt `audiance` would otherwise sign a broadcast), and a known format (`'COSE'` would
 * otherwise sign JWS). The values themselves are checked where they are used.
 */
export function checkSignOptions(options: unknown, keys: readonly string[] = SIGN_OPTIONS): void {
  if (options === undefined) return
  if (typeof options !== 'object' || options === null)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'sign options must be an object')
  const unknown = Object.keys(options).find((k) => !keys.includes(k))
  if (unknown !== undefined) {
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `no sign option "${unknown.slice(0, 32)}"; the options are ${keys.join(', ')}`,
    )
  }
  const { format } = options as SignOptions
  if (format !== undefined && format !== 'jws' && format !== 'cose')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', "format is 'jws' or 'cose'")
}

/**
 * The claims `sign*` sets itself, from the key pair and the options. The `*Body` types leave
 * them out, and a body that sets one anyway is refused (ERR_INVALID_ARGUMENT).
 *
 * @example
 * ```ts
 * const fromSigner: SetBySigner[] = ['v', 'iss', 'iat', 'jti', 'exp', 'aud']
 * ```
 */
export type SetBySigner = 'v' | 'iss' | 'iat' | 'jti' | 'exp' | 'aud'

/**
 * What a customer signs as an intent: its payload without the claims `signIntent` sets (`v`,
 * `iss`, `iat`, `jti`, `exp`, and `aud` when an audience is given).
 *
 * @example
 * ```ts
 * const body: IntentBody = { want: { item: { name: 'cargo bike' }, maxPrice: { amount: '2000.00', currency: 'EUR' }, region: 'DE-BE' }, terms: { agreements: ['SD-BASE'] } }
 * ```
 */
export type IntentBody = Omit<PayloadOf<'intent'>, SetBySigner>
/**
 * What a vendor signs as an offer: its payload without the claims `signOffer` sets.
 *
 * @example
 * ```ts
 * const body: OfferBody = { inReplyTo: intent.digest, item: intent.payload.want.item, quantity: 1, price: { amount: '1890.00', currency: 'EUR' }, terms: { agreement: 'SD-BASE' } }
 * ```
 */
export type OfferBody = Omit<PayloadOf<'offer'>, SetBySigner>
/**
 * What either party signs as a counter: the whole deal again, with what it changes, without the
 * claims `signCounter` sets.
 *
 * @example
 * ```ts
 * const body: CounterBody = { inReplyTo: offer.digest, intent: intent.digest, ...dealOf(offer.payload), price: { amount: '1800.00', currency: 'EUR' } }
 * ```
 */
export type CounterBody = Omit<PayloadOf<'counter'>, SetBySigner>
/**
 * What a party signs as its r-button declaration: its role and standing terms, without the
 * claims `signTerms` sets.
 *
 * @example
 * ```ts
 * const body: TermsBody = { role: 'vendor', name: 'Velo Berlin', url: 'https://velo.example', terms: { agreements: ['SD-BASE', 'SD-BASE-A'] } }
 * ```
 */
export type TermsBody = Omit<PayloadOf<'terms'>, SetBySigner>
/**
 * What a customer signs to accept an offer or counter: the accepted deal repeated, without the
 * claims `signAcceptance` sets.
 *
 * @example
 * ```ts
 * const body: AcceptanceBody = { inReplyTo: offer.digest, intent: intent.digest, ...dealOf(offer.payload) }
 * ```
 */
export type AcceptanceBody = Omit<PayloadOf<'acceptance'>, SetBySigner>
/**
 * What a party signs to withdraw a message: its digest and, optionally, why, without the claims
 * `signWithdrawal` sets.
 *
 * @example
 * ```ts
 * const body: WithdrawalBody = { withdraws: intent.digest, reason: 'Bought one elsewhere.' }
 * ```
 */
export type WithdrawalBody = Omit<PayloadOf<'withdrawal'>, SetBySigner>
/**
 * What a vendor signs to subscribe to a relay: its filters (the relay, its audience, is an option).
 *
 * @example
 * ```ts
 * const body: SubscriptionBody = { filters: { categories: ['bicycles'], regions: ['DE'], price: { currency: 'EUR', min: '500.00' } } }
 * ```
 */
export type SubscriptionBody = Omit<PayloadOf<'subscription'>, SetBySigner>

const SET_BY_SIGNER: readonly SetBySigner[] = ['v', 'iss', 'iat', 'jti', 'exp', 'aud']

/** Builds a kind's full payload and checks it against the schema, so nothing invalid is ever signed. */
export function buildPayload<K extends Kind>(
  kind: K,
  base: Record<string, unknown>,
  body: object,
  options: SignOptions,
): PayloadOf<K> {
  if (typeof body !== 'object' || body === null)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `the ${kind} body must be an object`)
  // The body comes last in the payload, so a claim in it would silently override the key pair
  // and the options (an `iss` that is not the signer, an `exp` that is not `expiresIn`).
  const claim = SET_BY_SIGNER.find((c) => Object.hasOwn(body, c))
  if (claim !== undefined)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `the ${kind} body must not set ${claim}: it comes from the key pair and the options`,
    )
  const iat = epochSeconds(options.now)
  const lifetime = options.expiresIn !== undefined ? parseDuration(options.expiresIn) : DEFAULT_LIFETIME[kind]
  if (ADDRESSED.has(kind) && options.audience === undefined) {
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} is addressed to one party: pass options.audience`,
    )
  }
  const payload = {
    v: PROTOCOL_VERSION,
    ...base,
    ...(options.audience !== undefined && { aud: options.audience }),
    iat,
    ...(lifetime !== undefined && { exp: iat + lifetime }),
    jti: options.jti ?? randomId(),
    ...body,
  }
  parseWith(SCHEMAS[kind], payload, `invalid ${kind}`, 'ERR_INVALID_ARGUMENT')
  if (hasOwnProtoKey(payload, 0))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `invalid ${kind}: a "__proto__" member is never signed`)
  return payload as PayloadOf<K>
}

/**
 * zod validates records by their output, which silently drops an own `__proto__` member (as
 * `JSON.parse('{"__proto__":1}')` makes), while JSON.stringify of the input would still write
 * it: a message verify refuses. The schema bounds the depth; the limit only guards cycles.
 */
function hasOwnProtoKey(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null || depth > 32) return false
  if (Object.hasOwn(value, '__proto__')) return true
  return Object.values(value).some((v) => hasOwnProtoKey(v, depth + 1))
}

/** The signature segment over `header.payload`. */
export async function signSegments(signer: Signer, header: string, payload: string): Promise<string> {
  return encodeBase64url(await signPrepared(signer.key, utf8(`${header}.${payload}`)))
}

export function encodePayload(payload: object): string {
  return encodeBase64url(utf8(JSON.stringify(payload)))
}

/** What signing produces in each format: a JWS string, or COSE bytes. */
export type Signed<F extends Format> = F extends 'cose' ? Uint8Array : string

async function sign<K extends Exclude<Kind, 'agreement'>, F extends Format>(
  kind: K,
  body: object,
  keyPair: KeyPair,
  options: SignOptions<F> = {},
): Promise<Signed<F>> {
  checkSignOptions(options)
  const signer = await signerFor(keyPair)
  const payload = buildPayload(kind, { iss: signer.did }, body, options)
  if (options.format === 'cose') {
    if (isJwsOnly(kind))
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} is JWS only (spec §Relay binding)`,
      )
    return signCoseMessage(kind, payload, signer) as Promise<Signed<F>>
  }
  return (await signJws(kind, payload, signer)) as Signed<F>
}

const isJwsOnly = (kind: Kind): kind is Exclude<Kind, CoseKind> => JWS_ONLY.has(kind)

async function signJws(kind: Kind, payload: object, signer: Signer): Promise<string> {
  const header = encodeProtectedHeader(JWS_TYP[kind], signer.kid)
  const body64 = encodePayload(payload)
  return `${header}.${body64}.${await signSegments(signer, header, body64)}`
}

/**
 * Signs a customer's intent: a broadcast, or cast to one vendor when `options.audience` names it.
 * Default lifetime 24h.
 *
 * @example
 * ```ts
 * import { generateKeyPair, signIntent } from 'intentcast'
 *
 * const customer = await generateKeyPair()
 * const intent = await signIntent({ want: { item: { name: 'cargo bike' }, maxPrice: { amount: '2000.00', currency: 'EUR' }, region: 'DE-BE' }, terms: { agreements: ['SD-BASE'] } }, customer)
 * ```
 */
export const signIntent = <F extends Format = 'jws'>(
  body: IntentBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('intent', body, keyPair, options)
/**
 * Signs a vendor's offer; `options.audience` is the intent's issuer. Default lifetime 1h.
 *
 * @example
 * ```ts
 * import { signOffer, verify } from 'intentcast'
 *
 * const intent = await verify(message, { expect: 'intent' })
 * const offer = await signOffer({ inReplyTo: intent.digest, item: intent.payload.want.item, quantity: 1, price: { amount: '1890.00', currency: 'EUR' }, terms: { agreement: 'SD-BASE' } }, vendor, { audience: intent.issuer })
 * ```
 */
export const signOffer = <F extends Format = 'jws'>(
  body: OfferBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('offer', body, keyPair, options)
/**
 * Signs a counter-proposal to an offer or counter; `options.audience` is the other party.
 * Default lifetime 1h.
 *
 * @example
 * ```ts
 * import { dealOf, signCounter } from 'intentcast'
 *
 * // the offer's deal at a lower price
 * const counter = await signCounter({ inReplyTo: offer.digest, intent: intent.digest, ...dealOf(offer.payload), price: { amount: '1800.00', currency: 'EUR' } }, customer, { audience: offer.issuer })
 * ```
 */
export const signCounter = <F extends Format = 'jws'>(
  body: CounterBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('counter', body, keyPair, options)
/**
 * Signs an r-button declaration. Addressed to no one, and without `exp` unless
 * `options.expiresIn` gives one.
 *
 * @example
 * ```ts
 * import { signTerms } from 'intentcast'
 *
 * const declaration = await signTerms({ role: 'vendor', name: 'Velo Berlin', url: 'https://velo.example', terms: { agreements: ['SD-BASE', 'SD-BASE-A'] } }, vendor)
 * ```
 */
export const signTerms = <F extends Format = 'jws'>(
  body: TermsBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('terms', body, keyPair, options)
/**
 * Signs the customer's acceptance of an offer or counter; `options.audience` is the vendor.
 * Default lifetime 1h.
 *
 * @example
 * ```ts
 * import { dealOf, signAcceptance } from 'intentcast'
 *
 * const acceptance = await signAcceptance({ inReplyTo: offer.digest, intent: intent.digest, ...dealOf(offer.payload) }, customer, { audience: offer.issuer })
 * ```
 */
export const signAcceptance = <F extends Format = 'jws'>(
  body: AcceptanceBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('acceptance', body, keyPair, options)
/**
 * Signs a withdrawal of an intent, offer, counter or agreement.
 *
 * @example
 * ```ts
 * import { signWithdrawal } from 'intentcast'
 *
 * const withdrawal = await signWithdrawal({ withdraws: intent.digest, reason: 'Bought one elsewhere.' }, customer)
 * ```
 */
export const signWithdrawal = <F extends Format = 'jws'>(
  body: WithdrawalBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('withdrawal', body, keyPair, options)
/**
 * Signs a vendor's subscription to a relay (spec §Relay binding, Subscribing): `options.audience`
 * is the relay's URL. JWS only; default lifetime 24h.
 *
 * @example
 * ```ts
 * const subscription = await signSubscription({ filters: { categories: ['bicycles'], regions: ['DE'] } }, vendorKey, { audience: 'https://relay.example/relay' })
 * ```
 */
export const signSubscription = (
  body: SubscriptionBody,
  keyPair: KeyPair,
  options?: Omit<SignOptions<'jws'>, 'format'>,
): Promise<string> => sign<'subscription', 'jws'>('subscription', body, keyPair, options)
/**
 * Signs a proof that the signer holds the key of the mailbox at `options.audience` (spec §Relay
 * binding, Reading a mailbox). JWS only; default lifetime 5 minutes.
 *
 * @example
 * ```ts
 * const token = await signAccess(castKey, { audience: `https://relay.example/relay/mailboxes/${castKey.did}` })
 * await fetch(mailboxUrl, { headers: { authorization: `Intentcast ${token}` } })
 * ```
 */
export const signAccess = (keyPair: KeyPair, options?: Omit<SignOptions<'jws'>, 'format'>): Promise<string> =>
  sign<'access', 'jws'>('access', {}, keyPair, options)
