/**
 * Issue 13: the wallet in a browser page. A vendor (createVendorHandler behind toNodeListener)
 * also serves a page and the wallet bundled for it by esbuild with no flags; real Chromium runs
 * the page, which discovers the vendor, casts, opens the sealed offer and accepts. The agreement
 * the page holds is checked against the one the vendor stored.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPair, MemoryAgreementStore } from '../../src/index.js'
import { createVendorHandler, toNodeListener } from '../../src/vendor/index.js'
import { CHROMIUM_RUNS, launchChromium } from './site.js'

describe.skipIf(!CHROMIUM_RUNS)('a wallet bundled into a page, in Chromium', () => {
  let server: Server
  let origin: string
  let browser: Browser
  const agreements = new MemoryAgreementStore()

  beforeAll(async () => {
    const bundled = await build({
      entryPoints: [new URL('./fixtures/wallet-page.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
    })
    const script = bundled.outputFiles[0]!.text
    const handler = toNodeListener(
      createVendorHandler({
        keyPair: await generateKeyPair(),
        terms: { role: 'vendor', name: 'Page Bikes', terms: { agreements: ['SD-BASE'] } },
        on: {
          intent: (intent) => ({
            item: intent.payload.want.item,
            quantity: 1,
            price: { amount: '1890.00', currency: 'EUR' },
            terms: { agreement: 'SD-BASE' },
          }),
        },
        stores: { agreements },
      }),
    )
    server = createServer((req, res) => {
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end('<!doctype html><link rel="icon" href="data:,"><script type="module" src="/wallet.js"></script>')
      } else if (req.url === '/wallet.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' })
        res.end(script)
      } else handler(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    server?.closeAllConnections()
    await new Promise<void>((resolve) => server?.close(() => resolve()))
  })

  it('discovers, casts, opens the sealed offer and accepts: the agreement it holds is the vendor’s', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(origin)
    await page.waitForFunction(() => window.walletResult !== undefined, undefined, { timeout: 30_000 })
    const result = (await page.evaluate(() => window.walletResult)) as Record<string, unknown>
    expect(errors).toEqual([])
    expect(result).toMatchObject({ offerSealed: true, price: '1890.00', signers: 2, format: 'jws' })
    const stored = agreements.get(result.digest as string)
    expect(stored?.agreement?.digest).toBe(result.digest)
    await page.close()
  }, 60_000)
})
