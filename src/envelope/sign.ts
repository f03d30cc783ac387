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

/** The claims `sign*` sets itself, from the key pair and the options. */
type SetBySigner = 'v' | 'iss' | 'iat' | 'jti' | 'exp' | 'aud'

export type IntentBody = Omit<PayloadOf<'intent'>, SetBySigner>
export type OfferBody = Omit<PayloadOf<'offer'>, SetBySigner>
export type CounterBody = Omit<PayloadOf<'counter'>, SetBySigner>
export type TermsBody = Omit<PayloadOf<'terms'>, SetBySigner>
export type AcceptanceBody = Omit<PayloadOf<'acceptance'>, SetBySigner>
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

/** Signs a customer's intent. */
export const signIntent = <F extends Format = 'jws'>(
  body: IntentBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('intent', body, keyPair, options)
/** Signs a vendor's offer; `options.audience` is the intent's issuer. */
export const signOffer = <F extends Format = 'jws'>(
  body: OfferBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('offer', body, keyPair, options)
/** Signs a counter-proposal to an offer or counter; `options.audience` is the other party. */
export const signCounter = <F extends Format = 'jws'>(
  body: CounterBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('counter', body, keyPair, options)
/** Signs an r-button declaration. */
export const signTerms = <F extends Format = 'jws'>(
  body: TermsBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('terms', body, keyPair, options)
/** Signs the customer's acceptance of an offer or counter; `options.audience` is the vendor. */
export const signAcceptance = <F extends Format = 'jws'>(
  body: AcceptanceBody,
  keyPair: KeyPair,
  options?: SignOptions<F>,
): Promise<Signed<F>> => sign('acceptance', body, keyPair, options)
/** Signs a withdrawal of an intent, offer, counter or agreement. */
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
