/**
 * This process's view of the open vendor mailboxes: a SubscriberIndex refreshed from
 * `backend.subscribers()`, and updated at once by the subscriptions this process takes.
 *
 * How stale it can be: an intent is matched against a view at most `maxAgeMs` old (the view is
 * refreshed, and the refresh awaited, before matching whenever it is older). A subscription taken
 * by this process is in the view at once; one taken by another process sharing the backend is
 * in it at most `maxAgeMs` after the backend lists it (for NATS, after the filters bucket's
 * watch delivers it). An intent cast in that window does not reach that mailbox. A mailbox that
 * ended is never matched: the index checks `expiresAt` against the clock on every match.
 */
import type { Want } from '../model/intent.js'
import type { MailboxInfo, RelayBackend } from './backend.js'
import { SubscriberIndex } from './filters.js'

export class Subscribers {
  readonly #backend: Pick<RelayBackend, 'subscribers'>
  readonly #maxAgeMs: number
  readonly #now: () => number
  #index = new SubscriberIndex()
  #loadedAt = -Infinity
  #loading: Promise<void> | undefined
  /** This process's subscriptions taken while a refresh was in flight: applied over its result. */
  #since: MailboxInfo[] | undefined

  constructor(backend: Pick<RelayBackend, 'subscribers'>, maxAgeMs: number, now: () => number) {
    this.#backend = backend
    this.#maxAgeMs = maxAgeMs
    this.#now = now
  }

  /** Loads the view from the backend; concurrent callers share one load. */
  refresh(): Promise<void> {
    this.#loading ??= (async () => {
      const startedAt = this.#now()
      this.#since = []
      try {
        const index = new SubscriberIndex(await this.#backend.subscribers())
        // A subscription this process took during the load may be missing from its result.
        for (const info of this.#since) index.set(info)
        this.#index = index
        this.#loadedAt = startedAt
      } finally {
        this.#since = undefined
        this.#loading = undefined
      }
    })()
    return this.#loading
  }

  /** A subscription this process has just written to the backend. */
  put(info: MailboxInfo): void {
    this.#index.set(info)
    this.#since?.push(info)
  }

  /** The open vendor mailboxes taking `want`, from a view at most `maxAgeMs` old. */
  async match(want: Want): Promise<MailboxInfo[]> {
    if (this.#now() - this.#loadedAt >= this.#maxAgeMs) await this.refresh()
    return this.#index.match(want, this.#now())
  }
}
