/**
 * How many verify calls have started and not finished. With others queued behind it, a call
 * hands the curve math to the thread pool so both cores work; alone, it verifies inline, which
 * is faster than a round trip to the pool. Only speed depends on it, never a result.
 */
export const load = { pending: 0 }
