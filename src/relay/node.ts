/**
 * `toNodeListener` for the relay entry: the adapter lives in src/http/node.ts, shared with the
 * vendor; it writes the relay's event streams as they come and cancels them when a reader goes.
 */
export { toNodeListener, type NodeListener, type NodeListenerOptions } from '../http/node.js'
export type { ClientInfo } from '../http/client-info.js'
