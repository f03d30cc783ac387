/**
 * Regenerates constructed.json: edge cases built for the intentcast Ed25519 rule
 * (src/crypto/rule.ts). Run: npx tsx scripts/vectors-ed25519.ts
 *
 * Deterministic: a fixed key, fixed messages, and brute-force searches over a counter.
 * Independent of src/crypto on purpose: it works on noble's Point directly, and every case's
 * expected answer is asserted against a reference written from the rule's text (point
 * arithmetic, no byte tricks), so the vectors cannot inherit a bug of the code they test.
 *
 * The interesting cases are the "forgeries": signatures for which the bare cofactorless
 * equation [S]B - [k]A = R does hold, so that a verifier without the rule's prechecks (OpenSSL
 * via node:crypto, for instance) accepts them.
 */
import { writeFileSync } from 'node:fs'
import { etc, hashes, Point, utils } from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'

hashes.sha512 = sha512

const { bytesToHex, hexToBytes, mod } = etc
const L = Point.CURVE().n
const P = Point.CURVE().p
const B = Point.BASE
const I = Point.ZERO

const le = (b: Uint8Array): bigint => BigInt('0x' + (bytesToHex(Uint8Array.from(b).reverse()) || '0'))
const toLE = (n: bigint): Uint8Array => hexToBytes(n.toString(16).padStart(64, '0')).reverse()
const concat = (...parts: Uint8Array[]): Uint8Array => etc.concatBytes(...parts)
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array): bigint => mod(le(sha512(concat(r, a, m))), L)
/** [n]P for 0 <= n < L (noble's multiply refuses 0). */
const mul = (p: Point, n: bigint): Point => (n === 0n ? I : p.multiply(n, false))
/** [n]T for a small-order T: reduce n mod 8, not mod L. */
const mulSmall = (t: Point, n: bigint): Point => {
  let out = I
  for (let i = 0n; i < mod(n, 8n); i++) out = out.add(t)
  return out
}

/** Decodes like RFC 8032 but also accepts y >= p and x = 0 with the sign bit (ZIP 215). */
function looseDecode(bytes: Uint8Array): Point | undefined {
  try {
    return Point.fromBytes(bytes, true)
  } catch {
    return undefined
  }
}

/** The rule, from its text, with point arithmetic. The reference the vectors are checked against. */
function referenceRule(a: Uint8Array, m: Uint8Array, sig: Uint8Array): boolean {
  if (a.length !== 32 || sig.length !== 64) return false
  const r = sig.subarray(0, 32)
  const s = le(sig.subarray(32))
  if (s >= L) return false
  const canonical = (bytes: Uint8Array): boolean => {
    const y = le(Uint8Array.from(bytes, (x, i) => (i === 31 ? x & 0x7f : x)))
    const xIsZeroWithSign = (bytes[31]! & 0x80) !== 0 && (y === 1n || y === P - 1n)
    return y < P && !xIsZeroWithSign
  }
  const smallOrder = (bytes: Uint8Array): boolean => looseDecode(bytes)?.isSmallOrder() ?? false
  if (!canonical(a) || !canonical(r) || smallOrder(a) || smallOrder(r)) return false
  const A = looseDecode(a)
  if (A === undefined) return false
  const check = mul(B, s).subtract(mul(A, challenge(r, a, m)))
  return bytesToHex(check.toBytes()) === bytesToHex(r)
}

interface Case {
  name: string
  public_key: string
  message: string
  signature: string
  expected: boolean
  /** Whether [S]B - [k]A = R holds as points, ignoring every other part of the rule. */
  bare_equation: boolean
  why: string
}

/**
 * The bare cofactorless equation [S]B - [k]A = R on points, k hashed from the bytes as given,
 * with none of the rule's checks on encodings or orders.
 */
function bareEquation(a: Uint8Array, m: Uint8Array, sig: Uint8Array): boolean {
  const A = looseDecode(a)
  const R = looseDecode(sig.subarray(0, 32))
  const s = le(sig.subarray(32))
  if (A === undefined || R === undefined || s >= L) return false
  return mul(B, s)
    .subtract(mul(A, challenge(sig.subarray(0, 32), a, m)))
    .equals(R)
}

const cases: Case[] = []
function add(name: string, a: Uint8Array, m: Uint8Array, sig: Uint8Array, expected: boolean, why: string): void {
  const reference = referenceRule(a, m, sig)
  if (reference !== expected)
    throw new Error(`${name}: constructed as ${expected}, the reference rule says ${reference}`)
  const bare_equation = sig.length === 64 && bareEquation(a, m, sig)
  cases.push({
    name,
    public_key: bytesToHex(a),
    message: bytesToHex(m),
    signature: bytesToHex(sig),
    expected,
    bare_equation,
    why,
  })
}

