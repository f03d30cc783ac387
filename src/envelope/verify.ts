import { verifyPrepared } from '../crypto/prepared.js'
import { IntentcastError } from '../errors.js'
import { didOfKid } from '../keys/did-key.js'
import { resolvePublicKey, type KeyResolver } from '../keys/resolve.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8, utf8 } from '../lib/utf8.js'
import { JWS_TYP, SCHEMAS, type Kind, type PayloadOf } from '../model/kinds.js'
import type { ReplayStore } from '../replay/store.js'
import { sha256 } from '../crypto/sha256.js'
import { parseGeneralJws, type GeneralJws } from './general.js'
import { parseProtectedHeader, type ParsedHeader, type ProtectedHeader } from './header.js'

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

declare const verifiedBrand: unique symbol

type VerifiedOf<K extends Kind> = {
  readonly kind: K
  readonly payload: PayloadOf<K>
  /** The signer's DID; for an agreement, the customer's. */
  readonly issuer: string
  /** Every signer's DID in signature order: one, or for an agreement customer then vendor. */
  readonly signers: readonly string[]
  /** The message digest other messages reference (spec §Digests). */
  readonly digest: string
  /** The (first) protected header. */
  readonly header: ProtectedHeader
  /** The message exactly as received. */
  readonly message: string
  /** Only `verify` makes these: input that has not been verified cannot pass for it. */
  readonly [verifiedBrand]: true
}

/** A message that passed every check of `verify`. Its `payload` type follows `kind`. */
export type Verified<K extends Kind = Kind> = { [P in K]: VerifiedOf<P> }[K]

export const DEFAULT_MAX_BYTES = 65_536
const DEFAULT_TOLERANCE = 30
/** How long the replay store remembers a message that has no `exp`. */
const REPLAY_WINDOW_NO_EXP = 86_400

// How many verify calls have started and not finished. With others queued behind it, a call hands
// the curve math to the thread pool so both cores work; alone, it verifies inline, which is
// faster than a round trip to the pool (spec-neutral: only speed depends on it).
let pending = 0

/**
 * Verifies any intentcast message, of any kind, in the order spec §Verification gives, and
 * returns it typed by kind. Every failure is an IntentcastError with a stable code; no input,
 * however hostile, makes it throw anything else.
 */
export async function verify<K extends Kind = Kind>(message: unknown, options: VerifyOptions<K> = {}): Promise<Verified<K>> {
  return verifyInternal(message, options)
}

export async function verifyInternal<K extends Kind = Kind>(message: unknown, options: InternalVerifyOptions<K>): Promise<Verified<K>> {
  pending++
  let verified: VerifiedOf<Kind>
  try {
    verified = await check(message, options)
  } catch (e) {
    if (e instanceof IntentcastError) throw e
    // A bug, not an input: still never let it escape as a TypeError.
    throw new IntentcastError('ERR_MALFORMED', 'message could not be processed', { cause: e })
  } finally {
    pending--
  }
  if (options.replay) await checkReplay(verified, options.replay, options)
  return verified as Verified<K>
}

/**
 * Options the SDK passes internally on top of VerifyOptions. `timeless` skips the `exp`/`iat`
 * checks against the clock: `verifyThread` checks each move's time against the message it
 * answers instead, so a thread stays verifiable years later from its stored bytes.
 */
export interface InternalVerifyOptions<K extends Kind> extends VerifyOptions<K> {
  timeless?: boolean
}

async function check(message: unknown, options: InternalVerifyOptions<Kind>): Promise<VerifiedOf<Kind>> {
  if (typeof message !== 'string') throw new IntentcastError('ERR_MALFORMED', 'a message is a string (JWS)')
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  // Both forms are ASCII, so the string length is the byte length (larger for non-ASCII, which fails later anyway).
  if (message.length > maxBytes) throw new IntentcastError('ERR_TOO_LARGE', `message is ${message.length} bytes; the limit is ${maxBytes}`)
  return message.charCodeAt(0) === 123 /* { */ ? checkAgreement(message, options) : checkCompact(message, options)
}

