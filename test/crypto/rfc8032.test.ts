import { describe, expect, it } from 'vitest'
import { type Ed25519Backend, getPublicKey, signEd25519, verifyEd25519 } from '../../src/crypto/index.js'
import { rfc8032, toHex } from './vectors.js'

const backends: Ed25519Backend[] = ['native', 'noble']

describe.each(backends)('RFC 8032 §7.1 on the %s backend', (backend) => {
  it.each(rfc8032)('$name: the seed gives the published public key', async (v) => {
    expect(toHex(await getPublicKey(v.secretKey, { backend }))).toBe(toHex(v.publicKey))
  })

  it.each(rfc8032)('$name: signing gives the published signature', async (v) => {
    expect(toHex(await signEd25519(v.secretKey, v.message, { backend }))).toBe(toHex(v.signature))
  })

  it.each(rfc8032)('$name: the published signature verifies', async (v) => {
    expect(await verifyEd25519(v.publicKey, v.message, v.signature, { backend })).toBe(true)
  })

  it.each(rfc8032)('$name: it does not verify another message', async (v) => {
    const other = Uint8Array.of(...v.message, 0)
    expect(await verifyEd25519(v.publicKey, other, v.signature, { backend })).toBe(false)
  })
})
