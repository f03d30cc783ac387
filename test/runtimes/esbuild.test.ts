/**
 * Every entry of the built package bundles for browsers and for edge runtimes with no flag: esbuild
 * with `--platform=browser` and `--platform=neutral`, nothing marked external, from a user's
 * project, imported (ESM) and required (CommonJS). Nothing may be left for the runtime to load: a
 * Node built-in left in (as `import('crypto')` once was) fails these bundles with "Could not
 * resolve", and makes every user add `--external:crypto`.
 *
 * The one exception is the NATS backend under `neutral`: the NATS client it needs (its optional
 * peer dependencies) does not bundle there (packages without `exports`, and tweetnacl's
 * `require('crypto')`), so those stay the user's to supply.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { build, type Message } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consumer, ROOT, type Consumer } from './consumer.js'

const { exports } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
const ENTRIES = Object.keys(exports)
  .filter((key) => key !== './package.json')
  .map((key) => `intentcast${key.slice(1)}`)

let project: Consumer
beforeAll(async () => {
  project = await consumer()
})
afterAll(() => project?.remove())

interface Bundled {
  readonly errors: readonly string[]
  readonly warnings: readonly string[]
  /** Imports left out of the bundle. */
  readonly external: readonly string[]
  readonly code: string
}

async function bundle(entry: string, kind: 'import' | 'require', platform: 'browser' | 'neutral'): Promise<Bundled> {
  const contents = kind === 'import' ? `export * from '${entry}'` : `module.exports = require('${entry}')`
  const peers = entry === 'intentcast/relay/nats' && platform === 'neutral' ? ['@nats-io/*'] : []
  const text = (messages: readonly Message[]) => messages.map((m) => `${m.text} (${m.location?.file ?? ''})`)
  try {
    const result = await build({
      stdin: { contents, resolveDir: project.dir, loader: 'js' },
      bundle: true,
      write: false,
      metafile: true,
      platform,
      format: 'esm',
      external: peers,
      logLevel: 'silent',
    })
    return {
      errors: text(result.errors),
      warnings: text(result.warnings),
      external: Object.values(result.metafile.outputs).flatMap((o) =>
        o.imports.filter((i) => i.external).map((i) => i.path),
      ),
      code: new TextDecoder().decode(result.outputFiles[0]!.contents),
    }
  } catch (e) {
    return { errors: text((e as { errors?: Message[] }).errors ?? []), warnings: [], external: [], code: '' }
  }
}

describe('esbuild bundles every entry with no flag', () => {
  it('covers every subpath in package.json exports', () => {
    expect(ENTRIES).toContain('intentcast')
    expect(ENTRIES).toContain('intentcast/wallet')
    expect(ENTRIES.length).toBeGreaterThanOrEqual(11)
  })

  for (const platform of ['browser', 'neutral'] as const) {
    for (const kind of ['import', 'require'] as const) {
      it(`--platform=${platform}, each entry ${kind === 'import' ? 'imported' : 'required'}`, async () => {
        const results = await Promise.all(
          ENTRIES.map(async (entry) => [entry, await bundle(entry, kind, platform)] as const),
        )
        for (const [entry, result] of results) {
          const expected =
            entry === 'intentcast/relay/nats' && platform === 'neutral' ? ['@nats-io/jetstream', '@nats-io/kv'] : []
          expect({ entry, errors: result.errors, warnings: result.warnings }).toEqual({
            entry,
            errors: [],
            warnings: [],
          })
          expect({ entry, external: [...new Set(result.external)].sort() }).toEqual({ entry, external: expected })
          // Nothing that loads a Node built-in at run time survives in the bundle either.
          expect(result.code).not.toMatch(/\b(import|require)\(\s*["'](node:)?crypto["']\s*\)/)
        }
      })
    }
  }
})
