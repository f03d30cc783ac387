import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { isIntentcastError } from '../../src/errors.js'
import * as ed from '../../src/crypto/index.js'
import {
  preparePrivateKey,
  preparePublicKey,
  requireCurvePoint,
  signPrepared,
  verifyPrepared,
} from '../../src/crypto/prepared.js'
import { SMALL_ORDER_ENCODINGS } from '../../src/crypto/rule.js'
import { hex, rfc8032 } from './vectors.js'

const v = rfc8032[1]! // TEST 2: a one-byte message
const notBytes: unknown[] = [undefined, null, 'ab', [1, 2], 42, new ArrayBuffer(32), new Uint16Array(16), {}]
/** How every entry reports a calling program's mistake (src/errors.ts): never a bare TypeError or RangeError. */
const INVALID_ARGUMENT = { name: 'IntentcastError', code: 'ERR_INVALID_ARGUMENT' }
type Loose = (...args: unknown[]) => Promise<unknown>
const loose = <F>(f: F) => f as unknown as Loose

describe('intentcast/crypto exports', () => {
  it('exactly the documented API', () => {
    expect(Object.keys(ed).sort()).toEqual(['getPublicKey', 'randomPrivateKey', 'signEd25519', 'verifyEd25519'])
  })
})

describe('verifyEd25519', () => {
  const verify = loose(ed.verifyEd25519)

  it.each(notBytes)('throws ERR_INVALID_ARGUMENT for a public key, message or signature of %o', async (bad) => {
    await expect(verify(bad, v.message, v.signature)).rejects.toMatchObject(INVALID_ARGUMENT)
    await expect(verify(v.publicKey, bad, v.signature)).rejects.toMatchObject(INVALID_ARGUMENT)
    await expect(verify(v.publicKey, v.message, bad)).rejects.toMatchObject(INVALID_ARGUMENT)
  })

  it.each([0, 31, 33, 64])('throws ERR_INVALID_ARGUMENT for a public key of %i bytes', async (n) => {
    await expect(ed.verifyEd25519(new Uint8Array(n), v.message, v.signature)).rejects.toMatchObject(INVALID_ARGUMENT)
  })

  it('throws ERR_INVALID_ARGUMENT for an unknown backend', async () => {
    await expect(verify(v.publicKey, v.message, v.signature, { backend: 'openssl' })).rejects.toMatchObject(
      INVALID_ARGUMENT,
    )
  })

  it.each([0, 63, 65, 128])('returns false for a signature of %i bytes', async (n) => {
    const signature = new Uint8Array(n)
    signature.set(v.signature.subarray(0, Math.min(n, 64)))
    expect(await ed.verifyEd25519(v.publicKey, v.message, signature)).toBe(false)
  })

  it.each(SMALL_ORDER_ENCODINGS)('returns false, not throws, for the unacceptable key %s', async (key) => {
    expect(await ed.verifyEd25519(hex(key), v.message, v.signature)).toBe(false)
    expect(await ed.verifyEd25519(hex(key), v.message, v.signature, { backend: 'noble' })).toBe(false)
  })

  it('accepts Buffers, subarray views and Uint8Arrays from another realm', async () => {
    expect(await ed.verifyEd25519(Buffer.from(v.publicKey), Buffer.from(v.message), Buffer.from(v.signature))).toBe(
      true,
    )
    const big = new Uint8Array(200)
    big.set(v.signature, 100)
    expect(await ed.verifyEd25519(v.publicKey, v.message, big.subarray(100, 164))).toBe(true)
    const foreign = runInNewContext('new Uint8Array(64)') as Uint8Array
    foreign.set(v.signature)
    expect(await ed.verifyEd25519(v.publicKey, v.message, foreign)).toBe(true)
    expect(await ed.verifyEd25519(v.publicKey, v.message, foreign, { backend: 'noble' })).toBe(true)
  })

  it('keeps answering right once more keys were used than the cache holds', async () => {
    const keys = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const sk = new Uint8Array(32).fill(i & 0xff)
        sk[0] = i >> 8
        return { sk, pk: await ed.getPublicKey(sk) }
      }),
    )
    const message = new Uint8Array([1, 2, 3])
    for (const { sk, pk } of keys) {
      expect(await ed.verifyEd25519(pk, message, await ed.signEd25519(sk, message))).toBe(true)
    }
    const first = keys[0]!
    expect(await ed.verifyEd25519(first.pk, message, await ed.signEd25519(first.sk, message))).toBe(true)
    expect(await ed.verifyEd25519(keys[1]!.pk, message, await ed.signEd25519(first.sk, message))).toBe(false)
  })

  it('is not fooled by a key buffer mutated after a first call', async () => {
    const key = Uint8Array.from(v.publicKey)
    expect(await ed.verifyEd25519(key, v.message, v.signature)).toBe(true)
    key.set(rfc8032[0]!.publicKey)
    expect(await ed.verifyEd25519(key, v.message, v.signature)).toBe(false)
    expect(await ed.verifyEd25519(key, rfc8032[0]!.message, rfc8032[0]!.signature)).toBe(true)
  })
})

