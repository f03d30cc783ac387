/**
 * A Map that holds at most `max` entries and forgets the least recently used first. Every cache
 * the SDK keeps at module level (parsed headers, prepared keys) is one of these, because its keys
 * come from the wire: without a bound, a stream of fresh keys from fresh did:keys would grow it
 * without end.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>()
  readonly #max: number

  constructor(max: number) {
    this.#max = max
  }

  get(key: K): V | undefined {
    const value = this.#entries.get(key)
    if (value !== undefined) {
      // Map order is recency order: re-inserting marks the entry as the most recently used.
      this.#entries.delete(key)
      this.#entries.set(key, value)
    }
    return value
  }

  set(key: K, value: V): void {
    this.#entries.delete(key)
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(key, value)
  }

  delete(key: K): void {
    this.#entries.delete(key)
  }
}
