import * as z from 'zod/mini'
import { strictObject } from './strict-object.js'
import { Did, Digest, DigestSet, Item, Jti, NumericDate, Version } from './primitives.js'
import { dealClaims } from './deal.js'

/**
 * The record of an agreed deal, signed by both parties over one payload (spec §Agreement).
 * It has no `iss`: its signers are its two `parties`, customer first.
 *
 * @example
 * ```ts
 * import { AgreementPayload } from 'intentcast'
 *
 * const stored: AgreementPayload = AgreementPayload.parse(JSON.parse(row.payload)) // a payload kept as JSON, checked again when read
 * stored.parties.vendor // the vendor's DID
 * ```
 */
export const AgreementPayload = strictObject({
  v: Version,
  iat: NumericDate,
  jti: Jti,
  parties: z
    .strictObject({ customer: Did, vendor: Did })
    .check(z.refine((p) => p.customer !== p.vendor, 'two different DIDs: the customer and the vendor are two parties')),
  refs: strictObject({
    intent: Digest,
    /** The accepted proposal: the offer, or the counter that was accepted. */
    offer: Digest,
    acceptance: Digest,
  }),
  item: Item,
  ...dealClaims,
  /** The acceptance's `details` digests: what the customer disclosed, committed to by both. */
  details: z.optional(DigestSet),
})
export type AgreementPayload = z.infer<typeof AgreementPayload>
