/**
 * The relay's figures for `npm run bench` (issue 10), on each backend: the relay, the casting
 * load and the subscribers each run in their own process, so only the relay's work is measured
 * in the relay. NATS runs only where `nats-server` is installed (a fresh one, JetStream on, in a
 * temporary directory).
 *
 * - intents accepted with 1,000 vendors subscribed, each to one of 100 categories, so that an
 *   intent reaches about 10 of them (1%), the relay verifying each intent once: per second of the
 *   relay's own CPU (what it can take), and per second of wall time from one casting process;
 * - deliveries per second when every one of 1,000 vendors takes every intent (a broadcast);
 * - cast to first offer in the wallet's mailbox, median and p99, at 50 casts a second, with one
 *   vendor answering from its event stream;
 * - the relay's heap per open cast mailbox and per subscriber.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { testNats } from '../../test/relay/nats-support.js'
import type { Result } from '../harness.js'

const here = new URL('.', import.meta.url).pathname
const children = new Set<ChildProcess>()
const stopAll = (): void => {
  for (const child of children) child.kill('SIGKILL')
}
process.on('exit', stopAll)

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Starts a child; resolves with it and its first stdout line that `ready` accepts. */
async function start(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: (line: string) => boolean = () => true,
): Promise<{ child: ChildProcess; line: string; lines: string[] }> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  children.add(child)
  const lines: string[] = []
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code})`)))
    createInterface({ input: child.stdout }).on('line', (l) => {
      lines.push(l)
      if (ready(l)) resolve(l)
    })
  })
  return { child, line, lines }
}

const node = (file: string, ...args: string[]) => ['--expose-gc', '--import', 'tsx', join(here, file), ...args]

/** Runs a load role to its end and returns its JSON figures. */
async function run(relay: string, ...args: string[]): Promise<Record<string, number>> {
  const { child, line } = await start(process.execPath, node('load.ts', ...args), { RELAY: relay }, (l) =>
    l.startsWith('{'),
  )
  await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)))
  return JSON.parse(line) as Record<string, number>
}

/** The relay process's heap after a full collection, and the CPU time it has used (µs). */
async function usage(origin: string): Promise<{ heap: number; cpu: number }> {
  const { heapUsed, cpu } = (await (await fetch(`${origin}/bench/memory`)).json()) as {
    heapUsed: number
    cpu: { user: number; system: number }
  }
  return { heap: heapUsed, cpu: cpu.user + cpu.system }
}

async function startRelay(backend: string, natsUrl?: string): Promise<{ origin: string; relay: string; stop(): void }> {
  const port = await freePort()
  const { child } = await start(
    process.execPath,
    node('server.ts'),
    { PORT: String(port), BACKEND: backend, ...(natsUrl && { NATS_URL: natsUrl }) },
    (l) => l.startsWith('listening'),
  )
  const origin = `http://127.0.0.1:${port}`
  return { origin, relay: `${origin}/relay`, stop: () => child.kill('SIGKILL') }
}

export interface RelayFigures {
  readonly backend: string
  readonly results: Result[]
  readonly latency: Record<string, number>
  readonly memory: { perMailboxBytes: number; perSubscriberBytes: number }
}

async function onBackend(backend: string, natsUrl?: string): Promise<RelayFigures> {
  // 1,000 subscribers at 1%: the headline figure, and the heap they and the mailboxes take.
  const one = await startRelay(backend, natsUrl)
  const empty = await usage(one.origin)
  const subscribers = await start(
    process.execPath,
    node('load.ts', 'subscribe', '1000', '100'),
    { RELAY: one.relay },
    (l) => l.startsWith('{'),
  )
  const withSubscribers = await usage(one.origin)
  const cast = await run(one.relay, 'cast', '5000', '100', '64')
  if (cast.failed) throw new Error(`${cast.failed} casts failed`)
  const withMailboxes = await usage(one.origin)
  // One casting process cannot keep the relay busy; what the relay can take is the intents it
  // took per second of its own CPU (the collection in `usage` is counted against it, slightly).
  const cpuSeconds = (withMailboxes.cpu - withSubscribers.cpu) / 1e6
  // Latency at a moderate load, one vendor answering as intents arrive.
  const answer = await start(process.execPath, node('load.ts', 'answer'), { RELAY: one.relay }, (l) =>
    l.startsWith('{'),
  )
  const latency = await run(one.relay, 'latency', '200', '50')
  answer.child.kill('SIGTERM')
  subscribers.child.kill('SIGKILL')
  one.stop()

  // A broadcast: every subscriber takes every intent.
  const all = await startRelay(backend, natsUrl)
  const everyone = await start(process.execPath, node('load.ts', 'subscribe', '1000', '0'), { RELAY: all.relay }, (l) =>
    l.startsWith('{'),
  )
  const broadcast = await run(all.relay, 'cast', '200', '0', '16')
  if (broadcast.failed) throw new Error(`${broadcast.failed} broadcast casts failed`)
  everyone.child.kill('SIGKILL')
  all.stop()

  return {
    backend,
    results: [
      {
        name: `relay (${backend}): intents per relay CPU-second, 1,000 subscribers at 1% match`,
        opsPerSec: Math.round(5000 / cpuSeconds),
      },
      {
        name: `relay (${backend}): intents accepted per second, wall, one casting process`,
        opsPerSec: cast.perSecond!,
      },
      {
        name: `relay (${backend}): deliveries, 1,000 subscribers all matching`,
        opsPerSec: broadcast.deliveriesPerSecond!,
      },
    ],
    latency: { castToFirstOfferP50Ms: latency.p50Ms!, castToFirstOfferP99Ms: latency.p99Ms!, casts: latency.casts! },
    memory: {
      perSubscriberBytes: Math.round((withSubscribers.heap - empty.heap) / 1000),
      perMailboxBytes: Math.round((withMailboxes.heap - withSubscribers.heap) / 5000),
    },
  }
}

/** The relay's figures on the embedded backend, and on NATS when nats-server is installed. */
export async function relayBench(): Promise<RelayFigures[]> {
  try {
    const figures = [await onBackend('memory')]
    // The tests' server: found where Debian puts it, JetStream on, a store of its own.
    const nats = await testNats('relay NATS benchmark')
    if (nats) {
      try {
        figures.push(await onBackend('nats', nats.url))
      } finally {
        await nats.close()
      }
    }
    return figures
  } finally {
    stopAll()
  }
}
