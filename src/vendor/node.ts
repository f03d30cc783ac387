/**
 * `toNodeListener` for the vendor entry: the adapter lives in src/http/node.ts, shared with the
 * relay, which serves event streams through the same code.
 */
export { toNodeListener, type NodeListener, type NodeListenerOptions } from '../http/node.js'
export type { ClientInfo } from '../http/client-info.js'
export type { FetchLike } from '../http/client.js'
