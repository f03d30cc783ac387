import { coseStructureOf, decodeCoseMessage, readBytes } from '../cose/message.js'
import { toBeSigned } from '../cose/sign1.js'
import { sha256 } from '../crypto/sha256.js'
import { IntentcastError } from '../errors.js'
import { encodeBase64url } from '../lib/base64url.js'
import { utf8 } from '../lib/utf8.js'
import { parseGeneralJws } from './general.js'

/** base64url(SHA-256(ASCII(text))): the digest of a signing input or payload segment. */
export function sha256Base64url(ascii: string): string {
  return encodeBase64url(sha256(utf8(ascii)))
}

/** A COSE_Sign1's digest: SHA-256 over its Sig_structure, the exact bytes signed. */
export function coseSign1Digest(protectedBytes: Uint8Array, payload: Uint8Array): string {
  return sigStructureDigest(toBeSigned(protectedBytes, payload))
}

/** A COSE_Sign1's digest from its Sig_structure, when the verifier has already built it. */
export function sigStructureDigest(toBeSigned: Uint8Array): string {
  return encodeBase64url(sha256(toBeSigned))
}

/** A COSE_Sign agreement's digest: SHA-256 over its payload, the bytes both parties signed. */
export function coseSignDigest(payload: Uint8Array): string {
  return encodeBase64url(sha256(payload))
}

/**
 * A message's digest (spec §Digests), the value other messages use to reference it:
 * - compact JWS: SHA-256 over the JWS signing input (`header.payload`), the exact bytes signed;
 * - agreement (JWS JSON): SHA-256 over its payload segment, the bytes both parties signed;
 * - COSE_Sign1: over its Sig_structure; COSE_Sign (agreement): over its payload.
 * Either way the digest does not depend on how the signature bytes happen to be written.
 * A verified message carries its digest already; this is for raw messages.
 *
 * @example
 * ```ts
 * import { digest, signIntent, verify } from 'intentcast'
 *
 * const intent = await signIntent(body, customer)
 * const ref = digest(intent) // what an offer's inReplyTo names
 * ref === (await verify(intent)).digest // true
 * ```
 */
export function digest(message: string | Uint8Array | { readonly digest: string }): string {
  if (message instanceof Uint8Array) {
    if (coseStructureOf(message) === 'COSE_Sign1') {
      const [protectedField, , payload] = decodeCoseMessage(message, 'COSE_Sign1', {})
      return coseSign1Digest(readBytes(protectedField, 'protected header'), readBytes(payload, 'payload'))
    }
    const [, , payload] = decodeCoseMessage(message, 'COSE_Sign', {})
    return coseSignDigest(readBytes(payload, 'payload'))
  }
  if (typeof message !== 'string') {
    if (typeof message?.digest === 'string') return message.digest
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'digest takes a message (string or bytes) or a verified message')
  }
  if (message.startsWith('{')) return sha256Base64url(parseGeneralJws(message).payload)
  const last = message.lastIndexOf('.')
  if (last <= 0 || message.indexOf('.') === last) throw new IntentcastError('ERR_MALFORMED', 'not a compact JWS')
  return sha256Base64url(message.slice(0, last))
}
