/**
 * The vendor handler's figures for `npm run bench` (issue 12): the vendor and its customers each
 * in their own processes, so that only the vendor's work is measured in the vendor. Every
 * intent is signed under a fresh key and names a reply key, so every offer is signed and sealed
 * as in production. All the vendor processes of a run share one signing seed: they are one
 * vendor.
 *
 * - one vendor process, in-memory stores;
 * - one vendor process, Redis stores (replay, threads, agreements);
 * - as many vendor processes as cores, sharing one Redis, the load spread over them.
 *
 * Each is measured as requests per second of wall time from one load process (50 keep-alive
 * connections), and per second of the vendor processes' own CPU: on a machine with few cores
 * the load, Redis and the vendors share them, and the second figure is what a vendor core takes.
 * Redis is the tests' (a redis-server started on a free port, or REDIS_URL); without one, the
 * Redis figures are skipped and the output says why.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Redis } from 'ioredis'
import { freePort, testRedis } from '../../test/redis/support.js'
import type { Result } from '../harness.js'

const here = new URL('.', import.meta.url).pathname
/** Intents signed per scenario, and the most seconds of load: whichever ends first. */
const INTENTS = 6000
const SECONDS = 7

const children = new Set<ChildProcess>()
const stopAll = (): void => {
  for (const child of children) child.kill('SIGKILL')
}
process.on('exit', stopAll)

const node = (file: string, ...args: string[]) => ['--import', 'tsx', join(here, file), ...args]

/** Starts a child; resolves with it and its first stdout line that `ready` accepts. */
async function start(
  args: string[],
  env: Record<string, string>,
  ready: (line: string) => boolean,
): Promise<{ child: ChildProcess; exited: Promise<number | null>; lines: string[] }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  children.add(child)
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
  const lines: string[] = []
  await new Promise<void>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`${args.join(' ')} exited (${code})`)))
    createInterface({ input: child.stdout }).on('line', (l) => {
      lines.push(l)
      if (ready(l)) resolve()
    })
  })
  return { child, exited, lines }
}

/** The CPU seconds the vendor processes have used, together. */
async function vendorCpu(origins: string[]): Promise<number> {
  const used = await Promise.all(
    origins.map(async (origin) => (await (await fetch(`${origin}/bench/cpu`)).json()) as NodeJS.CpuUsage),
  )
  return used.reduce((sum, { user, system }) => sum + (user + system) / 1e6, 0)
}

/** The CPU seconds Redis has used (INFO cpu), or 0 without Redis. */
async function redisCpu(redis: Redis | undefined): Promise<number> {
  if (!redis) return 0
  const info = await redis.info('cpu')
  const field = (name: string) => Number(new RegExp(`^used_cpu_${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0)
  return field('user') + field('sys')
}

export interface VendorScenario {
  readonly scenario: string
  /** Whether each intent named a reply key, so each offer was sealed (the SDK's wallet always names one). */
  readonly sealed: boolean
  readonly processes: number
  readonly stores: 'memory' | 'redis'
  readonly requests: number
  readonly seconds: number
  readonly rps: number
  readonly vendorCpuSeconds: number
  readonly requestsPerVendorCpuSecond: number
  readonly loadCpuSeconds: number
  readonly redisCpuSeconds?: number
}

async function scenario(
  name: string,
  processes: number,
  seed: string,
  redis?: { url: string; client: Redis; prefix: string },
  sealed = true,
): Promise<VendorScenario> {
  const servers = await Promise.all(
    Array.from({ length: processes }, async () => {
      const port = await freePort()
      const env = { PORT: String(port), VENDOR_SEED: seed, REDIS_URL: redis?.url ?? '', PREFIX: redis?.prefix ?? '' }
      const { child } = await start(node('server.ts'), env, (l) => l.startsWith('listening'))
      return { child, origin: `http://127.0.0.1:${port}` }
    }),
  )
  const origins = servers.map((s) => s.origin)
  try {
    const urls = origins.map((o) => `${o}/intentcast/messages`)
    // Timed from the load's own line saying the warm-up is done.
    const load = await start(
      node('load.ts', String(INTENTS), String(SECONDS), ...urls),
      { SEALED: sealed ? '1' : '0' },
      (l) => l.startsWith('{"warmed"'),
    )
    const [vendorBefore, redisBefore] = await Promise.all([vendorCpu(origins), redisCpu(redis?.client)])
    const code = await load.exited
    if (code !== 0) throw new Error(`the ${name} load exited (${code})`)
    const [vendorAfter, redisAfter] = await Promise.all([vendorCpu(origins), redisCpu(redis?.client)])
    const figures = JSON.parse(load.lines.at(-1)!) as {
      requests: number
      seconds: number
      rps: number
      cpuSeconds: number
    }
    const vendorCpuSeconds = Number((vendorAfter - vendorBefore).toFixed(3))
    return {
      scenario: name,
      sealed,
      processes,
      stores: redis ? 'redis' : 'memory',
      requests: figures.requests,
      seconds: figures.seconds,
      rps: figures.rps,
      vendorCpuSeconds,
      requestsPerVendorCpuSecond: Math.round(figures.requests / vendorCpuSeconds),
      loadCpuSeconds: figures.cpuSeconds,
      ...(redis && { redisCpuSeconds: Number((redisAfter - redisBefore).toFixed(3)) }),
    }
  } finally {
    for (const { child } of servers) child.kill('SIGKILL')
  }
}

export interface VendorFigures {
  /** Requests per second, wall and per vendor CPU-second, one pair per scenario run. */
  readonly results: Result[]
  readonly scenarios: VendorScenario[]
  /** Why the Redis scenarios did not run, when they did not. */
  readonly skipped?: string
}

/** The vendor's figures: in memory, and on Redis (one process, then one per core) when there is one. */
export async function vendorBench(): Promise<VendorFigures> {
  const seed = randomBytes(32).toString('hex')
  const cores = availableParallelism()
  const scenarios: VendorScenario[] = []
  let skipped: string | undefined
  try {
    scenarios.push(await scenario('1 vendor process, memory stores', 1, seed))
    // The first measure, before sealing existed: the offer signed, not sealed.
    scenarios.push(await scenario('1 vendor process, memory stores, offers not sealed', 1, seed, undefined, false))
    let redis
    try {
      redis = await testRedis('vendor Redis benchmark')
    } catch (e) {
      skipped = (e as Error).message
    }
    if (redis) {
      try {
        const client = await redis.client()
        // A prefix of their own per scenario, so that they never meet, even on a shared REDIS_URL.
        const on = (name: string) => ({ url: redis.url, client, prefix: `intentcast-bench:${process.pid}:${name}:` })
        scenarios.push(await scenario('1 vendor process, Redis stores', 1, seed, on('one')))
        scenarios.push(await scenario(`${cores} vendor processes, one Redis`, cores, seed, on('many')))
      } finally {
        await redis.close()
      }
    } else skipped ??= 'no REDIS_URL and no redis-server to start: the Redis scenarios did not run'
  } finally {
    stopAll()
  }
  const results = scenarios.flatMap((s) => [
    {
      name: `vendor over HTTP, ${s.scenario}: requests/s, load in its own process (50 connections, offer signed${s.sealed ? ' and sealed' : ''} per intent)`,
      opsPerSec: s.rps,
    },
    {
      name: `vendor over HTTP, ${s.scenario}: requests per vendor CPU-second`,
      opsPerSec: s.requestsPerVendorCpuSecond,
    },
  ])
  return { results, scenarios, ...(skipped !== undefined && { skipped }) }
}
