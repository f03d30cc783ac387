import { encodeCbor } from '../cose/cbor-encode.js'
import { COSE_HEADER } from '../cose/constants.js'
import { signCoseSign } from '../cose/sign.js'
import { signCoseSign1 } from '../cose/sign1.js'
import type { Signer } from '../keys/signer.js'
import { signPrepared } from '../crypto/prepared.js'
import type { CoseKind, PayloadOf } from '../model/kinds.js'
import { claimsToCbor } from './cose-claims.js'
import { COSE_TYP, signerHeader } from './cose-typ.js'

/** Signs with the signer's prepared key, imported once, rather than importing the seed per message. */
const signWith = (signer: Signer) => (toBeSigned: Uint8Array) => signPrepared(signer.key, toBeSigned)
const payloadBytes = (payload: object): Uint8Array => encodeCbor(claimsToCbor(payload))

/** A COSE_Sign1 of any kind but the agreement (spec §COSE binding). */
export function signCoseMessage(
  kind: Exclude<CoseKind, 'agreement'>,
  payload: object,
  signer: Signer,
): Promise<Uint8Array> {
  return signCoseSign1(payloadBytes(payload), signWith(signer), { protectedHeader: signerHeader(signer.kid, kind) })
}

/** An agreement as a COSE_Sign with its first signature; the typ is in the body header. */
export function signCoseAgreement(payload: PayloadOf<'agreement'>, signer: Signer): Promise<Uint8Array> {
  return signCoseSign(
    payloadBytes(payload),
    [{ privateKey: signWith(signer), protectedHeader: signerHeader(signer.kid) }],
    {
      protectedHeader: new Map([[COSE_HEADER.typ, COSE_TYP.agreement]]),
    },
  )
}
