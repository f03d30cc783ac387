import { IntentcastError } from '../errors.js'
import type { KeyPair } from '../keys/key-pair.js'
import { signerFor } from '../keys/signer.js'
import { JWS_TYP, type PayloadOf } from '../model/kinds.js'
import type { Format, VerifyOptions } from './checks.js'
import { countersignCose, signCoseAgreement } from './cose-sign.js'
import { countersignerIsCustomer } from './countersigner.js'
import { parseGeneralJws, serializeGeneralJws } from './general.js'
import { encodeProtectedHeader } from './header.js'
import { verifyAgreementSignatures } from './jws-verify.js'
import { buildPayload, encodePayload, signSegments, type Signed, type SignOptions } from './sign.js'

/** The agreed deal; `v`, `iat` and `jti` are set when it is signed. */
export type AgreementBody = Omit<PayloadOf<'agreement'>, 'v' | 'iat' | 'jti'>

/**
 * Signs an agreement as the first of its two parties (either one may go first). The result
 * carries one signature — JWS JSON General Serialization, or a COSE_Sign with `format: 'cose'`;
 * `countersign` adds the other party's.
 */
export async function signAgreement<F extends Format = 'jws'>(
  body: AgreementBody,
  keyPair: KeyPair,
  options: Pick<SignOptions<F>, 'now' | 'jti' | 'format'> = {},
): Promise<Signed<F>> {
  const signer = await signerFor(keyPair)
  const payload = buildPayload('agreement', {}, body, options)
  if (signer.did !== payload.parties.customer && signer.did !== payload.parties.vendor) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the signer is neither party of the agreement')
  }
  if (options.format === 'cose') return (await signCoseAgreement(payload, signer)) as Signed<F>
  const payload64 = encodePayload(payload)
  const header = encodeProtectedHeader(JWS_TYP.agreement, signer.kid)
  return serializeGeneralJws({ payload: payload64, signatures: [{ protected: header, signature: await signSegments(signer, header, payload64) }] }) as Signed<F>
}

/**
 * Adds the second party's signature to an agreement signed by the first, after verifying that
 * first signature and the payload. Signatures are ordered customer first whoever signed first,
 * so both parties end up holding byte-identical agreements. Keeps the envelope it is given.
 */
export async function countersign<M extends string | Uint8Array>(
  agreement: M,
  keyPair: KeyPair,
  options: Omit<VerifyOptions, 'expect' | 'replay'> = {},
): Promise<M extends Uint8Array ? Uint8Array : string> {
  const signer = await signerFor(keyPair)
  type Out = M extends Uint8Array ? Uint8Array : string
  if (agreement instanceof Uint8Array) return (await countersignCose(agreement, signer, options)) as Out
  const jws = parseGeneralJws(agreement as string)
  if (jws.signatures.length !== 1) throw new IntentcastError('ERR_MALFORMED', 'countersign takes an agreement with exactly one signature')
  const { payload, signers } = await verifyAgreementSignatures(jws, options)
  const customerLast = !countersignerIsCustomer(payload, signers, signer)
  const header = encodeProtectedHeader(JWS_TYP.agreement, signer.kid)
  const mine = { protected: header, signature: await signSegments(signer, header, jws.payload) }
  const theirs = jws.signatures[0]!
  return serializeGeneralJws({ payload: jws.payload, signatures: customerLast ? [theirs, mine] : [mine, theirs] }) as Out
}
