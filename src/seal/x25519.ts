/**
 * X25519 on WebCrypto (RFC 7748), in every runtime and in Node 20: importing a private key from
 * its 32 bytes, drawing an ephemeral key, and the key agreement with its low-order check.
 */
import { decodeBase64url } from '../lib/base64url.js'

/**
 * The PKCS #8 prefix of an X25519 private key (RFC 8410): WebCrypto imports a raw private key
 * only in this wrapping.
 */
const PKCS8_X25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]

const subtle = () => globalThis.crypto.subtle

/**
 * A view as WebCrypto's types want it, backed by an ArrayBuffer, which TypeScript cannot tell from
 * `Uint8Array` alone. The SDK's own views are; a caller's body in shared memory is refused by
 * WebCrypto itself.
 */
export const bufferSource = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>

/** The private key of 32 bytes; `extractable` so its JWK (with the public `x`) can be read back. */
export function importPrivateSeed(seed: Uint8Array, extractable: boolean): Promise<CryptoKey> {
  const pkcs8 = new Uint8Array(PKCS8_X25519.length + 32)
  pkcs8.set(PKCS8_X25519)
  pkcs8.set(seed, PKCS8_X25519.length)
  return subtle().importKey('pkcs8', pkcs8, { name: 'X25519' }, extractable, ['deriveBits'])
}

/** An ephemeral key pair: fresh, or from `seed` when a vector fixes it. `x` is the public key. */
export async function ephemeral(seed?: Uint8Array): Promise<{ privateKey: CryptoKey; x: Uint8Array }> {
  if (seed !== undefined) {
    const privateKey = await importPrivateSeed(seed, true)
    const { x } = await subtle().exportKey('jwk', privateKey)
    return { privateKey, x: decodeBase64url(x!, 'ephemeral key') }
  }
  const pair = (await subtle().generateKey({ name: 'X25519' }, false, ['deriveBits'])) as CryptoKeyPair
  return { privateKey: pair.privateKey, x: new Uint8Array(await subtle().exportKey('raw', pair.publicKey)) }
}

/**
 * The shared secret of `privateKey` and the public key `x`, or undefined when `x` is a low-order
 * point. RFC 7748 §6.1 has the check be an all-zero result; some runtimes (Node's OpenSSL) refuse
 * the operation instead, and both are reported the same way.
 */
export async function agree(privateKey: CryptoKey, x: Uint8Array): Promise<Uint8Array | undefined> {
  let shared: Uint8Array
  try {
    const publicKey = await subtle().importKey('raw', bufferSource(x), { name: 'X25519' }, false, [])
    shared = new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: publicKey }, privateKey, 256))
  } catch {
    return undefined
  }
  return shared.some((b) => b !== 0) ? shared : undefined
}
