/**
 * Exact comparison of the decimal strings money and bounds travel as (`Decimal` in the model:
 * no sign, no exponent, no leading zeros). Floats would make `0.1 + 0.2`-style errors decide
 * whether a price is under a ceiling, so amounts are compared digit by digit.
 */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const ad = a.indexOf('.')
  const bd = b.indexOf('.')
  const aInt = ad < 0 ? a : a.slice(0, ad)
  const bInt = bd < 0 ? b : b.slice(0, bd)
  // Without leading zeros, a longer integer part is a larger number.
  if (aInt.length !== bInt.length) return aInt.length < bInt.length ? -1 : 1
  if (aInt !== bInt) return aInt < bInt ? -1 : 1
  const aFrac = ad < 0 ? '' : a.slice(ad + 1)
  const bFrac = bd < 0 ? '' : b.slice(bd + 1)
  // Pad to one length so `1.5` and `1.50` compare equal, then digits compare as text.
  const n = Math.max(aFrac.length, bFrac.length)
  const af = aFrac.padEnd(n, '0')
  const bf = bFrac.padEnd(n, '0')
  return af === bf ? 0 : af < bf ? -1 : 1
}
