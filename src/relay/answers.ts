/**
 * The relay's answers, in one place so every route writes them alike: JSON never cached,
 * problems with the headers RFC 9110 asks of their status. CORS is added by the handler.
 */
import type { IntentcastErrorCode } from '../errors.js'
import { SEALED_TYPES, signatureScheme } from '../http/media-type.js'
import { BODY_TYPES } from '../http/sealed-body.js'
import { essence, problemResponse, type HttpProblem, type Problem } from '../http/problem.js'
import { respond } from '../http/respond.js'
import { MEDIA_TYPE_JSON } from '../model/media-types.js'
import type { MailboxEntry } from './backend.js'

/** The media types the relay takes, as Accept-Post lists them. */
export const ACCEPTED_TYPES = BODY_TYPES.join(', ')

/** A JSON answer: about one client's mailbox or cast, so never cached. */
export function json(status: number, value: unknown): Response {
  return respond(JSON.stringify(value), {
    status,
    headers: { 'content-type': MEDIA_TYPE_JSON, 'cache-control': 'no-store' },
  })
}

/** An entry as readers get it, in JSON and in events: `seq`, media type, and the parts as posted. */
export function entryJson(entry: MailboxEntry): { seq: number; type: string; parts: readonly string[] } {
  return { seq: entry.seq, type: entry.type, parts: entry.parts }
}

/**
 * Where a 401 points the client (RFC 9110 §15.5.2): a mailbox is read with an access message in
 * `Authorization: Intentcast`, and so is a sealed body posted; a plain posted message is its own
 * credential, in its envelope.
 */
function challenge(request: Request): string {
  if (request.method === 'GET' || SEALED_TYPES.has(essence(request.headers.get('content-type')))) return 'Intentcast'
  return signatureScheme(request.headers.get('content-type'))
}

/** A problem, with what its status calls for: Accept-Post on 415, the scheme on 401, Allow on 405, Retry-After on 429. */
export function problemAnswer(problem: Problem | HttpProblem, request: Request, allow: string | undefined): Response {
  const headers: Record<string, string> = {}
  if (problem.status === 415) headers['accept-post'] = ACCEPTED_TYPES
  if (problem.status === 401) headers['www-authenticate'] = challenge(request)
  if (problem.status === 405 && allow !== undefined) headers['allow'] = allow
  if (problem.status === 429) headers['retry-after'] = '1'
  const response = problemResponse(problem, headers)
  if ('code' in problem) PROBLEM_CODES.set(response, problem.code)
  return response
}

/** The code of each problem answer, for `on.outcome`, without reading the body back. */
const PROBLEM_CODES = new WeakMap<Response, IntentcastErrorCode>()

/** The code of a problem answer made by `problemAnswer`, if it carries one. */
export function codeOf(response: Response): IntentcastErrorCode | undefined {
  return PROBLEM_CODES.get(response)
}
