/** A small benchmark harness: runs a task for a fixed time and reports operations per second. */

export interface Result {
  name: string
  opsPerSec: number
  /** ops/s divided by the baseline's ops/s, from the same run. */
  ratio?: number
}

/** Runs `batch` (which performs `size` operations) repeatedly for `ms` milliseconds after a warm-up. */
export async function measure(name: string, size: number, batch: (i: number) => unknown, ms = 1500): Promise<Result> {
  for (let i = 0; i < 3; i++) await batch(i)
  let ops = 0
  let i = 0
  const start = performance.now()
  while (performance.now() - start < ms) {
    await batch(i++)
    ops += size
  }
  return { name, opsPerSec: Math.round(ops / ((performance.now() - start) / 1000)) }
}

/** Median of `runs` timings of one call, in milliseconds. */
export async function median(
  name: string,
  runs: number,
  fn: () => unknown,
): Promise<{ name: string; medianMs: number }> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return { name, medianMs: Number(times[Math.floor(times.length / 2)]!.toFixed(3)) }
}