function expectKind(kind: Kind, expect: Kind | readonly Kind[] | undefined): void {
  if (expect === undefined) return
  if (typeof expect === 'string' ? expect !== kind : !expect.includes(kind)) {
    throw new IntentcastError('ERR_TYPE_MISMATCH', `expected ${typeof expect === 'string' ? expect : expect.join(' or ')}, got ${kind}`)
  }
}

function parsePayload(segment: string): Record<string, unknown> {
  const p = parseJsonStrict(fromUtf8(decodeBase64url(segment, 'JWS payload'), 'JWS payload'), 'JWS payload')
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new IntentcastError('ERR_MALFORMED', 'JWS payload is not a JSON object')
  return p as Record<string, unknown>
}

async function checkSignature(header: ParsedHeader, signingInput: Uint8Array, signature: string, options: VerifyOptions<Kind>): Promise<void> {
  const key = await resolvePublicKey(header.kid, didOfKid(header.kid), options.resolveKey)
  const sig = decodeBase64url(signature, 'JWS signature')
  if (!(await verifyPrepared(key, signingInput, sig, pending <= 1))) {
    throw new IntentcastError('ERR_SIGNATURE_INVALID', 'signature does not verify')
  }
}

function checkSchema<K extends Kind>(kind: K, payload: Record<string, unknown>): PayloadOf<K> {
  const result = SCHEMAS[kind].safeParse(payload)
  if (result.success) return result.data as PayloadOf<K>
  const issue = result.error.issues[0]!
  throw new IntentcastError('ERR_SCHEMA', `${kind}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, { cause: result.error })
}

function checkTime(payload: { iat: number; exp?: number | undefined }, options: InternalVerifyOptions<Kind>): void {
  if (options.timeless) return
  const now = Math.floor((options.now?.getTime() ?? Date.now()) / 1000)
  const tolerance = options.clockTolerance ?? DEFAULT_TOLERANCE
  if (payload.exp !== undefined && payload.exp + tolerance <= now) throw new IntentcastError('ERR_EXPIRED', `expired at ${new Date(payload.exp * 1000).toISOString()}`)
  if (payload.iat - tolerance > now) throw new IntentcastError('ERR_NOT_YET_VALID', `issued in the future (${new Date(payload.iat * 1000).toISOString()})`)
}

function checkAudience(aud: string | undefined, kind: Kind, options: VerifyOptions<Kind>): void {
  if (options.audience === undefined) return
  // An intent without `aud` is a broadcast to every vendor; every other kind must name us.
  if (aud === undefined ? kind !== 'intent' : aud !== options.audience) {
    throw new IntentcastError('ERR_AUDIENCE', aud === undefined ? `this ${kind} names no audience` : `addressed to ${aud.slice(0, 80)}, not to us`)
  }
}

async function checkCompact(message: string, options: InternalVerifyOptions<Kind>): Promise<VerifiedOf<Kind>> {
  const dot1 = message.indexOf('.')
  const dot2 = message.indexOf('.', dot1 + 1)
  if (dot1 < 0 || dot2 < 0 || message.indexOf('.', dot2 + 1) >= 0) throw new IntentcastError('ERR_MALFORMED', 'not a compact JWS (three dot-separated parts)')
  const header = parseProtectedHeader(message.slice(0, dot1))
  expectKind(header.kind, options.expect)
  if (header.kind === 'agreement') throw new IntentcastError('ERR_MALFORMED', 'an agreement uses the JWS JSON serialization')
  const raw = parsePayload(message.slice(dot1 + 1, dot2))
  if (typeof raw.iss !== 'string' || didOfKid(header.kid) !== raw.iss) {
    throw new IntentcastError('ERR_ISSUER_MISMATCH', 'kid does not name the iss')
  }
  const signingInput = utf8(message.slice(0, dot2))
  await checkSignature(header, signingInput, message.slice(dot2 + 1), options)
  const payload = checkSchema(header.kind, raw) as PayloadOf<Exclude<Kind, 'agreement'>>
  checkTime(payload, options)
  checkAudience('aud' in payload ? payload.aud : undefined, header.kind, options)
  return freeze(header.kind, payload, [payload.iss], encodeBase64url(sha256(signingInput)), header, message)
}

/**
 * Checks an agreement's signatures, parties and payload. With one signature (as `countersign`
 * sees it) the signer may be either party; with two they must be customer then vendor.
 */
export async function verifyAgreementSignatures(
  jws: GeneralJws,
  options: InternalVerifyOptions<Kind>,
): Promise<{ payload: PayloadOf<'agreement'>; signers: string[]; header: ParsedHeader }> {
  const headers = jws.signatures.map((s) => parseProtectedHeader(s.protected))
  // The JSON serialization is for agreements only: every header must say so, whatever the caller expects.
  for (const h of headers) {
    if (h.kind !== 'agreement') throw new IntentcastError('ERR_TYPE_MISMATCH', `an agreement's signatures carry typ ${JWS_TYP.agreement}, not ${h.typ.slice(0, 64)}`)
  }
  expectKind('agreement', options.expect)
  const raw = parsePayload(jws.payload)
  const parties = raw.parties as { customer?: unknown; vendor?: unknown } | undefined
  const signers = headers.map((h) => didOfKid(h.kid))
  const order = signers.length === 2 ? [parties?.customer, parties?.vendor] : [signers[0] === parties?.vendor ? parties?.vendor : parties?.customer]
  if (typeof parties !== 'object' || parties === null || signers.some((s, i) => s !== order[i])) {
    throw new IntentcastError('ERR_ISSUER_MISMATCH', 'agreement signers must be its parties, customer first')
  }
  for (let i = 0; i < headers.length; i++) {
    await checkSignature(headers[i]!, utf8(`${jws.signatures[i]!.protected}.${jws.payload}`), jws.signatures[i]!.signature, options)
  }
  const payload = checkSchema('agreement', raw)
  checkTime(payload, options)
  return { payload, signers, header: headers[0]! }
}

