import * as z from 'zod/mini'
import { strictObject } from './strict-object.js'
import { commonClaims, Did, Digest, text } from './primitives.js'

/**
 * Either party ends an intent, offer, counter or agreement it is party to (spec §Withdrawal).
 *
 * @example
 * ```ts
 * import { WithdrawalPayload } from 'intentcast'
 *
 * const stored: WithdrawalPayload = WithdrawalPayload.parse(JSON.parse(row.payload)) // a payload kept as JSON, checked again when read
 * stored.withdraws // the digest of the message withdrawn
 * ```
 */
export const WithdrawalPayload = strictObject({
  ...commonClaims,
  aud: z.optional(Did),
  /** The digest of the message withdrawn. */
  withdraws: Digest,
  reason: z.optional(text(500)),
})
export type WithdrawalPayload = z.infer<typeof WithdrawalPayload>
