import { agreementSignatures } from '../envelope/signatures.js'
import { encodeBase64url } from '../lib/base64url.js'
import type { AgreementPayload } from '../model/agreement.js'
import type { Term } from '../model/term-set.js'
import { invalidArgument, type Read } from './input.js'
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
  let raw
  try {
    raw = agreementSignatures(message)
  } catch (cause) {
    // verify parsed this very message, so only an object made up to look verified gets here.
    throw invalidArgument(
      'exportAgreement: agreement is not as verify returned it: its message is not an agreement envelope',
      cause,
    )
  }
  return raw.map((s, i) => ({
    party: PARTIES[i]!,
    signer: signers[i]!,
    protected: s.protected,
    signature: s.signature,
  }))
}

/**
 * Only a verified agreement's digest, envelope and signatures are exported: nothing vouches for
 * those of a bare payload, or of a digest kept beside one.
 */
export function factsOf({ payload, verified }: Read<AgreementPayload>): AgreementFacts {
  return {
    payload,
    uid: AGREEMENT_URN + payload.jti,
    time: new Date(payload.iat * 1000).toISOString().replace('.000Z', 'Z'),
    // The model's AgreementId schema admits roster agreements only.
    agreement: getAgreement(payload.terms.agreement)!,
    conditions: new Map((payload.terms.conditions ?? []).map((t) => [t.id, t])),
    ...(verified !== undefined && {
      digest: verified.digest,
      envelope:
        typeof verified.message === 'string'
          ? { format: 'jws', message: verified.message }
          : { format: 'cose', message: encodeBase64url(verified.message) },
    }),
    signatures: verified !== undefined ? signaturesOf(verified.message, verified.signers) : [],
  }
}

/** The agreement as every export names it: short ID, IRI and label. */
export function namedAgreement(f: AgreementFacts): {
  readonly id: string
  readonly iri: string
  readonly label: string
} {
  return { id: f.agreement.id, iri: f.agreement.iri, label: f.agreement.label }
}

/** An obligation term both parties agreed to with `true`. */
export function committed(f: AgreementFacts, id: string): boolean {
  return f.conditions.get(id)?.value === true
}
