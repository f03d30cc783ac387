/**
 * The handler's routes as data: each path, the methods it takes and what answers them. Allow
 * (on 405 and OPTIONS) and the CORS preflight are derived from the same table, so a route
 * cannot answer a method its Allow does not list, or the reverse.
 */
import { httpProblem } from '../http/problem.js'
import { GPC_PATH, MYTERMS_PATH } from '../model/well-known.js'
import type { ClientInfo } from '../http/client-info.js'
import { WELL_KNOWN_PATH } from '../model/media-types.js'
import { json, problemAnswer } from './answers.js'
import { vendorDocument } from './document.js'
import { takeMessage } from './messages.js'
import type { Vendor } from './state.js'

type Method = 'GET' | 'POST'
type Answer = (request: Request, client: ClientInfo) => Promise<Response>

export interface Route {
  readonly methods: Readonly<Partial<Record<Method, Answer>>>
  /** The Allow header: the route's methods and OPTIONS. */
  readonly allow: string
}

/** The routes of one handler: the vendor document, the message endpoint and the well-known documents it was given. */
export function routeTable(vendor: Vendor): ReadonlyMap<string, Route> {
  const { endpointPath, documents } = vendor.options
  const table: Array<[string, Partial<Record<Method, Answer>> | undefined]> = [
    [WELL_KNOWN_PATH, { GET: (request) => vendorDocument(request, vendor) }],
    [endpointPath, { POST: (request, client) => takeMessage(request, vendor, client) }],
    [MYTERMS_PATH, documents.myterms && { GET: async () => json(documents.myterms) }],
    [GPC_PATH, documents.gpc && { GET: async () => json(documents.gpc) }],
  ]
  const routes = new Map<string, Route>()
  for (const [path, methods] of table) {
    if (methods) routes.set(path, { methods, allow: [...Object.keys(methods), 'OPTIONS'].join(', ') })
  }
  return routes
}

/**
 * Answers by the table: 404 for a path it does not hold and 405 for a method a path does not
 * take. These are about HTTP, not about a message, so they carry no intentcast code.
 */
export function answerByRoute(
  route: Route | undefined,
  request: Request,
  endpointPath: string,
  client: ClientInfo,
): Promise<Response> {
  const path = new URL(request.url).pathname
  if (!route)
    return Promise.resolve(
      problemAnswer(
        httpProblem(404, `nothing at ${path.slice(0, 128)}; messages go to ${endpointPath}`),
        request,
        undefined,
      ),
    )
  if (request.method === 'OPTIONS')
    return Promise.resolve(new Response(null, { status: 204, headers: { allow: route.allow } }))
  // Own keys only: `constructor` is not a method.
  const answer = Object.hasOwn(route.methods, request.method) ? route.methods[request.method as Method] : undefined
  if (answer) return answer(request, client)
  return Promise.resolve(
    problemAnswer(httpProblem(405, `${request.method.slice(0, 16)} is not allowed here`), request, route.allow),
  )
}
