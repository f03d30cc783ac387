/**
 * The contract between `prepared.ts` and the backends (`native.ts`, `noble.ts`).
 *
 * A backend turns key bytes into closures bound to an imported key, once; the hot path then
 * costs one call. Backends never see bytes that break the rule's byte checks: `prepared.ts` has
 * already run `checkKeyEncoding` on every key and `checkSignatureBytes` on every signature. The
 * one check that needs curve arithmetic, a key on the curve, is left to the backend's own
 * decoding of the key (see `preparePublicKey`).
 */

/**
 * Verifies `signature` (64 bytes, prechecked) on `message` under the bound key.
 * `inline` asks for the answer on the calling thread; backends that cannot offload ignore it.
 * Returns false, never throws, for a signature that does not verify.
 */
export type Verifier = (message: Uint8Array, signature: Uint8Array, inline: boolean) => boolean | Promise<boolean>

/**
 * Signs `message` with the bound private key; returns the 64-byte signature. `inline` as for
 * `Verifier`.
 */
export type Signer = (message: Uint8Array, inline: boolean) => Uint8Array | Promise<Uint8Array>

export interface Engine {
  /**
   * `raw` is a 32-byte key that passed `checkKeyEncoding`; the engine may keep it. It may be off
   * the curve (rule step 5 is proven by the first signature it verifies): the engine refuses it
   * on import, or its verifications fail.
   */
  importPublicKey(raw: Uint8Array): Promise<Verifier>
  /** `seed` is the 32-byte RFC 8032 private key; the engine copies what it keeps. */
  importPrivateKey(seed: Uint8Array): Promise<{ readonly publicKey: Uint8Array; readonly sign: Signer }>
}
