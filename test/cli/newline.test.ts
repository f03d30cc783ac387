/**
 * The newline after a message: `sign` prints one, a file keeps it, and `verify` reads a file
 * without it; a token argument with one is malformed, and `verify` says so in plain words.
 * And output cut short by its reader (`| head`) ends the command quietly.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { generateKeyPair, signIntent, type IntentBody } from '../../src/index.js'
import { run, scratch } from './support.js'

const { dir, file } = scratch('intentcast-cli-newline-')
const body: IntentBody = { want: { item: { name: 'cargo bike' } }, terms: { agreements: ['SD-BASE'] } }
const TRAILING_HINT = 'pass the token alone, or a file or - (a file or - is read without the white space around it)'

describe('a message and the newline after it', () => {
  it('`sign > file` then `verify file` verifies: a file is read without its final newline', async () => {
    const key = file('k.jwk', (await generateKeyPair()).privateJwk)
    const signed = await run('sign', 'intent', file('body.json', body), '--key', key)
    expect(signed.code).toBe(0)
    // One line, as a terminal wants it.
    expect(signed.stdout).toMatch(/^[A-Za-z0-9_.-]+\n$/)
    const path = file('intent.jws', signed.stdout)
    const v = await run('verify', path, '--json')
    expect(v.code).toBe(0)
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, kind: 'intent' })
    // An editor's CRLF, and blank lines after it, are read the same.
    expect((await run('verify', file('crlf.jws', signed.stdout.trim() + '\r\n\r\n'))).code).toBe(0)
  })

  it('a token argument with a newline after it is malformed, and verify says why', async () => {
    const token = await signIntent(body, await generateKeyPair())
    const r = await run('verify', token + '\n')
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('')
    // Taken as the token it is, not as a file name to look for.
    expect(r.stdout).not.toContain('cannot read')
    expect(r.stdout).toContain('  ✗ structure and JSON: ERR_MALFORMED the message ends in a newline: ')
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(TRAILING_HINT)
    const j = await run('verify', token + '\r\n', '--json')
    expect(JSON.parse(j.stdout)).toMatchObject({
      ok: false,
      code: 'ERR_MALFORMED',
      failedCheck: 'structure and JSON',
      hint: TRAILING_HINT,
    })
    expect(JSON.parse((await run('verify', token + ' ', '--json')).stdout)).toMatchObject({
      message: expect.stringMatching(/^the message ends in white space: /),
      hint: TRAILING_HINT,
    })
    expect(JSON.parse((await run('verify', ' ' + token, '--json')).stdout).hint).toMatch(
      /^the message starts with white space; /,
    )
    // A failure that has nothing to do with white space gets no such hint.
    const other = await run('verify', 'x.y.z', '--json')
    expect(JSON.parse(other.stdout)).toMatchObject({ ok: false, code: 'ERR_MALFORMED' })
    expect(JSON.parse(other.stdout).hint).toBeUndefined()
  })

  it('output its reader stops reading ends the command quietly, with no stack trace', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url))
    const path = join(dir, 'piped.jws')
    file('piped.jws', await signIntent(body, await generateKeyPair()))
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'verify', path], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // Closed before the command writes its first line: every write finds the pipe gone.
    child.stdout.destroy()
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
    clearTimeout(timer)
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })
})
