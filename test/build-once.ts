/**
 * Vitest's global setup: builds dist/ before the tests when it is missing or older than the
 * source, so `npm test` on a fresh clone tests what the package ships (test/runtimes runs the
 * build in Node, Deno, Bun and workerd). CI builds just before `npm test`, so nothing is built
 * twice there.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** The newest modification time under `path`, in milliseconds. */
function newest(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
}

export default function setup(): void {
  const built = join(ROOT, 'dist/index.js')
  const inputs = ['src', 'package.json', 'tsup.config.ts'].map((p) => newest(join(ROOT, p)))
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...inputs)) return
  console.log('dist/ is missing or older than src/: npm run build, once, before the tests')
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  if (result.status !== 0) throw new Error('npm run build failed: the tests of the built package cannot run')
}
