import * as z from 'zod/mini'
import { SealKey } from './seal-key.js'
import { strictObject } from './strict-object.js'
import { commonClaims, Did, Digest, Item, NumericDate, text } from './primitives.js'
import { dealClaims } from './deal.js'

/**
 * A vendor's signed answer to an intent (spec §Offer).
 *
 * @example
 * ```ts
 * import { OfferPayload } from 'intentcast'
 *
 * const stored: OfferPayload = OfferPayload.parse(JSON.parse(row.payload)) // a payload kept as JSON, checked again when read
 * ```
 */
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
  /** The vendor's encryption key: the customer seals its counters and acceptance to it. */
  replyKey: z.optional(SealKey),
})
export type OfferPayload = z.infer<typeof OfferPayload>
