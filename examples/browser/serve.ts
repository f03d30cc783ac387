/**
 * The example vendor site for `<r-button>`: serves index.html, the element's browser bundle and
 * the vendor document at `/.well-known/intentcast`, with a terms declaration signed at start-up.
 *
 *   npm run build && npx tsx examples/browser/serve.ts [port]
 *
 * test/browser/r-button.test.ts starts the same server with a bundle it built itself.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { generateKeyPair, kidForDid, PROTOCOL_VERSION, signTerms, type KeyPair, type TermSet } from '../../src/index.js'

/** What Glasgow Prams declares: the ⊃ side of every r-button on the page. */
export const VENDOR_TERMS: TermSet = {
  agreements: ['SD-BASE', 'SD-BASE-A'],
  conditions: [
    { id: 'retention-days', value: '30', unit: 'day' },
    { id: 'deletion-on-request', value: true },
    { id: 'returns-days', value: '30', unit: 'day' },
    { id: 'payment-methods', value: ['card', 'paypal'] },
  ],
}

export interface ExampleServer {
  readonly origin: string
  readonly vendor: KeyPair
  close(): Promise<void>
}

export interface ExampleServerOptions {
  /** The `r-button.browser.js` file to serve. Default: the package build, dist/r-button.browser.js. */
  bundle?: string
  /** Default 0: any free port. */
  port?: number
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url))

/** The vendor document (spec §HTTP binding): the signed terms and the key that signed them. */
function vendorDocument(origin: string, vendor: KeyPair, terms: string): object {
  return {
    v: PROTOCOL_VERSION,
    terms,
    endpoint: `${origin}/intents`,
    mediaTypes: ['application/intentcast+jws'],
    keys: { keys: [{ ...vendor.publicJwk, kid: kidForDid(vendor.did), use: 'sig', status: 'current' }] },
  }
}

export async function startExampleServer(options: ExampleServerOptions = {}): Promise<ExampleServer> {
  const bundlePath = options.bundle ?? here('../../dist/r-button.browser.js')
  const [page, bundle] = await Promise.all([readFile(here('index.html')), readFile(bundlePath)])
  // The bundle loads the pure-JS Ed25519 fallback as a separate chunk beside it, on demand.
  const chunks = dirname(bundlePath)
  const vendor = await generateKeyPair()
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const declaration = await signTerms(
    { role: 'vendor', name: 'Glasgow Prams', url: origin, terms: VENDOR_TERMS },
    vendor,
  )
  const routes: Record<string, readonly [string, string | Buffer]> = {
    '/': ['text/html; charset=utf-8', page],
    '/r-button.browser.js': ['text/javascript; charset=utf-8', bundle],
    '/.well-known/intentcast': ['application/json', JSON.stringify(vendorDocument(origin, vendor, declaration))],
  }
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname
    if (req.method === 'GET' && /^\/chunk-[A-Za-z0-9_-]+\.js$/.test(path)) {
      readFile(join(chunks, path.slice(1))).then(
        (chunk) => res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(chunk),
        () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
      )
      return
    }
    const route = routes[path]
    if (!route || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': route[0], 'cache-control': 'no-store' }).end(route[1])
  })
  return {
    origin,
    vendor,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { origin } = await startExampleServer({ port: Number(process.argv[2] ?? 8080) })
    console.log(`Glasgow Prams is at ${origin}/ (Ctrl-C to stop)`)
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT'
    console.error(missing ? 'dist/r-button.browser.js is missing: run `npm run build` first.' : e)
    process.exitCode = 1
  }
}
