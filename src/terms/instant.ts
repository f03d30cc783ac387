/**
 * Exact ordering of RFC 3339 date-times. `Date.parse` keeps milliseconds only, so two delivery
 * dates a microsecond apart would compare equal; this keeps every fractional digit, and takes
 * the offset into account so `…T19:00:00+01:00` equals `…T18:00:00Z`.
 */

const PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Whole UTC seconds since the epoch and the fractional digits without trailing zeros. */
function split(s: string): [number, string] {
  const m = PARTS.exec(s)
  // The model's DateTime schema admits only strings this pattern accepts.
  if (!m) throw new TypeError(`not an RFC 3339 date-time: ${s.slice(0, 40)}`)
  let seconds = daysFromCivil(+m[1]!, +m[2]!, +m[3]!) * 86_400 + +m[4]! * 3600 + +m[5]! * 60 + +m[6]!
  if (m[8] !== 'Z') seconds -= (m[9] === '-' ? -1 : 1) * (+m[10]! * 3600 + +m[11]! * 60)
  return [seconds, (m[7] ?? '').replace(/0+$/, '')]
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