/** Searches counters until `found(message)` holds. */
function search(prefix: string, found: (message: Uint8Array) => boolean): Uint8Array {
  for (let i = 0; ; i++) {
    const message = text(`${prefix} #${i}`)
    if (found(message)) return message
  }
}

// The signer: RFC 8032 TEST 1's key. a is its secret scalar, A = [a]B.
const seed = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
const { scalar: a, pointBytes: A } = utils.getExtendedPublicKey(seed)
const message = text('intentcast edge cases')
const r = 0x1234567890abcdefn // a fixed nonce: these are test vectors, not signatures to keep
const R = mul(B, r).toBytes()
const s = mod(r + challenge(R, A, message) * a, L)
const valid = concat(R, toLE(s))
/** R = [r]B with S = r: satisfies the bare equation under any A with [k]A = identity. */
const forged = concat(R, toLE(r))
const withS = (n: bigint): Uint8Array => concat(R, toLE(n))

add('control: a valid signature', A, message, valid, true, 'all of the rule holds')
add('control: S = 0', A, message, withS(0n), false, 'equation fails (S = 0 is not itself refused)')
add('control: S = L - 1', A, message, withS(L - 1n), false, 'largest S the precheck lets through; equation fails')
add('S = L', A, message, withS(L), false, 'rule 2: S >= L')
add('S = L + 1', A, message, withS(L + 1n), false, 'rule 2: S >= L')
add('S = s + L', A, message, withS(s + L), false, 'rule 2: would verify if S were reduced mod L')
add('S = s + 2L (>= 2^253)', A, message, withS(s + 2n * L), false, 'rule 2: S >= 2^253, would verify if reduced mod L')
add('S = 2^256 - 1', A, message, withS(2n ** 256n - 1n), false, 'rule 2: S >= L')

// A generator of the 8-element torsion subgroup: [j]T8 for j = 0..7 are the 8 small-order points.
const T8 = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')
const order = (t: Point): number => [1, 2, 4, 8].find((n) => mulSmall(t, BigInt(n)).is0())!

