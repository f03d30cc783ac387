import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run, scratch } from './support.js'

const { dir, file } = scratch('intentcast-cli-')
const intentBody = {
  want: { item: { name: 'cargo bike' }, maxPrice: { amount: '2000.00', currency: 'EUR' } },
  terms: { agreements: ['SD-BASE'] },
}

describe('intentcast CLI', () => {
  it('keygen writes a private JWK readable by its owner only and prints the DID', async () => {
    const out = join(dir, 'k.jwk')
    const r = await run('keygen', '--out', out)
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toMatch(/^did:key:z6Mk/)
    expect(JSON.parse(readFileSync(out, 'utf8')).d).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(statSync(out).mode & 0o077).toBe(0)
  })

  it('signs an intent and verifies it, listing every check; --json for scripts', async () => {
    const key = join(dir, 'c.jwk')
    await run('keygen', '--out', key)
    const signed = await run('sign', 'intent', file('intent.json', intentBody), '--key', key, '--expires', '2h')
    expect(signed.code).toBe(0)
    const token = signed.stdout.trim()
    const human = await run('verify', token)
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('✓ signature')
    expect(human.stdout).toContain('"cargo bike"')
    const json = await run('verify', file('tok', token), '--json')
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      kind: 'intent',
      payload: { want: { item: { name: 'cargo bike' } } },
    })
  })

  it('a failing verify exits 1, names the failed check and its code, and shows no stack trace', async () => {
    const key = join(dir, 'c2.jwk')
    await run('keygen', '--out', key)
    const token = (await run('sign', 'intent', file('i2.json', intentBody), '--key', key)).stdout.trim()
    const r = await run('verify', token, '--expect', 'offer')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('✗ type: ERR_TYPE_MISMATCH')
    expect(r.stdout).toContain('(not reached)')
    // The signature's first character, changed: its last one carries padding bits, and a token that
    // already ended in AA would not change at all.
    const dot = token.lastIndexOf('.') + 1
    const tampered = token.slice(0, dot) + (token[dot] === 'A' ? 'B' : 'A') + token.slice(dot + 1)
    const j = await run('verify', tampered, '--json')
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID', failedCheck: 'signature' })
    expect(j.stderr).toBe('')
  })

  it('errors are one readable line with the code; --debug adds the stack', async () => {
    const r = await run('sign', 'intent', file('i3.json', intentBody))
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('intentcast sign: ERR_INVALID_ARGUMENT: sign needs --key <private.jwk.json>\n')
    const d = await run('sign', 'intent', file('i4.json', intentBody), '--debug')
    expect(d.stderr).toContain('at ')
  })

  it('--help on the tool and on every command; unknown commands and options exit 2', async () => {
    const top = await run('--help')
    expect(top.code).toBe(0)
    for (const name of [
      'keygen',
      'sign',
      'verify',
      'inspect',
      'negotiate',
      'terms match',
      'serve-vendor',
      'cast',
      'counter',
      'accept',
      'relay',
    ]) {
      expect(top.stdout).toContain(name)
      const h = await run(...name.split(' '), '--help')
      expect(h.code).toBe(0)
      expect(h.stdout).toContain(`usage: intentcast ${name}`)
    }
    expect((await run('frobnicate')).code).toBe(2)
    expect((await run('verify', '--nope', 'x')).code).toBe(2)
  })
})
