/**
 * `sealOnce` (src/seal/seal.ts): the same body to the same recipient is the same bytes, and
 * anything the sealed header or tag covers that differs (the recipient's kid, the binding, the
 * body) gives another ephemeral key and IV: AES-GCM must never see one IV twice under one key
 * with other data.
 */
import { describe, expect, it } from 'vitest'
import { generateSealKeyPair, open } from '../../src/seal/index.js'
import { sealOnce } from '../../src/seal/seal.js'

const header = (jwe: string) =>
  JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString()) as { epk: { x: string } }

describe('sealOnce', () => {
  const secret = new Uint8Array(32).fill(7)
  const body = 'eyJhbGciOiJFZERTQSJ9.e30.c2ln'

  it('the same body and recipient: byte for byte the same, and it opens', async () => {
    const r = await generateSealKeyPair()
    const a = await sealOnce(body, r.publicJwk, secret)
    expect(await sealOnce(body, r.publicJwk, secret)).toBe(a)
    expect(await open(a, r)).toBe(body)
  })

  it('two kids for one key: another ephemeral key and IV', async () => {
    const r = await generateSealKeyPair()
    const a = await sealOnce(body, { ...r.publicJwk, kid: 'one' }, secret)
    const b = await sealOnce(body, { ...r.publicJwk, kid: 'two' }, secret)
    expect(header(a).epk.x).not.toBe(header(b).epk.x)
    expect(a.split('.')[2]).not.toBe(b.split('.')[2])
  })

  it('another body, or another secret: another ephemeral key', async () => {
    const r = await generateSealKeyPair()
    const a = header(await sealOnce(body, r.publicJwk, secret)).epk.x
    expect(header(await sealOnce(`${body}x`, r.publicJwk, secret)).epk.x).not.toBe(a)
    expect(header(await sealOnce(body, r.publicJwk, new Uint8Array(32).fill(8))).epk.x).not.toBe(a)
  })
})