describe.each(['signEd25519', 'getPublicKey'] as const)('%s', (name) => {
  const call = (sk: unknown, message: unknown = v.message) =>
    name === 'signEd25519' ? loose(ed.signEd25519)(sk, message) : loose(ed.getPublicKey)(sk)

  it.each(notBytes)('throws ERR_INVALID_ARGUMENT for a private key of %o', async (bad) => {
    await expect(call(bad)).rejects.toMatchObject(INVALID_ARGUMENT)
  })

  it.each([0, 31, 33, 64])('throws ERR_INVALID_ARGUMENT for a private key of %i bytes', async (n) => {
    await expect(call(new Uint8Array(n))).rejects.toMatchObject(INVALID_ARGUMENT)
  })

  it('throws ERR_INVALID_ARGUMENT for an unknown backend', async () => {
    const options = { backend: 'webcrypto' }
    const promise =
      name === 'signEd25519'
        ? loose(ed.signEd25519)(v.secretKey, v.message, options)
        : loose(ed.getPublicKey)(v.secretKey, options)
    await expect(promise).rejects.toMatchObject(INVALID_ARGUMENT)
  })
})

describe('signEd25519', () => {
  it.each(notBytes)('throws ERR_INVALID_ARGUMENT for a message of %o', async (bad) => {
    await expect(loose(ed.signEd25519)(v.secretKey, bad)).rejects.toMatchObject(INVALID_ARGUMENT)
  })

  it('does not depend on the private key buffer after the call', async () => {
    const sk = Uint8Array.from(v.secretKey)
    const signature = await ed.signEd25519(sk, v.message, { backend: 'noble' })
    sk.fill(0)
    expect(signature).toEqual(v.signature)
  })
})

describe('randomPrivateKey', () => {
  it('returns 32 fresh bytes that make a working key', async () => {
    const [a, b] = [ed.randomPrivateKey(), ed.randomPrivateKey()]
    expect(a).toBeInstanceOf(Uint8Array)
    expect(a.length).toBe(32)
    expect(a).not.toEqual(b)
    const message = new Uint8Array(10)
    expect(await ed.verifyEd25519(await ed.getPublicKey(a), message, await ed.signEd25519(a, message))).toBe(true)
  })
})

