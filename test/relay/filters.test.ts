/**
 * spec §Relay binding, Filters: each condition by example, the region and price rules as
 * properties against independent reference implementations, and the index against a linear scan.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { SubscriptionFilters, Want } from '../../src/index.js'
import { matchesFilters, SubscriberIndex, type MailboxInfo } from '../../src/relay/index.js'

const want = (extra: Partial<Want> = {}): Want => ({ item: { name: 'bike', category: 'bicycles' }, ...extra })

describe('each condition', () => {
  test('no filters take every intent, even one with nothing but an item name', () => {
    expect(matchesFilters({}, { item: { name: 'x' } })).toBe(true)
  })

  test('categories: the category equals one of them, exactly', () => {
    expect(matchesFilters({ categories: ['books', 'bicycles'] }, want())).toBe(true)
    expect(matchesFilters({ categories: ['Bicycles'] }, want())).toBe(false)
    expect(matchesFilters({ categories: ['bicycle'] }, want())).toBe(false)
    expect(matchesFilters({ categories: ['bicycles'] }, { item: { name: 'x' } })).toBe(false)
  })

  test('regions: DE takes DE and DE-BE, not DEX; DE-BE does not take DE; no region matches no region filter', () => {
    expect(matchesFilters({ regions: ['DE'] }, want({ region: 'DE' }))).toBe(true)
    expect(matchesFilters({ regions: ['DE'] }, want({ region: 'DE-BE' }))).toBe(true)
    expect(matchesFilters({ regions: ['FR', 'DE-BE'] }, want({ region: 'DE-BE' }))).toBe(true)
    expect(matchesFilters({ regions: ['DE-BE'] }, want({ region: 'DE' }))).toBe(false)
    expect(matchesFilters({ regions: ['DE-B'] }, want({ region: 'DE-BE' }))).toBe(false)
    expect(matchesFilters({ regions: ['DE'] }, want())).toBe(false)
  })

  test('price: in the currency, within [min, max] inclusive, compared as decimals', () => {
    const eur = (amount: string) => want({ maxPrice: { amount, currency: 'EUR' } })
    const price = { currency: 'EUR', min: '100', max: '200.50' }
    expect(matchesFilters({ price }, eur('100.00'))).toBe(true)
    expect(matchesFilters({ price }, eur('200.5'))).toBe(true)
    expect(matchesFilters({ price }, eur('200.51'))).toBe(false)
    expect(matchesFilters({ price }, eur('99.99999999'))).toBe(false)
    expect(matchesFilters({ price: { currency: 'EUR' } }, eur('0'))).toBe(true)
    expect(matchesFilters({ price: { currency: 'USD' } }, eur('150'))).toBe(false)
    expect(matchesFilters({ price: { currency: 'EUR' } }, want())).toBe(false)
  })

  test('every condition present must hold', () => {
    const filters: SubscriptionFilters = {
      categories: ['bicycles'],
      regions: ['DE'],
      price: { currency: 'EUR', max: '10' },
    }
    expect(matchesFilters(filters, want({ region: 'DE-BE', maxPrice: { amount: '9', currency: 'EUR' } }))).toBe(true)
    expect(matchesFilters(filters, want({ region: 'FR', maxPrice: { amount: '9', currency: 'EUR' } }))).toBe(false)
    expect(matchesFilters(filters, want({ region: 'DE', maxPrice: { amount: '11', currency: 'EUR' } }))).toBe(false)
  })
})

// Generators over the model's own grammars.
const letter = fc.constantFrom('D', 'E', 'F', 'R')
const country = fc.tuple(letter, letter).map(([a, b]) => a + b)
const region = fc.oneof(
  country,
  fc.tuple(country, fc.stringMatching(/^[A-Z0-9]{1,3}$/)).map(([c, s]) => `${c}-${s}`),
)
const decimal = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.option(fc.stringMatching(/^[0-9]{1,8}$/), { nil: undefined }))
  .map(([i, f]) => (f === undefined ? String(i) : `${i}.${f}`))

/** A decimal as an integer count of 10⁻⁸: the reference the relay's comparison is checked against. */
const scaled = (d: string): bigint => {
  const [i, f = ''] = d.split('.')
  return BigInt(i!) * 10n ** 8n + BigInt(f.padEnd(8, '0'))
}

