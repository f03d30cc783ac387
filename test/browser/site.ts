/**
 * A vendor's site for the browser tests: a loopback server that serves a few HTML pages,
 * `r-button.browser.js` and nothing else but the vendor document, `/.well-known/intentcast`, with
 * a terms declaration signed at start-up. Every other request is answered 404 and recorded, so
 * a test can assert that the element asked for nothing more (a chunk, a source map, an icon).
 * Also the Chromium the tests drive.
 */
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser } from 'playwright-core'
import { generateKeyPair, kidForDid, signTerms, type KeyPair, type TermSet } from '../../src/index.js'

export const CHROMIUM = '/usr/bin/chromium'
/** Whether the Chromium tests run: where Chromium is installed, and always under CI (which fails without it). */
export const CHROMIUM_RUNS = existsSync(CHROMIUM) || Boolean(process.env.CI)
if (!CHROMIUM_RUNS)
  console.warn(
    `⚠ ${CHROMIUM} not found: skipping the <r-button> browser tests (under CI they run, and fail without it)`,
  )

/** Debian's Chromium, headless, with nothing running in the background that would make requests. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** What the vendor of these sites declares. */
export const SITE_TERMS: TermSet = {
  agreements: ['SD-BASE', 'SD-BASE-A'],
  conditions: [
    { id: 'retention-days', value: '30', unit: 'day' },
    { id: 'deletion-on-request', value: true },
    { id: 'returns-days', value: '30', unit: 'day' },
  ],
}

/** Customer terms that light the button against SITE_TERMS, half-light it, or leave it dark. */
export const CUSTOMERS = {
  lit: { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '90', unit: 'day', required: true }] },
  // The agreement is an alternative the vendor takes, and the returns window differs: both negotiable.
  partial: { agreements: ['SD-BASE-DP', 'SD-BASE'], conditions: [{ id: 'returns-days', value: '60', unit: 'day' }] },
  // Retention is a hard limit the vendor breaks; returns differ too, negotiably.
  dark: {
    agreements: ['SD-BASE'],
    conditions: [
      { id: 'retention-days', value: '7', unit: 'day', required: true },
      { id: 'returns-days', value: '60', unit: 'day' },
    ],
  },
} satisfies Record<string, TermSet>

export interface Site {
  readonly origin: string
  readonly vendor: KeyPair
  /** Every path requested, in order. */
  readonly requests: string[]
  /** The paths answered 404. */
  readonly notFound: string[]
  close(): Promise<void>
}

export interface SiteOptions {
  /** The bundle, served at `/r-button.browser.js`. */
  readonly bundle: Buffer
  /** HTML by path. */
  readonly pages: Readonly<Record<string, string>>
  /** The vendor's name in its declaration; none when absent. */
  readonly name?: string
}

/** Starts the site on a free loopback port. */
export async function startSite(options: SiteOptions): Promise<Site> {
  const vendor = await generateKeyPair()
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const declaration = await signTerms(
    { role: 'vendor', ...(options.name !== undefined && { name: options.name }), url: origin, terms: SITE_TERMS },
    vendor,
  )
  // The vendor document (spec §HTTP binding): the element reads only `terms` from it.
  const document = JSON.stringify({
    v: '0.1',
    terms: declaration,
    endpoint: `${origin}/intentcast/messages`,
    mediaTypes: ['application/intentcast+jws'],
    keys: { keys: [{ ...vendor.publicJwk, kid: kidForDid(vendor.did), use: 'sig', status: 'current' }] },
  })
  const routes = new Map<string, readonly [string, string | Buffer]>([
    ['/r-button.browser.js', ['text/javascript; charset=utf-8', options.bundle]],
    ['/.well-known/intentcast', ['application/json', document]],
    ...Object.entries(options.pages).map(([path, html]) => [path, ['text/html; charset=utf-8', html]] as const),
  ])
  const requests: string[] = []
  const notFound: string[] = []
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname
    requests.push(path)
    const route = req.method === 'GET' ? routes.get(path) : undefined
    if (!route) {
      notFound.push(path)
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': route[0], 'cache-control': 'no-store' }).end(route[1])
  })
  return {
    origin,
    vendor,
    requests,
    notFound,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())))
    },
  }
}

/**
 * A page: the one module, nothing else to fetch (`data:` as its icon, so the browser asks for no
 * /favicon.ico), and `body` as given.
 */
export function page(body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>r-button test page</title>
<script type="module" src="/r-button.browser.js"></script>
${head}
</head>
<body>
${body}
</body>
</html>`
}

/** An `<r-button>` that discovers the page's vendor, for the customer terms `terms`. */
export function button(id: string, terms: TermSet | string, attributes = ''): string {
  const json = typeof terms === 'string' ? terms : JSON.stringify(terms)
  return `<r-button id="${id}" discover customer-terms='${json}' ${attributes}></r-button>`
}
