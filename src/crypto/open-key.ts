/**
 * The key agreement and decryption that opening a sealed body needs (spec §Encrypted envelopes),
 * on the fastest backend the runtime has: node:crypto under Node, once the native backend has
 * loaded it (`useNodeOpening`), else WebCrypto. Under Node the two calls are synchronous OpenSSL
 * work of a few tens of microseconds; through WebCrypto each is a hop to the thread pool, and an
 * open took four or five of them, several times the cost of the verify that follows.
 */
import { encodeBase64url } from '../lib/base64url.js'
import { concatBytes } from '../lib/bytes.js'

/** A recipient's X25519 private key: its 32 bytes, with whatever each backend has imported of it. */
export interface OpeningKey {
  readonly d: Uint8Array
}

/** What opening asks of a backend. */
export interface Opening {
  /** X25519 (RFC 7748): the shared secret, or undefined for a low-order public key. */
  agree(key: OpeningKey, publicKey: Uint8Array): Promise<Uint8Array | undefined>
  /** AES-256-GCM with a 128-bit tag at the end of `data`: the plaintext, or undefined when the tag fails. */
  decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array): Promise<Uint8Array | undefined>
}

type NodeCrypto = typeof import('node:crypto')

/** The DER prefix of an X25519 PKCS #8 private key (RFC 8410). */
const PKCS8_X25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]

const der = (prefix: readonly number[], key: Uint8Array) =>
  concatBytes(Uint8Array.from(prefix), key) as Uint8Array<ArrayBuffer>

/** A low-order point gives all zeros (RFC 7748 §6.1); OpenSSL refuses it instead. Both are undefined. */
const nonZero = (shared: Uint8Array): Uint8Array | undefined => (shared.some((b) => b !== 0) ? shared : undefined)

/** The backend in use: WebCrypto until node:crypto has loaded. */
let backend: Opening | undefined

/** The opening backend of this runtime. */
export function opening(): Opening {
  return (backend ??= webCryptoOpening())
}

/** Called by the native backend once node:crypto has loaded (src/crypto/native.ts). */
export function useNodeOpening(nodeCrypto: NodeOpeningCrypto): void {
  backend = nodeOpening(nodeCrypto)
}

type NodeOpeningCrypto = Pick<NodeCrypto, 'createPrivateKey' | 'createPublicKey' | 'diffieHellman' | 'createDecipheriv'>

/** Opening on node:crypto: synchronous OpenSSL calls, one KeyObject per recipient key. */
export function nodeOpening(nodeCrypto: NodeOpeningCrypto): Opening {
  const { createPrivateKey, createPublicKey, diffieHellman, createDecipheriv } = nodeCrypto
  // One KeyObject per recipient key, kept as long as the key is.
  const privateKeys = new WeakMap<OpeningKey, ReturnType<typeof createPrivateKey>>()
  const privateKey = (key: OpeningKey) => {
    let k = privateKeys.get(key)
    if (k === undefined) {
      k = createPrivateKey({ key: Buffer.from(der(PKCS8_X25519, key.d)), format: 'der', type: 'pkcs8' })
      privateKeys.set(key, k)
    }
    return k
  }
  return Object.freeze({
    async agree(key: OpeningKey, publicKey: Uint8Array) {
      try {
        // As a JWK: OpenSSL 3 imports one in about 15 µs, and the same key in DER in about 100.
        const x = encodeBase64url(publicKey)
        const pub = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' })
        return nonZero(new Uint8Array(diffieHellman({ privateKey: privateKey(key), publicKey: pub })))
      } catch {
        return undefined
      }
    },
    async decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array) {
      if (data.length < 16) return undefined
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 })
      decipher.setAAD(aad)
      decipher.setAuthTag(data.subarray(data.length - 16))
      try {
        const head = decipher.update(data.subarray(0, data.length - 16))
        const tail = decipher.final()
        return new Uint8Array(Buffer.concat([head, tail]))
      } catch {
        return undefined
      }
    },
  })
}

/** WebCrypto: every runtime with X25519 (Node 20, Deno, Bun, workerd, current browsers). */
export function webCryptoOpening(): Opening {
  const subtle = () => globalThis.crypto.subtle
  const view = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>
  const privateKeys = new WeakMap<OpeningKey, Promise<CryptoKey>>()
  const privateKey = (key: OpeningKey) => {
    let k = privateKeys.get(key)
    if (k === undefined) {
      k = subtle().importKey('pkcs8', der(PKCS8_X25519, key.d), { name: 'X25519' }, false, ['deriveBits'])
      privateKeys.set(key, k)
    }
    return k
  }
  return Object.freeze({
    async agree(key: OpeningKey, publicKey: Uint8Array) {
      try {
        const pub = await subtle().importKey('raw', view(publicKey), { name: 'X25519' }, false, [])
        const bits = await subtle().deriveBits({ name: 'X25519', public: pub }, await privateKey(key), 256)
        return nonZero(new Uint8Array(bits))
      } catch {
        return undefined
      }
    },
    async decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array) {
      try {
        const k = await subtle().importKey('raw', view(key), 'AES-GCM', false, ['decrypt'])
        const params = { name: 'AES-GCM', iv: view(iv), additionalData: view(aad), tagLength: 128 }
        return new Uint8Array(await subtle().decrypt(params, k, view(data)))
      } catch {
        return undefined
      }
    },
  })
}
