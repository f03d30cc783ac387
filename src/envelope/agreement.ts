import { IntentcastError } from '../errors.js'
import type { KeyPair } from '../keys/key-pair.js'
import { signerFor } from '../keys/signer.js'
import { JWS_TYP, type PayloadOf } from '../model/kinds.js'
import { parseGeneralJws, serializeGeneralJws } from './general.js'
import { encodeProtectedHeader } from './header.js'
import { buildPayload, encodePayload, signSegments, type SignOptions } from './sign.js'
import { verifyAgreementSignatures, type VerifyOptions } from './verify.js'

/** The agreed deal; `v`, `iat` and `jti` are set when it is signed. */
export type AgreementBody = Omit<PayloadOf<'agreement'>, 'v' | 'iat' | 'jti'>

/**
 * Signs an agreement as the first of its two parties (either one may go first). The result is a
 * JWS JSON General Serialization with one signature; `countersign` adds the other party's.
 */
export async function signAgreement(body: AgreementBody, keyPair: KeyPair, options: Pick<SignOptions, 'now' | 'jti'> = {}): Promise<string> {
  const signer = await signerFor(keyPair)
  const payload = buildPayload('agreement', {}, body, options)
  if (signer.did !== payload.parties.customer && signer.did !== payload.parties.vendor) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the signer is neither party of the agreement')
  }
  const payload64 = encodePayload(payload)
  const header = encodeProtectedHeader(JWS_TYP.agreement, signer.kid)
  return serializeGeneralJws({ payload: payload64, signatures: [{ protected: header, signature: await signSegments(signer, header, payload64) }] })
}

/**
 * Adds the second party's signature to an agreement signed by the first, after verifying that
 * first signature and the payload. Signatures are ordered customer first whoever signed first,
 * so both parties end up holding byte-identical agreements.
 */
export async function countersign(agreement: string, keyPair: KeyPair, options: Omit<VerifyOptions, 'expect' | 'replay'> = {}): Promise<string> {
  const signer = await signerFor(keyPair)
  const jws = parseGeneralJws(agreement)
  if (jws.signatures.length !== 1) throw new IntentcastError('ERR_MALFORMED', 'countersign takes an agreement with exactly one signature')
  const { payload, signers } = await verifyAgreementSignatures(jws, options)
  const first = signers[0]!
  const second = first === payload.parties.customer ? payload.parties.vendor : payload.parties.customer
  if (signer.did !== second) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the countersigner must be the party that has not signed yet')
  const header = encodeProtectedHeader(JWS_TYP.agreement, signer.kid)
  const mine = { protected: header, signature: await signSegments(signer, header, jws.payload) }
  const theirs = jws.signatures[0]!
  return serializeGeneralJws({ payload: jws.payload, signatures: second === payload.parties.vendor ? [theirs, mine] : [mine, theirs] })
}
