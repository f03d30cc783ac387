import * as z from 'zod/mini'
import { expecting } from './expected.js'
import { strictObject } from './strict-object.js'
import { commonClaims, Currency, Decimal, HttpUrl, NumericDate, Region, text } from './primitives.js'

/**
 * Which intents a subscriber wants (spec §Relay binding, Filters): every condition given must
 * hold, and within a list any one entry. A filter reads only an intent's public `want`.
 *
 * @example
 * ```ts
 * const filters = SubscriptionFilters.parse({ categories: ['bicycles'], regions: ['DE'], price: { currency: 'EUR', max: '3000.00' } })
 * ```
 */
export const SubscriptionFilters = strictObject({
  /** The intent's `want.item.category` is one of these (compared exactly). */
  categories: z.optional(
    z.array(text(64), expecting('a list of 1 to 32 categories')).check(z.minLength(1), z.maxLength(32)),
  ),
  /**
   * The intent's `want.region` starts with one of these: `DE` takes `DE` and `DE-BE`. An intent
   * without a region matches no region filter.
   */
  regions: z.optional(z.array(Region, expecting('a list of 1 to 32 regions')).check(z.minLength(1), z.maxLength(32))),
  /**
   * The intent's `want.maxPrice` is in this currency and within [min, max]. An intent without a
   * `maxPrice` matches no price filter.
   */
  price: z.optional(strictObject({ currency: Currency, min: z.optional(Decimal), max: z.optional(Decimal) })),
})
export type SubscriptionFilters = z.infer<typeof SubscriptionFilters>

/**
 * A vendor's subscription to a relay (spec §Relay binding, Subscribing): the filters, signed by
 * the vendor's key, addressed to one relay, for a limited time.
 *
 * @example
 * ```ts
 * const { payload } = await verify(subscription, { expect: 'subscription', audience: 'https://relay.example/relay' })
 * const sameShape: SubscriptionPayload = SubscriptionPayload.parse(payload)
 * ```
 */
export const SubscriptionPayload = strictObject({
  ...commonClaims,
  /** The relay's URL: a subscription is good at the relay it was made for only. */
  aud: HttpUrl,
  exp: NumericDate,
  filters: SubscriptionFilters,
  /**
   * Where the relay POSTs each entry of the vendor's mailbox, as it is appended (spec §Relay
   * binding, Webhooks). Its origin must publish the subscription's key in its vendor document.
   */
  webhook: z.optional(HttpUrl),
})
export type SubscriptionPayload = z.infer<typeof SubscriptionPayload>

/**
 * A proof, by a mailbox's key, that the reader holds it (spec §Relay binding, Reading a
 * mailbox): addressed to the mailbox's URL, and short-lived.
 *
 * @example
 * ```ts
 * const { payload } = await verify(token, { expect: 'access', audience: `https://relay.example/relay/mailboxes/${did}` })
 * const checked: AccessPayload = AccessPayload.parse(payload)
 * ```
 */
export const AccessPayload = strictObject({
  ...commonClaims,
  /** The mailbox URL it opens. */
  aud: HttpUrl,
  exp: NumericDate,
})
export type AccessPayload = z.infer<typeof AccessPayload>
