/**
 * `createVendorHandler`: puts the pieces together (options, keys, terms, routes) and holds the
 * one place where a failure becomes an answer. The policy (src/errors.ts) is applied here only:
 * an IntentcastError the sender's bytes caused is a 4xx problem with its code; anything else
 * (the vendor's callback or configuration failing, a store throwing, an SDK bug) is a 500 that
 * says nothing and is reported to `on.error`. Every 500 is reported, and nothing else is.
 */
import { isIntentcastError } from '../errors.js'
import type { ClientInfo } from '../http/client-info.js'
import { problemFor } from '../http/problem.js'
import { withCors } from '../http/cors.js'
import { codeOf, problemAnswer } from './answers.js'
import type { Verified } from '../envelope/verify.js'
import { VendorFailure, type OfferReply, type VendorOutcome } from './callbacks.js'
import { prepareTerms } from './document.js'
import { VendorKeys } from './keys.js'
import type { VendorHandlerOptions } from './options.js'
import { resolveOptions } from './resolve-options.js'
import { answerByRoute, routeTable } from './routes.js'
import { offerLater, type LaterOfferOptions } from './later.js'
import { createVendorState, registerState } from './state.js'

/**
 * A fetch-standard handler: `(request) => Promise<Response>`, which never rejects. `ready`
 * settles once the terms are signed; it rejects on a bad configuration. `offer` answers later an
 * intent the handler took without an offer.
 *
 * @example
 * ```ts
 * const handler: VendorHandler = createVendorHandler(options)
 * await handler.ready // fails at start, not at the first request, when the terms are wrong
 * const response = await handler(new Request('https://shop.example/.well-known/intentcast'))
 * ```
 */
export type VendorHandler = ((request: Request, client?: ClientInfo) => Promise<Response>) & {
  readonly ready: Promise<void>
  /**
   * Makes an offer to an intent the handler took without one (its `on.intent` returned null:
   * 202), and posts it to the intent's `replyTo`, the customer's mailbox at a relay (spec §Relay
   * binding, Answering later). The intent is checked as a live one is: not expired by the
   * vendor's clock, addressed to one of its keys if to any, no offer made to it yet. The offer is
   * signed in the intent's envelope, stored as the thread's first move, and resolves once the
   * relay has it. `replyTo` must be the customer's mailbox at a relay the vendor trusts
   * (`http.relays`, or one it is connected to): otherwise ERR_UNREACHABLE, before anything is
   * signed, stored or sent. Called again once the offer is made, it posts the same offer again
   * (a delivery that failed is retried so; `reply` is then not used); once the customer has
   * answered it, ERR_ILLEGAL_MOVE. Not from inside `on.intent` for the same intent, which holds
   * its thread until it returns: answer there by returning the offer.
   *
   * @example
   * ```ts
   * const waiting = new Map<string, Verified<'intent'>>()
   * const handler = createVendorHandler({ ...options, http: { relays: ['https://relay.example/relay'] }, on: { intent: (i) => (waiting.set(i.digest, i), null) } })
   * // … once the stock is in
   * for (const intent of waiting.values()) await handler.offer(intent, { item: intent.payload.want.item, quantity: 1, price: { amount: '1890.00', currency: 'EUR' }, terms: { agreement: 'SD-BASE' } })
   * ```
   */
  readonly offer: (
    intent: Verified<'intent'>,
    reply: OfferReply,
    options?: LaterOfferOptions,
  ) => Promise<string | Uint8Array>
}

/**
 * The vendor side of the HTTP binding (spec §HTTP binding): serves the vendor document and
 * takes intents, counters, acceptances and withdrawals at `<http.basePath>/messages`. Every
 * answer to a customer's bad input is a 4xx problem with its code; only the vendor's own
 * failures are 500s. Throws ERR_INVALID_ARGUMENT at once for an option it does not take or a
 * value that is wrong.
 *
 * @example
 * ```ts
 * import { generateKeyPair } from 'intentcast'
 * import { createVendorHandler } from 'intentcast/vendor'
 *
 * const handler = createVendorHandler({
 *   keyPair: await generateKeyPair(),
 *   terms: { role: 'vendor', terms: { agreements: ['SD-BASE'] } },
 *   on: {
 *     intent: (intent) => ({ item: intent.payload.want.item, quantity: 1, price: { amount: '1890.00', currency: 'EUR' }, terms: { agreement: 'SD-BASE' } }),
 *     counter: (counter) => (Number(counter.payload.price.amount) >= 1800 ? 'agree' : null),
 *   },
 *   http: { cors: ['https://wallet.example'] },
 * })
 * await handler.ready
 * ```
 */
export function createVendorHandler(options: VendorHandlerOptions): VendorHandler {
  const resolved = resolveOptions(options)
  const { onError, cors, endpointPath } = resolved
  const terms = prepareTerms(resolved.terms, resolved.keyPair)
  // Surfaced by `handler.ready` and by every request; handled here so that a caller who never
  // awaits `ready` gets 500s rather than an unhandled rejection that ends the process.
  const ready = terms.then(() => undefined)
  ready.catch(() => {})
  const vendor = createVendorState(resolved, new VendorKeys(resolved.keyPair, resolved.previousKeys), terms)
  const routes = routeTable(vendor)

  const handler = async (request: Request, client: ClientInfo = {}): Promise<Response> => {
    const started = performance.now()
    const response = await answer(request, client)
    if (resolved.onOutcome) tell(resolved.onOutcome, request, response, performance.now() - started)
    return response
  }

  const answer = async (request: Request, client: ClientInfo): Promise<Response> => {
    const route = routes.get(new URL(request.url).pathname)
    let response: Response
    try {
      response = await answerByRoute(route, request, endpointPath, client)
    } catch (e) {
      const cause = e instanceof VendorFailure ? e.cause : e
      // Only the sender's own IntentcastError is answered as such; a VendorFailure has no say.
      const problem = problemFor(e instanceof VendorFailure || !isIntentcastError(e) ? undefined : e)
      if (problem.status >= 500) report(onError, cause)
      response = problemAnswer(problem, request, route?.allow)
      // The body may be unread (a refusal by Content-Length, a decode failure): stop whoever feeds it.
      request.body?.cancel().catch(() => {})
    }
    // A page sends a message's media type, and may send Sec-GPC beside it.
    return withCors(response, request, cors, route && { methods: route.allow, headers: 'Content-Type, Sec-GPC' })
  }
  const offer = (intent: Verified<'intent'>, reply: OfferReply, options?: LaterOfferOptions) =>
    offerLater(vendor, intent, reply, options)
  const made: VendorHandler = Object.assign(handler, { ready, offer })
  registerState(made, vendor)
  return made
}

/** Tells `on.outcome`; like `on.error`, a listener that throws changes nothing. */
function tell(onOutcome: (event: VendorOutcome) => void, request: Request, response: Response, ms: number): void {
  const { status } = response
  const code = codeOf(response)
  const result = status === 429 ? 'limited' : status >= 500 ? 'failed' : status >= 400 ? 'refused' : 'answered'
  const event: VendorOutcome = { method: request.method, path: new URL(request.url).pathname, status, result, ms }
  try {
    onOutcome(code === undefined ? event : { ...event, code })
  } catch {
    // A metrics listener that fails must not fail the request.
  }
}

/** Tells `on.error`; a listener that throws must not turn a 500 into a rejected handler. */
function report(onError: (error: unknown) => void, error: unknown): void {
  try {
    onError(error)
  } catch {
    // Nothing more can be done with it: the answer is a 500 either way.
  }
}
