/**
 * The line between a client's fault and the relay's own. Everything a client can get wrong is an
 * IntentcastError thrown by the relay's checks; anything that comes out of the backend, the
 * replay store or the deployment's callbacks is the relay's failure, whatever it is (an
 * IntentcastError of a NATS backend included), and is answered 500 and reported to `on.error`.
 */
import type { ReplayStore } from '../replay/store.js'
import type { RelayBackend } from './backend.js'

/** A failure of the relay's own infrastructure or callbacks: never the client's fault. */
export class RelayFailure extends Error {
  constructor(cause: unknown) {
    super('the relay failed', { cause })
  }
}

/** Runs `f`, turning whatever it throws or rejects with into a RelayFailure. */
export async function asRelay<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f()
  } catch (e) {
    throw new RelayFailure(e)
  }
}

/** The backend, with every failure marked as the relay's. */
export function guardBackend(backend: RelayBackend): RelayBackend {
  return {
    open: (info) => asRelay(() => backend.open(info)),
    info: (owner) => asRelay(() => backend.info(owner)),
    append: (owner, entry, limits) => asRelay(() => backend.append(owner, entry, limits)),
    read: (owner, after, limit) => asRelay(() => backend.read(owner, after, limit)),
    watch: (owner, after, listener) => {
      try {
        return backend.watch(owner, after, listener)
      } catch (e) {
        throw new RelayFailure(e)
      }
    },
    subscribers: () => asRelay(() => backend.subscribers()),
    close: () => asRelay(() => backend.close()),
  }
}

/** The replay store, likewise. */
export function guardReplay(store: ReplayStore): ReplayStore {
  return { add: (key, expiresAt) => asRelay(() => store.add(key, expiresAt)) }
}

/** Tells `on.error` what failed (the cause, not the wrapper); a listener that throws changes nothing. */
export function report(onError: (error: unknown) => void, error: unknown): void {
  try {
    onError(error instanceof RelayFailure ? error.cause : error)
  } catch {
    // Nothing more can be done with it: the answer is a 500 (or a broken stream) either way.
  }
}
