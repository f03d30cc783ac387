import { signPrepared } from '../crypto/prepared.js'
import { sha256Async } from '../crypto/sha256-async.js'
import { addCoseSignature } from '../cose/sign.js'
import { IntentcastError } from '../errors.js'
import type { KeyPair } from '../keys/key-pair.js'
import { signerFor } from '../keys/signer.js'
import { encodeBase64url } from '../lib/base64url.js'
import { utf8 } from '../lib/utf8.js'
import { JWS_TYP, type PayloadOf } from '../model/kinds.js'
import { verified, type Format, type InternalVerifyOptions, type Verified, type VerifyOptions } from './checks.js'
import { signCoseAgreement } from './cose-sign.js'
import { signerHeader } from './cose-typ.js'
import { verifyCoseAgreementSignatures } from './cose-verify.js'
import { countersignerIsCustomer } from './countersigner.js'
import { coseSignDigest } from './digest.js'
import { parseGeneralJws, serializeGeneralJws, type GeneralJws } from './general.js'
import { encodeProtectedHeader, type ProtectedHeader } from './header.js'
import { verifyAgreementSignatures } from './jws-verify.js'
import { prepareVerifyOptions } from './verify.js'
import { buildPayload, checkSignOptions, encodePayload, signSegments, type Signed, type SignOptions } from './sign.js'

/**
 * The agreed deal; `v`, `iat` and `jti` are set when it is signed.
 *
 * @example
 * ```ts
 * const body: AgreementBody = thread.agreementBody() // parties, refs, item and the accepted deal
 * ```
 */
export type AgreementBody = Omit<PayloadOf<'agreement'>, 'v' | 'iat' | 'jti'>

/**
 * Signs an agreement as the first of its two parties (either one may go first). The result
 * carries one signature — JWS JSON General Serialization, or a COSE_Sign with `format: 'cose'`;
 * `countersign` adds the other party's.
 *
 * @example
 * ```ts
 * import { countersign, signAgreement, verifyThread } from 'intentcast'
 *
 * const thread = await verifyThread([intent, offer, acceptance])
 * const signed = await signAgreement(thread.agreementBody(), customer) // the customer's signature
 * const agreement = await countersign(signed, vendor) // and the vendor's
 * ```
 */
export async function signAgreement<F extends Format = 'jws'>(
  body: AgreementBody,
  keyPair: KeyPair,
  options: Pick<SignOptions<F>, 'now' | 'jti' | 'format'> = {},
): Promise<Signed<F>> {
  checkSignOptions(options, ['now', 'jti', 'format'])
  const signer = await signerFor(keyPair)
  const payload = buildPayload('agreement', {}, body, options)
  if (signer.did !== payload.parties.customer && signer.did !== payload.parties.vendor) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the signer is neither party of the agreement')
  }
  if (options.format === 'cose') return (await signCoseAgreement(payload, signer)) as Signed<F>
  const payload64 = encodePayload(payload)
  const header = encodeProtectedHeader(JWS_TYP.agreement, signer.kid)
  return serializeGeneralJws({
    payload: payload64,
    signatures: [{ protected: header, signature: await signSegments(signer, header, payload64) }],
  }) as Signed<F>
}

/** The verify options that make sense for the one agreement countersign checks. */
const COUNTERSIGN_OPTIONS: ReadonlySet<string> = new Set([
  'now',
  'clockTolerance',
  'audience',
  'resolveKey',
  'maxBytes',
] satisfies (keyof VerifyOptions)[])

/**
 * Adds the second party's signature to an agreement signed by the first, after verifying that
 * first signature and the payload. Signatures are ordered customer first whoever signed first,
 * so both parties end up holding byte-identical agreements. Keeps the envelope it is given.
 *
 * @example
 * ```ts
 * import { countersign, verify } from 'intentcast'
 *
 * const agreement = await countersign(signedByCustomer, vendor) // verifies the first signature, then adds ours
 * const { signers } = await verify(agreement, { expect: 'agreement' }) // [customer.did, vendor.did]
 * ```
 */
export async function countersign<M extends string | Uint8Array>(
  agreement: M,
  keyPair: KeyPair,
  options: Omit<VerifyOptions, 'expect' | 'replay'> = {},
): Promise<M extends Uint8Array ? Uint8Array : string> {
  await signerFor(keyPair) // the caller's key is checked before any work on the message
  const first = await verifyFirstSignature(agreement, prepareVerifyOptions(options, COUNTERSIGN_OPTIONS, 'countersign'))
  return (await countersignVerified(first, keyPair)).message as M extends Uint8Array ? Uint8Array : string
}

