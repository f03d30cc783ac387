import * as z from 'zod/mini'
import { expecting } from './expected.js'
import { strictObject } from './strict-object.js'

/**
 * The protocol version every message carries in `v`.
 *
 * @example
 * ```ts
 * import { PROTOCOL_VERSION } from 'intentcast'
 *
 * intent.payload.v === PROTOCOL_VERSION // '0.1'
 * ```
 */
export const PROTOCOL_VERSION = '0.1'

export const Version = z.literal(PROTOCOL_VERSION, expecting(`the protocol version "${PROTOCOL_VERSION}"`))

/** A DID. `did:key` resolves locally; other methods need a `resolveKey`. */
export const Did = z
  .string(expecting('a DID such as did:key:z6Mk…'))
  .check(z.maxLength(512), z.regex(/^did:[a-z0-9]{1,32}:[A-Za-z0-9._:%-]{1,470}$/))

/** A message digest: unpadded base64url SHA-256 (spec §Digests). */
export const Digest = z
  .string(expecting('a digest: 43 base64url characters (SHA-256)'))
  .check(z.regex(/^[A-Za-z0-9_-]{43}$/))

/** NumericDate (RFC 7519): whole seconds since the epoch. Bounded to keep arithmetic exact. */
export const NumericDate = z
  .int(expecting('whole seconds since 1970, from 0 to 100,000,000,000'))
  .check(z.minimum(0), z.maximum(100_000_000_000))

export const Jti = z.string(expecting('8 to 64 base64url characters')).check(z.regex(/^[A-Za-z0-9_-]{8,64}$/))

/** A non-negative decimal in a string: money and bounds never travel as floats. */
export const DECIMAL = /^(0|[1-9][0-9]{0,17})(\.[0-9]{1,8})?$/
export const Decimal = z.string(expecting('a decimal string like "2000.00"')).check(z.regex(DECIMAL))

export const CURRENCY = /^[A-Z]{3}$/
export const Currency = z.string(expecting('an ISO 4217 currency code like "EUR"')).check(z.regex(CURRENCY))

/**
 * `{ amount: "1999.00", currency: "EUR" }`: decimal string plus ISO 4217 code.
 *
 * @example
 * ```ts
 * import { Money } from 'intentcast'
 *
 * const price: Money = Money.parse({ amount: '1890.00', currency: 'EUR' })
 * ```
 */
export const Money = strictObject({ amount: Decimal, currency: Currency })
export type Money = z.infer<typeof Money>

const RFC3339 =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/

/**
 * The day exists in its month. Checked by arithmetic, not `Date.parse`, whose answer for
 * `2026-02-31` differs between JavaScript engines (V8 rolls it over to March).
 */
function realDay(s: string): boolean {
  const m = RFC3339.exec(s)
  if (!m) return true // zod runs every check; the pattern check reports this one

  const year = Number(m[1])
  const month = Number(m[2])
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31
  return Number(m[3]) <= days
}

/**
 * An RFC 3339 date-time with an explicit offset, e.g. `2026-11-27T18:00:00Z`. Leap seconds
 * (`:60`) are refused: ECMAScript time has none, so they could not be compared.
 */
export const DateTime = z.string(expecting('an RFC 3339 date-time with an offset, like "2026-11-27T18:00:00Z"')).check(
  z.regex(RFC3339),
  z.refine(realDay, {
    error: (issue) => `a date that exists: ${String(issue.input).slice(0, 10)} does not`,
  }),
)

/** The DateTime check as a plain predicate, for checks that run inside other checks. */
export const isDateTime = (s: string): boolean => RFC3339.test(s) && realDay(s)

/** ISO 3166-1 alpha-2 country, optionally with an ISO 3166-2 subdivision: `DE`, `DE-BE`. */
export const Region = z
  .string(expecting('an ISO 3166 country or subdivision code like "DE" or "DE-BE"'))
  .check(z.regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/))

