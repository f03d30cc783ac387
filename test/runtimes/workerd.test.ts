/**
 * Cloudflare's workerd (the `workerd` npm package) on the built package, bundled as Wrangler
 * bundles a Worker (esbuild, conditions workerd, worker, browser). One workerd runs four services
 * from one module: a vendor whose fetch handler is the vendor handler, a server that only
 * redirects, and a wallet inside a Worker twice, at today's compatibility date (Node's APIs on, so
 * the package takes node:crypto) and at 2024-09-23 with no flag (no `process`: WebCrypto). The
 * wallet runs the smoke test, then fetches the vendor and the redirect over real HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compile, consumer, type Consumer } from './consumer.js'
import { EXCHANGE, expectRedirectRefused, SMOKE } from './expected.js'
import type { RedirectResult } from './fixtures/exchange.js'

const workerd = createRequire(import.meta.url)('workerd') as { default: string; compatibilityDate: string }

/** The oldest date this tests: before Node's APIs were on by default, with no compatibility flag. */
const WEB_ONLY_DATE = '2024-09-23'

const SERVICES = {
  vendor: { role: 'vendor', date: workerd.compatibilityDate },
  redirect: { role: 'redirect', date: workerd.compatibilityDate },
  wallet: { role: 'wallet', date: workerd.compatibilityDate },
  'wallet-web': { role: 'wallet', date: WEB_ONLY_DATE },
} as const
type Service = keyof typeof SERVICES

/** A workerd config (Cap'n Proto): each service on a free loopback port, fetch allowed to loopback. */
function config(): string {
  const services = Object.entries(SERVICES).map(
    ([name, { role, date }]) =>
      `(name = "${name}", worker = (modules = [(name = "worker", esModule = embed "worker.bundle.mjs")], ` +
      `compatibilityDate = "${date}", bindings = [(name = "ROLE", text = "${role}")]))`,
  )
  const sockets = Object.keys(SERVICES).map(
    (name) => `(name = "${name}", address = "127.0.0.1:0", http = (), service = "${name}")`,
  )
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    ${services.join(',\n    ')},
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [
    ${sockets.join(',\n    ')},
  ],
);
`
}

/** Starts workerd; resolves with each socket's port, which it writes to fd 3 once listening. */
function serve(dir: string): Promise<{ child: ChildProcess; ports: Record<Service, number> }> {
  const child = spawn(workerd.default, ['serve', 'config.capnp', '--control-fd=3'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    const ports: Partial<Record<Service, number>> = {}
    let stderr = ''
    let control = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`workerd exited (${code}) before listening:\n${stderr}`)))
    ;(child.stdio[3] as Readable).on('data', (d: Buffer) => {
      control += d.toString()
      for (const line of control.split('\n').filter(Boolean)) {
        const event = JSON.parse(line) as { event: string; socket: Service; port: number }
        if (event.event === 'listen') ports[event.socket] = event.port
      }
      if (Object.keys(SERVICES).every((name) => ports[name as Service] !== undefined))
        resolve({ child, ports: ports as Record<Service, number> })
    })
  })
}

let project: Consumer
let server: { child: ChildProcess; ports: Record<Service, number> }
const origin = (service: Service) => `http://127.0.0.1:${server.ports[service]}`
/** A wallet route's JSON answer; a failure inside the Worker comes back as a 500 with the error. */
async function get<T = unknown>(service: Service, path: string): Promise<T> {
  const response = await fetch(origin(service) + path)
  const body = (await response.json()) as T & { error?: string }
  expect({ status: response.status, error: body.error }).toEqual({ status: 200, error: undefined })
  return body
}

beforeAll(async () => {
  project = await consumer()
  await compile(project.dir, ['worker'])
  await build({
    entryPoints: [join(project.dir, 'worker.mjs')],
    outfile: join(project.dir, 'worker.bundle.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'silent',
  })
  await writeFile(join(project.dir, 'config.capnp'), config())
  server = await serve(project.dir)
})
afterAll(async () => {
  server?.child.removeAllListeners('exit')
  server?.child.kill()
  await project?.remove()
})

describe('workerd', () => {
  it("takes node:crypto under today's compatibility date, WebCrypto where there is no process", async () => {
    expect(await get('wallet', '/runtime')).toEqual({ getBuiltinModule: 'function' })
    expect(await get('wallet-web', '/runtime')).toEqual({ getBuiltinModule: 'undefined' })
  })

  for (const wallet of ['wallet', 'wallet-web'] as const) {
    describe(`${wallet} (compatibility date ${SERVICES[wallet].date})`, () => {
      it('keys, sign, verify (JWS and COSE), seal, matchTerms inside a Worker', async () => {
        expect(await get(wallet, '/smoke')).toEqual(SMOKE)
      })

      it("a wallet in a Worker casts to and accepts from a vendor Worker's fetch handler, over HTTP", async () => {
        expect(await get(wallet, `/exchange?origin=${origin('vendor')}`)).toEqual(EXCHANGE)
      })

      it('refuses a redirect (workerd has no redirect: "error" to lean on)', async () => {
        expectRedirectRefused(await get<RedirectResult>(wallet, `/redirect?origin=${origin('redirect')}`))
      })
    })
  }
})
