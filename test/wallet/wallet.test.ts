import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, test } from 'vitest'
import { castSeed, vendorSeed, WALLET_SALT } from '../../src/wallet/derive.js'
import * as entry from '../../src/wallet/index.js'
import { Wallet } from '../../src/wallet/index.js'
import { IntentcastError, keyPairFromSeed } from '../../src/index.js'

const master = new Uint8Array(32).map((_, i) => i * 7 + 3)
const bytes = (s: string) => new TextEncoder().encode(s)
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'))

/** True when `a` and `b` share a run of `n` bytes anywhere: shared key material would show as one. */
function shareRun(a: Uint8Array, b: Uint8Array, n = 4): boolean {
  const runs = new Set<string>()
  for (let i = 0; i + n <= a.length; i++) runs.add(Buffer.from(a.subarray(i, i + n)).toString('hex'))
  for (let i = 0; i + n <= b.length; i++) if (runs.has(Buffer.from(b.subarray(i, i + n)).toString('hex'))) return true
  return false
}

describe('wallet keys', () => {
  test('the derivation is HKDF-SHA256 exactly as the spec writes it', async () => {
    expect(WALLET_SALT).toBe('intentcast/0.1 wallet')
    expect(castSeed(master, 5)).toEqual(hkdf(sha256, master, bytes('intentcast/0.1 wallet'), bytes('cast/5'), 32))
    expect(vendorSeed(master, 'https://Shop.Example:443/path?q')).toEqual(
      hkdf(sha256, master, bytes('intentcast/0.1 wallet'), bytes('vendor/https://shop.example'), 32),
    )
    const wallet = Wallet.fromSecret(master)
    expect((await wallet.castKey(5)).did).toBe((await keyPairFromSeed(castSeed(master, 5))).did)
  })

  test('two casts share no key material', async () => {
    const wallet = Wallet.create()
    const a = await wallet.nextCastKey()
    const b = await wallet.nextCastKey()
    expect([a.index, b.index]).toEqual([0, 1])
    expect(a.keyPair.did).not.toBe(b.keyPair.did)
    expect(shareRun(unb64(a.keyPair.privateJwk.d), unb64(b.keyPair.privateJwk.d))).toBe(false)
    expect(shareRun(unb64(a.keyPair.publicJwk.x), unb64(b.keyPair.publicJwk.x))).toBe(false)
    // Nor with the vendor keys, nor the vendor keys with each other.
    const v1 = await wallet.vendorKey('https://one.example')
    const v2 = await wallet.vendorKey('https://two.example')
    const seeds = [a.keyPair, b.keyPair, v1, v2].map((k) => unb64(k.privateJwk.d))
    for (let i = 0; i < seeds.length; i++)
      for (let j = i + 1; j < seeds.length; j++) expect(shareRun(seeds[i]!, seeds[j]!)).toBe(false)
    // And the secret itself appears in none of them.
    for (const s of seeds) expect(shareRun(s, wallet.exportSecret())).toBe(false)
  })

  test('every key re-derives from the master secret alone', async () => {
    const wallet = Wallet.create()
    const used = []
    for (let i = 0; i < 5; i++) used.push((await wallet.nextCastKey()).keyPair)
    const vendors = ['https://one.example', 'https://two.example:8443', 'http://127.0.0.1:9999']
    const vendorKeys = await Promise.all(vendors.map((o) => wallet.vendorKey(o)))

    const restored = Wallet.fromSecret(wallet.exportSecret())
    for (let i = 0; i < used.length; i++) expect((await restored.castKey(i)).privateJwk).toEqual(used[i]!.privateJwk)
    for (let i = 0; i < vendors.length; i++)
      expect((await restored.vendorKey(vendors[i]!)).privateJwk).toEqual(vendorKeys[i]!.privateJwk)
    // One vendor, one key, however its origin is spelled.
    expect((await restored.vendorKey('https://ONE.example:443/')).did).toBe(vendorKeys[0]!.did)
  })

  test('cast keys taken at once are distinct: the index is taken before any await', async () => {
    const wallet = Wallet.create()
    const [a, b] = await Promise.all([wallet.nextCastKey(), wallet.nextCastKey()])
    expect([a.index, b.index].sort()).toEqual([0, 1])
    expect(a.keyPair.did).not.toBe(b.keyPair.did)
    expect(wallet.casts).toBe(2)

    const many = await Promise.all(Array.from({ length: 50 }, () => wallet.nextCastKey()))
    expect(new Set(many.map((k) => k.index)).size).toBe(50)
    expect(new Set(many.map((k) => k.keyPair.did)).size).toBe(50)
    expect(Math.min(...many.map((k) => k.index))).toBe(2)
    expect(wallet.casts).toBe(52)
    // Each index still names its own key.
    for (const k of many.slice(0, 5)) expect((await wallet.castKey(k.index)).did).toBe(k.keyPair.did)
  })

  test('the last cast index is 2^32 - 1; past it nextCastKey fails and the count stays put', async () => {
    const wallet = Wallet.fromSecret(master, { casts: 2 ** 32 - 1 })
    expect((await wallet.nextCastKey()).index).toBe(2 ** 32 - 1)
    await expect(wallet.nextCastKey()).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    expect(wallet.casts).toBe(2 ** 32)
  })

  test('intentcast/wallet exports the flow, not the derivation internals', () => {
    expect(Object.keys(entry).sort()).toEqual(['MemoryNegotiationStore', 'Wallet', 'castIntent', 'discover'])
  })

  test('a restored wallet carries on from its cast count', async () => {
    const wallet = Wallet.create()
    await wallet.nextCastKey()
    await wallet.nextCastKey()
    const restored = Wallet.fromSecret(wallet.exportSecret(), { casts: wallet.casts })
    const next = await restored.nextCastKey()
    expect(next.index).toBe(2)
    expect(next.keyPair.did).toBe((await wallet.castKey(2)).did)
  })

  test('the secret is copied in and out', () => {
    const secret = new Uint8Array(32).fill(9)
    const wallet = Wallet.fromSecret(secret)
    secret.fill(0)
    const out = wallet.exportSecret()
    expect(out).toEqual(new Uint8Array(32).fill(9))
    out.fill(1)
    expect(wallet.exportSecret()).toEqual(new Uint8Array(32).fill(9))
  })

  test('bad inputs are ERR_INVALID_ARGUMENT', () => {
    expect(() => Wallet.fromSecret(new Uint8Array(31))).toThrow(IntentcastError)
    expect(() => Wallet.fromSecret(master, { casts: -1 })).toThrow(IntentcastError)
    expect(() => castSeed(master, 1.5)).toThrow(IntentcastError)
    expect(() => castSeed(master, 2 ** 32)).toThrow(IntentcastError)
    expect(() => vendorSeed(master, 'not a url')).toThrow(IntentcastError)
    expect(() => vendorSeed(master, 'mailto:x@example.com')).toThrow(IntentcastError)
    expect(() => vendorSeed(master, 'https://[x')).toThrow(IntentcastError)
  })
})
