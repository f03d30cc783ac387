/**
 * What each place that carries a digest set may disclose: the names and the shape of their
 * values. A disclosure's value is outside every signed payload's schema (only its digest is
 * signed), so it is checked here, after the disclosure rule, with ERR_SCHEMA.
 */
import * as z from 'zod/mini'
import { strictObject } from '../model/strict-object.js'
import { DateTime, Item, Money, Quantity, text } from '../model/primitives.js'

const line = text(256)

/**
 * A postal address, each part free text of at most 256 characters; at least one part.
 *
 * @example
 * ```ts
 * import type { PostalAddress } from 'intentcast/disclose'
 * const address: PostalAddress = { street: 'Invalidenstr. 1', postalCode: '10115', locality: 'Berlin', country: 'DE' }
 * ```
 */
export const PostalAddress = strictObject({
  street: z.optional(line),
  locality: z.optional(line),
  postalCode: z.optional(line),
  region: z.optional(line),
  country: z.optional(line),
}).check(z.refine((a) => Object.keys(a).length > 0, 'an address has at least one part'))
export type PostalAddress = z.infer<typeof PostalAddress>

/**
 * The delivery and contact details an acceptance discloses to its vendor, behind its `details`
 * digests (spec §Selective disclosure): any of `address`, `email`, `phone` and `note`, the last
 * three free text of at most 512 characters.
 *
 * @example
 * ```ts
 * import { ContactDetails, discloseClaims } from 'intentcast/disclose'
 * const details: ContactDetails = { email: 'ada@example.org', address: { locality: 'Berlin' } }
 * const { claim, disclosures } = await discloseClaims(details)
 * ```
 */
export const ContactDetails = strictObject({
  address: z.optional(PostalAddress),
  email: z.optional(text(512)),
  phone: z.optional(text(512)),
  note: z.optional(text(512)),
})
export type ContactDetails = z.infer<typeof ContactDetails>

/**
 * The precise forms of an intent's `want` fields, disclosed behind `want.precise` to the vendors
 * the customer picks (in a counter or its acceptance). Each has the shape of the public field,
 * except `region`, which is free text of at most 256 characters (a street address where the
 * public intent says `DE-BE`).
 *
 * @example
 * ```ts
 * import { signIntent } from 'intentcast'
 * import { discloseClaims, type PreciseWant } from 'intentcast/disclose'
 * const precise: PreciseWant = { region: '10115 Berlin, Invalidenstr. 1' }
 * const { claim, disclosures } = await discloseClaims(precise)
 * const intent = await signIntent({ ...body, want: { ...body.want, region: 'DE-BE', precise: claim } }, customer)
 * ```
 */
export const PreciseWant = strictObject({
  item: z.optional(Item),
  quantity: z.optional(Quantity),
  maxPrice: z.optional(Money),
  deliverBy: z.optional(DateTime),
  region: z.optional(text(256)),
})
export type PreciseWant = z.infer<typeof PreciseWant>
