/**
 * A real nats-server with JetStream for the NATS relay tests: started on a free loopback port with
 * a store directory of its own, so that a test can kill it (SIGKILL, as a crash would) and start
 * it again over the same files. Without nats-server the tests are skipped with a notice, except
 * under CI, where they fail: CI installs nats-server (Debian's package, 2.9) so that they run.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { NewEntry } from '../../src/relay/backend.js'

/** Debian installs it in /usr/sbin, which a non-root PATH may lack. */
const BINARY = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((path) => existsSync(path)) ?? 'nats-server'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface TestNats {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string
  /**
   * A new connection that reconnects for ever, quickly (as a relay's should), closed by `close`.
   * Pass `name` to tell connections apart in the server's log.
   */
  connection(name?: string): Promise<NatsConnection>
  /** Kills the server at once (SIGKILL): no flush, no shutdown. Resolves once it has exited. */
  kill(): Promise<void>
  /** Starts it again on the same port and store; resolves once it takes connections. */
  start(): Promise<void>
  /** Closes the connections, stops the server and removes its store. */
  close(): Promise<void>
}

/** Starts nats-server; resolves once a client can connect, or undefined when it cannot start. */
async function launch(port: number, store: string): Promise<ChildProcess | undefined> {
  const child = spawn(BINARY, ['-js', '-sd', store, '-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true))
    child.once('spawn', () => resolve(false))
  })
  if (failed) return undefined
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return undefined
    try {
      const probe = await connect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 500 })
      await probe.close()
      return child
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  child.kill('SIGKILL')
  return undefined
}

/** The nats-server of one test file, or undefined (after a notice) when there is none outside CI. */
export async function testNats(what: string): Promise<TestNats | undefined> {
  const port = await freePort()
  const store = mkdtempSync(join(tmpdir(), 'intentcast-nats-'))
  let child = await launch(port, store)
  if (!child) {
    rmSync(store, { recursive: true, force: true })
    const why = `nats-server (${BINARY}) could not be started with JetStream`
    if (process.env.CI) throw new Error(`NATS tests must run under CI: ${why}`)
    console.warn(
      `\n⚠  SKIPPING the ${what} tests: ${why}. Install nats-server (apt-get install nats-server) to run them.\n`,
    )
    return undefined
  }
  const connections: NatsConnection[] = []
  const url = `nats://127.0.0.1:${port}`
  const server: TestNats = {
    url,
    async connection(name) {
      const nc = await connect({
        servers: url,
        ...(name !== undefined && { name }),
        maxReconnectAttempts: -1,
        reconnectTimeWait: 100,
        reconnectJitter: 50,
      })
      connections.push(nc)
      return nc
    },
    async kill() {
      const dying = child
      if (!dying || dying.exitCode !== null) return
      await new Promise<void>((resolve) => {
        dying.once('exit', () => resolve())
        dying.kill('SIGKILL')
      })
    },
    async start() {
      child = await launch(port, store)
      if (!child) throw new Error('nats-server did not start again')
    },
    async close() {
      await Promise.all(connections.map((nc) => nc.close().catch(() => {})))
      await server.kill()
      rmSync(store, { recursive: true, force: true })
    },
  }
  return server
}

/** Resolves once `check` holds, polling; fails with `what` after `ms`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * The `i`th entry of a run, the same in every process that computes it: a relay process and the
 * test that checks its work (and retries it) agree on the bytes without talking. Five senders,
 * so that a run stays within the per-sender bound.
 */
export function entryOf(run: string, i: number, expiresAt: number): NewEntry {
  return {
    type: 'application/intentcast+jws',
    parts: [`eyJ.${run}.${i}`],
    digest: createHash('sha256').update(`${run}:${i}`).digest('base64url'),
    sender: `did:key:z6MkSender${i % 5}`,
    expiresAt,
  }
}
