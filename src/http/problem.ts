import { IntentcastError, isIntentcastError, type IntentcastErrorCode } from '../errors.js'
import { MEDIA_TYPE_PROBLEM } from '../model/media-types.js'
import { respond } from './respond.js'

/** Where each code's problem `type` points (spec §HTTP binding, Problems). */
export const PROBLEM_TYPE_BASE = 'https://intentcast.dev/errors#'

/**
 * The codes a problem may carry: every code but ERR_INVALID_ARGUMENT, which is a calling
 * program's own mistake and never a peer's answer (the policy in errors.ts).
 */
type ProblemCode = Exclude<IntentcastErrorCode, 'ERR_INVALID_ARGUMENT'>

/** The HTTP status of each code when it is the answer to a request (spec §HTTP binding, Problems). */
const STATUS: Readonly<Record<ProblemCode, number>> = {
  ERR_TOO_LARGE: 413,
  ERR_MALFORMED: 400,
  ERR_UNSUPPORTED_ALG: 400,
  ERR_TYPE_MISMATCH: 422,
  // 400, not 401: ECDH-ES authenticates no sender, so a failed tag says the bytes cannot be
  // read, not who sent them; nor 422, which is for content that was read and judged.
  ERR_DECRYPT: 400,
  ERR_DISCLOSURE_UNKNOWN: 422,
  ERR_DISCLOSURE_DUPLICATE: 422,
  ERR_DISCLOSURE_ORDER: 422,
  ERR_KEY_UNRESOLVED: 401,
  ERR_ISSUER_MISMATCH: 401,
  ERR_SIGNATURE_INVALID: 401,
  ERR_SCHEMA: 422,
  ERR_EXPIRED: 422,
  ERR_NOT_YET_VALID: 422,
  ERR_AUDIENCE: 422,
  ERR_REPLAY: 409,
  ERR_BROKEN_LINK: 422,
  ERR_ILLEGAL_MOVE: 409,
  ERR_TIMEOUT: 408,
  ERR_UNREACHABLE: 502,
  ERR_INTERNAL: 500,
}

const TITLE: Readonly<Record<ProblemCode, string>> = {
  ERR_TOO_LARGE: 'Message too large',
  ERR_MALFORMED: 'Malformed request',
  ERR_UNSUPPORTED_ALG: 'Unsupported algorithm',
  ERR_TYPE_MISMATCH: 'Unexpected message type',
  ERR_DECRYPT: 'Message does not decrypt',
  ERR_DISCLOSURE_UNKNOWN: 'Disclosure not committed to',
  ERR_DISCLOSURE_DUPLICATE: 'Disclosure given twice',
  ERR_DISCLOSURE_ORDER: 'Disclosures out of order',
  ERR_KEY_UNRESOLVED: 'Signing key not resolved',
  ERR_ISSUER_MISMATCH: 'Signer is not the issuer',
  ERR_SIGNATURE_INVALID: 'Invalid signature',
  ERR_SCHEMA: 'Invalid message content',
  ERR_EXPIRED: 'Message expired',
  ERR_NOT_YET_VALID: 'Message not yet valid',
  ERR_AUDIENCE: 'Wrong audience',
  ERR_REPLAY: 'Message already received',
  ERR_BROKEN_LINK: 'Broken reference',
  ERR_ILLEGAL_MOVE: 'Move not allowed',
  ERR_TIMEOUT: 'Request timed out',
  ERR_UNREACHABLE: 'Peer unreachable',
  ERR_INTERNAL: 'Internal error',
}

/** An RFC 9457 problem as this binding writes it: `code` is the IntentcastError code. */
export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly code: ProblemCode
}

/** A problem about the HTTP exchange itself (no such resource, method not allowed): no intentcast code. */
export interface HttpProblem {
  readonly type: 'about:blank'
  readonly title: string
  readonly status: number
  readonly detail: string
}

/** The HTTP status a code is answered with. */
export function statusForCode(code: ProblemCode): number {
  return STATUS[code]
}

/**
 * The problem for an error. Only an IntentcastError with a wire code is the sender's fault;
 * anything else (a bug, the vendor's own code failing, or ERR_INVALID_ARGUMENT, a mistake in the
 * calling program) is ERR_INTERNAL, without its message.
 */
export function problemFor(error: unknown, status?: number): Problem {
  if (!isIntentcastError(error) || error.code === 'ERR_INVALID_ARGUMENT') {
    return problemFor(new IntentcastError('ERR_INTERNAL', 'the server could not process the request'))
  }
  const code = error.code
  return {
    type: PROBLEM_TYPE_BASE + code,
    title: TITLE[code],
    status: status ?? STATUS[code],
    detail: error.message,
    code,
  }
}

const HTTP_TITLE = { 404: 'Not Found', 405: 'Method Not Allowed', 429: 'Too Many Requests' } as const

/**
 * The answer for a path the handler does not serve (404), a method it does not take there (405),
 * or a request the vendor's rate limit turned away before reading it (429): about HTTP, not about
 * a message, so it carries no intentcast code. A wallet reads it as ERR_UNREACHABLE: it did not
 * reach an intentcast endpoint that would take the message.
 */
export function httpProblem(status: keyof typeof HTTP_TITLE, detail: string): HttpProblem {
  return { type: 'about:blank', title: HTTP_TITLE[status], status, detail }
}

export function problemResponse(problem: Problem | HttpProblem, headers: Record<string, string> = {}): Response {
  return respond(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': MEDIA_TYPE_PROBLEM, 'cache-control': 'no-store', ...headers },
  })
}

const CODES = new Set(Object.keys(STATUS))

/**
 * Reads a problem a peer sent. An answer that is not one (a proxy's HTML page, a bare 500)
 * becomes ERR_UNREACHABLE: it says nothing about the message.
 */
export function parseProblem(status: number, contentType: string | null, text: string): Problem {
  let p: Partial<Problem> | undefined
  if (essence(contentType) === MEDIA_TYPE_PROBLEM) {
    try {
      p = JSON.parse(text) as Partial<Problem>
    } catch {
      p = undefined
    }
  }
  if (typeof p !== 'object' || p === null || typeof p.code !== 'string' || !CODES.has(p.code)) {
    // Unknown codes and ERR_INVALID_ARGUMENT (absent from STATUS) are not a peer's to send.
    return problemFor(
      new IntentcastError('ERR_UNREACHABLE', `the peer answered HTTP ${status} without an intentcast problem`),
    )
  }
  const code = p.code
  const detail = typeof p.detail === 'string' ? p.detail.slice(0, 500) : TITLE[code]
  return { type: PROBLEM_TYPE_BASE + code, title: TITLE[code], status, detail, code }
}

/** The media type of a Content-Type value, lowercased, without parameters. */
export function essence(contentType: string | null): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase()
}
