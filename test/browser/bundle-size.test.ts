/**
 * Issue 13: `r-button.browser.js` is one self-contained file, a page can serve it alone, and it
 * stays within 25 KB minified and gzipped.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildBrowserBundle, type BrowserBundle } from './bundle.js'

const BUDGET = 25 * 1024

/**
 * Code the element must never carry (zod's way of testing tree-shaking: names that must not
 * appear). Each is large, and none is needed to check and match a declaration: zod (the
 * element restates its two schemas), COSE and its CBOR (a declaration is a JWS), sealing, and the
 * SDK's `verify` (every kind, both envelopes).
 */
const FORBIDDEN = [
  'node_modules/zod/',
  'src/cose/',
  'src/seal/',
  'src/envelope/verify.ts',
  'src/envelope/cose-verify.ts',
  'src/model/kinds.ts',
  'src/crypto/native.ts',
]

const dir = await mkdtemp(join(tmpdir(), 'r-button-size-'))
let bundle: BrowserBundle
beforeAll(async () => {
  bundle = await buildBrowserBundle(dir)
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('r-button.browser.js', () => {
  it('is one file that imports nothing, statically or dynamically', () => {
    expect(bundle.outputs).toEqual(['r-button.browser.js'])
    expect(bundle.imports).toEqual([])
    // The metafile lists what esbuild resolved; the text itself must hold no import either.
    const text = bundle.bytes.toString('utf8')
    expect(text).not.toMatch(/\bimport\s*\(/)
    expect(text).not.toMatch(/(^|[;}])\s*import\s*["'{*\w]/m)
  })

  it('carries none of the code it does not need', () => {
    const carried = bundle.inputs.map(([path]) => path)
    for (const path of FORBIDDEN)
      expect(
        carried.filter((p) => p.includes(path)),
        path,
      ).toEqual([])
  })

  it('runs under a Content-Security-Policy without unsafe-eval', () => {
    // zod probed `new Function` for its compiled parsers; the element's own checks need no eval.
    expect(bundle.bytes.toString('utf8')).not.toMatch(/\bnew Function\b|\beval\(/)
  })

  it('stays within 25 KB min+gzip', () => {
    const gzipped = gzipSync(bundle.bytes).length
    console.log(
      `r-button.browser.js: ${bundle.bytes.length} bytes minified, ${gzipped} bytes min+gzip (budget ${BUDGET})`,
    )
    if (gzipped > BUDGET) {
      const top = bundle.inputs.slice(0, 12).map(([path, n]) => `  ${String(n).padStart(6)}  ${path}`)
      console.log(`The largest inputs (minified bytes, before gzip):\n${top.join('\n')}`)
    }
    expect(gzipped).toBeLessThanOrEqual(BUDGET)
  })
})
