/**
 * Which vendor mailboxes an intent goes to (spec §Relay binding, Filters), the same whatever the
 * backend: `matchesFilters` is the rule, and `SubscriberIndex` finds the mailboxes whose rule
 * holds without testing every subscriber, by indexing them under the categories they take.
 *
 * The rule, condition by condition (every condition present must hold; in a list, any entry):
 * 1. `categories`: `want.item.category` equals one of them;
 * 2. `regions`: `want.region` equals one of them, or starts with one and `-`;
 * 3. `price`: `want.maxPrice` is in `price.currency` and within [`min`, `max`].
 * An intent without the member a condition reads matches no such condition; `{}` takes every intent.
 */
import type { Want } from '../model/intent.js'
import type { SubscriptionFilters } from '../model/relay.js'
import { compareDecimal } from '../terms/decimal.js'
import type { MailboxInfo } from './backend.js'

/** Step 1: the category is one of the list. */
function categoryMatches(categories: readonly string[], want: Want): boolean {
  const category = want.item.category
  return category !== undefined && categories.includes(category)
}

/** Step 2: `DE` takes `DE` and `DE-BE`, never `DEX` (the `-` keeps one code from prefixing another). */
function regionMatches(regions: readonly string[], want: Want): boolean {
  const region = want.region
  if (region === undefined) return false
  return regions.some((r) => region === r || (region.startsWith(r) && region.charCodeAt(r.length) === 45) /* - */)
}

/** Step 3: compared as decimals, never as floats, so a bound is exact to the last digit. */
function priceMatches(price: NonNullable<SubscriptionFilters['price']>, want: Want): boolean {
  const max = want.maxPrice
  if (max === undefined || max.currency !== price.currency) return false
  if (price.min !== undefined && compareDecimal(max.amount, price.min) < 0) return false
  return price.max === undefined || compareDecimal(max.amount, price.max) <= 0
}

/**
 * True when an intent's `want` passes a subscription's `filters` (spec §Relay binding, Filters).
 *
 * @example
 * ```ts
 * matchesFilters({ regions: ['DE'] }, { item: { name: 'bike' }, region: 'DE-BE' }) // true
 * matchesFilters({ price: { currency: 'EUR', max: '100' } }, { item: { name: 'bike' } }) // false: no maxPrice
 * ```
 */
export function matchesFilters(filters: SubscriptionFilters, want: Want): boolean {
  if (filters.categories !== undefined && !categoryMatches(filters.categories, want)) return false
  if (filters.regions !== undefined && !regionMatches(filters.regions, want)) return false
  return filters.price === undefined || priceMatches(filters.price, want)
}

/**
 * The open vendor mailboxes, indexed for matching: each is listed under every category its
 * filters name, or among those taking any category. An intent is tested only against the
 * mailboxes listed under its own category and those taking any: with a thousand subscribers of
 * narrow categories, an intent is tested against the few that could take it, not the thousand.
 *
 * @example
 * ```ts
 * const index = new SubscriberIndex(await backend.subscribers())
 * const targets = index.match(intent.payload.want, Date.now())
 * ```
 */
export class SubscriberIndex {
  readonly #byOwner = new Map<string, MailboxInfo>()
  readonly #byCategory = new Map<string, Set<string>>()
  /** Owners whose filters name no category. */
  readonly #anyCategory = new Set<string>()

  constructor(subscribers: Iterable<MailboxInfo> = []) {
    for (const info of subscribers) this.set(info)
  }

  /** How many vendor mailboxes are indexed. */
  get size(): number {
    return this.#byOwner.size
  }

  /** Adds a vendor mailbox, or replaces the one of the same owner (a newer subscription). */
  set(info: MailboxInfo): void {
    this.delete(info.owner)
    if (info.filters === undefined) return
    this.#byOwner.set(info.owner, info)
    const categories = info.filters.categories
    if (categories === undefined) this.#anyCategory.add(info.owner)
    else
      for (const c of categories) {
        let owners = this.#byCategory.get(c)
        if (owners === undefined) this.#byCategory.set(c, (owners = new Set()))
        owners.add(info.owner)
      }
  }

  /** Takes the mailbox of this owner (its DID) out of the index, if it is there. */
  delete(owner: string): void {
    const old = this.#byOwner.get(owner)
    if (old === undefined) return
    this.#byOwner.delete(owner)
    this.#anyCategory.delete(owner)
    for (const c of old.filters?.categories ?? []) {
      const owners = this.#byCategory.get(c)
      owners?.delete(owner)
      if (owners?.size === 0) this.#byCategory.delete(c)
    }
  }

  /** The mailboxes open at `nowMs` whose filters take `want`, each once. */
  match(want: Want, nowMs: number): MailboxInfo[] {
    const found: MailboxInfo[] = []
    const consider = (owner: string): void => {
      const info = this.#byOwner.get(owner)
      if (info !== undefined && info.expiresAt > nowMs && matchesFilters(info.filters!, want)) found.push(info)
    }
    const category = want.item.category
    const listed = category === undefined ? undefined : this.#byCategory.get(category)
    // One owner sits in one of the two sets only, so nothing is found twice.
    listed?.forEach(consider)
    this.#anyCategory.forEach(consider)
    return found
  }
}
