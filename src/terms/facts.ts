import { parseGeneralJws } from '../envelope/general.js'
import { parseProtectedHeader } from '../envelope/header.js'
import type { AgreementPayload } from '../model/agreement.js'
import type { Term } from '../model/term.js'
import { digestOf, payloadOf, type Input } from './input.js'
import { getAgreement, type RosterAgreement } from './roster.js'
import { AGREEMENT_URN } from './vocab.js'

export interface Signature {
  readonly party: 'customer' | 'vendor'
  readonly kid: string
  readonly protected: string
  readonly signature: string
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
  readonly jws?: string
  /** Customer first, as verify orders them; empty for a bare payload. */
  readonly signatures: readonly Signature[]
}

export function factsOf(input: Input<AgreementPayload>): AgreementFacts {
  const payload = payloadOf(input)
  const digest = digestOf(input)
  const message = (input as { message?: unknown }).message
  const jws = typeof message === 'string' ? message : undefined
  const signatures: Signature[] = jws
    ? parseGeneralJws(jws).signatures.map((s, i) => ({ party: i === 0 ? 'customer' : 'vendor', kid: parseProtectedHeader(s.protected).kid, protected: s.protected, signature: s.signature }))
    : []
  return {
    payload,
    uid: AGREEMENT_URN + payload.jti,
    time: new Date(payload.iat * 1000).toISOString().replace('.000Z', 'Z'),
    // The model's AgreementId schema admits roster agreements only.
    agreement: getAgreement(payload.terms.agreement)!,
    conditions: new Map((payload.terms.conditions ?? []).map((t) => [t.id, t])),
    ...(digest !== undefined && { digest }),
    ...(jws !== undefined && { jws }),
    signatures,
  }
}

/** An obligation term both parties agreed to with `true`. */
export function committed(f: AgreementFacts, id: string): boolean {
  return f.conditions.get(id)?.value === true
}
