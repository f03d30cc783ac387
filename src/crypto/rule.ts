/**
 * # The intentcast Ed25519 verification rule
 *
 * Ed25519 implementations disagree on edge cases that RFC 8032 leaves open or that they
 * implement differently (cofactored vs cofactorless equation, small-order and mixed-order
 * points, non-canonical encodings, unreduced S). A protocol where two verifiers can reach
 * different answers on the same signed message is broken, so intentcast fixes one rule and
 * every backend enforces exactly this rule:
 *
 * A signature `sig` on message `M` under public key `A` is valid if and only if all hold:
 *
 * 1. `A` is exactly 32 bytes and `sig` is exactly 64 bytes, split as `R = sig[0..32)`,
 *    `S = sig[32..64)`.
 * 2. `S`, read as a 256-bit little-endian integer, is below the group order
 *    `L = 2^252 + 27742317777372353535851937790883648493`.
 * 3. `A` and `R` are canonical point encodings: the low 255 bits, read little-endian as `y`,
 *    satisfy `y < p` where `p = 2^255 - 19`; and the encoding is not one of the two with
 *    `x = 0` and the sign bit set (`0100…0080` and `ecff…ffff`).
 * 4. Neither `A` nor `R` is one of the 8 points of small order (order dividing 8), whose
 *    canonical encodings (hex, as in `SMALL_ORDER_ENCODINGS`) are:
 *    `0100000000000000000000000000000000000000000000000000000000000000` (order 1),
 *    `ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f` (order 2),
 *    `0000000000000000000000000000000000000000000000000000000000000000` (order 4),
 *    `0000000000000000000000000000000000000000000000000000000000000080` (order 4),
 *    `26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05` (order 8),
 *    `26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85` (order 8),
 *    `c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a` (order 8),
 *    `c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa` (order 8).
 * 5. `A` decodes to a point on the curve (RFC 8032 §5.1.3).
 * 6. With `k = SHA-512(R || A || M)` read little-endian and reduced mod `L`, and `B` the base
 *    point, the canonical encoding of the point `[S]B - [k]A` equals the 32 bytes `R`
 *    (RFC 8032 §5.1.7 *cofactorless*: no multiplication by 8, bytes compared, not points).
 *
 * Points of mixed order (a non-zero small-order component added to a large-order point) are
 * not rejected by themselves: equation 6 decides, and it rejects the signatures that only a
 * cofactored verifier would accept. `R` is never decoded: the left side of 6 is always a
 * canonical encoding of a curve point, so a bad `R` can only fail the comparison.
 *
 * Steps 1–4 look at bytes only; they are the cheap prechecks below, run by every backend before
 * any curve arithmetic. That is what makes node:crypto (OpenSSL, cofactorless but lax about
 * small-order and x = 0 encodings) and the pure-JS backend agree by construction.
 *
 * @module
 */

/** Canonical encodings of the 8 small-order points, hex. See rule step 4. */
export const SMALL_ORDER_ENCODINGS: readonly string[] = Object.freeze([
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
])

const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16))

/**
 * The encodings above with the sign bit cleared, i.e. their y coordinates. Comparing y rather
 * than whole encodings also catches the two x = 0 encodings with the sign bit set, the only
 * non-canonical forms left once y < p is enforced.
 */
const SMALL_ORDER_Y: readonly Uint8Array[] = Object.freeze(
  SMALL_ORDER_ENCODINGS.map((hex) => {
    const y = fromHex(hex)
    y[31] = y[31]! & 0x7f
    return y
  }),
)

/** L, little-endian. */
const L_BYTES = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')

/** True when the 32 bytes at `off` encode y < p (sign bit ignored). */
function isCanonicalY(b: Uint8Array, off: number): boolean {
  // Little-endian, y >= p = 2^255 - 19 exactly when the top byte (sign bit cleared) is 0x7f,
  // bytes 30 down to 1 are 0xff, and byte 0 is 0xed or more.
  if ((b[off + 31]! & 0x7f) !== 0x7f) return true
  for (let i = off + 30; i > off; i--) if (b[i] !== 0xff) return true
  return b[off]! < 0xed
}

/** Marks the first bytes of SMALL_ORDER_Y, so almost every R is cleared by one table lookup. */
const SMALL_ORDER_FIRST_BYTE = new Uint8Array(256)
for (const y of SMALL_ORDER_Y) SMALL_ORDER_FIRST_BYTE[y[0]!] = 1

/** True when the y coordinate at `off` (sign bit ignored) is that of a small-order point. */
function hasSmallOrderY(b: Uint8Array, off: number): boolean {
  if (SMALL_ORDER_FIRST_BYTE[b[off]!] === 0) return false
  for (let j = 0; j < SMALL_ORDER_Y.length; j++) {
    const y = SMALL_ORDER_Y[j]!
    let i = 0
    while (i < 31 && b[off + i] === y[i]) i++
    if (i === 31 && (b[off + 31]! & 0x7f) === y[31]) return true
  }
  return false
}

