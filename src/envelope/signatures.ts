import { decodeCoseMessage, malformed, readBytes } from '../cose/message.js'
import { encodeBase64url } from '../lib/base64url.js'
import { parseGeneralJws } from './general.js'

/** One signature of an agreement as it stands in the envelope, both members base64url. */
export interface AgreementSignature {
  readonly protected: string
  readonly signature: string
}

/**
 * The signatures of an agreement in either envelope, in the order they stand (customer first in
 * an agreement `verify` accepted): for JWS the members of each JWS JSON signature, for COSE the
 * base64url of each COSE_Signature's protected header and signature byte strings. It reads the
 * envelope only and checks nothing: pass it the `message` of a verified agreement. Anything else
 * that is not an agreement envelope fails with ERR_MALFORMED.
 *
 * @example
 * ```ts
 * const agreement = await verify(bytes, { expect: 'agreement' })
 * agreementSignatures(agreement.message) // [{ protected, signature }, { protected, signature }]
 * ```
 */
export function agreementSignatures(message: string | Uint8Array): AgreementSignature[] {
  if (typeof message === 'string')
    return parseGeneralJws(message).signatures.map((s) => ({ protected: s.protected, signature: s.signature }))
  // The message passed verify under whatever size limit the caller set, so no default limit
  // applies here: the message's own length is the limit.
  const fields = decodeCoseMessage(message, 'COSE_Sign', { maxBytes: Math.max(1, message.length) })
  // COSE_Sign (RFC 9052 §4.1): [protected, unprotected, payload, [[protected, unprotected, signature], …]]
  const signatures = fields[3]
  if (!Array.isArray(signatures)) malformed('COSE_Sign signatures are not an array')
  return signatures.map((s, i) => {
    if (!Array.isArray(s) || s.length !== 3) malformed(`COSE_Signature ${i} is not an array of 3 items`)
    return {
      protected: encodeBase64url(readBytes(s[0], `signature ${i} protected header`)),
      signature: encodeBase64url(readBytes(s[2], `signature ${i}`)),
    }
  })
}
