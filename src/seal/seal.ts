/**
 * Sealing uses `jose` (panva/jose), the package's one JOSE dependency: audited, dependency-free,
 * on WebCrypto in every runtime (X25519 ECDH-ES included, Node 20 too), so no key agreement,
 * Concat KDF or AES-GCM of our own is written or bundled. Only `intentcast/seal` imports it.
 */
import { CompactEncrypt, importJWK } from 'jose'
import { IntentcastError } from '../errors.js'
import { utf8 } from '../lib/utf8.js'
import type { SealPublicJwk } from './keys.js'
import { SEAL_ALG, SEAL_CTY_JWS, SEAL_ENC } from './profile.js'

/** Options of `seal`. */
export interface SealOptions {
  /** Names the recipient's key in the JWE header, so a recipient with several keys picks the right one. */
  kid?: string
}

/**
 * The ephemeral key and IV a vector fixes. Internal: with a reused ephemeral key and IV, AES-GCM
 * loses its confidentiality, so only scripts/vectors-seal.ts passes them.
 */
export interface SealFixed {
  readonly epk: CryptoKey
  readonly iv: Uint8Array
}

const OPTION_KEYS = new Set(['kid'])

/**
 * Encrypts a signed message to one recipient (spec §Encrypted envelopes): a compact JWE with
 * ECDH-ES (X25519) and A256GCM, whose `cty` names the message inside. The message is carried
 * unchanged, so its digest, its signature and its place in a thread are those it had before.
 * Whoever relays the JWE sees only its header: the algorithms, the ephemeral key and the `kid`.
 *
 * @param message A signed message in the JWS binding, compact or JSON.
 * @param recipient The recipient's X25519 public JWK (`use: "enc"`).
 * @throws IntentcastError ERR_INVALID_ARGUMENT for an empty message, a recipient that is not an
 *   X25519 public JWK, or an option `seal` does not take.
 * @example
 * ```ts
 * import { signOffer } from 'intentcast'
 * import { seal } from 'intentcast/seal'
 * const offer = await signOffer(body, vendor, { audience: customer.did })
 * const jwe = await seal(offer, customerReplyKey) // eyJhbGciOiJFQ0RILUVTIi…
 * ```
 */
export function seal(message: string, recipient: SealPublicJwk, options?: SealOptions): Promise<string> {
  return sealWith(message, recipient, options)
}

/** `seal`, with the ephemeral key and IV fixed when `fixed` is given (vectors only). */
export async function sealWith(
  message: string,
  recipient: SealPublicJwk,
  options: SealOptions | undefined,
  fixed?: SealFixed,
): Promise<string> {
  if (typeof message !== 'string' || message.length === 0) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'seal takes a signed message, a non-empty string')
  }
  const kid = kidOf(options)
  const key = await importRecipient(recipient)
  const jwe = new CompactEncrypt(utf8(message)).setProtectedHeader({
    alg: SEAL_ALG,
    enc: SEAL_ENC,
    cty: SEAL_CTY_JWS,
    ...(kid !== undefined && { kid }),
  })
  if (fixed !== undefined) jwe.setKeyManagementParameters({ epk: fixed.epk }).setInitializationVector(fixed.iv)
  return jwe.encrypt(key)
}

function kidOf(options: SealOptions | undefined): string | undefined {
  if (options === undefined) return undefined
  if (typeof options !== 'object' || options === null) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'seal options must be an object')
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key))
      throw new IntentcastError('ERR_INVALID_ARGUMENT', `seal has no option "${key.slice(0, 32)}"`)
  }
  const { kid } = options
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0)) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'kid is a non-empty string')
  }
  return kid
}

/** The recipient's key for jose; anything but an X25519 public JWK is the caller's mistake. */
async function importRecipient(jwk: SealPublicJwk): Promise<CryptoKey> {
  const j = jwk as Partial<SealPublicJwk> | null
  if (typeof j !== 'object' || j === null || j.kty !== 'OKP' || j.crv !== 'X25519' || typeof j.x !== 'string') {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the recipient is an X25519 public JWK')
  }
  if (j.use !== undefined && j.use !== 'enc') {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the recipient key is not for encryption (use is not "enc")')
  }
  try {
    return await importJWK({ kty: 'OKP', crv: 'X25519', x: j.x }, SEAL_ALG)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the recipient is not a valid X25519 public key', { cause })
  }
}
