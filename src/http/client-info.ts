/**
 * What the server knows of a request's client beyond the request itself, for rate limits
 * (`on.admit`). A fetch `Request` carries no peer address, so the adapter that accepted the
 * connection passes it beside the request, as Deno's and Bun's servers do.
 *
 * @example
 * ```ts
 * const admit = (request: Request, client: ClientInfo) => limiter.take(client.address ?? 'unknown')
 * ```
 */
export interface ClientInfo {
  /** The peer's IP address, as the socket reports it (behind a proxy: the proxy's). */
  readonly address?: string
}
