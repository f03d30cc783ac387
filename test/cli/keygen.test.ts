/**
 * `intentcast keygen --out`: the private key goes to a new file of mode 0600, never through a
 * symbolic link, never into an existing file (which could be readable by others).
 */
import { chmodSync, existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run, scratch } from './support.js'

const { dir } = scratch('intentcast-keygen-')

describe('intentcast keygen --out', () => {
  it('writes a new file of mode 0600 holding the private JWK', async () => {
    const path = join(dir, 'new.jwk')
    const r = await run('keygen', '--out', path)
    expect(r.code).toBe(0)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(path, 'utf8')).d).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(r.stdout).not.toContain('"d"')
  })

  it('mode 0600 exactly, whatever the umask', async () => {
    const path = join(dir, 'umask.jwk')
    const old = process.umask(0o377)
    try {
      expect((await run('keygen', '--out', path)).code).toBe(0)
    } finally {
      process.umask(old)
    }
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  it('refuses a symbolic link at the path; its target is untouched', async () => {
    const target = join(dir, 'target.txt')
    writeFileSync(target, 'precious\n')
    chmodSync(target, 0o644)
    const link = join(dir, 'link.jwk')
    symlinkSync(target, link)
    const r = await run('keygen', '--out', link)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      `intentcast keygen: ERR_INVALID_ARGUMENT: ${link} is a symbolic link; choose another path or remove it\n`,
    )
    expect(r.stdout).toBe('')
    expect(readFileSync(target, 'utf8')).toBe('precious\n')
    expect(statSync(target).mode & 0o777).toBe(0o644)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
  })

  it('refuses a dangling symbolic link: nothing is created where it points', async () => {
    const target = join(dir, 'nowhere.jwk')
    const link = join(dir, 'dangling.jwk')
    symlinkSync(target, link)
    const r = await run('keygen', '--out', link)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('ERR_INVALID_ARGUMENT')
    expect(existsSync(target)).toBe(false)
  })

  it('refuses an existing world-readable file: the key never lands in it, and its mode is unchanged', async () => {
    const path = join(dir, 'existing.jwk')
    writeFileSync(path, 'old contents\n')
    chmodSync(path, 0o644)
    const r = await run('keygen', '--out', path)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`intentcast keygen: ERR_INVALID_ARGUMENT: ${path} exists; choose another path or remove it\n`)
    expect(readFileSync(path, 'utf8')).toBe('old contents\n')
    expect(statSync(path).mode & 0o777).toBe(0o644)
  })

  it('a path in a missing directory is ERR_INVALID_ARGUMENT, not a raw errno', async () => {
    const r = await run('keygen', '--out', join(dir, 'missing', 'k.jwk'))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^intentcast keygen: ERR_INVALID_ARGUMENT: cannot create /)
  })
})
