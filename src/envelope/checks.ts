import { requireCurvePoint, type PreparedPublicKey } from '../crypto/prepared.js'
import { IntentcastError } from '../errors.js'
import { DEFAULT_MAX_BYTES } from '../lib/limits.js'
import { didOfKid, kidForDid } from '../keys/did-key.js'
import type { KeyResolver } from '../keys/resolve.js'
import { SCHEMAS, type Kind, type PayloadOf } from '../model/kinds.js'
import type { ReplayStore } from '../replay/store.js'
import type { ProtectedHeader } from './header.js'
import { parseWith } from '../model/parse.js'

/**
 * The checks every envelope shares (spec §Verification): the JWS and COSE paths differ only in
 * how they take the bytes apart, so each rule lives here once.
 */

export interface VerifyOptions<K extends Kind = Kind> {
  /** The kind or kinds the caller expects; anything else fails with ERR_TYPE_MISMATCH. */
  expect?: K | readonly K[]
  /** The time to check against. Default: now. */
  now?: Date
  /** Seconds of clock skew allowed on `exp` and `iat`. Default 30. */
  clockTolerance?: number
  /** This party's DID: a message addressed to anyone else fails with ERR_AUDIENCE. */
  audience?: string
  /** Refuses a second message with the same issuer and `jti` (ERR_REPLAY). */
  replay?: ReplayStore
  /** Resolves keys for DID methods other than did:key. */
  resolveKey?: KeyResolver
  /** The largest message accepted, checked before any parsing. Default 65,536 bytes. */
  maxBytes?: number
}

/**
 * Options the SDK passes internally on top of VerifyOptions. `timeless` skips the `exp`/`iat`
 * checks against the clock: `verifyThread` checks each move's time against the message it
 * answers instead, so a thread stays verifiable years later from its stored bytes.
 */
export interface InternalVerifyOptions<K extends Kind = Kind> extends VerifyOptions<K> {
  timeless?: boolean
  /**
   * The message's digest, when the caller has already computed it from these very bytes (the
   * vendor looks a retry up by it before verifying): not computed a second time.
   */
  digest?: string
}

declare const verifiedBrand: unique symbol

/** The two envelopes: JWS (text) and COSE (bytes). */
export type Format = 'jws' | 'cose'

/**
 * A message of one kind `K` that passed every check of `verify`, in envelope `F`. `Verified<K>`
 * is the union of these over the kinds in `K`, so narrowing on `kind` narrows `payload`.
 *
 * @example
 * ```ts
 * const offer: VerifiedOf<'offer', 'jws'> = await verify(jws, { expect: 'offer' })
 * ```
 */
export type VerifiedOf<K extends Kind, F extends Format = Format> = {
  readonly kind: K
  readonly payload: PayloadOf<K>
  /** The signer's DID; for an agreement, the customer's. */
  readonly issuer: string
  /** Every signer's DID in signature order: one, or for an agreement customer then vendor. */
  readonly signers: readonly string[]
  /** The message digest other messages reference (spec §Digests). */
  readonly digest: string
  /** The (first) signer's protected header, in JWS terms for either envelope. */
  readonly header: ProtectedHeader
  /** `jws` (a string) or `cose` (bytes). */
  readonly format: F
  /** The message exactly as received: a string for JWS, bytes for COSE. */
  readonly message: F extends 'jws' ? string : Uint8Array
  /** Only `verify` makes these: input that has not been verified cannot pass for it. */
  readonly [verifiedBrand]: true
}

/** A message that passed every check of `verify`. Its `payload` type follows `kind`. */
export type Verified<K extends Kind = Kind, F extends Format = Format> = { [P in K]: VerifiedOf<P, F> }[K]

/**
 * A proposal: a verified offer or counter, the two moves that put a deal on the table. Nothing
 * else is called a proposal.
 */
export type Proposal<F extends Format = Format> = Verified<'offer' | 'counter', F>

export { DEFAULT_MAX_BYTES }
export const DEFAULT_TOLERANCE = 30
/** How long the replay store remembers a message that has no `exp`. */
const REPLAY_WINDOW_NO_EXP = 86_400

/** The size limit, after checking the option itself: a NaN or negative limit would switch the check off. */
export function maxBytesOf(options: VerifyOptions<Kind>): number {
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES
  if (!Number.isSafeInteger(max) || max < 1)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'maxBytes must be a positive whole number')
  return max
}

export function expectKind(kind: Kind, expect: Kind | readonly Kind[] | undefined): void {
  if (expect === undefined) return
  if (typeof expect === 'string' ? expect !== kind : !expect.includes(kind)) {
    throw new IntentcastError(
      'ERR_TYPE_MISMATCH',
      `expected ${typeof expect === 'string' ? expect : expect.join(' or ')}, got ${kind}`,
    )
  }
}

/**
 * The `kid` names the signer: its DID is `iss` and, for did:key, its fragment is the key's own
 * (`did:key:z6Mk…#z6Mk…`), so one key has exactly one `kid`.
 */
