/**
 * <r-button> in a real browser: Debian's Chromium, driven by playwright-core, loads the example
 * vendor page (examples/browser) from a loopback server, with a bundle built from this tree.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startExampleServer, VENDOR_TERMS, type ExampleServer } from '../../examples/browser/serve.js'
import { generateKeyPair, signTerms, type TermSet } from '../../src/index.js'
import { shortDid } from '../../src/keys/did-key.js'
import { matchTerms } from '../../src/terms/index.js'
import { buildBrowserBundle } from './bundle.js'
import { CHROMIUM_RUNS, launchChromium } from './site.js'

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts')

describe.skipIf(!CHROMIUM_RUNS)('<r-button> in Chromium', () => {
  let dir: string
  let server: ExampleServer
  let browser: Browser
  let page: Page
  const pageErrors: Error[] = []
  const requests: string[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'r-button-browser-'))
    const { file } = await buildBrowserBundle(dir)
    server = await startExampleServer({ bundle: file })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1000, height: 640 } })
    page.on('pageerror', (e) => pageErrors.push(e))
    page.on('request', (r) => requests.push(r.url()))
    await page.goto(`${server.origin}/`)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const stateOf = (selector: string) => () => page.getAttribute(selector, 'state')
  /** The customer terms the example page gives a customer's r-button. */
  const customerOf = async (id: string): Promise<TermSet> =>
    JSON.parse((await page.getAttribute(`#${id}`, 'customer-terms'))!) as TermSet
  /** Text of the nodes matching `selector` in an r-button's shadow tree. */
  const shadowText = (host: string, selector: string) =>
    page.evaluate(
      ([h, s]) => [...document.querySelector(h!)!.shadowRoot!.querySelectorAll(s!)].map((n) => n.textContent),
      [host, selector],
    )

  it('lights for a matching pair, half-lights for a partial one, stays dark for a conflicting one', async () => {
    await expect.poll(stateOf('#ana')).toBe('lit')
    await expect.poll(stateOf('#ben')).toBe('partial')
    await expect.poll(stateOf('#cleo')).toBe('dark')
    // The page agrees with the SDK run here on the same declarations.
    for (const id of ['ana', 'ben', 'cleo'])
      expect(await stateOf(`#${id}`)()).toBe(matchTerms(await customerOf(id), VENDOR_TERMS).state)
    expect(await shadowText('#cleo', '[part=label]')).toEqual(["Terms don't match"])
  })

  it("discovers the vendor's signed declaration from the page's origin", async () => {
    expect(requests).toContain(`${server.origin}/.well-known/intentcast`)
    // The vendor by the name it signed, not by its key; the key stays within reach, in the title.
    expect(await shadowText('#ana', 'small')).toEqual([`Declaration for ${server.origin} signed by Glasgow Prams`])
    expect(await page.evaluate(() => document.querySelector('#ana')!.shadowRoot!.querySelector('small')!.title)).toBe(
      server.vendor.did,
    )
    // The `customerTerms` property: the page's select stands in for a wallet.
    await expect.poll(stateOf('#site')).toBe('lit')
    await page.selectOption('#visitor', 'cleo')
    await expect.poll(stateOf('#site')).toBe('dark')
    await page.selectOption('#visitor', 'ben')
    await expect.poll(stateOf('#site')).toBe('partial')
    // Every change of state fired a statechange event, which the page logs.
    expect(await page.textContent('#log')).toMatch(/site: lit\n[^]*site: dark\nsite: partial\n/)
  })

  it('opens the panel from the keyboard, lists the conflicts in words, and closes on Escape', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    for (let i = 0; i < 8 && (await page.evaluate(() => document.activeElement?.id)) !== 'cleo'; i++)
      await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cleo')
    const button = (attr: string) =>
      page.evaluate((a) => document.querySelector('#cleo')!.shadowRoot!.querySelector('button')!.getAttribute(a), attr)
    expect(await button('aria-expanded')).toBe('false')
    expect(await button('aria-controls')).toBe('panel')

    await page.keyboard.press('Enter')
    expect(await button('aria-expanded')).toBe('true')
    expect(await page.locator('#cleo >> .panel').isVisible()).toBe(true)
    // Focus moved into the panel, so a screen reader reads it.
    expect(await page.evaluate(() => document.querySelector('#cleo')!.shadowRoot!.activeElement?.id)).toBe('panel')
    const expected = matchTerms(await customerOf('cleo'), VENDOR_TERMS)
    expect(expected.conflicts.length).toBeGreaterThan(0)
    const items = await shadowText('#cleo', '.no li')
    expect(items).toEqual(expected.conflicts.map((c) => `${c.message} ${c.required ? 'required' : ''}`.trimEnd()))
    expect(await shadowText('#cleo', '.ok li')).toContain('Deletion on request: yes')
    await mkdir(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: join(ARTIFACTS, 'r-button.png'), fullPage: true })

    await page.keyboard.press('Escape')
    expect(await button('aria-expanded')).toBe('false')
    expect(await page.locator('#cleo >> .panel').isVisible()).toBe(false)
    expect(await page.evaluate(() => document.querySelector('#cleo')!.shadowRoot!.activeElement?.tagName)).toBe(
      'BUTTON',
    )

    // Space opens it too; its close button closes it and gives focus back.
    await page.keyboard.press(' ')
    expect(await button('aria-expanded')).toBe('true')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    expect(await button('aria-expanded')).toBe('false')
  })

  it('verifies a vendor-declaration attribute, and shows unknown with the reason for bad input', async () => {
    const vendor = await generateKeyPair()
    const good = await signTerms({ role: 'vendor', terms: VENDOR_TERMS }, vendor)
    const customerOwn = await signTerms({ role: 'customer', terms: { agreements: ['SD-BASE'] } }, vendor)
    const forged = good.slice(0, -2) + (good.endsWith('AA') ? 'BA' : 'AA')
    const customer = JSON.stringify({ agreements: ['SD-BASE'] })
    const cases: Array<[string, Record<string, string>, string, RegExp | undefined]> = [
      ['signed', { 'customer-terms': customer, 'vendor-declaration': good }, 'lit', undefined],
      [
        'forged',
        { 'customer-terms': customer, 'vendor-declaration': forged },
        'unknown',
        /signature does not verify \(ERR_SIGNATURE_INVALID\)/,
      ],
      [
        'customer-made',
        { 'customer-terms': customer, 'vendor-declaration': customerOwn },
        'unknown',
        /a customer's terms, not a vendor's/,
      ],
      ['plain', { 'customer-terms': customer, 'vendor-terms': JSON.stringify(VENDOR_TERMS) }, 'lit', undefined],
      [
        'bad-json',
        { 'customer-terms': '{"agreements":', 'vendor-terms': JSON.stringify(VENDOR_TERMS) },
        'unknown',
        /^Your terms: customer-terms is not valid JSON/,
      ],
      [
        'bad-terms',
        { 'customer-terms': '{"agreements":["NOT-7012"]}', 'vendor-terms': '{}' },
        'unknown',
        /not an IEEE 7012 agreement/,
      ],
      ['no-vendor', { 'customer-terms': customer }, 'unknown', /none given/],
      [
        'unreachable',
        { 'customer-terms': customer, discover: 'http://127.0.0.1:9' },
        'unknown',
        /could not be reached/,
      ],
    ]
    await page.evaluate(
      (all) => {
        const seen: Array<[string, string, string | undefined]> = ((window as unknown as { seen: typeof seen }).seen =
          [])
        document.addEventListener('statechange', (e) => {
          const { state, error } = (e as CustomEvent<{ state: string; error: string | undefined }>).detail
          seen.push([(e.target as Element).id, state, error])
        })
        for (const [id, attrs] of all) {
          const el = document.createElement('r-button')
          el.id = id
          for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
          document.querySelector('main')!.append(el)
        }
      },
      cases.map(([id, attrs]) => [id, attrs] as const),
    )
    for (const [id, , state, error] of cases) {
      await expect.poll(stateOf(`#${id}`), { message: id }).toBe(state)
      const shown = await shadowText(`#${id}`, '.err')
      if (error) expect(shown[0], id).toMatch(error)
      else expect(shown, id).toEqual([])
    }
    // A declaration without a name: the vendor is its key, shortened.
    expect(await shadowText('#signed', 'small')).toEqual([`Declaration signed by ${shortDid(vendor.did)}`])
    // Each announced its first state once, with the reason when it is unknown.
    const seen = await page.evaluate(
      () => (window as unknown as { seen: Array<[string, string, string | undefined]> }).seen,
    )
    expect(seen.map(([id, state]) => [id, state]).sort()).toEqual(cases.map(([id, , state]) => [id, state]).sort())
    for (const [id, state, error] of seen) expect(error === undefined, id).toBe(state !== 'unknown')
    expect(pageErrors).toEqual([])
  })

  // The example page declares `color-scheme: light dark` (its meta tag), so the reader's
  // preference decides for the page, and the element follows the page. look.test.ts covers
  // pages that say nothing or say dark.
  it("follows the page's color-scheme, left to the reader here, and prefers-reduced-motion", async () => {
    const look = () =>
      page.evaluate(() => {
        const root = document.querySelector('#ana')!.shadowRoot!
        return {
          transition: getComputedStyle(root.querySelector('path')!).transitionDuration,
          background: getComputedStyle(root.querySelector('button')!).backgroundColor,
        }
      })
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' })
    const light = await look()
    expect(light.transition).not.toBe('0s')
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' })
    const dark = await look()
    expect(dark.transition).toBe('0s')
    expect(dark.background).not.toBe(light.background)
    await page.keyboard.press('Escape')
    await page.locator('#cleo').click()
    await page.screenshot({ path: join(ARTIFACTS, 'r-button-dark.png') })
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' })
  })
})