async function checkAgreement(message: string, options: InternalVerifyOptions<Kind>): Promise<VerifiedOf<Kind>> {
  const jws = parseGeneralJws(message)
  const { payload, signers, header } = await verifyAgreementSignatures(jws, options)
  if (signers.length !== 2) throw new IntentcastError('ERR_SIGNATURE_INVALID', 'an agreement needs both parties\' signatures; this one has one (see countersign)')
  if (options.audience !== undefined && options.audience !== payload.parties.customer && options.audience !== payload.parties.vendor) {
    throw new IntentcastError('ERR_AUDIENCE', 'we are not a party to this agreement')
  }
  return freeze('agreement', payload, signers, encodeBase64url(sha256(utf8(jws.payload))), header, message)
}

function freeze(kind: Kind, payload: object, signers: string[], digest: string, header: ParsedHeader, message: string): VerifiedOf<Kind> {
  return Object.freeze({
    kind,
    payload,
    issuer: signers[0]!,
    signers: Object.freeze(signers),
    digest,
    header: { alg: header.alg, typ: header.typ, kid: header.kid },
    message,
  }) as unknown as VerifiedOf<Kind>
}

async function checkReplay(v: VerifiedOf<Kind>, store: ReplayStore, options: VerifyOptions<Kind>): Promise<void> {
  const p = v.payload as { jti: string; exp?: number }
  const now = options.now?.getTime() ?? Date.now()
  const until = p.exp !== undefined ? (p.exp + (options.clockTolerance ?? DEFAULT_TOLERANCE)) * 1000 : now + REPLAY_WINDOW_NO_EXP * 1000
  if (!(await store.add(`${v.issuer} ${p.jti}`, until))) {
    throw new IntentcastError('ERR_REPLAY', `message ${p.jti} from this issuer was already received`)
  }
}
