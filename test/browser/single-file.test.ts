/**
 * Issue 13: a page that serves `r-button.browser.js` and nothing else gets a working button.
 * The site here serves one HTML page, that one file and the vendor's `/.well-known/intentcast`;
 * any other request is a 404 and is counted. Real Chromium, a real signed declaration, and the
 * element's three states; then the same on a browser without native Ed25519 and on a page
 * without a secure context, where the pure-JS fallback inside the same file does the work.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RButtonElement } from '../../src/r-button/index.js'
import { matchTerms } from '../../src/terms/index.js'
import { buildBrowserBundle } from './bundle.js'
import { button, CHROMIUM_RUNS, CUSTOMERS, launchChromium, page, SITE_TERMS, startSite, type Site } from './site.js'

const BODY = `<main>
${button('lit', CUSTOMERS.lit)}
${button('partial', CUSTOMERS.partial)}
${button('dark', CUSTOMERS.dark)}
</main>
<script type="module">
  // A page script that runs after the element is defined, as a framework mounting late would:
  // whatever it missed, it reads the state, then listens.
  window.seen = {}
  for (const el of document.querySelectorAll('r-button')) {
    const note = () => (window.seen[el.id] = [...(window.seen[el.id] ?? []), el.state])
    el.addEventListener('statechange', note)
    note()
  }
</script>`

/**
 * Init scripts that take native Ed25519 away before the page runs: from WebCrypto alone (a
 * browser before Chrome 137), or WebCrypto altogether (a page without a secure context).
 */
const WITHOUT = {
  'native Ed25519': `{
    const importKey = SubtleCrypto.prototype.importKey
    SubtleCrypto.prototype.importKey = function (format, key, algorithm, ...rest) {
      const name = typeof algorithm === 'string' ? algorithm : algorithm?.name
      if (String(name).toLowerCase() === 'ed25519') {
        window.refusedEd25519 = (window.refusedEd25519 ?? 0) + 1
        return Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'))
      }
      return importKey.call(this, format, key, algorithm, ...rest)
    }
  }`,
  'crypto.subtle': `Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined })`,
}

describe.skipIf(!CHROMIUM_RUNS)('r-button.browser.js served alone, in Chromium', () => {
  let dir: string
  let site: Site
  let browser: Browser
  const errors: string[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'r-button-single-'))
    const { bytes, outputs } = await buildBrowserBundle(dir)
    expect(outputs).toEqual(['r-button.browser.js'])
    site = await startSite({ bundle: bytes, pages: { '/': page(BODY) }, name: 'Glasgow Prams' })
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await site?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  /** A fresh page in its own context (no cache), with `init` run before any of the page's scripts. */
  async function open(init?: string): Promise<{ context: BrowserContext; tab: Page }> {
    const context = await browser.newContext()
    if (init) await context.addInitScript(init)
    const tab = await context.newPage()
    tab.on('pageerror', (e) => errors.push(e.message))
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    site.requests.length = 0
    site.notFound.length = 0
    await tab.goto(`${site.origin}/`)
    return { context, tab }
  }

  /** Waits for each button's state, and checks it against the SDK's own match. */
  async function expectStates(tab: Page): Promise<void> {
    for (const id of ['lit', 'partial', 'dark'] as const) {
      await expect.poll(() => tab.getAttribute(`#${id}`, 'state'), { message: id }).toBe(id)
      expect(matchTerms(CUSTOMERS[id], SITE_TERMS).state).toBe(id)
    }
  }

  it('works from that one file: lit, partial and dark from the signed declaration, and nothing else requested', async () => {
    const { context, tab } = await open()
    await expectStates(tab)
    expect(site.notFound).toEqual([])
    // The page, the one module, and the vendor document once per button: nothing else.
    expect([...new Set(site.requests)].sort()).toEqual(['/', '/.well-known/intentcast', '/r-button.browser.js'])
    expect(site.requests.filter((p) => p === '/r-button.browser.js')).toHaveLength(1)
    // The panel names the vendor as it signed itself, with its key behind it.
    const small = await tab.evaluate(() => {
      const s = document.querySelector('#lit')!.shadowRoot!.querySelector('small')!
      return { text: s.textContent, title: s.title }
    })
    expect(small).toEqual({
      text: `Declaration for ${site.origin} signed by Glasgow Prams`,
      title: site.vendor.did,
    })
    expect(errors).toEqual([])
    await context.close()
  })

  it('lets a script that runs after the element settled read the state, then hear every change', async () => {
    const { context, tab } = await open()
    await expectStates(tab)
    // The discovering buttons settle after the page's script ran: it saw unknown, then the state.
    expect(await tab.evaluate(() => (window as unknown as { seen: object }).seen)).toEqual({
      lit: ['unknown', 'lit'],
      partial: ['unknown', 'partial'],
      dark: ['unknown', 'dark'],
    })
    // A script that comes later still: one read tells it the state, and it hears the next change.
    const heard = await tab.evaluate(async (terms) => {
      const el = document.querySelector<RButtonElement>('#lit')!
      const before = [el.state, el.getAttribute('state')]
      const next = new Promise<string>((resolve) =>
        el.addEventListener('statechange', (e) => resolve((e as CustomEvent<{ state: string }>).detail.state), {
          once: true,
        }),
      )
      el.customerTerms = terms
      return [...before, await next, el.state, el.getAttribute('state')]
    }, CUSTOMERS.dark)
    expect(heard).toEqual(['lit', 'lit', 'dark', 'dark', 'dark'])
    expect(errors).toEqual([])
    await context.close()
  })

  for (const [missing, init] of Object.entries(WITHOUT)) {
    it(`verifies with the fallback inside the same file where the browser has no ${missing}`, async () => {
      const { context, tab } = await open(init)
      await expectStates(tab)
      if (missing === 'native Ed25519')
        expect(await tab.evaluate(() => (window as { refusedEd25519?: number }).refusedEd25519)).toBeGreaterThan(0)
      else expect(await tab.evaluate(() => typeof crypto.subtle)).toBe('undefined')
      expect(site.notFound).toEqual([])
      // The fallback refuses what the native path refuses: a forged declaration stays unknown.
      const forged = await tab.evaluate(async () => {
        const doc = (await (await fetch('/.well-known/intentcast')).json()) as { terms: string }
        const jws = doc.terms.slice(0, -2) + (doc.terms.endsWith('AA') ? 'BA' : 'AA')
        const el = document.createElement('r-button')
        el.setAttribute('customer-terms', '{"agreements":["SD-BASE"]}')
        el.setAttribute('vendor-declaration', jws)
        document.body.append(el)
        await new Promise((resolve) => el.addEventListener('statechange', resolve, { once: true }))
        return [el.state, el.shadowRoot!.querySelector('.err')?.textContent]
      })
      expect(forged).toEqual(['unknown', "The vendor's terms: signature does not verify (ERR_SIGNATURE_INVALID)"])
      expect(errors).toEqual([])
      await context.close()
    })
  }
})
