/**
 * `createVendorHandler`: puts the pieces together (options, keys, terms, routes) and holds the
 * one place where a failure becomes an answer. The policy (src/errors.ts) is applied here only:
 * an IntentcastError the sender's bytes caused is a 4xx problem with its code; anything else
 * (the vendor's callback or configuration failing, a store throwing, an SDK bug) is a 500 that
 * says nothing and is reported to `on.error`. Every 500 is reported, and nothing else is.
 */
import { isIntentcastError } from '../errors.js'
import { problemFor } from '../http/problem.js'
import { codeOf, problemAnswer, withCors } from './answers.js'
import { VendorFailure, type VendorOutcome } from './callbacks.js'
import { prepareTerms } from './document.js'
import { VendorKeys } from './keys.js'
import type { VendorHandlerOptions } from './options.js'
import { resolveOptions } from './resolve-options.js'
import { answerByRoute, routeTable } from './routes.js'
import { createVendorState } from './state.js'

/**
 * A fetch-standard handler: `(request) => Promise<Response>`, which never rejects. `ready`
 * settles once the terms are signed; it rejects on a bad configuration.
 *
 * @example
 * ```ts
 * const handler: VendorHandler = createVendorHandler(options)
 * await handler.ready // fails at start, not at the first request, when the terms are wrong
 * const response = await handler(new Request('https://shop.example/.well-known/intentcast'))
 * ```
 */
export type VendorHandler = ((request: Request) => Promise<Response>) & { readonly ready: Promise<void> }

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

  const handler = async (request: Request): Promise<Response> => {
    const started = performance.now()
    const response = await answer(request)
    if (resolved.onOutcome) tell(resolved.onOutcome, request, response, performance.now() - started)
    return response
  }

  const answer = async (request: Request): Promise<Response> => {
    const route = routes.get(new URL(request.url).pathname)
    let response: Response
    try {
      response = await answerByRoute(route, request, endpointPath)
    } catch (e) {
      const cause = e instanceof VendorFailure ? e.cause : e
      // Only the sender's own IntentcastError is answered as such; a VendorFailure has no say.
      const problem = problemFor(e instanceof VendorFailure || !isIntentcastError(e) ? undefined : e)
      if (problem.status >= 500) report(onError, cause)
      response = problemAnswer(problem, request, route?.allow)
      // The body may be unread (a refusal by Content-Length, a decode failure): stop whoever feeds it.
      request.body?.cancel().catch(() => {})
    }
    return withCors(response, request, cors, route?.allow)
  }
  return Object.assign(handler, { ready })
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