describe('properties', () => {
  test('a region filter r takes region g exactly when g is r or starts with r and -', () => {
    fc.assert(
      fc.property(region, fc.array(region, { minLength: 1, maxLength: 4 }), (g, rs) => {
        const expected = rs.some((r) => g === r || g.startsWith(`${r}-`))
        expect(matchesFilters({ regions: rs }, want({ region: g }))).toBe(expected)
      }),
    )
  })

  test('a country filter takes every subdivision of it, and a subdivision filter never its country', () => {
    fc.assert(
      fc.property(region, (g) => {
        const c = g.slice(0, 2)
        expect(matchesFilters({ regions: [c] }, want({ region: g }))).toBe(true)
        if (g !== c) expect(matchesFilters({ regions: [g] }, want({ region: c }))).toBe(false)
      }),
    )
  })

  test('a price filter takes maxPrice exactly when min ≤ amount ≤ max, numerically, in its currency', () => {
    fc.assert(
      fc.property(
        decimal,
        fc.option(decimal, { nil: undefined }),
        fc.option(decimal, { nil: undefined }),
        fc.constantFrom('EUR', 'USD'),
        (amount, min, max, currency) => {
          const price = { currency: 'EUR', ...(min !== undefined && { min }), ...(max !== undefined && { max }) }
          const a = scaled(amount)
          const expected =
            currency === 'EUR' && (min === undefined || a >= scaled(min)) && (max === undefined || a <= scaled(max))
          expect(matchesFilters({ price }, want({ maxPrice: { amount, currency } }))).toBe(expected)
        },
      ),
    )
  })

  const categories = fc.constantFrom('bicycles', 'books', 'tools', 'cars')
  const filters: fc.Arbitrary<SubscriptionFilters> = fc.record(
    {
      categories: fc.array(categories, { minLength: 1, maxLength: 3 }),
      regions: fc.array(region, { minLength: 1, maxLength: 2 }),
      price: fc.record({ currency: fc.constant('EUR'), max: decimal }, { requiredKeys: ['currency'] }),
    },
    { requiredKeys: [] },
  )
  const wants: fc.Arbitrary<Want> = fc.record(
    {
      item: fc.record({ name: fc.constant('x'), category: categories }, { requiredKeys: ['name'] }),
      region,
      maxPrice: fc.record({ amount: decimal, currency: fc.constant('EUR') }),
    },
    { requiredKeys: ['item'] },
  )

  test('the index finds exactly what a scan of every subscriber would, open ones only, each once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(filters, fc.boolean()), { maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(29), filters), { maxLength: 5 }),
        wants,
        (subs, renewals, w) => {
          const now = 1_000_000
          const infos = new Map<string, MailboxInfo>()
          subs.forEach(([f, open], i) =>
            infos.set(`did:key:v${i}`, { owner: `did:key:v${i}`, expiresAt: open ? now + 1 : now, filters: f }),
          )
          const index = new SubscriberIndex(infos.values())
          for (const [i, f] of renewals) {
            const owner = `did:key:v${i}`
            if (!infos.has(owner)) continue
            const info = { owner, expiresAt: now + 1, filters: f }
            infos.set(owner, info)
            index.set(info)
          }
          const scan = [...infos.values()].filter((s) => s.expiresAt > now && matchesFilters(s.filters!, w))
          const found = index.match(w, now)
          expect(found.map((s) => s.owner).sort()).toEqual(scan.map((s) => s.owner).sort())
        },
      ),
    )
  })
})

describe('the index at the bench target: 1,000 subscribers, about 1% matching', () => {
  test('an intent is tested against the subscribers of its category only', () => {
    const subscribers: MailboxInfo[] = Array.from({ length: 1_000 }, (_, i) => ({
      owner: `did:key:v${i}`,
      expiresAt: Date.now() + 60_000,
      filters: { categories: [`category-${i % 100}`] },
    }))
    const index = new SubscriberIndex(subscribers)
    const found = index.match({ item: { name: 'x', category: 'category-7' } }, Date.now())
    expect(found).toHaveLength(10)
    // Timed loosely: 10,000 matches against the index, which a linear scan could not do as fast.
    const started = performance.now()
    for (let i = 0; i < 10_000; i++) index.match({ item: { name: 'x', category: `category-${i % 100}` } }, Date.now())
    expect(performance.now() - started).toBeLessThan(1_000)
    index.delete('did:key:v7')
    expect(index.match({ item: { name: 'x', category: 'category-7' } }, Date.now())).toHaveLength(9)
    expect(index.size).toBe(999)
  })
})
