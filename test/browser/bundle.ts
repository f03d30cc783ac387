/**
 * Builds `r-button.browser.js` the way the package build does: tsup, with the options of the
 * `r-button.browser` entry in tsup.config.ts, so a change there (a plugin, a target) is what
 * the size budget and the browser test see. Only the entry file and the output folder differ.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { build, type Options } from 'tsup'
import configs from '../../tsup.config.js'

/** The file the browser bundle is built from: it registers <r-button> when loaded. */
export const BROWSER_ENTRY = 'src/r-button/browser.ts'
const NAME = 'r-button.browser'

function browserConfig(): Options {
  const all = (Array.isArray(configs) ? configs : [configs]) as Options[]
  const found = all.find((c) => c.entry !== undefined && !Array.isArray(c.entry) && NAME in c.entry)
  if (!found) throw new Error(`tsup.config.ts has no ${NAME} entry`)
  return found
}

export interface BrowserBundle {
  readonly file: string
  readonly bytes: Buffer
  /**
   * The entry and every chunk it imports statically: what a page loads before the element can
   * work. Chunks behind a dynamic import (the pure-JS Ed25519 fallback) are loaded only by
   * runtimes without native Ed25519 and are not counted.
   */
  readonly loaded: readonly Buffer[]
  /** Minified bytes each source file contributes, largest first: where to look when it grows. */
  readonly inputs: ReadonlyArray<readonly [path: string, bytes: number]>
}

interface Metafile {
  outputs: Record<
    string,
    { inputs: Record<string, { bytesInOutput: number }>; imports: Array<{ path: string; kind: string }> }
  >
}

/** Builds the bundle into `outDir`. */
export async function buildBrowserBundle(outDir: string): Promise<BrowserBundle> {
  await build({
    ...browserConfig(),
    entry: { [NAME]: BROWSER_ENTRY },
    outDir,
    config: false,
    silent: true,
    clean: false,
    sourcemap: false,
    metafile: true,
  })
  const file = join(outDir, `${NAME}.js`)
  const meta = JSON.parse(await readFile(join(outDir, 'metafile-esm.json'), 'utf8')) as Metafile
  const [entryPath, output] = Object.entries(meta.outputs).find(([path]) => path.endsWith(`${NAME}.js`))!
  const staticPaths = new Set<string>()
  const visit = (path: string): void => {
    if (staticPaths.has(path)) return
    staticPaths.add(path)
    for (const i of meta.outputs[path]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path)
  }
  visit(entryPath)
  const inputs = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => [path, bytesInOutput] as const)
    .sort((a, b) => b[1] - a[1])
  const loaded = await Promise.all([...staticPaths].map((p) => readFile(p)))
  return { file, bytes: await readFile(file), loaded, inputs }
}
