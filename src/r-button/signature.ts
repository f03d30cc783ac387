/**
 * Ed25519 for the element, by the intentcast rule (src/crypto/rule.ts), with no module to load
 * later: `r-button.browser.js` is one file, so the pure-JS fallback is in it rather than in a
 * chunk a page would have to serve beside it.
 *
 * The SDK's own path (`crypto/prepared.ts`) is not used here: it reaches node:crypto through a
 * dynamic import and loads its fallback and SHA-256 lazily, which is what split the bundle.
 * What decides validity is the same: the rule's byte checks run first, then the curve equation,
 * natively (WebCrypto) or in pure JS (`nobleEngine`, the SDK's own noble backend).
 * @module
 */
import { nobleEngine } from '../crypto/noble.js'
import { checkPublicKeyBytes, checkSignatureBytes } from '../crypto/rule.js'

/**
 * Where the curve math runs. `webcrypto`: the browser's own Ed25519 (Chrome 137, Firefox 129,
 * Safari 17 and later). `noble`: pure JS, for older browsers and for pages without a secure
 * context, which have no `crypto.subtle` at all.
 */
export type SignatureBackend = 'webcrypto' | 'noble'

/** A valid key, the base point (y = 4/5): enough to ask WebCrypto whether it knows Ed25519. */
const PROBE_KEY = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0x58 : 0x66))

/** WebCrypto takes views over a plain ArrayBuffer; these bytes are only read. */
const source = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes as Uint8Array<ArrayBuffer>

let chosen: Promise<SignatureBackend> | undefined

/**
 * The backend this browser gets: WebCrypto where it imports an Ed25519 key, else noble. Asked
 * once per page.
 * @example
 * ```ts
 * await signatureBackend() // 'webcrypto' in a current browser
 * ```
 */
export function signatureBackend(): Promise<SignatureBackend> {
  chosen ??= (async () => {
    try {
      await globalThis.crypto.subtle.importKey('raw', PROBE_KEY, 'Ed25519', false, ['verify'])
      return 'webcrypto'
    } catch {
      // No subtle (an insecure context) or no Ed25519 in it (NotSupportedError): either way, noble.
      return 'noble'
    }
  })()
  return chosen
}

/**
 * Whether `signature` is a valid Ed25519 signature of `message` under `publicKey`, by the rule:
 * false, never a throw, for a key or a signature that breaks it.
 * @param backend - for tests; default {@link signatureBackend}.
 * @example
 * ```ts
 * if (!(await verifySignature(publicKey, utf8(signingInput), signature))) throw new Error('forged')
 * ```
 */
export async function verifySignature(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  backend?: SignatureBackend,
): Promise<boolean> {
  // Rule steps 1-5 on bytes, before any backend sees them: this is what makes WebCrypto (whose
  // handling of small-order and non-canonical points differs between browsers) and noble agree.
  if (!checkPublicKeyBytes(publicKey) || !checkSignatureBytes(signature)) return false
  if ((backend ?? (await signatureBackend())) === 'noble')
    return (await nobleEngine.importPublicKey(publicKey))(message, signature, true)
  const subtle = globalThis.crypto.subtle
  const key = await subtle.importKey('raw', source(publicKey), 'Ed25519', false, ['verify'])
  return subtle.verify('Ed25519', key, source(signature), source(message))
}
