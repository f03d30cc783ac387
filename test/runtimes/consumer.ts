/**
 * A user's project, made in a temporary folder for the runtime tests: a package.json, and in
 * node_modules/intentcast a copy of our package.json and dist/ (as `npm install` would put them),
 * so every runtime and bundler resolves `intentcast/...` through our package.json's `exports` to
 * the built files, from inside a node_modules folder as for a user. Its own dependencies come
 * from our node_modules, linked there.
 *
 * The fixtures (test/runtimes/fixtures) are TypeScript, type-checked with the rest of the tests;
 * `compile` turns them into plain JavaScript modules in that folder, with the package imports
 * left as they are for the runtime to resolve.
 */
import { spawn, type SpawnOptions } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { RESULT } from './fixtures/report.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))

/** The runtimes' executables, as the npm packages (devDependencies) install them. */
export const BIN = {
  deno: join(ROOT, 'node_modules/.bin/deno'),
  bun: join(ROOT, 'node_modules/.bin/bun'),
}

/** Fails with what to do when there is no build to test (test/build-once.ts builds one before the tests). */
export function requireBuild(): void {
  for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts'])
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` before these tests`)
}

export interface Consumer {
  readonly dir: string
  readonly remove: () => Promise<void>
}

/** A project folder that depends on this package, as an ES module package. */
export async function consumer(): Promise<Consumer> {
  requireBuild()
  const dir = await mkdtemp(join(tmpdir(), 'intentcast-consumer-'))
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }))
  const installed = join(dir, 'node_modules/intentcast')
  await mkdir(installed, { recursive: true })
  await cp(join(ROOT, 'package.json'), join(installed, 'package.json'))
  await cp(join(ROOT, 'dist'), join(installed, 'dist'), { recursive: true })
  await symlink(join(ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir')
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * Compiles fixtures (names without `.ts`) into `dir` as `<name>.mjs` or `<name>.cjs`: their own
 * modules inlined, every package import (`intentcast/...`, `node:...`) left to the runtime.
 * `tsconfigRaw` keeps esbuild from the repository's tsconfig paths, which map `intentcast` to src/.
 */
export async function compile(dir: string, names: readonly string[], format: 'esm' | 'cjs' = 'esm'): Promise<void> {
  await build({
    entryPoints: names.map((name) => join(FIXTURES, `${name}.ts`)),
    outdir: dir,
    outExtension: { '.js': format === 'esm' ? '.mjs' : '.cjs' },
    bundle: true,
    packages: 'external',
    external: ['node:*'],
    format,
    platform: 'neutral',
    target: 'es2022',
    tsconfigRaw: {},
    logLevel: 'silent',
  })
}

export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command to its end, or kills it after `timeoutMs`; never rejects for a non-zero exit. */
export function run(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number },
): Promise<Run> {
  const { timeoutMs = 30_000, ...spawnOptions } = options
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** The fixture's result (its `RESULT` line), or an error carrying everything the process wrote. */
export function resultOf<T = Record<string, unknown>>(output: Run): T {
  const line = output.stdout.split('\n').find((l) => l.startsWith(RESULT))
  if (output.code !== 0 || line === undefined)
    throw new Error(`exit ${output.code}\n--- stdout\n${output.stdout}\n--- stderr\n${output.stderr}`)
  return JSON.parse(line.slice(RESULT.length)) as T
}

/** A child's environment: no colours to parse around, no update checks or prompts. */
export const QUIET_ENV = {
  ...process.env,
  NO_COLOR: '1',
  DENO_NO_UPDATE_CHECK: '1',
  DENO_NO_PROMPT: '1',
}
