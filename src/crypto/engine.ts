/**
 * The contract between `prepared.ts` and the backends (`native.ts`, `noble.ts`).
 *
 * A backend turns key bytes into closures bound to an imported key, once; the hot path then
 * costs one call. Backends never see bytes that break the rule: `prepared.ts` has already run
 * `checkPublicKeyBytes` on every key and `checkSignatureBytes` on every signature.
 */

/**
 * Verifies `signature` (64 bytes, prechecked) on `message` under the bound key.
 * `inline` asks for the answer on the calling thread; backends that cannot offload ignore it.
 * Returns false, never throws, for a signature that does not verify.
 */
export type Verifier = (message: Uint8Array, signature: Uint8Array, inline: boolean) => boolean | Promise<boolean>

/** Signs `message` with the bound private key; returns the 64-byte signature. */
export type Signer = (message: Uint8Array) => Uint8Array | Promise<Uint8Array>

export interface Engine {
  /** `raw` is a 32-byte key that passed `checkPublicKeyBytes`; the engine may keep it. */
  importPublicKey(raw: Uint8Array): Promise<Verifier>
  /** `seed` is the 32-byte RFC 8032 private key; the engine copies what it keeps. */
  importPrivateKey(seed: Uint8Array): Promise<{ readonly publicKey: Uint8Array; readonly sign: Signer }>
}
