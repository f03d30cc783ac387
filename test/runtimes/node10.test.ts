/**
 * TypeScript under `moduleResolution: node10` (with `module: commonjs`), which reads no `exports`:
 * it finds `intentcast/terms` and the other subpaths only through `typesVersions` in
 * package.json. A user's file importing every entry (fixtures/typed-consumer.ts) type-checks
 * against the built declarations of an installed copy. With `skipLibCheck`, as such projects
 * usually have it (checking every library's declarations took 13 s instead of 2, and the NATS
 * client's own fail under node10); the consumer's `@ts-expect-error` lines still fail the check
 * if an entry's types, or the zod types they are inferred from, did not resolve.
 */
import { copyFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { consumer, ROOT, run, type Consumer } from './consumer.js'

let project: Consumer
beforeAll(async () => {
  project = await consumer()
  await copyFile(join(ROOT, 'test/runtimes/fixtures/typed-consumer.ts'), join(project.dir, 'typed-consumer.ts'))
  const compilerOptions = {
    module: 'commonjs',
    moduleResolution: 'node10',
    target: 'es2022',
    lib: ['es2022', 'dom'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
  }
  await writeFile(join(project.dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['typed-consumer.ts'] }))
})
afterAll(() => project?.remove())

it('tsc with moduleResolution node10 resolves every entry and its types', async () => {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  const output = await run(process.execPath, [tsc, '-p', project.dir, '--pretty', 'false'], { cwd: project.dir })
  expect(output.stdout + output.stderr).toBe('')
  expect(output.code).toBe(0)
})
