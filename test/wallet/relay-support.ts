/**
 * Shared pieces for the relay tests of the wallet and the vendor: the real relay handler
 * (createRelayHandler over a MemoryRelayBackend) on a loopback port at its own URL, vendors
 * connected to it with `connectRelay` (served on loopback too, so a wallet may also cast to them
 * directly), and a fetch that counts what goes where.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRelayHandler, toNodeListener, type RelayBackend, type RelayHandler } from '../../src/relay/index.js'
import { connectRelay, type RelayConnection, type RelayConnectionOptions } from '../../src/vendor/index.js'
import type { FetchLike } from '../../src/wallet/index.js'
import { serve, vendorHandler, type Running, type TestVendor, type TestVendorOptions } from './support.js'

export interface TestRelay extends Running {
  /** The relay's URL, `http://127.0.0.1:<port>/relay`: what subscriptions are addressed to. */
  readonly url: string
  readonly handler: RelayHandler
}

/**
 * A relay on an ephemeral loopback port, at its real URL (or, given `host`, at a URL naming the
 * same port under another host). Given a backend, closing the handler ends its streams and
 * leaves the backend open.
 */
export async function startRelay(options: { backend?: RelayBackend; host?: string } = {}): Promise<TestRelay> {
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`
  const url = `http://${options.host ?? '127.0.0.1'}:${port}/relay`
  const handler = createRelayHandler({ url, ...(options.backend && { backend: options.backend }) })
  await handler.ready
  server.on('request', toNodeListener(handler))
  return {
    origin,
    url,
    handler,
    server,
    close: async () => {
      await handler.close()
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    },
  }
}

export interface RelayedVendor extends TestVendor {
  readonly connection: RelayConnection
  /** Failures the connection reported. */
  readonly errors: unknown[]
}

/**
 * A test vendor connected to `relay` (and served on loopback as well), its subscription taken.
 * Closing it closes the connection, then the server.
 */
export async function startRelayedVendor(
  relay: TestRelay,
  options: TestVendorOptions = {},
  connection: Omit<RelayConnectionOptions, 'relay'> = {},
): Promise<RelayedVendor> {
  const { handler, key } = await vendorHandler(options)
  const running = await serve(handler)
  const errors: unknown[] = []
  const connected = connectRelay(handler, { relay: relay.url, onError: (e) => errors.push(e), ...connection })
  await connected.ready
  return {
    ...running,
    key,
    handler,
    connection: connected,
    errors,
    close: async () => {
      await connected.close()
      await running.close()
    },
  }
}

/** A fetch that records each request's method and URL before making it. */
export function countingFetch(): { fetch: FetchLike; requests: Array<{ method: string; url: string }> } {
  const requests: Array<{ method: string; url: string }> = []
  return {
    requests,
    fetch: (url, init) => {
      requests.push({ method: init.method ?? 'GET', url })
      return fetch(url, init)
    },
  }
}

/** Resolves once `check` holds, polling; rejects after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
