import * as z from 'zod/mini'
import { strictObject } from './strict-object.js'
import { commonClaims, Did, Digest, DigestSet, Disclosures, NumericDate } from './primitives.js'
import { dealClaims } from './deal.js'

/**
 * The customer accepts one offer or counter (spec §Acceptance). It repeats the accepted
 * proposal's quantity, price, delivery and terms, so the acceptance alone says what was agreed.
 *
 * @example
 * ```ts
 * import { AcceptancePayload } from 'intentcast'
 *
 * const stored: AcceptancePayload = AcceptancePayload.parse(JSON.parse(row.payload)) // a payload kept as JSON, checked again when read
 * ```
 */
export const AcceptancePayload = strictObject({
  ...commonClaims,
  exp: z.optional(NumericDate),
  /** The vendor. */
  aud: Did,
  /** The digest of the accepted offer or counter. */
  inReplyTo: Digest,
  /** The digest of the intent the thread began with. */
  intent: Digest,
  ...dealClaims,
  /**
   * The DID the customer will sign the agreement with, when it is not this acceptance's issuer.
   * A wallet casts each intent under a fresh key but keeps one key per vendor; signing this
   * claim with the cast key is what binds the two.
   */
  party: z.optional(Did),
  /**
   * The delivery and contact details (address, email, phone, note), as digests: the agreement
   * copies them, so both parties sign what was disclosed without the agreement saying it.
   */
  details: z.optional(DigestSet),
  /** The disclosures of `details`, and of any of the intent's `want.precise`: sealed to the vendor only. */
  disclosures: z.optional(Disclosures),
})
export type AcceptancePayload = z.infer<typeof AcceptancePayload>
