import type * as z from 'zod/mini'
import { AcceptancePayload } from './acceptance.js'
import { AgreementPayload } from './agreement.js'
import { CounterPayload } from './counter.js'
import { IntentPayload } from './intent.js'
import { OfferPayload } from './offer.js'
import { TermsPayload } from './terms.js'
import { AccessPayload, SubscriptionPayload } from './relay.js'
import { WithdrawalPayload } from './withdrawal.js'

export const KINDS = [
  'intent',
  'offer',
  'counter',
  'terms',
  'acceptance',
  'agreement',
  'withdrawal',
  'subscription',
  'access',
] as const
export type Kind = (typeof KINDS)[number]

export const SCHEMAS = {
  intent: IntentPayload,
  offer: OfferPayload,
  counter: CounterPayload,
  terms: TermsPayload,
  acceptance: AcceptancePayload,
  agreement: AgreementPayload,
  withdrawal: WithdrawalPayload,
  subscription: SubscriptionPayload,
  access: AccessPayload,
} as const satisfies Record<Kind, z.ZodMiniType>

export type PayloadOf<K extends Kind> = z.infer<(typeof SCHEMAS)[K]>

/** The JWS `typ` of each kind. A distinct `typ` per kind stops one kind being passed off as another. */
export const JWS_TYP: Readonly<Record<Kind, string>> = Object.freeze({
  intent: 'intentcast-intent+jws',
  offer: 'intentcast-offer+jws',
  counter: 'intentcast-counter+jws',
  terms: 'intentcast-terms+jws',
  acceptance: 'intentcast-acceptance+jws',
  agreement: 'intentcast-agreement+jws',
  withdrawal: 'intentcast-withdrawal+jws',
  subscription: 'intentcast-subscription+jws',
  access: 'intentcast-access+jws',
})

/**
 * The relay's own messages (spec §Relay binding): a vendor's subscription and a mailbox reader's
 * proof. JWS only: they travel in HTTP requests to a relay, never in a link or a thread, so COSE's
 * compactness buys nothing, and their claims have no CBOR keys.
 */
export const JWS_ONLY: ReadonlySet<Kind> = new Set(['subscription', 'access'])

/** The kinds that have a COSE form: all but the relay's own. */
export type CoseKind = Exclude<Kind, 'subscription' | 'access'>
export const COSE_KINDS = KINDS.filter((k): k is CoseKind => !JWS_ONLY.has(k))

const KIND_BY_JWS_TYP: ReadonlyMap<string, Kind> = new Map(KINDS.map((k) => [JWS_TYP[k], k]))

export function kindOfJwsTyp(typ: string): Kind | undefined {
  return KIND_BY_JWS_TYP.get(typ)
}

/** Kinds that must carry `exp`, and the lifetime `sign*` gives them when the caller names none. */
export const DEFAULT_LIFETIME: Readonly<Partial<Record<Kind, number>>> = Object.freeze({
  intent: 86_400,
  offer: 3_600,
  counter: 3_600,
  acceptance: 3_600,
  subscription: 86_400,
  access: 300,
})

/** Kinds addressed to exactly one party: signing them needs an `audience`. */
export const ADDRESSED: ReadonlySet<Kind> = new Set(['offer', 'counter', 'acceptance', 'subscription', 'access'])
