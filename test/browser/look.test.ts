/**
 * How <r-button> looks, measured in Chromium: it takes light or dark from the page's
 * `color-scheme` (not from the reader's system setting, unless the page says so), the `theme`
 * attribute overrides that, the `--r-button-*` properties reach inside, and every piece of text
 * has at least 4.5:1 contrast (WCAG AA) with what is behind it, in every state and both schemes,
 * computed from the colours Chromium resolved (getComputedStyle), transparency composited.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildBrowserBundle } from './bundle.js'
import { button, CHROMIUM_RUNS, CUSTOMERS, launchChromium, page, startSite, type Site } from './site.js'

const STATES = ['lit', 'partial', 'dark', 'unknown'] as const
/** Customer terms per state: valid ones for the three states of a match, and JSON that does not parse. */
const TERMS = { ...CUSTOMERS, unknown: '{"agreements":' }

/** One button per state, and the same again with `theme` forcing each scheme. */
const BUTTONS = STATES.flatMap((s) => [
  button(s, TERMS[s]),
  button(`${s}-light`, TERMS[s], 'theme="light"'),
  button(`${s}-dark`, TERMS[s], 'theme="dark"'),
]).join('\n')

/** Pages that say nothing about colour schemes, say dark, or leave it to the reader. */
const PAGES = {
  '/silent': page(BUTTONS, '<style>html{background:Canvas;color:CanvasText}</style>'),
  '/dark': page(BUTTONS, '<style>:root{color-scheme:dark}html{background:Canvas;color:CanvasText}</style>'),
  '/either': page(BUTTONS, '<style>:root{color-scheme:light dark}html{background:Canvas;color:CanvasText}</style>'),
  '/themed': page(
    button(
      'custom',
      CUSTOMERS.lit,
      'style="--r-button-lit:rgb(1, 2, 3);--r-button-background:rgb(250, 240, 200);--r-button-text:rgb(40, 30, 20)"',
    ),
    '<style>html{background:Canvas;color:CanvasText}</style>',
  ),
}

/** A piece of text in an r-button and its contrast with what is behind it. */
interface Measured {
  readonly where: string
  readonly text: string
  readonly color: string
  readonly background: string
  readonly ratio: number
}

/**
 * Runs in the page: every element of the button's shadow tree with text of its own (and each
 * list item's ::before mark), its colour, its effective background (each ancestor's background
 * composited over the next, across the shadow boundary) and their WCAG contrast ratio.
 */
function measure(id: string): Measured[] {
  const canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!
  /** Any CSS colour Chromium computed, as 0-255 RGB and 0-1 alpha: the canvas parses them all. */
  const rgba = (css: string): [number, number, number, number] => {
    canvas.clearRect(0, 0, 1, 1)
    canvas.fillStyle = '#000'
    canvas.fillStyle = css
    canvas.fillRect(0, 0, 1, 1)
    const [r, g, b, a] = canvas.getImageData(0, 0, 1, 1).data
    return [r!, g!, b!, a! / 255]
  }
  const over = (top: number[], below: number[]): number[] =>
    [0, 1, 2].map((i) => top[i]! * top[3]! + below[i]! * (1 - top[3]!)).concat(1)
  const parent = (n: Element): Element | null => n.parentElement ?? (n.parentNode as ShadowRoot | null)?.host ?? null
  const background = (el: Element): number[] => {
    const layers: string[] = []
    for (let n: Element | null = el; n; n = parent(n)) layers.push(getComputedStyle(n).backgroundColor)
    return layers.reverse().reduce((below, css) => over(rgba(css), below), [255, 255, 255, 1])
  }
  const luminance = (c: number[]): number => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
  }
  const ratio = (a: number[], b: number[]): number => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
    return (hi! + 0.05) / (lo! + 0.05)
  }
  const css = (c: number[]): string => `rgb(${c.slice(0, 3).map(Math.round).join(', ')})`
  const root = document.getElementById(id)!.shadowRoot!
  const out: Measured[] = []
  for (const el of root.querySelectorAll('*')) {
    const own = [...el.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent!.trim())
      .join('')
    const bg = background(el)
    if (own) {
      const fg = over(rgba(getComputedStyle(el).color), bg)
      out.push({
        where: el.localName + (el.className ? `.${el.className}` : ''),
        text: own,
        color: css(fg),
        background: css(bg),
        ratio: ratio(fg, bg),
      })
    }
    if (el.localName === 'li') {
      const before = getComputedStyle(el, '::before')
      const fg = over(rgba(before.color), bg)
      out.push({
        where: `${el.parentElement!.className} li::before`,
        text: before.content,
        color: css(fg),
        background: css(bg),
        ratio: ratio(fg, bg),
      })
    }
  }
  return out
}

