import * as z from 'zod/mini'
import { SealKey } from './seal-key.js'
import { strictObject } from './strict-object.js'
import { commonClaims, Did, Digest, Disclosures, NumericDate, text } from './primitives.js'
import { dealClaims } from './deal.js'

/**
 * A counter-proposal by either party to an offer or a counter (spec §Counter). It restates the
 * whole proposal, so whoever accepts it accepts one complete, signed set of terms. The item
 * stays the offer's.
 *
 * @example
 * ```ts
 * import { CounterPayload } from 'intentcast'
 *
 * const stored: CounterPayload = CounterPayload.parse(JSON.parse(row.payload)) // a payload kept as JSON, checked again when read
 * ```
 */
export const CounterPayload = strictObject({
  ...commonClaims,
  exp: NumericDate,
  /** The other party. */
  aud: Did,
  /** The digest of the offer or counter this one answers. */
  inReplyTo: Digest,
  /** The digest of the intent the thread began with. */
  intent: Digest,
  ...dealClaims,
  note: z.optional(text(1000)),
  /** The sender's encryption key, when it changed since its last message (a vendor rotated). */
  replyKey: z.optional(SealKey),
  /** The customer's disclosures of its intent's `want.precise`, to this vendor only (sealed). */
  disclosures: z.optional(Disclosures),
})
export type CounterPayload = z.infer<typeof CounterPayload>
