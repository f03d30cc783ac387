import type { IntentcastErrorCode } from '../errors.js'
/**
 * The handler's answers, in one place so every route writes them alike: messages in the
 * envelope they were asked in, never cached; documents cacheable for a while; problems with the
 * headers RFC 9110 asks of their status; CORS on all of them.
 */
import { RECIPIENT_HEADER } from '../http/client.js'
import { mediaTypeOf, signatureScheme } from '../http/media-type.js'
import { BODY_TYPES } from '../http/sealed-body.js'
import { problemResponse, type HttpProblem, type Problem } from '../http/problem.js'
import { respond } from '../http/respond.js'
import { MEDIA_TYPE_JSON } from '../model/media-types.js'
import { sealOnce } from '../seal/seal.js'
import type { Thread } from '../thread/thread.js'
import type { VendorKeys } from './keys.js'

const NO_STORE = { 'cache-control': 'no-store' }

/** The media types the endpoint takes, as Accept-Post lists them. */
export const ACCEPTED_TYPES = BODY_TYPES.join(', ')

/**
 * A message answer in its thread, typed by its envelope (JWS text or COSE bytes), and sealed to
 * the reply key the thread's intent names, when it names one (spec §Encrypted envelopes): a
 * customer who gave one reads the answer, and whoever carries it does not.
 */
export async function message(m: string | Uint8Array, thread: Thread, keys: VendorKeys): Promise<Response> {
  const to = thread.intent.payload.replyKey
  // Sealed the same way each time, so an answer sent again is the same bytes.
  const body = to === undefined ? m : await sealOnce(m, to, await keys.answerSecret())
  return respond(typeof body === 'string' ? body : new Uint8Array(body), {
    status: 200,
    headers: { 'content-type': mediaTypeOf(body), [RECIPIENT_HEADER]: thread.intent.issuer, ...NO_STORE },
  })
}

/** 202: taken, and no answer now. */
export function accepted(): Response {
  return new Response(null, { status: 202, headers: NO_STORE })
}

/** 204: taken; there is nothing to answer (a withdrawal). */
export function noContent(): Response {
  return new Response(null, { status: 204, headers: NO_STORE })
}

/** A public document: the same for everyone, so caches may keep it for five minutes. */
export function json(value: unknown): Response {
  return respond(JSON.stringify(value), {
    status: 200,
    headers: { 'content-type': MEDIA_TYPE_JSON, 'cache-control': 'max-age=300' },
  })
}

/** A problem, with what its status calls for: Accept-Post on 415, the scheme on 401, Allow on 405. */
export function problemAnswer(problem: Problem | HttpProblem, request: Request, allow: string | undefined): Response {
  const headers: Record<string, string> = {}
  if (problem.status === 415) headers['accept-post'] = ACCEPTED_TYPES
  // RFC 9110 §15.5.2: a 401 names its scheme; here, the message's own signature, in its envelope.
  if (problem.status === 401) headers['www-authenticate'] = signatureScheme(request.headers.get('content-type'))
  if (problem.status === 405 && allow !== undefined) headers['allow'] = allow
  // A rate limit answers every client the same way: come back in a second.
  if (problem.status === 429) headers['retry-after'] = '1'
  const response = problemResponse(problem, headers)
  if ('code' in problem) PROBLEM_CODES.set(response, problem.code)
  return response
}

/**
 * The code of each problem answer, for `on.outcome`, without reading the answer's body back: a
 * WeakMap, so an answer that has been sent and dropped takes its entry with it.
 */
const PROBLEM_CODES = new WeakMap<Response, IntentcastErrorCode>()

/** The code of a problem answer made by `problemAnswer`, if it carries one. */
export function codeOf(response: Response): IntentcastErrorCode | undefined {
  return PROBLEM_CODES.get(response)
}
