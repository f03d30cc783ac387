/**
 * The work in flight in this process, so that signature math runs where it is cheapest: alone,
 * inline on the calling thread, which is faster than a round trip to libuv's thread pool (about
 * 70 µs against 90 for one Ed25519 verify here); otherwise on the pool, where it costs the event
 * loop 5 to 10 µs and another core does the curve math. Only speed depends on it, never a result.
 *
 * - `verifying`: `verify` calls started and not finished (src/envelope/verify.ts);
 * - `serving`: requests a server built on `toNodeListener` is answering (src/http/node.ts).
 *   A server's signatures always go to the pool: a request on in-memory stores runs from its
 *   first byte to its answer without yielding, so the requests queued behind it are still in
 *   the sockets, where no counter sees them. Measured on the vendor benchmark, the event loop's
 *   share of a request fell from about 830 to 600 µs.
 */
export const load = { verifying: 0, serving: 0 }

/** True when nothing else is in flight and this is no server's request: verify or sign inline. */
export const alone = (): boolean => load.verifying <= 1 && load.serving === 0
