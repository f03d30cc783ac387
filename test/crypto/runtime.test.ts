/**
 * Backend selection outside Node: with `process.versions.node` hidden, the native backend must
 * be WebCrypto (Node's own `crypto.subtle`, standing in for a browser's), and with no usable
 * WebCrypto the default must fall back to noble. Each case loads a fresh copy of the modules,
 * since the selection is made once per module instance.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { constructed, rfc8032, speccheck } from './vectors.js'

/** `process` as seen by code that is not running under Node. */
const notNode = new Proxy(process, {
  get: (target, key) => (key === 'versions' ? { ...target.versions, node: undefined } : Reflect.get(target, key)),
})

async function freshModules() {
  vi.resetModules()
  const prepared = await import('../../src/crypto/prepared.js')
  const api = await import('../../src/crypto/index.js')
  return { prepared, api }
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('without node:crypto', () => {
  it('uses WebCrypto as the native backend, by the same rule', async () => {
    vi.stubGlobal('process', notNode)
    const { prepared, api } = await freshModules()
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify')
    expect(await prepared.resolveBackend()).toBe('native')
    vi.unstubAllGlobals() // the choice is made; the test runner needs the real process back

    for (const c of [...speccheck, ...constructed]) {
      expect(await api.verifyEd25519(c.publicKey, c.message, c.signature), c.name).toBe(c.expected)
    }
    for (const v of rfc8032) {
      expect(await api.getPublicKey(v.secretKey), v.name).toEqual(v.publicKey)
      expect(await api.signEd25519(v.secretKey, v.message), v.name).toEqual(v.signature)
      const key = await prepared.preparePublicKey(v.publicKey)
      expect(await prepared.verifyPrepared(key, v.message, v.signature, false)).toBe(true)
    }
    expect(verify).toHaveBeenCalled()
  })

  it('falls back to noble when WebCrypto lacks Ed25519', async () => {
    vi.stubGlobal('process', notNode)
    const { subtle } = globalThis.crypto
    const importKey = vi
      .spyOn(subtle, 'importKey')
      .mockRejectedValue(new DOMException('unsupported', 'NotSupportedError'))
    const { prepared, api } = await freshModules()
    expect(await prepared.resolveBackend()).toBe('noble')
    vi.unstubAllGlobals()
    importKey.mockRestore()

    const v = rfc8032[2]!
    expect((await prepared.preparePublicKey(v.publicKey)).backend).toBe('noble')
    expect(await api.signEd25519(v.secretKey, v.message)).toEqual(v.signature)
    expect(await api.verifyEd25519(v.publicKey, v.message, v.signature)).toBe(true)
    await expect(prepared.preparePublicKey(v.publicKey, 'native')).rejects.toThrow()
  })

  it('falls back to noble where there is no crypto.subtle at all', async () => {
    vi.stubGlobal('process', notNode)
    vi.stubGlobal('crypto', {})
    const { prepared } = await freshModules()
    expect(await prepared.resolveBackend()).toBe('noble')
  })
})