/** Rule steps 3 and 4 for the encoding at `off`. */
function isAcceptableEncoding(b: Uint8Array, off: number): boolean {
  return isCanonicalY(b, off) && !hasSmallOrderY(b, off)
}

/** True when the 32 little-endian bytes at `off` are an integer below L. */
function isBelowL(b: Uint8Array, off: number): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = b[off + i]!
    const l = L_BYTES[i]!
    if (x !== l) return x < l
  }
  return false
}

/**
 * Rule steps 1, 3, 4 and 5 for a public key: 32 bytes, canonical, not of small order, on the
 * curve. Decoding costs a square root; `verify` checks step 5 only for a key whose signature
 * fails (src/crypto/prepared.ts, `requireCurvePoint`).
 */
export function checkPublicKeyBytes(a: Uint8Array): boolean {
  return checkKeyEncoding(a) && hasCurvePoint(a)
}

/** Rule steps 1, 3 and 4 for a public key: 32 bytes, canonical, not of small order. Bytes only. */
export function checkKeyEncoding(a: Uint8Array): boolean {
  return a.length === 32 && isAcceptableEncoding(a, 0)
}

const P = 2n ** 255n - 19n
/** The curve constant d = -121665/121666 mod p (RFC 8032 §5.1). */
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n

const LOW_255 = 2n ** 255n - 1n

/**
 * x mod p for x < 2^510, without division: 2^255 ≡ 19 (mod p), so the bits above 255 fold back
 * in multiplied by 19, twice, and one subtraction ends it. BigInt division was most of the cost
 * of the exponentiation below.
 */
function reduce(x: bigint): bigint {
  x = (x & LOW_255) + 19n * (x >> 255n)
  x = (x & LOW_255) + 19n * (x >> 255n)
  return x >= P ? x - P : x
}

/** x^(2^k) mod p: k squarings. */
function square(x: bigint, k: number): bigint {
  for (let i = 0; i < k; i++) x = reduce(x * x)
  return x
}

/**
 * Euler's criterion, x^((p-1)/2) = x^(2^254 - 10) mod p: 1 for a non-zero square. By the
 * addition chain of ed25519's square root (x^(2^250 - 1) in 250 squarings and 11
 * multiplications), then four squarings and x^6: 255 squarings and 14 multiplications, where
 * square-and-multiply over this exponent of nearly all ones takes about 500.
 */
function eulerCriterion(x: bigint): bigint {
  const x2 = reduce(x * x)
  const b2 = reduce(x2 * x) // x^(2^2 - 1)
  const b4 = reduce(square(b2, 2) * b2)
  const b5 = reduce(square(b4, 1) * x)
  const b10 = reduce(square(b5, 5) * b5)
  const b20 = reduce(square(b10, 10) * b10)
  const b40 = reduce(square(b20, 20) * b20)
  const b80 = reduce(square(b40, 40) * b40)
  const b160 = reduce(square(b80, 80) * b80)
  const b240 = reduce(square(b160, 80) * b80)
  const b250 = reduce(square(b240, 10) * b10) // x^(2^250 - 1)
  const x6 = reduce(reduce(x2 * x2) * x2)
  return reduce(square(b250, 4) * x6) // x^(2^254 - 16 + 6)
}

/**
 * Rule step 5: some x satisfies the curve equation -x² + y² = 1 + d·x²·y², i.e. x² = (y² - 1) /
 * (d·y² + 1) is a square mod p (Euler's criterion). RFC 8032 §5.1.3 decoding fails exactly
 * when it is not. Hand-written rather than taken from @noble/ed25519 so that verifying never
 * loads the pure-JS curve code where native Ed25519 exists (the browser bundle stays small);
 * a property test holds it to noble's decoding. Canonical, non-small-order encodings (steps 3
 * and 4) have already been checked, so x = 0 cannot occur here with the sign bit set.
 *
 * One exponentiation, not two: v is never 0 (d is not a square mod p), and the Legendre symbol
 * is multiplicative with (1/v) having the symbol of v, so u/v is a square exactly when u·v is.
 * That drops the inversion v^(p-2), which cost as much as the criterion itself: the check runs
 * for every fresh key, and every intent comes from one.
 */
export function hasCurvePoint(a: Uint8Array): boolean {
  let y = 0n
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? a[i]! & 0x7f : a[i]!)
  const y2 = (y * y) % P
  const u = (y2 - 1n + P) % P
  const v = (D * y2 + 1n) % P
  return u === 0n || eulerCriterion((u * v) % P) === 1n
}

/**
 * Rule steps 1–4 for a signature: 64 bytes, `S < L`, `R` canonical and not of small order.
 * Bytes only, no curve arithmetic: this runs before every verification.
 */
export function checkSignatureBytes(sig: Uint8Array): boolean {
  return sig.length === 64 && isBelowL(sig, 32) && isAcceptableEncoding(sig, 0)
}
