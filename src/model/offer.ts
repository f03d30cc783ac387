import * as z from 'zod/mini'
import { strictObject } from './strict-object.js'
import { commonClaims, DateTime, Did, Digest, Item, Money, NumericDate, Quantity, text } from './primitives.js'
import { DealTerms } from './term.js'

/** A vendor's signed answer to an intent (spec §Offer). */
export const OfferPayload = strictObject({
  ...commonClaims,
  exp: NumericDate,
  /** The intent's issuer. */
  aud: Did,
  /** The digest of the intent this offer answers. */
  inReplyTo: Digest,
  item: Item,
  quantity: Quantity,
  /** The price for the whole quantity. */
  price: Money,
  deliverBy: z.optional(DateTime),
  /** The vendor's answer on the proffered terms: the one agreement it takes, and its conditions. */
  terms: DealTerms,
  note: z.optional(text(1000)),
})
export type OfferPayload = z.infer<typeof OfferPayload>