// Small-order A: pick messages until [k]A = identity, then R = [S]B satisfies the bare equation
// for any S. Anyone could "sign" for such a key.
for (let j = 0n; j < 8n; j++) {
  const t = mulSmall(T8, j)
  const smallA = t.toBytes()
  const m = search(`small-order A ${j}`, (msg) => mulSmall(t, challenge(R, smallA, msg)).is0())
  add(
    `small-order A: ${bytesToHex(smallA)} (order ${order(t)})`,
    smallA,
    m,
    forged,
    false,
    'rule 4: [S]B - [k]A = R holds, a forgery under any key of small order',
  )
}
for (const [label, hex] of [
  ['identity', '0100000000000000000000000000000000000000000000000000000000000080'],
  ['order-2 point', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'],
] as const) {
  const bytes = hexToBytes(hex)
  const t = looseDecode(bytes)!
  const m = search(`x = 0 A ${label}`, (msg) => mulSmall(t, challenge(R, bytes, msg)).is0())
  add(
    `non-canonical A: ${label} with the sign bit set (${hex})`,
    bytes,
    m,
    forged,
    false,
    'rules 3 and 4: x = 0 with sign bit 1; [S]B - [k]A = R holds on the bytes as given',
  )
}

// A mixed-order key A' = [a]B + T8, whose owner knows a. With S = r + k·a the bare equation
// reads [r]B - [k]T8 = R: it holds exactly when k ≡ 0 (mod 8).
const mixedA = B.multiply(a).add(T8).toBytes()
const mMixedGood = search('mixed A, k = 0 mod 8', (msg) => challenge(R, mixedA, msg) % 8n === 0n)
add(
  'mixed-order A, large-order R, cofactorless equation holds',
  mixedA,
  mMixedGood,
  concat(R, toLE(mod(r + challenge(R, mixedA, mMixedGood) * a, L))),
  true,
  'mixed-order keys are not refused by themselves; the equation decides',
)
const mMixedBad = search('mixed A, k != 0 mod 8', (msg) => challenge(R, mixedA, msg) % 8n !== 0n)
add(
  'mixed-order A, large-order R, only the cofactored equation holds',
  mixedA,
  mMixedBad,
  concat(R, toLE(mod(r + challenge(R, mixedA, mMixedBad) * a, L))),
  false,
  'rule 6: [S]B - [k]A = R - [k]T8 differs from R; [8]([S]B - [k]A) = [8]R does hold',
)

// Small-order R under the mixed key: S = k·a leaves [S]B - [k]A' = -[k]T8, a small-order point.
// Pick messages until it is the chosen R: the bare equation holds.
for (let j = 0n; j < 8n; j++) {
  const t = mulSmall(T8, j)
  const smallR = t.toBytes()
  const m = search(`small-order R ${j}`, (msg) => mod(-challenge(smallR, mixedA, msg), 8n) === j)
  add(
    `small-order R: ${bytesToHex(smallR)} (order ${order(t)})`,
    mixedA,
    m,
    concat(smallR, toLE(mod(challenge(smallR, mixedA, m) * a, L))),
    false,
    'rule 4: [S]B - [k]A = R holds',
  )
}
// The identity once more, under the prime-order key: S = k·a gives [S]B - [k]A = identity.
{
  const identity = I.toBytes()
  add(
    'small-order R: identity, under a prime-order key',
    A,
    message,
    concat(identity, toLE(mod(challenge(identity, A, message) * a, L))),
    false,
    'rule 4: [S]B - [k]A = R holds',
  )
}

// Non-canonical A: every encoding with y >= p (y = p + t, t = 0..18, both sign bits).
// Those that decode to a small-order point get a forgery as above; the others the control signature.
for (let t = 0n; t < 19n; t++) {
  for (const sign of [0, 1]) {
    const bytes = toLE(P + t)
    bytes[31] = bytes[31]! | (sign << 7)
    const point = looseDecode(bytes)
    const label = `non-canonical A: y = p + ${t}, sign ${sign}${point === undefined ? ', not on the curve' : ''}`
    if (point?.isSmallOrder()) {
      const m = search(label, (msg) => mulSmall(point, challenge(R, bytes, msg)).is0())
      add(label, bytes, m, forged, false, 'rule 3: y >= p; [S]B - [k]A = R holds on the bytes as given')
    } else {
      add(label, bytes, message, valid, false, 'rule 3: y >= p')
    }
  }
}

// Non-canonical R. The equation's left side is always a canonical encoding, so these can never
// match, even when R names the right point, as it does here for those naming a small-order point:
// under the mixed key with S = k·a the left side is -[k]T8, and messages are picked to make it R.
for (const [label, hex] of [
  ['identity with the sign bit set', '0100000000000000000000000000000000000000000000000000000000000080'],
  ['order-2 point with the sign bit set', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'],
  ['y = p', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['y = p + 1 (identity)', 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['y = 2^255 - 1', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
] as const) {
  const bytes = hexToBytes(hex)
  const point = looseDecode(bytes)
  const j = point?.isSmallOrder()
    ? BigInt([0, 1, 2, 3, 4, 5, 6, 7].find((i) => mulSmall(T8, BigInt(i)).equals(point))!)
    : undefined
  const m =
    j === undefined
      ? message
      : search(`non-canonical R ${label}`, (msg) => mod(-challenge(bytes, mixedA, msg), 8n) === j)
  add(
    `non-canonical R: ${label}`,
    mixedA,
    m,
    concat(bytes, toLE(mod(challenge(bytes, mixedA, m) * a, L))),
    false,
    j === undefined ? 'rule 3' : 'rule 3: [S]B - [k]A is the point R names, but encoded canonically',
  )
}

// Not on the curve: canonical y for which (y² - 1) / (dy² + 1) has no square root.
const offCurve: Uint8Array[] = []
for (let y = 2n; offCurve.length < 3; y++) if (looseDecode(toLE(y)) === undefined) offCurve.push(toLE(y))
for (const bytes of offCurve) {
  add(`A not on the curve: y = ${le(bytes)}`, bytes, message, valid, false, 'rule 5')
  const signed = Uint8Array.from(bytes)
  signed[31] = signed[31]! | 0x80
  add(`A not on the curve: y = ${le(bytes)}, sign 1`, signed, message, valid, false, 'rule 5')
}
add(
  `R not on the curve: y = ${le(offCurve[0]!)}`,
  A,
  message,
  concat(offCurve[0]!, toLE(s)),
  false,
  'rule 6: the left side is a curve point, R is not',
)

add('signature of 0 bytes', A, message, new Uint8Array(0), false, 'rule 1')
add('signature of 63 bytes', A, message, valid.subarray(0, 63), false, 'rule 1')
add('signature of 65 bytes', A, message, concat(valid, new Uint8Array(1)), false, 'rule 1')
add('signature of 128 bytes (two valid signatures)', A, message, concat(valid, valid), false, 'rule 1')

const out = new URL('../spec/vectors/ed25519/constructed.json', import.meta.url)
writeFileSync(out, JSON.stringify({ generator: 'scripts/vectors-ed25519.ts', cases }, null, 2) + '\n')
console.log(`${cases.length} cases written to ${out.pathname}`)
