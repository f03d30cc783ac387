/**
 * Native backend: node:crypto (OpenSSL) under Node, WebCrypto `crypto.subtle` elsewhere.
 *
 * node:crypto is taken from `process.getBuiltinModule`, only when running under Node, so bundles
 * built for browsers never see it. Keys become a KeyObject / CryptoKey once, at import, and the
 * returned closures reuse them.
 */
import { IntentcastError } from '../errors.js'
import { encodeBase64url } from '../lib/base64url.js'
import type { Engine, Verifier } from './engine.js'
import { useNodeSha256 } from './native-hash.js'
import { useNodeSealCrypto } from './seal-crypto.js'

type NodeCrypto = typeof import('node:crypto')

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows. */
const SPKI_PREFIX = Object.freeze([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])
/** DER prefix of an Ed25519 PKCS #8 PrivateKeyInfo (RFC 8410); the 32-byte seed follows. */
const PKCS8_PREFIX = Object.freeze([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])

function der(prefix: readonly number[], key: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(prefix.length + key.length)
  out.set(prefix)
  out.set(key, prefix.length)
  return out
}

/** A view, not a copy: node's key APIs are typed to take a Buffer. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/** The engine over node:crypto. */
function nodeEngine(nodeCrypto: NodeCrypto): Engine {
  const { createPrivateKey, createPublicKey, sign, verify } = nodeCrypto
  return Object.freeze({
    async importPublicKey(raw: Uint8Array): Promise<Verifier> {
      // As a JWK: OpenSSL 3 imports one in about 13 µs, and the same key in DER (SPKI) in about
      // 115, as much as the signature check itself; every intent comes from a fresh cast key.
      const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(raw) }, format: 'jwk' })
      return (message, signature, inline) => {
        // Ed25519 takes no digest name: the algorithm argument is null.
        if (inline) return verify(null, message, key, signature)
        // With a callback node runs OpenSSL on libuv's thread pool, so queued verifications
        // use every core instead of blocking the event loop one after another.
        return new Promise((resolve, reject) => {
          verify(null, message, key, signature, (error, ok) => (error ? reject(error) : resolve(ok)))
        })
      }
    },

    async importPrivateKey(seed: Uint8Array) {
      const pkcs8 = der(PKCS8_PREFIX, seed)
      let key
      try {
        key = createPrivateKey({ key: asBuffer(pkcs8), format: 'der', type: 'pkcs8' })
      } finally {
        // OpenSSL holds its own copy; do not leave the seed lying in a garbage-collected buffer.
        pkcs8.fill(0)
      }
      const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
      const publicKey = Uint8Array.from(spki.subarray(SPKI_PREFIX.length))
      return {
        publicKey,
        sign: (message: Uint8Array, inline: boolean) => {
          // node allocates a fresh 64-byte buffer per signature, so a view over it is safe.
          const view = (signature: Buffer) =>
            new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength)
          if (inline) return view(sign(null, message, key))
          return new Promise<Uint8Array>((resolve, reject) => {
            sign(null, message, key, (error, signature) => (error ? reject(error) : resolve(view(signature))))
          })
        },
      }
    },
  })
}

/** WebCrypto names the algorithm, with no parameters. */
const ED25519 = 'Ed25519'

/**
 * WebCrypto wants `BufferSource`, which TypeScript narrows to views over a plain ArrayBuffer.
 * The bytes are only read, and a view over a SharedArrayBuffer is refused by WebCrypto itself.
 */
const source = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes as Uint8Array<ArrayBuffer>

function fromBase64url(text: string): Uint8Array {
  return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
}

/** The engine over WebCrypto, for browsers, Deno, Bun, workers. */
function webCryptoEngine(subtle: SubtleCrypto): Engine {
  return Object.freeze({
    async importPublicKey(raw: Uint8Array): Promise<Verifier> {
      const key = await subtle.importKey('raw', source(raw), ED25519, false, ['verify'])
      return (message, signature) => subtle.verify(ED25519, key, source(signature), source(message))
    },

    async importPrivateKey(seed: Uint8Array) {
      const pkcs8 = der(PKCS8_PREFIX, seed)
      try {
        // WebCrypto cannot derive a public key from an imported private key except by exporting
        // it as a JWK (whose `x` is the public key). The exportable copy is dropped right away;
        // the key kept for signing is not extractable.
        const exportable = await subtle.importKey('pkcs8', pkcs8, ED25519, true, ['sign'])
        const { x } = await subtle.exportKey('jwk', exportable)
        const key = await subtle.importKey('pkcs8', pkcs8, ED25519, false, ['sign'])
        if (x === undefined) throw new IntentcastError('ERR_INTERNAL', 'WebCrypto exported an Ed25519 JWK without "x"')
        return {
          publicKey: fromBase64url(x),
          sign: async (message: Uint8Array) => new Uint8Array(await subtle.sign(ED25519, key, source(message))),
        }
      } finally {
        pkcs8.fill(0)
      }
    },
  })
}

/**
 * Any valid key will do to ask WebCrypto whether it supports Ed25519: this one is the base
 * point, y = 4/5.
 */
const PROBE_KEY = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0x58 : 0x66))

async function loadWebCrypto(): Promise<Engine> {
  const subtle = globalThis.crypto?.subtle
  if (subtle === undefined)
    throw new IntentcastError('ERR_INTERNAL', 'WebCrypto is not available (crypto.subtle is missing)')
  const engine = webCryptoEngine(subtle)
  await engine.importPublicKey(PROBE_KEY) // rejects where Ed25519 is not supported
  return engine
}

let native: Promise<Engine> | undefined

/**
 * The native engine for this runtime, loaded once: node:crypto under Node, WebCrypto
 * elsewhere. Rejects where neither offers Ed25519.
 */
export function loadNative(): Promise<Engine> {
  native ??= Promise.resolve()
    .then(builtinCrypto)
    .then((nodeCrypto) => {
      if (nodeCrypto === undefined) return loadWebCrypto()
      useNodeSha256(nodeCrypto)
      useNodeSealCrypto(nodeCrypto)
      return nodeEngine(nodeCrypto)
    })
  return native
}

/**
 * node:crypto where the runtime is Node (or says it is), taken from `process.getBuiltinModule`
 * (Node 20.16+) rather than imported: a bundle for a browser or a worker then has no Node
 * built-in to resolve, with no `external` or `--platform` flag. Undefined elsewhere.
 */
function builtinCrypto(): NodeCrypto | undefined {
  const process = globalThis.process
  return process?.versions?.node ? process.getBuiltinModule?.('node:crypto') : undefined
}