/**
 * An agreement that carries exactly one signature, verified, in the parsed form that
 * verification produced: what `countersignVerified` needs to add the second signature without
 * taking the message apart, or checking that first signature, again. Internal to the SDK.
 */
export type FirstSigned = {
  readonly payload: PayloadOf<'agreement'>
  /** The DID of the party that signed. */
  readonly signer: string
} & (
  | { readonly format: 'jws'; readonly jws: GeneralJws; readonly header: ProtectedHeader }
  | {
      readonly format: 'cose'
      readonly bytes: Uint8Array
      readonly payloadBytes: Uint8Array
      readonly typ: string
      readonly kid: string
    }
)

/**
 * Verifies an agreement that must carry one signature only, either party's: its signature,
 * its signer against its parties, its payload and its time. Internal to the SDK: `countersign`
 * and the vendor handler, which reads the result before it decides to countersign.
 */
export async function verifyFirstSignature(
  agreement: string | Uint8Array,
  options: InternalVerifyOptions,
): Promise<FirstSigned> {
  const one = () =>
    new IntentcastError(
      'ERR_MALFORMED',
      'the agreement to countersign carries exactly one signature, its first party’s',
    )
  if (agreement instanceof Uint8Array) {
    const { payload, signers, kids, typ, cose } = await verifyCoseAgreementSignatures(agreement, options)
    if (signers.length !== 1) throw one()
    return {
      format: 'cose',
      payload,
      signer: signers[0]!,
      bytes: agreement,
      payloadBytes: cose.payload,
      typ,
      kid: kids[0]!,
    }
  }
  const jws = parseGeneralJws(agreement)
  if (jws.signatures.length !== 1) throw one()
  const { payload, signers, header } = await verifyAgreementSignatures(jws, options)
  return { format: 'jws', payload, signer: signers[0]!, jws, header }
}

/**
 * Countersigns an agreement whose one signature `verifyFirstSignature` has just verified, and
 * returns the full agreement as `verify` would, in the same bytes `countersign` writes.
 *
 * Nothing is verified here. The first signature was, once, by the caller; checking it again is
 * the waste this function exists to avoid. Our own new signature is not checked either: it was
 * made a moment ago by our key over bytes we already hold, with the same signing code every
 * `sign*` trusts, so a check could only catch a broken Ed25519 backend, at the cost of a
 * verification per agreement. Internal to the SDK.
 */
export async function countersignVerified(first: FirstSigned, keyPair: KeyPair): Promise<Verified<'agreement'>> {
  const signer = await signerFor(keyPair)
  // The customer's signature goes first in either envelope, whoever signed first.
  const mineFirst = countersignerIsCustomer(first.payload, [first.signer], signer)
  const signers = mineFirst ? [signer.did, first.signer] : [first.signer, signer.did]
  if (first.format === 'cose') {
    const mine = {
      privateKey: (toBeSigned: Uint8Array) => signPrepared(signer.key, toBeSigned),
      protectedHeader: signerHeader(signer.kid),
    }
    const bytes = await addCoseSignature(first.bytes, mine, { position: mineFirst ? 'first' : 'last' })
    const header = { alg: 'EdDSA' as const, typ: first.typ, kid: mineFirst ? signer.kid : first.kid }
    return verified(
      'agreement',
      first.payload,
      signers,
      coseSignDigest(first.payloadBytes),
      header,
      bytes,
    ) as Verified<'agreement'>
  }
  const { payload } = first.jws
  const protectedHeader = encodeProtectedHeader(JWS_TYP.agreement, signer.kid)
  const mine = { protected: protectedHeader, signature: await signSegments(signer, protectedHeader, payload) }
  const theirs = first.jws.signatures[0]!
  const message = serializeGeneralJws({ payload, signatures: mineFirst ? [mine, theirs] : [theirs, mine] })
  const header = mineFirst ? { alg: 'EdDSA' as const, typ: JWS_TYP.agreement, kid: signer.kid } : first.header
  // The digest of an agreement is over its payload segment (spec §Digests), as checkAgreementJson computes it.
  const digest = encodeBase64url(await sha256Async(utf8(payload)))
  return verified('agreement', first.payload, signers, digest, header, message) as Verified<'agreement'>
}