export function checkKid(kid: string, signer: unknown): void {
  const did = didOfKid(kid)
  if (typeof signer !== 'string' || did !== signer)
    throw new IntentcastError('ERR_ISSUER_MISMATCH', 'kid does not name the issuer')
  if (did.startsWith('did:key:') && kid !== kidForDid(did))
    throw new IntentcastError('ERR_ISSUER_MISMATCH', 'a did:key kid is the DID, "#", and the key part of the DID')
}

/**
 * Runs the checks that follow the resolution of `keys`, up to and including their signatures.
 * If one fails, a key off the curve is reported first (ERR_KEY_UNRESOLVED), as when keys were
 * refused on resolution: that check now waits for a failure, since a verified signature proves
 * it (src/crypto/prepared.ts, `preparePublicKey`). The keys are checked in the order resolved.
 */
export async function keyFaultFirst<T>(keys: readonly PreparedPublicKey[], checks: () => Promise<T>): Promise<T> {
  try {
    return await checks()
  } catch (e) {
    for (const key of keys) requireCurvePoint(key)
    throw e
  }
}

export function checkSchema<K extends Kind>(kind: K, payload: unknown): PayloadOf<K> {
  const p = parseWith(SCHEMAS[kind], payload, kind, 'ERR_SCHEMA') as { iat: number; exp?: number }
  if (p.exp !== undefined && p.exp <= p.iat) throw new IntentcastError('ERR_SCHEMA', `${kind}: exp must be after iat`)
  return p as PayloadOf<K>
}

/**
 * The clock and tolerance, after checking the options themselves: an invalid Date or a NaN or
 * infinite tolerance would make every comparison false and switch the time checks off.
 */
export function clockOf(options: VerifyOptions<Kind>): { nowMs: number; tolerance: number } {
  const nowMs = options.now === undefined ? Date.now() : options.now instanceof Date ? options.now.getTime() : NaN
  const tolerance = options.clockTolerance ?? DEFAULT_TOLERANCE
  if (!Number.isFinite(nowMs)) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'now must be a valid Date')
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'clockTolerance must be a finite number of seconds, 0 or more')
  return { nowMs, tolerance }
}

export function checkTime(
  payload: { iat: number; exp?: number | undefined },
  options: InternalVerifyOptions<Kind>,
): void {
  if (options.timeless) return
  const { nowMs, tolerance } = clockOf(options)
  const now = Math.floor(nowMs / 1000)
  if (payload.exp !== undefined && payload.exp + tolerance <= now)
    throw new IntentcastError('ERR_EXPIRED', `expired at ${new Date(payload.exp * 1000).toISOString()}`)
  if (payload.iat - tolerance > now)
    throw new IntentcastError(
      'ERR_NOT_YET_VALID',
      `issued in the future (${new Date(payload.iat * 1000).toISOString()})`,
    )
}

/**
 * A message that names an audience must name us. Kinds whose `aud` is optional are public when
 * it is absent: an intent without one is a broadcast, a terms declaration is published for
 * anyone, a withdrawal is announced to whoever holds the message withdrawn. Every other kind's
 * schema requires `aud`. An agreement's audience is its two parties.
 */
export function checkAudience(kind: Kind, payload: object, options: VerifyOptions<Kind>): void {
  if (options.audience === undefined) return
  if (kind === 'agreement') {
    const { customer, vendor } = (payload as PayloadOf<'agreement'>).parties
    if (options.audience !== customer && options.audience !== vendor)
      throw new IntentcastError('ERR_AUDIENCE', 'we are not a party to this agreement')
    return
  }
  const aud = (payload as { aud?: string }).aud
  if (aud !== undefined && aud !== options.audience)
    throw new IntentcastError('ERR_AUDIENCE', `addressed to ${aud.slice(0, 80)}, not to us`)
}

export function verified(
  kind: Kind,
  payload: object,
  signers: string[],
  digest: string,
  header: ProtectedHeader,
  message: string | Uint8Array,
): VerifiedOf<Kind> {
  return Object.freeze({
    kind,
    payload,
    issuer: signers[0]!,
    signers: Object.freeze(signers),
    digest,
    header: Object.freeze({ alg: header.alg, typ: header.typ, kid: header.kid }),
    format: typeof message === 'string' ? 'jws' : 'cose',
    message,
  }) as unknown as VerifiedOf<Kind>
}

export async function checkReplay(
  v: VerifiedOf<Kind>,
  store: ReplayStore,
  options: VerifyOptions<Kind>,
): Promise<void> {
  const p = v.payload as { jti: string; exp?: number }
  const { nowMs, tolerance } = clockOf(options)
  const until = p.exp !== undefined ? (p.exp + tolerance) * 1000 : nowMs + REPLAY_WINDOW_NO_EXP * 1000
  if (!(await store.add(`${v.issuer} ${p.jti}`, until))) {
    throw new IntentcastError('ERR_REPLAY', `message ${p.jti} from this issuer was already received`)
  }
}
