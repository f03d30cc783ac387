import { IntentcastError, isIntentcastError, type IntentcastErrorCode } from '../errors.js'
import { MEDIA_TYPE_PROBLEM } from '../model/media-types.js'


/** Where each code's problem `type` points (spec §HTTP binding, Problems). */
export const PROBLEM_TYPE_BASE = 'https://intentcast.dev/errors#'

/** The HTTP status of each code when it is the answer to a request (spec §HTTP binding, Problems). */
const STATUS: Readonly<Record<IntentcastErrorCode, number>> = {
  ERR_TOO_LARGE: 413,
  ERR_MALFORMED: 400,
  ERR_UNSUPPORTED_ALG: 400,
  ERR_TYPE_MISMATCH: 422,
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
  ERR_INVALID_ARGUMENT: 500,
  ERR_TIMEOUT: 408,
  ERR_UNREACHABLE: 502,
  ERR_INTERNAL: 500,
}

const TITLE: Readonly<Record<IntentcastErrorCode, string>> = {
  ERR_TOO_LARGE: 'Message too large',
  ERR_MALFORMED: 'Malformed request',
  ERR_UNSUPPORTED_ALG: 'Unsupported algorithm',
  ERR_TYPE_MISMATCH: 'Unexpected message type',
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
  ERR_INVALID_ARGUMENT: 'Internal error',
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
  readonly code: IntentcastErrorCode
}

export function statusForCode(code: IntentcastErrorCode): number {
  return STATUS[code]
}

/** The problem for an error. Anything but an IntentcastError is reported as ERR_INTERNAL, without its message. */
export function problemFor(error: unknown, status?: number): Problem {
  if (!isIntentcastError(error)) return problemFor(new IntentcastError('ERR_INTERNAL', 'the vendor could not process the message'))
  const code = error.code as IntentcastErrorCode
  return { type: PROBLEM_TYPE_BASE + code, title: TITLE[code], status: status ?? STATUS[code], detail: error.message, code }
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
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
    return problemFor(new IntentcastError('ERR_UNREACHABLE', `the peer answered HTTP ${status} without an intentcast problem`))
  }
  const detail = typeof p.detail === 'string' ? p.detail.slice(0, 500) : TITLE[p.code]
  return { type: PROBLEM_TYPE_BASE + p.code, title: TITLE[p.code], status, detail, code: p.code }
}

/** The media type of a Content-Type value, lowercased, without parameters. */
export function essence(contentType: string | null): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase()
}