// Control characters, or a surrogate that is not half of a pair (an escaped `\ud800`): not
// text, and other languages' JSON and CBOR libraries refuse or mangle them. Searching for one
// bad character is much faster than matching every character of a long string.
const NOT_TEXT =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Free text a person wrote: bounded, no control characters, well-formed UTF-16. */
export function text(max: number) {
  return z.string(expecting(`text of 1 to ${max} characters`)).check(
    z.minLength(1),
    z.maxLength(max),
    z.refine((s) => !NOT_TEXT.test(s), 'text without control characters or unpaired surrogates'),
  )
}

/** An absolute http(s) URL (http for loopback and local development). */
export const HttpUrl = z
  .string(expecting('an absolute http(s) URL of at most 2048 characters, like "https://example.com/intents"'))
  .check(z.maxLength(2048), z.regex(/^https?:\/\/[^\s]+$/))

/** Claims every message carries (spec §Common claims). */
export const commonClaims = {
  v: Version,
  iss: Did,
  iat: NumericDate,
  jti: Jti,
}

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/

/**
 * Item attributes: at most 32, named by `ATTRIBUTE_NAME` (a leading letter keeps `__proto__`
 * out; `constructor` is refused by name), each Text(200), true/false, or an integer within
 * ±10^15. One predicate rather than a zod record of unions, which cost more than the rest of
 * the item together.
 */
function isAttributes(r: unknown): boolean {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false
  const names = Object.keys(r)
  if (names.length > 32) return false
  for (const name of names) {
    if (!ATTRIBUTE_NAME.test(name) || name === 'constructor') return false
    const v = (r as Record<string, unknown>)[name]
    const ok =
      typeof v === 'boolean' ||
      // Text(200) counts code points (spec §Status and conventions), as zod's maxLength does for
      // text(): UTF-16 length alone would refuse 101 emoji. Counted only when the quick bound fails.
      (typeof v === 'string' && v.length >= 1 && (v.length <= 200 || [...v].length <= 200) && !NOT_TEXT.test(v)) ||
      (Number.isSafeInteger(v) && Math.abs(v as number) <= 1e15)
    if (!ok) return false
  }
  return true
}

/**
 * An item, as a customer wants it or a vendor offers it: a name, an optional category (free
 * text), and at most 32 attributes, each text, true/false or a whole number.
 *
 * @example
 * ```ts
 * import { Item } from 'intentcast'
 *
 * const item: Item = Item.parse({ name: 'cargo bike', category: 'bicycles', attributes: { gears: 8, electric: true } })
 * ```
 */
export const Item = strictObject({
  name: text(200),
  category: z.optional(text(200)),
  attributes: z.optional(
    z.custom<Record<string, string | boolean | number>>(
      isAttributes,
      expecting(
        'at most 32 attributes, each named by a letter then letters, digits, "_", "." or "-" (64 at most), ' +
          'and valued text of 1 to 200 characters, true or false, or a whole number within ±10^15',
      ),
    ),
  ),
})
export type Item = z.infer<typeof Item>

export const Quantity = z.int(expecting('a whole number from 1 to 1,000,000')).check(z.minimum(1), z.maximum(1_000_000))

/**
 * Salted digests of claims given elsewhere as RFC 9901 disclosures (spec §Selective disclosure):
 * sorted, so their order says nothing about the claims, and unique.
 */
export const DigestSet = strictObject({
  _sd: z.array(Digest, expecting('a list of 1 to 32 digests')).check(
    z.minLength(1),
    z.maxLength(32),
    z.refine((a) => a.every((d, i) => i === 0 || a[i - 1]! < d), 'digests in ascending order, each once'),
  ),
})
export type DigestSet = z.infer<typeof DigestSet>

/**
 * RFC 9901 disclosures (base64url of `[salt, name, value]`), carried only inside sealed
 * messages: checked in full against their digests by `intentcast/disclose`.
 */
export const Disclosures = z
  .array(
    z
      .string(expecting('a disclosure: 1 to 2048 base64url characters'))
      .check(z.minLength(1), z.maxLength(2048), z.regex(/^[A-Za-z0-9_-]+$/)),
    expecting('a list of 1 to 32 disclosures'),
  )
  .check(z.minLength(1), z.maxLength(32))
