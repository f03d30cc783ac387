import { IntentcastError } from '../errors.js'

/** Current time as a NumericDate (whole seconds since the epoch). */
export function epochSeconds(date: Date = new Date()): number {
  return Math.floor(date.getTime() / 1000)
}

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }
const SPAN = /^(\d{1,9})\s*(s|m|h|d|w)$/

/** `expiresIn` as seconds: a whole number, or a string such as `'90s'`, `'15m'`, `'2h'`, `'7d'`, `'1w'`. */
export function parseDuration(span: number | string, what = 'expiresIn'): number {
  if (typeof span === 'number') {
    if (Number.isSafeInteger(span) && span > 0) return span
  } else {
    const m = SPAN.exec(span)
    if (m) return Number(m[1]) * UNITS[m[2]!]!
  }
  throw new IntentcastError(
    'ERR_INVALID_ARGUMENT',
    `${what} must be a positive whole number of seconds or a span like '2h'`,
  )
}
