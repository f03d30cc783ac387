/**
 * The key agreement and AES-GCM that sealing and opening need (spec §Encrypted envelopes), on
 * the fastest backend the runtime has: node:crypto under Node, once the native backend has loaded
 * it (`useNodeSealCrypto`), else WebCrypto. Under Node each call is synchronous OpenSSL work of a
 * few tens of microseconds; through WebCrypto each is a hop to the thread pool, and sealing or
 * opening one body took four to six of them, several times the cost of a signature.
 */
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { concatBytes } from '../lib/bytes.js'

/** An X25519 private key: its 32 bytes, with whatever each backend has imported of it. */
export interface X25519Private {
  readonly d: Uint8Array
}

/** What sealing and opening ask of a backend. */
export interface SealCrypto {
  /** The public key (RFC 7748 X25519(d, 9)) of a private key. */
  publicKey(key: X25519Private): Promise<Uint8Array>
  /** X25519: the shared secret, or undefined for a low-order public key. */
  agree(key: X25519Private, publicKey: Uint8Array): Promise<Uint8Array | undefined>
  /** AES-256-GCM with a 128-bit tag appended to the ciphertext. */
  encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>
  /** AES-256-GCM with the tag at the end of `data`: the plaintext, or undefined when the tag fails. */
  decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array): Promise<Uint8Array | undefined>
}

type NodeCrypto = typeof import('node:crypto')
type NodeSealCrypto = Pick<
  NodeCrypto,
  'createPrivateKey' | 'createPublicKey' | 'diffieHellman' | 'createCipheriv' | 'createDecipheriv'
>

/** The DER prefix of an X25519 PKCS #8 private key (RFC 8410), which WebCrypto imports. */
const PKCS8_X25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]

/** A low-order point gives all zeros (RFC 7748 §6.1); OpenSSL refuses it instead. Both are undefined. */
const nonZero = (shared: Uint8Array): Uint8Array | undefined => (shared.some((b) => b !== 0) ? shared : undefined)

/** The backend in use: WebCrypto until node:crypto has loaded. */
let backend: SealCrypto | undefined

/** The sealing backend of this runtime. */
export function sealCrypto(): SealCrypto {
  return (backend ??= webCryptoSealCrypto())
}

/** Called by the native backend once node:crypto has loaded (src/crypto/native.ts). */
export function useNodeSealCrypto(nodeCrypto: NodeSealCrypto): void {
  backend = nodeSealCrypto(nodeCrypto)
}

/**
 * On node:crypto: synchronous OpenSSL calls, one KeyObject per private key. Keys are imported as
 * JWK, which OpenSSL 3 does in about 30 µs, against about 380 for the same private key in DER and
 * 100 for a public key. A private JWK must carry an `x`, which OpenSSL does not read: it takes the
 * key from `d` and computes the public key itself (test/crypto/seal-crypto.test.ts holds it to
 * RFC 7748's keys), so a placeholder stands in for the `x` nobody has computed yet.
 */
export function nodeSealCrypto(nodeCrypto: NodeSealCrypto): SealCrypto {
  const { createPrivateKey, createPublicKey, diffieHellman, createCipheriv, createDecipheriv } = nodeCrypto
  const PLACEHOLDER_X = 'A'.repeat(43)
  const privateKeys = new WeakMap<X25519Private, ReturnType<typeof createPrivateKey>>()
  const privateKey = (key: X25519Private) => {
    let k = privateKeys.get(key)
    if (k === undefined) {
      const jwk = { kty: 'OKP', crv: 'X25519', d: encodeBase64url(key.d), x: PLACEHOLDER_X }
      k = createPrivateKey({ key: jwk, format: 'jwk' })
      privateKeys.set(key, k)
    }
    return k
  }
  return Object.freeze({
    async publicKey(key: X25519Private) {
      const { x } = createPublicKey(privateKey(key)).export({ format: 'jwk' })
      return decodeBase64url(x!, 'X25519 public key')
    },
    async agree(key: X25519Private, publicKey: Uint8Array) {
      try {
        const pub = createPublicKey({
          key: { kty: 'OKP', crv: 'X25519', x: encodeBase64url(publicKey) },
          format: 'jwk',
        })
        return nonZero(new Uint8Array(diffieHellman({ privateKey: privateKey(key), publicKey: pub })))
      } catch {
        return undefined
      }
    },
    async encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array) {
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 })
      cipher.setAAD(aad)
      return new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]))
    },
    async decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array) {
      if (data.length < 16) return undefined
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 })
      decipher.setAAD(aad)
      decipher.setAuthTag(data.subarray(data.length - 16))
      try {
        const head = decipher.update(data.subarray(0, data.length - 16))
        return new Uint8Array(Buffer.concat([head, decipher.final()]))
      } catch {
        return undefined
      }
    },
  })
}

/** WebCrypto: every runtime with X25519 (Node 20, Deno, Bun, workerd, current browsers). */
export function webCryptoSealCrypto(): SealCrypto {
  const subtle = () => globalThis.crypto.subtle
  const view = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>
  const privateKeys = new WeakMap<X25519Private, Promise<CryptoKey>>()
  // Extractable, so the public key can be read back from the JWK export (WebCrypto has no other way).
  const privateKey = (key: X25519Private) => {
    let k = privateKeys.get(key)
    if (k === undefined) {
      const pkcs8 = concatBytes(Uint8Array.from(PKCS8_X25519), key.d) as Uint8Array<ArrayBuffer>
      k = subtle().importKey('pkcs8', pkcs8, { name: 'X25519' }, true, ['deriveBits'])
      privateKeys.set(key, k)
    }
    return k
  }
  const aes = (key: Uint8Array, usage: KeyUsage) => subtle().importKey('raw', view(key), 'AES-GCM', false, [usage])
  const gcm = (iv: Uint8Array, aad: Uint8Array) => ({
    name: 'AES-GCM',
    iv: view(iv),
    additionalData: view(aad),
    tagLength: 128,
  })
  return Object.freeze({
    async publicKey(key: X25519Private) {
      const { x } = await subtle().exportKey('jwk', await privateKey(key))
      return decodeBase64url(x!, 'X25519 public key')
    },
    async agree(key: X25519Private, publicKey: Uint8Array) {
      try {
        const pub = await subtle().importKey('raw', view(publicKey), { name: 'X25519' }, false, [])
        const bits = await subtle().deriveBits({ name: 'X25519', public: pub }, await privateKey(key), 256)
        return nonZero(new Uint8Array(bits))
      } catch {
        return undefined
      }
    },
    async encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array) {
      return new Uint8Array(await subtle().encrypt(gcm(iv, aad), await aes(key, 'encrypt'), view(plaintext)))
    },
    async decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array) {
      try {
        return new Uint8Array(await subtle().decrypt(gcm(iv, aad), await aes(key, 'decrypt'), view(data)))
      } catch {
        return undefined
      }
    },
  })
}
