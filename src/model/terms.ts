import * as z from 'zod/mini'
import { strictObject } from './strict-object.js'
import { commonClaims, HttpUrl, NumericDate, text } from './primitives.js'
import { TermSet } from './term-set.js'

/**
 * An r-button declaration: the terms one party publishes (spec §Terms). The customer is the
 * 7012 first party, the vendor the second party.
 *
 * @example
 * ```ts
 * import { TermsPayload } from 'intentcast'
 *
 * const stored: TermsPayload = TermsPayload.parse(JSON.parse(row.payload)) // a payload kept as JSON, checked again when read
 * stored.role // 'customer' or 'vendor'
 * ```
 */
export const TermsPayload = strictObject({
  ...commonClaims,
  exp: z.optional(NumericDate),
  role: z.enum(['customer', 'vendor']),
  name: z.optional(text(200)),
  url: z.optional(HttpUrl),
  terms: TermSet,
})
export type TermsPayload = z.infer<typeof TermsPayload>
