import * as z from 'zod/mini'
import { SealKey } from './seal-key.js'
import { strictObject } from './strict-object.js'
import {
  commonClaims,
  DateTime,
  Did,
  DigestSet,
  HttpUrl,
  Item,
  Money,
  NumericDate,
  Quantity,
  Region,
} from './primitives.js'
import { TermSet } from './term-set.js'

/**
 * What the customer wants, after schema.org `Demand`.
 *
 * @example
 * ```ts
 * import { Want } from 'intentcast'
 *
 * const want: Want = Want.parse({
 *   item: { name: 'cargo bike', category: 'bicycles' },
 *   quantity: 1,
 *   maxPrice: { amount: '2000.00', currency: 'EUR' },
 *   deliverBy: '2026-11-27T18:00:00Z',
 *   region: 'DE-BE',
 * })
 * ```
 */
export const Want = strictObject({
  item: Item,
  quantity: z.optional(Quantity),
  /** The most the customer pays for the whole quantity. A hard limit in negotiation. */
  maxPrice: z.optional(Money),
  /** The latest acceptable delivery. A hard limit in negotiation. */
  deliverBy: z.optional(DateTime),
  /** Where to deliver: ISO 3166 country or subdivision. */
  region: z.optional(Region),
  /**
   * The precise forms of fields given coarsely above (a street address for `region`), as digests
   * only: the customer discloses each to the vendors it picks, in a counter or its acceptance.
   */
  precise: z.optional(DigestSet),
})
export type Want = z.infer<typeof Want>

/**
 * The customer's signed request for offers (spec §Intent).
 *
 * @example
 * ```ts
 * import { IntentPayload } from 'intentcast'
 *
 * const stored: IntentPayload = IntentPayload.parse(JSON.parse(row.payload)) // a payload kept as JSON, checked again when read
 * ```
 */
export const IntentPayload = strictObject({
  ...commonClaims,
  exp: NumericDate,
  /** Present when the intent is cast to one vendor only; absent for a broadcast. */
  aud: z.optional(Did),
  want: Want,
  /** The relationship terms the customer proffers. */
  terms: TermSet,
  replyTo: z.optional(HttpUrl),
  /** The cast's own encryption key: vendors seal what they send back to it (spec §Encrypted envelopes). */
  replyKey: z.optional(SealKey),
})
export type IntentPayload = z.infer<typeof IntentPayload>
