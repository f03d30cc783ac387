/**
 * Every failure the SDK reports is an `IntentcastError` with a stable `code`. Callers switch on
 * `code`, never on the message text, which may be reworded. One policy holds in every entry:
 *
 * 1. **The sender's fault** (bytes from the wire, a peer's answer): a wire code, from
 *    ERR_TOO_LARGE to ERR_UNREACHABLE. Over HTTP it is a 4xx problem carrying the code.
 * 2. **The calling program's mistake** (a wrong argument or option, a bad configuration):
 *    ERR_INVALID_ARGUMENT, thrown or rejected before any work is done. Never sent to a peer:
 *    a vendor handler answers it as ERR_INTERNAL (500) and reports it to its `onError`.
 * 3. **A bug in the SDK, or the vendor's own code failing**: ERR_INTERNAL. Never blamed on the
 *    sender. An exception from the caller's own infrastructure (a replay store, a key resolver)
 *    passes through as it was thrown.
 */

/**
 * The closed set of error codes. spec/intentcast.md §Errors documents each one.
 *
 * @example
 * ```ts
 * import { ERROR_CODES, type IntentcastErrorCode } from 'intentcast'
 *
 * const isErrorCode = (s: string): s is IntentcastErrorCode => (ERROR_CODES as readonly string[]).includes(s)
 * isErrorCode(problem.code) // a problem answer's code, checked before switching on it
 * ```
 */
export const ERROR_CODES = [
  /** The input is larger than the configured limit. Checked before any parsing. */
  'ERR_TOO_LARGE',
  /** The input is not well-formed: not a JWS, not JSON, not canonical CBOR, hostile JSON. */
  'ERR_MALFORMED',
  /** The `alg` is anything other than EdDSA (none, HS*, RS*, ...). */
  'ERR_UNSUPPORTED_ALG',
  /** The `typ` is not the one the kind requires, or not one the caller expected. */
  'ERR_TYPE_MISMATCH',
  /** A sealed (encrypted) message does not decrypt: sealed to another key, or altered. */
  'ERR_DECRYPT',
  /** A disclosure whose digest the message it is checked against does not carry (RFC 9901 format). */
  'ERR_DISCLOSURE_UNKNOWN',
  /** The same disclosure, or two of one claim, given twice. */
  'ERR_DISCLOSURE_DUPLICATE',
  /** Disclosures not in the order of their digests in the message: one set, one spelling. */
  'ERR_DISCLOSURE_ORDER',
  /** The signer's key could not be found or is not an acceptable Ed25519 key. */
  'ERR_KEY_UNRESOLVED',
  /** The `kid` does not name the `iss`, or an agreement's signers are not its parties. */
  'ERR_ISSUER_MISMATCH',
  /** A signature does not verify. */
  'ERR_SIGNATURE_INVALID',
  /** The payload does not match the kind's schema (unknown claims included). */
  'ERR_SCHEMA',
  /** `exp` has passed. */
  'ERR_EXPIRED',
  /** `iat` lies in the future beyond the clock tolerance. */
  'ERR_NOT_YET_VALID',
  /** The message is addressed to someone else, or to no one when an audience was expected. */
  'ERR_AUDIENCE',
  /** The same `jti` from the same issuer was seen before within its lifetime. */
  'ERR_REPLAY',
  /** A reference does not resolve to the message it names, or the parties do not line up. */
  'ERR_BROKEN_LINK',
  /** A move the thread state machine does not allow (a counter after agreement, ...). */
  'ERR_ILLEGAL_MOVE',
  /** An argument passed by the calling program is invalid (not input from the wire). */
  'ERR_INVALID_ARGUMENT',
  /** A deadline passed: a request body arrived too slowly, or a peer took too long to answer. */
  'ERR_TIMEOUT',
  /** A peer could not be reached, redirected, or answered with something other than intentcast. */
  'ERR_UNREACHABLE',
  /** The vendor's own failure while handling a valid request (HTTP 500). */
  'ERR_INTERNAL',
] as const

/**
 * One of ERROR_CODES: what an IntentcastError carries in `code`, and what callers switch on.
 *
 * @example
 * ```ts
 * const retry = (code: IntentcastErrorCode) => code === 'ERR_TIMEOUT' || code === 'ERR_UNREACHABLE'
 * ```
 */
export type IntentcastErrorCode = (typeof ERROR_CODES)[number]

/**
 * The one error class of the SDK: every failure it reports, whoever is at fault (the sender,
 * the calling program with ERR_INVALID_ARGUMENT, or the SDK itself with ERR_INTERNAL), with a
 * stable `code` and, where there is one, the underlying `cause`.
 *
 * @example
 * ```ts
 * import { IntentcastError, verify } from 'intentcast'
 *
 * try {
 *   await verify(message, { expect: 'offer', audience: customer.did })
 * } catch (e) {
 *   if (!(e instanceof IntentcastError)) throw e
 *   console.log(e.code, e.message) // 'ERR_EXPIRED', and a message for people, which may be reworded
 * }
 * ```
 */
export class IntentcastError extends Error {
  override readonly name = 'IntentcastError'
  /** What went wrong, from ERROR_CODES: switch on this, never on `message`. */
  readonly code: IntentcastErrorCode

  constructor(code: IntentcastErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/**
 * True when `e` is an IntentcastError, optionally with the given code.
 *
 * @example
 * ```ts
 * import { isIntentcastError, verify } from 'intentcast'
 *
 * const offer = await verify(message, { expect: 'offer', replay }).catch((e: unknown) => {
 *   if (isIntentcastError(e, 'ERR_REPLAY')) return undefined // seen before: ignore it
 *   throw e
 * })
 * ```
 */
export function isIntentcastError(e: unknown, code?: IntentcastErrorCode): e is IntentcastError {
  return e instanceof IntentcastError && (code === undefined || e.code === code)
}
