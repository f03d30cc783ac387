/**
 * Exact ordering of RFC 3339 date-times. `Date.parse` keeps milliseconds only, so two delivery
 * dates a microsecond apart would compare equal; this keeps every fractional digit, and takes
 * the offset into account so `…T19:00:00+01:00` equals `…T18:00:00Z`.
 */

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** The number in the `n` ASCII digits of `s` from `at`. */
function digits(s: string, at: number, n: number): number {
  let v = 0
  for (let i = at; i < at + n; i++) v = v * 10 + s.charCodeAt(i) - 48
  return v
}

/**
 * Whole UTC seconds since the epoch and the fractional digits without trailing zeros. The model's
 * DateTime schema has checked the shape (`YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM)`), so the fields sit
 * at fixed places and are read directly: a regular expression here cost more than the rest of a
 * ranking.
 */
function split(s: string): [number, string] {
  let seconds =
    daysFromCivil(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2)) * 86_400 +
    digits(s, 11, 2) * 3600 +
    digits(s, 14, 2) * 60 +
    digits(s, 17, 2)
  // After the seconds: an optional fraction, then `Z` or the offset.
  let zone = 19
  if (s.charCodeAt(zone) === 46 /* . */)
    do zone++
    while (s.charCodeAt(zone) >= 48 && s.charCodeAt(zone) <= 57)
  let end = zone
  while (end > 20 && s.charCodeAt(end - 1) === 48 /* trailing 0 */) end--
  const sign = s.charCodeAt(zone)
  if (sign !== 90 /* Z */)
    seconds -= (sign === 45 /* - */ ? -1 : 1) * (digits(s, zone + 1, 2) * 3600 + digits(s, zone + 4, 2) * 60)
  return [seconds, end > 20 ? s.slice(20, end) : '']
}

export function compareInstant(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0
  // Both in UTC with fractions of one length: fixed-width fields, so text order is time order.
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) return a < b ? -1 : 1
  const [as, af] = split(a)
  const [bs, bf] = split(b)
  if (as !== bs) return as < bs ? -1 : 1
  const n = Math.max(af.length, bf.length)
  const x = af.padEnd(n, '0')
  const y = bf.padEnd(n, '0')
  return x === y ? 0 : x < y ? -1 : 1
}

// Seconds from the year 0000 to the epoch, and then some: keeps every key's seconds positive.
const SHIFT = 100_000_000_000

/** A fixed-width key whose text order is time order (nine fraction digits), for sorting. */
export function instantKey(s: string): string {
  const [seconds, frac] = split(s)
  return String(seconds + SHIFT).padStart(12, '0') + frac.padEnd(9, '0')
}
