/**
 * The message endpoint: reads a body in either envelope, verifies the message in it, and hands
 * it to its move. Everything here judges the sender's bytes, so every failure is a 4xx with a
 * code: a media type or coding we do not read is a 415 with Accept-Post.
 */
import { IntentcastError } from '../errors.js'
import { verifyInternal, type Verified } from '../envelope/verify.js'
import { readBody } from '../http/body.js'
import type { ClientInfo } from '../http/client-info.js'
import { BODY_TYPES, openBody } from '../http/sealed-body.js'
import { essence, httpProblem, problemFor } from '../http/problem.js'
import { takeAcceptance } from './acceptance.js'
import { ACCEPTED_TYPES, problemAnswer } from './answers.js'
import { asVendor } from './callbacks.js'
import { takeCounter } from './counter.js'
import { takeIntent } from './intent.js'
import { sentOf, storedAnswer } from './retry.js'
import type { Vendor } from './state.js'
import { takeWithdrawal } from './withdrawal.js'

export async function takeMessage(request: Request, vendor: Vendor, client: ClientInfo): Promise<Response> {
  const { options } = vendor
  // The vendor's rate limit, before any work: not even the body is read for a request it turns away.
  if (options.admit !== undefined && !(await asVendor(() => options.admit!(request, client)))) {
    request.body?.cancel().catch(() => {})
    return problemAnswer(httpProblem(429, 'too many requests; try again later'), request, undefined)
  }
  const encoding = request.headers.get('content-encoding')
  const type = essence(request.headers.get('content-type'))
  if (!BODY_TYPES.includes(type)) return unsupported(request, `media type ${type.slice(0, 64) || '(none)'}`)
  if (encoding !== null && encoding.toLowerCase() !== 'identity')
    return unsupported(request, `content coding ${encoding.slice(0, 32)}`)
  const body = await readBody(request, {
    maxBytes: options.maxBodyBytes,
    timeoutMs: options.bodyTimeoutMs,
    failure: 'ERR_MALFORMED',
    what: 'request body',
  })
  // One message, or an acceptance and its agreement; a sealed body is opened first, with any
  // live key of ours (the header's kid picks it).
  const opened = await openBody(type, body, () => vendor.keys.sealKeys(), options.maxBodyBytes)
  const [first, second] = opened.messages as readonly [string | Uint8Array, (string | Uint8Array)?]
  // A vendor whose terms failed answers nothing (500), before a message can take up its replay entry.
  await asVendor(() => vendor.terms)
  // The same bytes again get their first answer before verify judges their time: an acceptance
  // whose agreement was lost is answered after the acceptance has expired. This is looked up
  // again once the move holds its thread, for a copy that came while the first was in flight.
  const sent = sentOf(first, second !== undefined)
  const again = sent && (await storedAnswer(sent, options, vendor.keys))
  if (again) return again
  // No replay store here: a move checks for a replay once it holds its thread (src/vendor/state.ts).
  // The digest the lookup computed is handed to verify, which would otherwise compute it again.
  const checks = { maxBytes: options.maxBodyBytes, ...(sent && { digest: sent.digest }) }
  // Two parts are an acceptance and the agreement the customer signed (spec §HTTP binding, Bodies).
  if (second !== undefined) {
    const acceptance = await verifyInternal(first, { ...checks, expect: 'acceptance' })
    return takeAcceptance(sealedIfDisclosing(acceptance, opened.sealed), second, request, vendor)
  }
  const m = sealedIfDisclosing(
    await verifyInternal(first, { ...checks, expect: ['intent', 'counter', 'withdrawal'] as const }),
    opened.sealed,
  )
  switch (m.kind) {
    case 'intent':
      return takeIntent(m, request, vendor)
    case 'counter':
      return takeCounter(m, request, vendor)
    default:
      return takeWithdrawal(m, request, vendor)
  }
}

/**
 * A message that discloses anything came sealed (spec §Selective disclosure): the SDK's wallet
 * never sends one in the clear, and a vendor that took one would keep, and could forward, what
 * every carrier on the way has read.
 */
function sealedIfDisclosing<M extends Verified>(m: M, sealed: boolean): M {
  if (!sealed && 'disclosures' in m.payload && m.payload.disclosures !== undefined)
    throw new IntentcastError('ERR_SCHEMA', `a ${m.kind} with disclosures is taken only sealed to this vendor`)
  return m
}

/** 415, with Accept-Post; the body is not read, so whoever feeds it is told to stop. */
function unsupported(request: Request, what: string): Response {
  request.body?.cancel().catch(() => {})
  return problemAnswer(
    problemFor(
      new IntentcastError('ERR_MALFORMED', `${what} is not accepted; send ${ACCEPTED_TYPES}, uncompressed`),
      415,
    ),
    request,
    undefined,
  )
}
