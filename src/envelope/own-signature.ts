import { encodeCbor } from '../cose/cbor-encode.js'
import type { CborValue } from '../cose/cbor-value.js'
import { decodeCoseMessage } from '../cose/message.js'
import { equalBytes } from '../lib/bytes.js'
import { parseGeneralJws } from './general.js'

/**
 * Whether an agreement that came back (`back`, countersigned) keeps what its first signer sent
 * (`sent`) byte for byte: the payload (and, in COSE, the body header) and that signer's own
 * signature entry (spec §HTTP binding, Processing). What the customer signed is what both parties
 * then hold. Both have passed `verify`; the wallet checks its answer with this, and the
 * conformance kit a vendor's.
 *
 * @example
 * ```ts
 * if (!keepsOwnSignature(myAgreement, answer)) throw new Error('the vendor changed what I signed')
 * ```
 */
export function keepsOwnSignature(sent: string | Uint8Array, back: string | Uint8Array): boolean {
  if (typeof sent === 'string' || typeof back === 'string') {
    if (typeof sent !== 'string' || typeof back !== 'string') return false
    const mine = parseGeneralJws(sent)
    const theirs = parseGeneralJws(back)
    const own = mine.signatures[0]!
    return (
      theirs.payload === mine.payload &&
      theirs.signatures.some((s) => s.protected === own.protected && s.signature === own.signature)
    )
  }
  const [sentProtected, , sentPayload, sentSignatures] = decodeCoseMessage(sent, 'COSE_Sign', {})
  const [backProtected, , backPayload, backSignatures] = decodeCoseMessage(back, 'COSE_Sign', {})
  const own = encodeCbor((sentSignatures as CborValue[])[0]!)
  return (
    equalBytes(sentProtected as Uint8Array, backProtected as Uint8Array) &&
    equalBytes(sentPayload as Uint8Array, backPayload as Uint8Array) &&
    (backSignatures as CborValue[]).some((s) => equalBytes(encodeCbor(s), own))
  )
}
