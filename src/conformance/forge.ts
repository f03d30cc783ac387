/**
 * Hostile messages: what no `sign*` function will make, because it refuses to sign anything the
 * spec forbids. Each is one fault and nothing else, so the vendor's answer can be held to the one
 * code the spec gives that fault (§Verification: the first failing step decides the code).
 */
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { fromUtf8, utf8 } from '../lib/utf8.js'
import type { KeyPair } from '../keys/key-pair.js'
import { signerFor } from '../keys/signer.js'
import { signSegments } from '../envelope/sign.js'

/**
 * A compact JWS over any header and payload, signed by `keyPair`: the signature is valid, so the
 * vendor's answer is about the header or the claims, not about the signature.
 */
export async function signRawJws(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  keyPair: KeyPair,
): Promise<string> {
  const h = encodeBase64url(utf8(JSON.stringify(header)))
  const p = encodeBase64url(utf8(JSON.stringify(payload)))
  return `${h}.${p}.${await signSegments(await signerFor(keyPair), h, p)}`
}

/**
 * The same JWS with one bit of its signature changed, still canonical base64url: it parses, names
 * a resolvable key, and fails only at the signature (§Verification step 16). The first character
 * is the top six bits of R, so any change there is canonical.
 */
export function flipSignature(jws: string): string {
  const at = jws.lastIndexOf('.') + 1
  const first = jws[at] === 'A' ? 'B' : 'A'
  return jws.slice(0, at) + first + jws.slice(at + 1)
}

/** The payload of a compact JWS the kit signed itself, decoded: for building a variant of it. */
export function claimsOf(jws: string): Record<string, unknown> {
  return JSON.parse(fromUtf8(decodeBase64url(jws.split('.')[1]!, 'payload'), 'payload')) as Record<string, unknown>
}