describe('prepared keys (internal hot path)', () => {
  it('refuse keys that break the rule with ERR_KEY_UNRESOLVED', async () => {
    for (const bad of [hex(SMALL_ORDER_ENCODINGS[0]!), new Uint8Array(31), new Uint8Array(33)]) {
      for (const backend of ['native', 'noble'] as const) {
        const error = await preparePublicKey(bad, backend).catch((e: unknown) => e)
        expect(isIntentcastError(error, 'ERR_KEY_UNRESOLVED')).toBe(true)
      }
    }
  })

  it('a key off the curve verifies nothing, and requireCurvePoint refuses it, on either backend', async () => {
    const offCurve = hex('02'.padEnd(64, '0')) // y = 2: (y² - 1)/(d·y² + 1) is not a square
    const v = rfc8032[0]!
    // noble decodes the point on import and is refused there; OpenSSL imports it and fails every check.
    const noble = await preparePublicKey(offCurve, 'noble').catch((e: unknown) => e)
    expect(isIntentcastError(noble, 'ERR_KEY_UNRESOLVED')).toBe(true)
    const native = await preparePublicKey(offCurve, 'native')
    for (const inline of [true, false]) expect(await verifyPrepared(native, v.message, v.signature, inline)).toBe(false)
    expect(() => requireCurvePoint(native)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNRESOLVED' }))
    // A key on the curve passes, checked or proven by the signature it verified.
    const good = await preparePublicKey(v.publicKey, 'native')
    expect(() => requireCurvePoint(good)).not.toThrow()
    const proven = await preparePublicKey(v.publicKey, 'noble')
    expect(await verifyPrepared(proven, v.message, v.signature, true)).toBe(true)
    expect(() => requireCurvePoint(proven)).not.toThrow()
  })

  it('throw ERR_INVALID_ARGUMENT for programming errors', async () => {
    await expect(loose(preparePublicKey)('key')).rejects.toMatchObject(INVALID_ARGUMENT)
    await expect(loose(preparePublicKey)(v.publicKey, 'fast')).rejects.toMatchObject(INVALID_ARGUMENT)
    await expect(loose(preparePrivateKey)([1])).rejects.toMatchObject(INVALID_ARGUMENT)
    await expect(preparePrivateKey(new Uint8Array(64))).rejects.toMatchObject(INVALID_ARGUMENT)
    const forged = { raw: v.publicKey, backend: 'native' } as const
    await expect(verifyPrepared(forged, v.message, v.signature, true)).rejects.toMatchObject(INVALID_ARGUMENT)
    await expect(signPrepared({ publicKey: v.publicKey, backend: 'native' }, v.message)).rejects.toMatchObject(
      INVALID_ARGUMENT,
    )
    const key = await preparePublicKey(v.publicKey)
    await expect(loose(verifyPrepared)(key, 'message', v.signature, true)).rejects.toMatchObject(INVALID_ARGUMENT)
    await expect(loose(verifyPrepared)(key, v.message, null, true)).rejects.toMatchObject(INVALID_ARGUMENT)
  })

  it.each(['native', 'noble'] as const)(
    'on %s: expose the key, default sensibly, and answer false for bad signatures',
    async (backend) => {
      const key = await preparePublicKey(v.publicKey, backend)
      expect(key.backend).toBe(backend)
      expect(key.raw).toEqual(v.publicKey)
      expect(Object.isFrozen(key)).toBe(true)
      expect(JSON.parse(JSON.stringify(key))).toEqual({ raw: expect.any(Object), backend })
      for (const inline of [true, false]) {
        expect(await verifyPrepared(key, v.message, v.signature, inline)).toBe(true)
        expect(await verifyPrepared(key, v.message, v.signature.subarray(0, 63), inline)).toBe(false)
        expect(await verifyPrepared(key, v.message, new Uint8Array(64), inline)).toBe(false)
      }
      const signer = await preparePrivateKey(v.secretKey, backend)
      expect(signer.publicKey).toEqual(v.publicKey)
      // On the thread pool or inline, the same RFC 8032 signature.
      for (const inline of [true, false]) expect(await signPrepared(signer, v.message, inline)).toEqual(v.signature)
    },
  )

  it('default to the native backend under Node', async () => {
    expect((await preparePublicKey(v.publicKey)).backend).toBe('native')
    expect((await preparePrivateKey(v.secretKey)).backend).toBe('native')
  })

  it('verify many signatures in flight on the thread pool', async () => {
    const key = await preparePublicKey(v.publicKey)
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        verifyPrepared(key, v.message, i % 2 ? v.signature : rfc8032[2]!.signature, false),
      ),
    )
    expect(results.filter(Boolean).length).toBe(500)
  })
})
