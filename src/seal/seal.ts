import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { sha256 } from '../crypto/sha256.js'
import { IntentcastError } from '../errors.js'
import { encodeBase64url } from '../lib/base64url.js'
import { utf8 } from '../lib/utf8.js'
import { coseBinding, jweBinding } from './bindings.js'
import type { SealPublicJwk } from './keys.js'
import { sealTo, type SealFixed } from './recipient.js'

/**
 * Encrypts a message body to one recipient (spec §Encrypted envelopes). The body is what would
 * otherwise be sent in the clear, in its binding's media type: in the JWS binding a string (one
 * JWS, or an acceptance, a line feed and the agreement), sealed in a compact JWE (ECDH-ES over
 * X25519, A256GCM, `cty` `intentcast+jws`); in the COSE binding bytes (one tagged COSE message, or
 * the CBOR array `[acceptance, agreement]`), sealed in a COSE_Encrypt (ECDH-ES + HKDF-256 over
 * X25519, A256GCM, content type `application/intentcast+cose`). The body is carried unchanged, so
 * each message keeps its digest, its signature and its place in a thread. When the recipient's
 * JWK has a `kid`, the sealed header names it, so a recipient with several keys picks the right
 * one. Whoever relays the result sees only the algorithms, the ephemeral key, the `kid` and the
 * length.
 *
 * @param body A non-empty body: a string in the JWS binding, bytes in the COSE binding.
 * @param recipient The recipient's X25519 public JWK (`use: "enc"`).
 * @returns A compact JWE for a string, a tagged COSE_Encrypt for bytes.
 * @throws IntentcastError ERR_INVALID_ARGUMENT for an empty body or one of another type, or a
 *   recipient that is not a usable X25519 public JWK.
 * @example
 * ```ts
 * import { signOffer } from 'intentcast'
 * import { seal } from 'intentcast/seal'
 * const jwe = await seal(await signOffer(body, vendor, { audience: customer.did }), customerReplyKey)
 * const sealedCose = await seal(await signOffer(body, vendor, { audience: customer.did, format: 'cose' }), customerReplyKey)
 * ```
 */
export function seal(body: string, recipient: SealPublicJwk): Promise<string>
export function seal(body: Uint8Array, recipient: SealPublicJwk): Promise<Uint8Array>
export function seal(body: string | Uint8Array, recipient: SealPublicJwk): Promise<string | Uint8Array>
export function seal(body: string | Uint8Array, recipient: SealPublicJwk): Promise<string | Uint8Array> {
  return sealWith(body, recipient)
}

/** `seal`, with the ephemeral key and IV fixed when `fixed` is given (vectors, and `sealOnce`). */
export function sealWith(body: string, recipient: SealPublicJwk, fixed?: SealFixed): Promise<string>
export function sealWith(body: Uint8Array, recipient: SealPublicJwk, fixed?: SealFixed): Promise<Uint8Array>
export function sealWith(
  body: string | Uint8Array,
  recipient: SealPublicJwk,
  fixed?: SealFixed,
): Promise<string | Uint8Array>
export async function sealWith(
  body: string | Uint8Array,
  recipient: SealPublicJwk,
  fixed?: SealFixed,
): Promise<string | Uint8Array> {
  const isText = typeof body === 'string'
  if (!(isText || body instanceof Uint8Array) || body.length === 0) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'seal takes a non-empty body: a string (JWS) or bytes (COSE)')
  }
  const to = sealTo(recipient)
  return isText ? (await jweBinding()).sealJwe(body, to, fixed) : (await coseBinding()).sealCose(body, to, fixed)
}

/**
 * `seal`, the same bytes every time for the same body, recipient and `secret` (spec §Encrypted
 * envelopes, Sealing again): the ephemeral key and IV are HKDF-SHA256 of `secret` (salt
 * `intentcast/0.1 seal again`, info the SHA-256 of the JSON array of the body's digest, the
 * recipient's `x` and `kid`, and the binding), so sending an answer again (a retry, a relay's
 * redelivery, another process of the same vendor) sends the very bytes the relay already holds,
 * and it keeps them once. Everything the header says but the ephemeral key is in the info, so
 * two seals that differ in anything the tag covers never share a key and IV (GCM with a repeated
 * IV would give its authentication key away); the same body to the same recipient repeats only
 * itself. Internal: the vendor's answers, with its encryption key's private bytes as `secret`.
 */
export function sealOnce<B extends string | Uint8Array>(
  body: B,
  recipient: SealPublicJwk,
  secret: Uint8Array,
): Promise<B> {
  const text: string | Uint8Array = body
  const bytes = typeof text === 'string' ? utf8(text) : text
  const seal = [
    encodeBase64url(sha256(bytes)),
    recipient?.x ?? null,
    recipient?.kid ?? null,
    typeof text === 'string' ? 'jwe' : 'cose',
  ]
  const okm = hkdf(nobleSha256, secret, utf8(SEAL_AGAIN), sha256(utf8(JSON.stringify(seal))), 44)
  return sealWith(body, recipient, { ephemeralSeed: okm.subarray(0, 32), iv: okm.subarray(32) }) as Promise<B>
}

const SEAL_AGAIN = 'intentcast/0.1 seal again'
