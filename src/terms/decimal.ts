/**
 * Exact comparison of the decimal strings money and bounds travel as (`Decimal` in the model:
 * no sign, no exponent, no leading zeros). Floats would make `0.1 + 0.2`-style errors decide
 * whether a price is under a ceiling, so amounts are compared digit by digit.
 */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0
  const ai = a.indexOf('.')
  const bi = b.indexOf('.')
  const aInt = ai < 0 ? a.length : ai
  const bInt = bi < 0 ? b.length : bi
  // Without leading zeros, a longer integer part is a larger number.
  if (aInt !== bInt) return aInt < bInt ? -1 : 1
  // The points line up, so digits compare position by position; a missing point or digit reads
  // as '.' or '0', which makes `1.5` equal `1.50` and `2` equal `2.0`. No slicing: this runs
  // once per term in every negotiation.
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a.charCodeAt(i) : i === aInt ? 46 : 48
    const y = i < b.length ? b.charCodeAt(i) : i === bInt ? 46 : 48
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

/**
 * A fixed-width key whose text order is the decimal's numeric order (18 integer digits and 8
 * fraction digits, as the model's Decimal allows), for sorting many values without re-parsing.
 */
export function decimalKey(d: string): string {
  const dot = d.indexOf('.')
  return dot < 0
    ? d.padStart(18, '0') + '00000000'
    : d.slice(0, dot).padStart(18, '0') + d.slice(dot + 1).padEnd(8, '0')
}
