import { IntentcastError } from '../errors.js'
import type { Kind } from '../model/kinds.js'
import { checkReplay, clockOf, maxBytesOf, type InternalVerifyOptions, type Verified, type VerifiedOf, type VerifyOptions } from './checks.js'
import { checkAgreementJson, checkCompact } from './jws-verify.js'
import { load } from './load.js'

export { DEFAULT_MAX_BYTES, type Format, type Proposal, type Verified, type VerifyOptions } from './checks.js'

/**
 * Verifies any intentcast message, of any kind, in either envelope — a string is JWS, bytes are
 * COSE — in the order spec §Verification gives, and returns it typed by kind. Every failure is
 * an IntentcastError with a stable code; no input, however hostile, makes it throw anything
 * else. (A `replay` store or `resolveKey` of the caller's own that fails is reported as it threw:
 * that is the caller's infrastructure, not the message.)
 */
export function verify<K extends Kind = Kind>(message: string, options?: VerifyOptions<K>): Promise<Verified<K, 'jws'>>
export function verify<K extends Kind = Kind>(message: Uint8Array, options?: VerifyOptions<K>): Promise<Verified<K, 'cose'>>
export function verify<K extends Kind = Kind>(message: unknown, options?: VerifyOptions<K>): Promise<Verified<K>>
export function verify<K extends Kind = Kind>(message: unknown, options?: VerifyOptions<K>): Promise<Verified<K>> {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    return Promise.reject(new IntentcastError('ERR_INVALID_ARGUMENT', 'verify options must be an object'))
  }
  return verifyInternal(message, options ?? {})
}

export async function verifyInternal<K extends Kind = Kind>(message: unknown, options: InternalVerifyOptions<K>): Promise<Verified<K>> {
  // The caller's own options are checked first: their mistakes are not the message's.
  maxBytesOf(options)
  if (!options.timeless) clockOf(options)
  load.pending++
  let result: VerifiedOf<Kind>
  try {
    result = await check(message, options)
  } catch (e) {
    if (e instanceof IntentcastError) throw e
    // A bug, not an input: still never let it escape as a TypeError.
    throw new IntentcastError('ERR_MALFORMED', 'message could not be processed', { cause: e })
  } finally {
    load.pending--
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
    if (message.length > maxBytes) throw new IntentcastError('ERR_TOO_LARGE', `message is ${message.length} bytes; the limit is ${maxBytes}`)
    return coseVerifier().then((checkCose) => checkCose(message, options))
  }
  if (typeof message !== 'string') throw new IntentcastError('ERR_MALFORMED', 'a message is a string (JWS) or bytes (COSE)')
  // JWS in either serialization is ASCII, so its length is its size in bytes; anything else fails later anyway.
  if (message.length > maxBytes) throw new IntentcastError('ERR_TOO_LARGE', `message is ${message.length} bytes; the limit is ${maxBytes}`)
  return message.charCodeAt(0) === 123 /* { */ ? checkAgreementJson(message, options) : checkCompact(message, options)
}
export { verifyAgreementSignatures } from './jws-verify.js'
