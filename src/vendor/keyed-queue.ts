/**
 * One task at a time per key, in the order they came; tasks under different keys run side by
 * side.
 *
 * Why: a move reads a thread from the store, checks itself against it and writes the thread
 * back. Two moves on one thread running at once (a counter and a withdrawal racing, or the same
 * acceptance posted twice) would both read the same version and the later write would drop the
 * earlier move, or let two agreements through. Queuing per thread keeps every move's
 * read-check-write whole, without making unrelated threads wait for each other. It serialises
 * within this process only: processes that share a store need the store to do the same.
 */
export class KeyedQueue {
  // The last task queued under each key; a key is forgotten once its queue runs empty, so the
  // map holds only keys with work in flight.
  readonly #tails = new Map<string, Promise<void>>()

  /** Keys with a task running or waiting. */
  get size(): number {
    return this.#tails.size
  }

  /** Runs `task` once every task queued earlier under `key` has settled; settles as it does. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(task)
    // The next task waits for this one to settle, whether it succeeds or fails.
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.#tails.set(key, tail)
    try {
      return await result
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }
}
