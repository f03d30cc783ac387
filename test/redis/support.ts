/**
 * A real Redis for the tests in this folder: REDIS_URL if set, else a redis-server started on a
 * free loopback port. With neither, the tests are skipped with a notice, except under CI, where
 * they fail: CI installs redis-server so that they run.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

export async function connect(url: string): Promise<Redis | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: 1000,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.ping()
    return client
  } catch {
    client.disconnect()
    return undefined
  }
}

/**
 * Starts redis-server on a free port, with any extra arguments (`--maxmemory`…), if it is
 * installed; resolves once it answers.
 */
export async function startRedis(args: string[] = []): Promise<{ url: string; child: ChildProcess } | undefined> {
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
    { stdio: 'ignore' },
  )
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true))
    child.once('spawn', () => resolve(false))
  })
  if (failed) return undefined
  const url = `redis://127.0.0.1:${port}`
  for (let i = 0; i < 50; i++) {
    const probe = await connect(url)
    if (probe) {
      probe.disconnect()
      return { url, child }
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill()
  return undefined
}

export interface TestRedis {
  readonly url: string
  /** A new connection, closed by `close`. */
  client(): Promise<Redis>
  close(): Promise<void>
}

/** The Redis of one test file, or undefined (after a notice) when there is none outside CI. */
export async function testRedis(what: string): Promise<TestRedis | undefined> {
  const own = process.env.REDIS_URL ? undefined : await startRedis()
  const url = process.env.REDIS_URL ?? own?.url
  const probe = url ? await connect(url) : undefined
  if (!probe) {
    own?.child.kill()
    const why = url ? `Redis at ${url} is unreachable` : 'no REDIS_URL and no redis-server to start'
    if (process.env.CI) throw new Error(`Redis tests must run under CI: ${why}`)
    console.warn(`\n⚠  SKIPPING the ${what} tests: ${why}. Install redis-server or set REDIS_URL to run them.\n`)
    return undefined
  }
  const clients: Redis[] = [probe]
  return {
    url: url!,
    async client() {
      const c = (await connect(url!))!
      clients.push(c)
      return c
    },
    async close() {
      for (const c of clients) c.disconnect()
      own?.child.kill()
    },
  }
}
