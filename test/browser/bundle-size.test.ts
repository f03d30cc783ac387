import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, expect, it } from 'vitest'
import { buildBrowserBundle } from './bundle.js'

/** Issue 4: the element's browser bundle stays under 30 KB minified and gzipped. */
const BUDGET = 30 * 1024

const dir = await mkdtemp(join(tmpdir(), 'r-button-size-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

it('keeps r-button.browser.js under 30 KB min+gzip', async () => {
  const { loaded, inputs } = await buildBrowserBundle(dir)
  const minified = loaded.reduce((n, b) => n + b.length, 0)
  const gzipped = loaded.reduce((n, b) => n + gzipSync(b).length, 0)
  console.log(
    `r-button.browser.js and the ${loaded.length - 1} chunk(s) it imports: ${minified} bytes minified, ${gzipped} bytes min+gzip (budget ${BUDGET})`,
  )
  if (gzipped > BUDGET) {
    const top = inputs.slice(0, 12).map(([path, n]) => `  ${String(n).padStart(6)}  ${path}`)
    console.log(`The largest inputs (minified bytes, before gzip):\n${top.join('\n')}`)
  }
  expect(gzipped).toBeLessThanOrEqual(BUDGET)
})
