/**
 * Every failure the SDK reports on purpose is an `IntentcastError` with a stable `code`.
 * Callers switch on `code`, never on the message text, which may be reworded.
 */

/** The closed set of error codes. spec/intentcast.md §Errors documents each one. */
export const ERROR_CODES = [
  /** The input is larger than the configured limit. Checked before any parsing. */
  'ERR_TOO_LARGE',
  /** The input is not well-formed: not a JWS, not JSON, not canonical CBOR, hostile JSON. */
  'ERR_MALFORMED',
  /** The `alg` is anything other than EdDSA (none, HS*, RS*, ...). */
  'ERR_UNSUPPORTED_ALG',
  /** The `typ` is not the one the kind requires, or not one the caller expected. */
  'ERR_TYPE_MISMATCH',
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

export type IntentcastErrorCode = (typeof ERROR_CODES)[number]

export class IntentcastError extends Error {
  override readonly name = 'IntentcastError'
  readonly code: IntentcastErrorCode

  constructor(code: IntentcastErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** True when `e` is an IntentcastError, optionally with the given code. */
export function isIntentcastError(e: unknown, code?: IntentcastErrorCode): e is IntentcastError {
  return e instanceof IntentcastError && (code === undefined || e.code === code)
}
