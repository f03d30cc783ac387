/**
 * Answers whose body the SDK made, remembered with it. A Response's body is a web stream, and
 * `toNodeListener` reading it back cost about 20 µs of a vendor's request (undici's
 * `arrayBuffer()`, read chunk by chunk) to learn bytes the SDK held a moment earlier. An answer
 * made here keeps its body beside it (a WeakMap: gone with the Response), so the node adapter
 * writes those bytes as they are. Any other Response, or one whose body someone has read, is
 * read the standard way: runtimes that take the Response itself (Deno, Bun, workers) see no
 * difference.
 */

const BODIES = new WeakMap<Response, string | Uint8Array>()

/**
 * `new Response(body, init)`, with `body` remembered for `bodyOf`.
 *
 * @example
 * ```ts
 * return respond(JSON.stringify(value), { status: 200, headers: { 'content-type': 'application/json' } })
 * ```
 */
export function respond(body: string | Uint8Array<ArrayBuffer>, init: ResponseInit): Response {
  const response = new Response(body, init)
  BODIES.set(response, body)
  return response
}

/** The body `respond` made `response` with, unless it has been read since; otherwise undefined. */
export function bodyOf(response: Response): string | Uint8Array | undefined {
  return response.bodyUsed ? undefined : BODIES.get(response)
}
