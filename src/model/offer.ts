import * as z from 'zod/mini'
import { strictObject } from './strict-object.js'
import { commonClaims, Did, Digest, Item, NumericDate, text } from './primitives.js'
import { dealClaims } from './deal.js'

/** A vendor's signed answer to an intent (spec §Offer). */
export const OfferPayload = strictObject({
  ...commonClaims,
  exp: NumericDate,
  /** The intent's issuer. */
  aud: Did,
  /** The digest of the intent this offer answers. */
  inReplyTo: Digest,
  item: Item,
  ...dealClaims,
  note: z.optional(text(1000)),
})
export type OfferPayload = z.infer<typeof OfferPayload>
