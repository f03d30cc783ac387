import type * as z from 'zod/mini'
import { AcceptancePayload } from './acceptance.js'
import { AgreementPayload } from './agreement.js'
import { CounterPayload } from './counter.js'
import { IntentPayload } from './intent.js'
import { OfferPayload } from './offer.js'
import { TermsPayload } from './terms.js'
import { AccessPayload, SubscriptionPayload } from './relay.js'
import { WithdrawalPayload } from './withdrawal.js'

/**
 * Every kind of intentcast message: what `verify` reports as `kind` and takes in `expect`.
 *
 * @example
 * ```ts
 * import { JWS_TYP, KINDS } from 'intentcast'
 *
 * for (const kind of KINDS) console.log(kind, JWS_TYP[kind]) // intent intentcast-intent+jws, offer …
 * ```
 */
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
/**
 * One kind of message: `'intent'`, `'offer'`, `'counter'` and the rest of `KINDS`.
 *
 * @example
 * ```ts
 * const expect: Kind[] = ['offer', 'counter']
 * const proposal = await verify(message, { expect, audience: customer.did }) // either kind, and nothing else
 * ```
 */
export type Kind = (typeof KINDS)[number]

/**
 * The payload schema (zod/mini) of each kind: what `sign*` checks before signing and `verify`
 * after the signature.
 *
 * @example
 * ```ts
 * import { SCHEMAS } from 'intentcast'
 *
 * SCHEMAS.offer.safeParse(payload).success // true for a well-formed offer payload
 * ```
 */
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

/**
 * The payload type of a kind, as its schema in `SCHEMAS` describes it.
 *
 * @example
 * ```ts
 * const p: PayloadOf<'offer'> = offer.payload // what verify returns for expect: 'offer'
 * ```
 */
export type PayloadOf<K extends Kind> = z.infer<(typeof SCHEMAS)[K]>

/**
 * The JWS `typ` of each kind. A distinct `typ` per kind stops one kind being passed off as another.
 *
 * @example
 * ```ts
 * import { JWS_TYP } from 'intentcast'
 *
 * JWS_TYP.offer // 'intentcast-offer+jws'
 * ```
 */
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
