/**
 * Builds `r-button.browser.js` the way the package build does: tsup, with the options of the
 * `r-button.browser` entry in tsup.config.ts, so a change there (a plugin, a target, splitting)
 * is what the size budget and the browser tests see. Only the entry file and the output folder
 * differ.
 */
import { readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
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
  /** The path of `r-button.browser.js`. */
  readonly file: string
  readonly bytes: Buffer
  /** Every JavaScript file the build wrote, relative to the output folder: one, when it is right. */
  readonly outputs: readonly string[]
  /** Every import the bundle makes, static (`import-statement`) or dynamic: none, when it is right. */
  readonly imports: ReadonlyArray<{ readonly path: string; readonly kind: string }>
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
  const outputs = Object.keys(meta.outputs).filter((path) => path.endsWith('.js'))
  const output = Object.entries(meta.outputs).find(([path]) => path.endsWith(`${NAME}.js`))![1]
  const inputs = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => [path, bytesInOutput] as const)
    .sort((a, b) => b[1] - a[1])
  return {
    file,
    bytes: await readFile(file),
    // The metafile's paths are relative to the working directory; the output folder's are clearer.
    outputs: outputs.map((path) => relative(outDir, path)),
    imports: output.imports,
    inputs,
  }
}
