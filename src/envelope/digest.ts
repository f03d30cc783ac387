import { sha256 } from '../crypto/sha256.js'
import { IntentcastError } from '../errors.js'
import { encodeBase64url } from '../lib/base64url.js'
import { utf8 } from '../lib/utf8.js'
import { parseGeneralJws } from './general.js'

/** base64url(SHA-256(ASCII(text))): the digest of a signing input or payload segment. */
export function sha256Base64url(ascii: string): string {
  return encodeBase64url(sha256(utf8(ascii)))
}

/**
 * A message's digest (spec §Digests), the value other messages use to reference it:
 * - compact JWS: SHA-256 over the JWS signing input (`header.payload`), the exact bytes signed;
 * - agreement (JWS JSON): SHA-256 over its payload segment, the bytes both parties signed.
 * Either way the digest does not depend on how the signature bytes happen to be written.
 * A verified message carries its digest already; this is for raw messages.
 */
export function digest(message: string | { readonly digest: string }): string {
  if (typeof message !== 'string') {
    if (typeof message?.digest === 'string') return message.digest
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'digest takes a message string or a verified message')
  }
  if (message.startsWith('{')) return sha256Base64url(parseGeneralJws(message).payload)
  const last = message.lastIndexOf('.')
  if (last <= 0 || message.indexOf('.') === last) throw new IntentcastError('ERR_MALFORMED', 'not a compact JWS')
  return sha256Base64url(message.slice(0, last))
}
