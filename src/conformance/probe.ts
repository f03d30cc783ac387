/**
 * The kit's HTTP: one request, its whole answer kept (status, headers, bytes) so a check can
 * judge every part of it. Unlike the wallet's client it follows no redirect and turns no status
 * into an error: what a vendor answers is what is being tested. Each request has a deadline and
 * an answer size limit, so a vendor under test can neither hang the run nor flood it.
 */
import { IntentcastError } from '../errors.js'
import { readBody } from '../http/body.js'
import { fetchFailure } from '../http/client.js'
import { essence, PROBLEM_TYPE_BASE } from '../http/problem.js'
import { fromUtf8 } from '../lib/utf8.js'
import { MEDIA_TYPE_PROBLEM } from '../model/media-types.js'
import { expectThat } from './report.js'

/**
 * The `fetch` the kit calls: the global one by default; a test passes one that calls a handler
 * in-process.
 *
 * @example
 * ```ts
 * const inProcess: ConformanceFetch = (url, init) => handler(new Request(url, init))
 * ```
 */
export type ConformanceFetch = (input: string, init: RequestInit) => Promise<Response>

/** How the kit talks to the vendor under test. */
export interface ProbeOptions {
  readonly fetch: ConformanceFetch
  /** Milliseconds for each request, answer included. */
  readonly timeoutMs: number
}

/** One answer, read in full. */
export interface Probe {
  readonly status: number
  readonly headers: Headers
  /** The media type without parameters, lowercased. */
  readonly mediaType: string
  readonly body: Uint8Array
}

/** The largest answer the kit reads: larger than any message, and small enough to hold. */
const MAX_ANSWER = 1 << 20

/** Sends one request and reads its answer, whatever its status. */
export async function probe(
  options: ProbeOptions,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string | Uint8Array },
): Promise<Probe> {
  const signal = AbortSignal.timeout(options.timeoutMs)
  // A copy the fetch types take (an ArrayBuffer-backed view).
  const body = init.body instanceof Uint8Array ? new Uint8Array(init.body) : init.body
  let response: Response
  try {
    response = await options.fetch(url, {
      method: init.method,
      headers: { connection: 'close', ...init.headers },
      ...(body !== undefined && { body }),
      redirect: 'manual',
      credentials: 'omit',
      signal,
    })
  } catch (cause) {
    throw new IntentcastError('ERR_UNREACHABLE', `${init.method} ${url} got no answer: ${fetchFailure(cause)}`, {
      cause,
    })
  }
  try {
    const bytes = await readBody(response, { maxBytes: MAX_ANSWER, failure: 'ERR_UNREACHABLE', what: 'answer' })
    return {
      status: response.status,
      headers: response.headers,
      mediaType: essence(response.headers.get('content-type')),
      body: bytes,
    }
  } catch (cause) {
    if (signal.aborted) throw new IntentcastError('ERR_TIMEOUT', `${url} did not answer within ${options.timeoutMs} ms`)
    throw cause
  }
}

/** The answer as text (a message, a document, a problem). */
export function textOf(answer: Probe): string {
  return fromUtf8(answer.body, 'answer')
}

/** A short account of an answer for a failure: its status, and its problem code when it has one. */
export function summary(answer: Probe): string {
  const code = answer.mediaType === MEDIA_TYPE_PROBLEM ? problemCode(answer) : undefined
  return `${answer.status}${code ? ` ${code}` : ''}${answer.mediaType && !code ? ` (${answer.mediaType})` : ''}`
}

function problemCode(answer: Probe): string | undefined {
  const code = problemBody(answer)?.code
  return typeof code === 'string' ? code.slice(0, 40) : undefined
}

/** The problem's members, or undefined for a body that is not a JSON object: a vendor under test may send anything. */
function problemBody(answer: Probe): Record<string, unknown> | undefined {
  try {
    const p: unknown = JSON.parse(textOf(answer))
    return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/**
 * Checks that an answer is the problem the spec gives (§HTTP binding, Problems): the status, the
 * media type, and a body whose `code`, `type` and `status` agree with it. Throws a CheckFailure
 * saying what came instead.
 */
export function expectProblem(answer: Probe, status: number, code: string): void {
  expectThat(
    answer.status === status && problemCode(answer) === code,
    `expected ${status} ${code}, got ${summary(answer)}`,
  )
  const p = problemBody(answer)
  expectThat(p !== undefined, 'the problem body is not a JSON object')
  expectThat(
    p.type === PROBLEM_TYPE_BASE + code,
    `the problem's type is ${String(p.type)}, not ${PROBLEM_TYPE_BASE}${code}`,
  )
  expectThat(p.status === status, `the problem's status member is ${String(p.status)}, not ${status}`)
  expectThat(typeof p.title === 'string', 'the problem has no title')
}

/**
 * Checks an answer about HTTP itself (404, 405): the status, and an RFC 9457 problem of type
 * `about:blank` without an intentcast `code`.
 */
export function expectHttpProblem(answer: Probe, status: number): void {
  expectThat(answer.status === status, `expected ${status}, got ${summary(answer)}`)
  expectThat(
    answer.mediaType === MEDIA_TYPE_PROBLEM,
    `the ${status} is ${answer.mediaType || 'untyped'}, not a problem`,
  )
  const p = problemBody(answer)
  expectThat(p !== undefined, `the ${status} problem's body is not a JSON object`)
  expectThat(p.type === 'about:blank', `the ${status} problem's type is ${String(p.type)}, not about:blank`)
  expectThat(
    p.code === undefined,
    `the ${status} problem carries a code (${String(p.code)}): it is about HTTP, not a message`,
  )
}
