import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { IntentcastError } from '../../errors.js'
import { parseDuration } from '../../lib/time.js'
import type { RelayBackend } from '../../relay/backend.js'
import { createRelayHandler, toNodeListener } from '../../relay/index.js'
import type { Command } from '../command.js'
import { stopSignal } from './serve-vendor.js'

/** A running relay: where it is, and how to stop it. */
interface RunningRelay {
  readonly url: string
  readonly backend: 'memory' | 'nats'
  /** Stops taking connections, ends the event streams, and releases the backend. */
  close(): Promise<void>
}

/**
 * A NATS backend on a connection of its own. Loaded only when asked for, so a memory relay
 * never loads the NATS client.
 */
async function natsBackend(servers: string): Promise<{ backend: RelayBackend; close(): Promise<void> }> {
  let modules: [typeof import('@nats-io/transport-node'), typeof import('../../relay/nats.js')]
  try {
    modules = await Promise.all([import('@nats-io/transport-node'), import('../../relay/nats.js')])
  } catch (cause) {
    // The NATS client is an optional peer dependency: a memory relay needs none of it.
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      '--backend nats needs @nats-io/transport-node, @nats-io/jetstream and @nats-io/kv installed beside intentcast',
      { cause },
    )
  }
  const [{ connect }, { NatsRelayBackend }] = modules
  let nc: Awaited<ReturnType<typeof connect>>
  try {
    nc = await connect({ servers })
  } catch (cause) {
    throw new IntentcastError('ERR_UNREACHABLE', `cannot reach NATS at ${servers}: ${(cause as Error).message}`, {
      cause,
    })
  }
  try {
    const backend = await NatsRelayBackend.create(nc)
    return {
      backend,
      close: async () => {
        await backend.close()
        await nc.close()
      },
    }
  } catch (e) {
    await nc.close()
    throw e
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (cause: Error) =>
      reject(new IntentcastError('ERR_INVALID_ARGUMENT', `cannot listen on ${host}:${port}: ${cause.message}`)),
    )
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port))
  })
}

async function startRelay(options: {
  port: number
  host: string
  url: string | undefined
  backend: 'memory' | 'nats'
  nats: string
}): Promise<RunningRelay> {
  // The backend first: a relay that cannot reach NATS never listens.
  const shared = options.backend === 'nats' ? await natsBackend(options.nats) : undefined
  const server = createServer()
  // An event stream is a long answer; only the request itself must arrive in time.
  server.requestTimeout = 30_000
  server.headersTimeout = 10_000
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  let handler: ReturnType<typeof createRelayHandler>
  let url: string
  try {
    const port = await listen(server, options.port, options.host)
    url = options.url ?? `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/relay`
    handler = createRelayHandler({ url, ...(shared && { backend: shared.backend }) })
    await handler.ready
  } catch (e) {
    if (server.listening) await stop()
    await shared?.close()
    throw e
  }
  server.on('request', toNodeListener(handler))
  return {
    url,
    backend: options.backend,
    close: async () => {
      await handler.close()
      await stop()
      await shared?.close()
    },
  }
}

export const relay: Command = {
  name: 'relay',
  summary: 'run a relay: vendors subscribe, customers cast intents once, and negotiations go through mailboxes',
  usage: '[--port <n>] [--host <addr>] [--url <public url>] [--backend memory|nats] [--nats <url>] [--for <span>]',
  help: [
    '--port <n>          the port (default 0: any free port; the URL is printed)',
    '--host <addr>       the address to listen on (default 127.0.0.1)',
    '--url <url>         its public URL, the audience of subscriptions and the base of mailbox URLs;',
    '                    its path is where it serves (default http://<host>:<port>/relay)',
    '--backend <name>    memory (default: one process, forgotten on a restart) or nats (JetStream,',
    '                    shared by every relay process of a market)',
    '--nats <url>        the NATS server for --backend nats (default nats://127.0.0.1:4222)',
    '--for <span>        stop by itself after this long, e.g. 90s or 10m (default: run until stopped)',
    '',
    'It stops on Ctrl-C (SIGINT) or SIGTERM. With --json it prints {"event":"listening",...} first.',
  ],
  options: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    url: { type: 'string' },
    backend: { type: 'string' },
    nats: { type: 'string' },
    for: { type: 'string' },
  },
  async run(_args, values, out) {
    const str = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined)
    const port = str('port') ?? '0'
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', '--port must be a number from 0 to 65535')
    const backend = str('backend') ?? 'memory'
    if (backend !== 'memory' && backend !== 'nats')
      throw new IntentcastError('ERR_INVALID_ARGUMENT', '--backend is memory or nats')
    if (str('nats') !== undefined && backend !== 'nats')
      throw new IntentcastError('ERR_INVALID_ARGUMENT', '--nats goes with --backend nats')
    const seconds =
      str('for') === undefined
        ? undefined
        : parseDuration(/^\d+$/.test(str('for')!) ? Number(str('for')) : str('for')!, '--for')
    const running = await startRelay({
      port: Number(port),
      host: str('host') ?? '127.0.0.1',
      url: str('url'),
      backend,
      nats: str('nats') ?? 'nats://127.0.0.1:4222',
    })
    if (out.json) out.event('', { event: 'listening', url: running.url, backend: running.backend })
    else {
      out.line(`relay listening at ${running.url}   (backend: ${running.backend})`)
      out.line(`  intents        POST ${running.url}/intents`)
      out.line(`  subscriptions  POST ${running.url}/subscriptions`)
      out.line(`  mailboxes      GET, POST ${running.url}/mailboxes/<did>`)
      out.line(`Ctrl-C stops it${seconds !== undefined ? `; it stops by itself after ${seconds} s` : ''}`)
    }
    const why = await stopSignal(seconds)
    await running.close()
    out.event(`stopped (${why})`, { event: 'stopped', reason: why })
    return 0
  },
}
