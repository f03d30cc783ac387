import { decodeCoseMessage } from '../cose/message.js'
import { parseGeneralJws } from '../envelope/general.js'
import { encodeBase64url } from '../lib/base64url.js'
import type { AgreementPayload } from '../model/agreement.js'
import type { Term } from '../model/term-set.js'
import { digestOf, payloadOf, type Input } from './input.js'
import { getAgreement, type RosterAgreement } from '../model/roster.js'
import { AGREEMENT_URN } from './vocab.js'

/**
 * One party's signature as it stands in the agreement: the signer's protected header and the
 * signature, both base64url (for COSE, of the CBOR byte strings).
 */
export interface Signature {
  readonly party: 'customer' | 'vendor'
  readonly signer: string
  readonly protected: string
  readonly signature: string
}

/** The agreement exactly as signed: JWS JSON text, or COSE_Sign bytes in base64url. */
export interface Envelope {
  readonly format: 'jws' | 'cose'
  readonly message: string
}

/** What every export of an agreement draws on, worked out once. */
export interface AgreementFacts {
  readonly payload: AgreementPayload
  /** `urn:intentcast:agreement:<jti>`: the ID every export gives the agreement. */
  readonly uid: string
  /** `iat` as an RFC 3339 UTC date-time. */
  readonly time: string
  readonly agreement: RosterAgreement
  readonly conditions: ReadonlyMap<string, Term>
  /** Present for a verified agreement only. */
  readonly digest?: string
  readonly envelope?: Envelope
  /** Customer first, as verify orders them; empty for a bare payload. */
  readonly signatures: readonly Signature[]
}

const PARTIES = ['customer', 'vendor'] as const

/** The signatures of a verified agreement, from its message in either envelope. */
function signaturesOf(message: string | Uint8Array, signers: readonly string[]): Signature[] {
  const raw =
    typeof message === 'string'
      ? parseGeneralJws(message).signatures
      : // COSE_Sign (RFC 9052 §4.1): [protected, unprotected, payload, [[protected, unprotected, signature], …]]
        (decodeCoseMessage(message, 'COSE_Sign', {})[3] as Uint8Array[][]).map((s) => ({ protected: encodeBase64url(s[0]!), signature: encodeBase64url(s[2]!) }))
  return raw.map((s, i) => ({ party: PARTIES[i]!, signer: signers[i]!, protected: s.protected, signature: s.signature }))
}

export function factsOf(input: Input<AgreementPayload>): AgreementFacts {
  const payload = payloadOf(input)
  const digest = digestOf(input)
  const { message, signers } = input as { message?: unknown; signers?: readonly string[] }
  const signed = digest !== undefined && signers !== undefined && (typeof message === 'string' || message instanceof Uint8Array)
  return {
    payload,
    uid: AGREEMENT_URN + payload.jti,
    time: new Date(payload.iat * 1000).toISOString().replace('.000Z', 'Z'),
    // The model's AgreementId schema admits roster agreements only.
    agreement: getAgreement(payload.terms.agreement)!,
    conditions: new Map((payload.terms.conditions ?? []).map((t) => [t.id, t])),
    ...(digest !== undefined && { digest }),
    ...(signed && { envelope: typeof message === 'string' ? { format: 'jws', message } : { format: 'cose', message: encodeBase64url(message as Uint8Array) } }),
    signatures: signed ? signaturesOf(message as string | Uint8Array, signers) : [],
  }
}

/** An obligation term both parties agreed to with `true`. */
export function committed(f: AgreementFacts, id: string): boolean {
  return f.conditions.get(id)?.value === true
}
