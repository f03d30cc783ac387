/** What every CLI test needs: the command run in-process, and files in a scratch directory. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../../src/cli/main.js'

/** Runs `intentcast <argv>` in this process and collects what it wrote and its exit status. */
export async function run(...argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await main(
    argv,
    (s) => (stdout += s),
    (s) => (stderr += s),
  )
  return { code, stdout, stderr }
}

/** A fresh scratch directory, and a writer of files in it (JSON unless given a string). */
export function scratch(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const file = (name: string, content: unknown) => {
    const path = join(dir, name)
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
    return path
  }
  return { dir, file }
}
