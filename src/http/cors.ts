/**
 * CORS (Fetch standard) for a handler that lets browsers call it: messages carry their own
 * authentication, so no credentials are ever allowed, and an origin not allowed gets no CORS
 * headers at all.
 */

/** What a route tells a preflight: its methods, and the request headers it reads. */
export interface CorsRoute {
  /** The Allow list, e.g. `GET, POST, OPTIONS`. */
  readonly methods: string
  /** The request headers a page may send, e.g. `Content-Type, Authorization`. */
  readonly headers: string
}

/** Adds CORS headers for an allowed origin; a preflight (OPTIONS) also gets the route's methods and headers. */
export function withCors(
  response: Response,
  request: Request,
  cors: readonly string[] | '*' | undefined,
  route: CorsRoute | undefined,
): Response {
  const origin = request.headers.get('origin')
  if (cors === undefined || origin === null || (cors !== '*' && !cors.includes(origin))) return response
  const h = response.headers
  h.set('access-control-allow-origin', cors === '*' ? '*' : origin)
  h.append('vary', 'Origin')
  h.set('access-control-expose-headers', 'Accept-Post, WWW-Authenticate')
  if (request.method === 'OPTIONS' && route !== undefined) {
    h.set('access-control-allow-methods', route.methods)
    h.set('access-control-allow-headers', route.headers)
    h.set('access-control-max-age', '600')
  }
  return response
}