describe.skipIf(!CHROMIUM_RUNS)('<r-button> light and dark, in Chromium', () => {
  let dir: string
  let site: Site
  let browser: Browser
  let tab: Page

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'r-button-look-'))
    const { bytes } = await buildBrowserBundle(dir)
    site = await startSite({ bundle: bytes, pages: PAGES, name: 'Glasgow Prams' })
    browser = await launchChromium()
    tab = await browser.newPage()
  })

  afterAll(async () => {
    await browser?.close()
    await site?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  async function load(path: string, system: 'light' | 'dark'): Promise<void> {
    await tab.emulateMedia({ colorScheme: system })
    await tab.goto(`${site.origin}${path}`)
    for (const s of STATES) await expect.poll(() => tab.getAttribute(`#${s}`, 'state'), { message: s }).toBe(s)
  }

  /** 'light' or 'dark', from the button's resolved background (Canvas in that scheme). */
  const scheme = (id: string) =>
    tab.evaluate((i) => {
      const bg = getComputedStyle(document.getElementById(i)!.shadowRoot!.querySelector('button')!).backgroundColor
      const [r, g, b] = bg.match(/\d+/g)!.map(Number)
      return r! + g! + b! > 382 ? 'light' : 'dark'
    }, id)

  it.each([
    ['/silent', 'dark', 'light'],
    ['/dark', 'light', 'dark'],
    ['/either', 'light', 'light'],
    ['/either', 'dark', 'dark'],
  ] as const)('on %s with the system set to %s, it is %s; theme forces either', async (path, system, expected) => {
    await load(path, system)
    for (const s of STATES) {
      expect(await scheme(s), s).toBe(expected)
      expect(await scheme(`${s}-light`), `${s}-light`).toBe('light')
      expect(await scheme(`${s}-dark`), `${s}-dark`).toBe('dark')
    }
  })

  it.each(['/silent', '/dark'] as const)(
    'has text contrast of 4.5:1 or more in every state and scheme (%s)',
    async (path) => {
      await load(path, path === '/dark' ? 'light' : 'dark')
      const failures: string[] = []
      let measured = 0
      for (const id of STATES.flatMap((s) => [s, `${s}-light`, `${s}-dark`])) {
        const all = await tab.evaluate(measure, id)
        measured += all.length
        for (const m of all)
          if (m.ratio < 4.5)
            failures.push(`${id} ${m.where} "${m.text}": ${m.color} on ${m.background} = ${m.ratio.toFixed(2)}:1`)
        // What each state shows was measured: the label and the panel, and the marks and notes that state has.
        const where = all.map((m) => m.where)
        expect(where, id).toEqual(expect.arrayContaining(['span', 'h2', 'p', 'button.x']))
        if (id.startsWith('lit')) expect(where, id).toEqual(expect.arrayContaining(['ok li::before', 'small', 'bdi']))
        if (id.startsWith('partial')) expect(where, id).toContain('no li::before')
        if (id.startsWith('dark')) expect(where, id).toEqual(expect.arrayContaining(['b', 'no li::before']))
        if (id.startsWith('unknown')) expect(where, id).toContain('p.err')
      }
      expect(measured).toBeGreaterThan(100)
      expect(failures).toEqual([])
    },
  )

  it('takes the --r-button-* properties set on the element', async () => {
    await tab.emulateMedia({ colorScheme: 'light' })
    await tab.goto(`${site.origin}/themed`)
    await expect.poll(() => tab.getAttribute('#custom', 'state')).toBe('lit')
    const look = await tab.evaluate(() => {
      const root = document.getElementById('custom')!.shadowRoot!
      const b = getComputedStyle(root.querySelector('button')!)
      return {
        border: b.borderTopColor,
        background: b.backgroundColor,
        text: b.color,
        stroke: getComputedStyle(root.querySelector('path')!).stroke,
        mark: getComputedStyle(root.querySelector('.ok li')!, '::before').color,
      }
    })
    expect(look).toEqual({
      border: 'rgb(1, 2, 3)',
      background: 'rgb(250, 240, 200)',
      text: 'rgb(40, 30, 20)',
      stroke: 'rgb(1, 2, 3)',
      mark: 'rgb(1, 2, 3)',
    })
  })
})
