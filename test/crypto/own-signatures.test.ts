/**
 * A process recognises the signatures it has just made (src/crypto/prepared.ts) only for the
 * exact bytes it signed: a buffer the caller changes while signing is in flight is not
 * remembered as signed, and nothing else verifies without the curve math.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { preparePrivateKey, preparePublicKey, signPrepared, verifyPrepared } from '../../src/crypto/prepared.js'
import { getPublicKey, randomPrivateKey, signEd25519, verifyEd25519 } from '../../src/crypto/index.js'

const opensslVerify = (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array) =>
  nodeVerify(
    null,
    msg,
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pub).toString('base64url') }, format: 'jwk' }),
    sig,
  )

const tick = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve()
}

describe('own signatures', () => {
  it('a buffer changed right after signing is not taken as signed; the bytes signed are', async () => {
    const priv = await preparePrivateKey(randomPrivateKey(), 'native')
    const pub = await preparePublicKey(priv.publicKey, 'native')
    const buf = new TextEncoder().encode('pay 1 EUR to alice')
    const pending = signPrepared(priv, buf)
    buf.set(new TextEncoder().encode('pay 9 EUR to mallo'))
    const sig = await pending
    expect(await verifyPrepared(pub, buf, sig, true)).toBe(opensslVerify(priv.publicKey, buf, sig))
    expect(await verifyPrepared(pub, new TextEncoder().encode('pay 1 EUR to alice'), sig, true)).toBe(true)
  })

  it('through the public API, whenever the caller changes its buffer, verify agrees with OpenSSL', async () => {
    const seed = randomPrivateKey()
    const publicKey = await getPublicKey(seed)
    for (let k = 0; k < 30; k++) {
      const buf = new TextEncoder().encode(`message number ${String(k).padStart(2, '0')} original`)
      const pending = signEd25519(seed, buf)
      await tick(k)
      buf[0]! ^= 1
      const sig = await pending
      expect(await verifyEd25519(publicKey, buf, sig)).toBe(opensslVerify(publicKey, buf, sig))
    }
  })

  it('the same signature under another key is checked, and fails', async () => {
    const priv = await preparePrivateKey(randomPrivateKey(), 'native')
    const other = await preparePublicKey(await getPublicKey(randomPrivateKey()), 'native')
    const message = new TextEncoder().encode('hello')
    const sig = await signPrepared(priv, message)
    expect(await verifyPrepared(other, message, sig, true)).toBe(false)
  })
})
