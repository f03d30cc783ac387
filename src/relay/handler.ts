/**
 * `createRelayHandler`: puts the pieces together (options, backend, routes) and holds the one
 * place where a failure becomes an answer: an IntentcastError the client's bytes caused is a 4xx
 * problem with its code; anything else (the backend or the replay store failing, a callback
 * throwing, an SDK bug) is a 500 that says nothing and is reported to `on.error`. Every 500 is
 * reported, and nothing else is, but a webhook's origin that cannot be reached (502, the vendor's).
 */
import { isIntentcastError } from '../errors.js'
import type { ClientInfo } from '../http/client-info.js'
import { withCors } from '../http/cors.js'
import { httpProblem, problemFor } from '../http/problem.js'
import { codeOf, problemAnswer } from './answers.js'
import { Unsupported } from './body.js'
import { asRelay, RelayFailure, report } from './failure.js'
import type { RelayHandlerOptions, RelayOutcome } from './options.js'
import { resolveRelayOptions } from './resolve-options.js'
import { answerFor, routeFor, type Route } from './routes.js'
import { createRelayState, type Relay } from './state.js'
import { WebhookDelivery } from './webhook.js'

/**
 * A fetch-standard handler: `(request) => Promise<Response>`, which never rejects. `ready`
 * settles once the backend has listed the subscriptions (it rejects when the backend cannot be
 * reached); `close()` ends the open event streams and closes the backend if the handler made it.
 *
 * @example
 * ```ts
 * const relay: RelayHandler = createRelayHandler({ url: 'https://relay.example/relay' })
 * await relay.ready
 * const response = await relay(new Request('https://relay.example/relay/intents', { method: 'POST', headers: { 'content-type': 'application/intentcast+jws' }, body: intent }))
 * await relay.close()
 * ```
 */
export type RelayHandler = ((request: Request, client?: ClientInfo) => Promise<Response>) & {
  readonly ready: Promise<void>
  /** Ends the open event streams and closes the backend if the handler made it. */
  close(): Promise<void>
}

/**
 * The relay binding (spec §Relay binding): takes intents at `<url>/intents` and puts them into
 * the mailboxes of the vendors whose subscriptions (`<url>/subscriptions`) match, takes the moves
 * of each negotiation at `<url>/mailboxes/<did>`, and lets each mailbox's key holder read it
 * there, as JSON or as an event stream. Every answer to a client's bad input is a 4xx problem
 * with its code; only the relay's own failures are 500s. Throws ERR_INVALID_ARGUMENT at once for
 * an option it does not take or a value that is wrong.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { createRelayHandler, toNodeListener } from 'intentcast/relay'
 *
 * const relay = createRelayHandler({ url: 'https://relay.example/relay', http: { cors: '*' } })
 * await relay.ready
 * createServer(toNodeListener(relay)).listen(8080)
 * ```
 */
export function createRelayHandler(options: RelayHandlerOptions): RelayHandler {
  const resolved = resolveRelayOptions(options)
  const relay = createRelayState(resolved, (r) => new WebhookDelivery(r))
  // Handled here so a caller who never awaits `ready` gets no unhandled rejection; a request
  // made meanwhile loads the subscriptions again itself.
  const ready = relay.subscribers.refresh()
  ready.catch(() => {})

  const handler = async (request: Request, client: ClientInfo = {}): Promise<Response> => {
    const started = performance.now()
    let route: Route | undefined
    let response: Response
    try {
      route = routeFor(new URL(request.url).pathname, relay)
      response = await answer(request, route, relay, client)
    } catch (e) {
      response = failure(e, request, route, relay)
    }
    response = withCors(response, request, resolved.cors, route)
    if (resolved.onOutcome) tell(resolved.onOutcome, request, route, response, performance.now() - started)
    return response
  }
  const close = async (): Promise<void> => {
    for (const end of [...relay.streams]) end()
    await relay.webhooks.close()
    if (resolved.ownsBackend) await resolved.backend.close()
  }
  return Object.assign(handler, { ready, close })
}

async function answer(request: Request, route: Route | undefined, relay: Relay, client: ClientInfo): Promise<Response> {
  if (route === undefined) {
    request.body?.cancel().catch(() => {})
    return problemAnswer(httpProblem(404, 'nothing here; see spec §Relay binding, Endpoints'), request, undefined)
  }
  if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow: route.methods } })
  const take = answerFor(route, request.method)
  if (take === undefined) {
    request.body?.cancel().catch(() => {})
    return problemAnswer(httpProblem(405, `${request.method.slice(0, 16)} is not allowed here`), request, route.methods)
  }
  // The deployment's rate limit, before any work: not even the body is read for a request it turns away.
  const admit = relay.options.admit
  if (admit !== undefined && !(await asRelay(() => admit(request, client)))) {
    request.body?.cancel().catch(() => {})
    return problemAnswer(httpProblem(429, 'too many requests; try again later'), request, undefined)
  }
  return take(request)
}

function failure(e: unknown, request: Request, route: Route | undefined, relay: Relay): Response {
  // Only an IntentcastError of the relay's own checks is the client's; a RelayFailure never is.
  const problem = problemFor(e instanceof RelayFailure || !isIntentcastError(e) ? undefined : e)
  // A vendor's webhook origin that cannot be reached (502) is the vendor's, not the relay's.
  const vendorUnreachable = !(e instanceof RelayFailure) && isIntentcastError(e, 'ERR_UNREACHABLE')
  if (problem.status >= 500 && !vendorUnreachable) report(relay.options.onError, e)
  // The body may be unread (a refusal by Content-Length, a decode failure): stop whoever feeds it.
  request.body?.cancel().catch(() => {})
  return problemAnswer(e instanceof Unsupported ? { ...problem, status: 415 } : problem, request, route?.methods)
}

/** Tells `on.outcome`; a listener that throws changes nothing. */
function tell(
  onOutcome: (event: RelayOutcome) => void,
  request: Request,
  route: Route | undefined,
  response: Response,
  ms: number,
): void {
  const { status } = response
  const code = codeOf(response)
  const result = status === 429 ? 'limited' : status >= 500 ? 'failed' : status >= 400 ? 'refused' : 'answered'
  const event: RelayOutcome = { method: request.method, route: route?.name, status, result, ms }
  try {
    onOutcome(code === undefined ? event : { ...event, code })
  } catch {
    // A metrics listener that fails must not fail the request.
  }
}
