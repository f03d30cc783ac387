import { IntentcastError } from '../errors.js'
import { load } from '../crypto/load.js'
import { KINDS, type Kind } from '../model/kinds.js'
import {
  checkReplay,
  clockOf,
  maxBytesOf,
  type InternalVerifyOptions,
  type Verified,
  type VerifiedOf,
  type VerifyOptions,
} from './checks.js'
import { checkAgreementJson, checkCompact } from './jws-verify.js'

export { DEFAULT_MAX_BYTES, type Format, type Proposal, type Verified, type VerifyOptions } from './checks.js'

/**
 * Verifies any intentcast message, of any kind, in either envelope — a string is JWS, bytes are
 * COSE — in the order spec §Verification gives, and returns it typed by kind. Every failure is
 * an IntentcastError with a stable code; no input, however hostile, makes it throw anything
 * else. (A `replay` store or `resolveKey` of the caller's own that fails is reported as it threw:
 * that is the caller's infrastructure, not the message.)
 *
 * @example
 * ```ts
 * import { MemoryReplayStore, verify } from 'intentcast'
 *
 * const replay = new MemoryReplayStore()
 * const offer = await verify(message, { expect: 'offer', audience: customer.did, replay })
 * offer.payload.price // { amount: '1890.00', currency: 'EUR' }: the payload is typed by kind
 * offer.issuer // the vendor's DID; offer.digest is what an acceptance names in inReplyTo
 * ```
 */
export function verify<K extends Kind = Kind>(message: string, options?: VerifyOptions<K>): Promise<Verified<K, 'jws'>>
export function verify<K extends Kind = Kind>(
  message: Uint8Array,
  options?: VerifyOptions<K>,
): Promise<Verified<K, 'cose'>>
export function verify<K extends Kind = Kind>(message: unknown, options?: VerifyOptions<K>): Promise<Verified<K>>
export function verify<K extends Kind = Kind>(message: unknown, options?: VerifyOptions<K>): Promise<Verified<K>> {
  let prepared: InternalVerifyOptions<K>
  try {
    prepared = prepareVerifyOptions(options)
  } catch (e) {
    return Promise.reject(e)
  }
  return verifyInternal(message, prepared)
}

/** Every option `verify` takes, and no other: VerifyOptions, key by key. */
const OPTION_KEYS: ReadonlySet<string> = new Set([
  'expect',
  'now',
  'clockTolerance',
  'audience',
  'replay',
  'resolveKey',
  'maxBytes',
] satisfies (keyof VerifyOptions)[])

/**
 * A copy of the caller's options holding the documented ones only (jose's `prepareVerify`).
 * An unknown key is the caller's mistake, not something to ignore: an option that switches a
 * check off must be impossible to pass in from outside, and a misspelt `audeince` must not
 * silently verify without the audience check. Copying also means a getter is read once.
 */
export function prepareVerifyOptions<K extends Kind>(
  options: VerifyOptions<K> | undefined,
  keys: ReadonlySet<string> = OPTION_KEYS,
  what = 'verify',
): InternalVerifyOptions<K> {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null) throw invalid(`${what} options must be an object`)
  for (const key of Object.keys(options)) {
    if (!keys.has(key)) throw invalid(`${what} has no option "${key.slice(0, 32)}"; it takes ${[...keys].join(', ')}`)
  }
  // Each documented key is read by name, so an option from a prototype or a getter (a class
  // instance as options) counts as given, rather than being dropped with its check.
  const copy: Record<string, unknown> = {}
  for (const key of keys) {
    const value = (options as Record<string, unknown>)[key]
    if (value !== undefined) copy[key] = value
  }
  const { expect, audience, replay, resolveKey } = copy as VerifyOptions<K>
  if (
    expect !== undefined &&
    !(typeof expect === 'string' ? isKind(expect) : Array.isArray(expect) && expect.length > 0 && expect.every(isKind))
  ) {
    throw invalid(`expect is a kind or a non-empty list of kinds: ${KINDS.join(', ')}`)
  }
  if (audience !== undefined && typeof audience !== 'string')
    throw invalid("audience is the verifying party's DID, a string")
  if (replay !== undefined && typeof replay?.add !== 'function')
    throw invalid('replay is a ReplayStore: an object with add(key, expiresAt)')
  if (resolveKey !== undefined && typeof resolveKey !== 'function')
    throw invalid('resolveKey is a function from a kid to a key')
  return copy
}

const isKind = (k: unknown): k is Kind => typeof k === 'string' && (KINDS as readonly string[]).includes(k)

function invalid(message: string): IntentcastError {
  return new IntentcastError('ERR_INVALID_ARGUMENT', message)
}

/**
 * Verification with options already prepared, for the SDK's own callers: `verifyThread` passes
 * `timeless` here, which the public `verify` refuses.
 */
export async function verifyInternal<K extends Kind = Kind>(
  message: unknown,
  options: InternalVerifyOptions<K>,
): Promise<Verified<K>> {
  // The caller's own options are checked first: their mistakes are not the message's.
  maxBytesOf(options)
  if (!options.timeless) clockOf(options)
  load.verifying++
  let result: VerifiedOf<Kind>
  try {
    result = await check(message, options)
  } catch (e) {
    if (e instanceof IntentcastError) throw e
    // A bug in the SDK, not the sender's fault: never blamed on the message, never a TypeError.
    throw new IntentcastError('ERR_INTERNAL', 'verify failed on an internal error; the message was not judged', {
      cause: e,
    })
  } finally {
    load.verifying--
  }
  if (options.replay) await checkReplay(result, options.replay, options)
  return result as Verified<K>
}

// Loaded on first use, once: a bundle that only ever verifies JWS (the r-button's) carries no CBOR code.
let cose: Promise<typeof import('./cose-verify.js').checkCose> | undefined
const coseVerifier = () => (cose ??= import('./cose-verify.js').then((m) => m.checkCose))

function check(message: unknown, options: InternalVerifyOptions): Promise<VerifiedOf<Kind>> {
  const maxBytes = maxBytesOf(options)
  if (message instanceof Uint8Array) {
    if (message.length > maxBytes)
      throw new IntentcastError('ERR_TOO_LARGE', `message is ${message.length} bytes; the limit is ${maxBytes}`)
    return coseVerifier().then((checkCose) => checkCose(message, options))
  }
  if (typeof message !== 'string')
    throw new IntentcastError('ERR_MALFORMED', 'a message is a string (JWS) or bytes (COSE)')
  // JWS in either serialization is ASCII, so its length is its size in bytes; anything else fails later anyway.
  if (message.length > maxBytes)
    throw new IntentcastError('ERR_TOO_LARGE', `message is ${message.length} bytes; the limit is ${maxBytes}`)
  if (message.charCodeAt(0) === 123 /* { */) return checkAgreementJson(message, options)
  // A compact JWS has no white space, so this refusal is the one base64url would give anyway;
  // it only says why, for the commonest way to get here: a token read from a file or a
  // terminal, with its line ending (`verify(readFileSync(path, 'utf8'))`).
  const last = message.charCodeAt(message.length - 1)
  if (last === 10 || last === 13 || last === 32 || last === 9)
    throw new IntentcastError(
      'ERR_MALFORMED',
      `the message ends in ${last === 10 || last === 13 ? 'a newline' : 'white space'}: a compact JWS is the token alone; trim what was read with it`,
    )
  return checkCompact(message, options)
}
