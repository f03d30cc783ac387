import { IntentcastError } from '../errors.js'
import { encodeBase64url } from '../lib/base64url.js'
import { utf8 } from '../lib/utf8.js'
import type { DigestSet } from '../model/primitives.js'
import { checkName, disclosureDigest, MAX_DIGESTS, MAX_DISCLOSURE_LENGTH, parseDisclosure } from './disclosure.js'

/** Options of `discloseClaims`. */
export interface DiscloseOptions {
  /**
   * Random digests added beside the real ones (RFC 9901 §4.2.5), so the set's size says less
   * about how many claims it hides. Default 0; claims and decoys together are at most 32.
   */
  decoys?: number
}

/** Claims hidden behind salted digests, and the disclosures that reveal them. */
export interface SaltedClaims {
  /** The digest set to sign (as an acceptance's `details`, or an intent's `want.precise`). */
  readonly claim: DigestSet
  /** One disclosure per claim, in the order of their digests in `claim._sd`. Keep them secret. */
  readonly disclosures: readonly string[]
}

const OPTION_KEYS: ReadonlySet<string> = new Set(['decoys'] satisfies (keyof DiscloseOptions)[])

/** Each salt's length: 128 bits, as RFC 9901 §4.2.1 recommends. */
const SALT_BYTES = 16

/**
 * Hides each claim behind a salted digest (RFC 9901 §4.2): a fresh 128-bit salt per claim from
 * the platform CSPRNG, the disclosure `[salt, name, value]` as compact JSON, and its digest.
 * The digests are sorted (§4.2.4.1: their order then says nothing about the claims), and the
 * disclosures come back in that order, which is the order a reader requires of any subset.
 * A value is written as `JSON.stringify` writes it.
 *
 * @throws IntentcastError ERR_INVALID_ARGUMENT for claims that are not a plain object of 1 to 32
 *   claims (fewer with decoys), a reserved name (`_sd`, `...`, `__proto__`), a value that is not
 *   JSON (undefined, a function, a symbol) or whose disclosure a reader would refuse (over 2,048
 *   characters, nested deeper than 16), or an unknown option.
 * @example
 * ```ts
 * import { signAcceptance } from 'intentcast'
 * import { discloseClaims } from 'intentcast/disclose'
 * const details = await discloseClaims({ email: 'ada@example.org', address: { locality: 'Berlin' } })
 * const acceptance = await signAcceptance(
 *   { ...body, details: details.claim, disclosures: [...details.disclosures] },
 *   customer,
 *   { audience: vendor.did },
 * )
 * ```
 */
export function discloseClaims(claims: Record<string, unknown>, options?: DiscloseOptions): Promise<SaltedClaims> {
  return discloseClaimsWith(claims, options)
}

/**
 * `discloseClaims`, with each claim's salt fixed when `salts` is given: 16 bytes per claim, in
 * the order of the claims' names (vectors only; decoys stay random). Not exported by the package:
 * a writer never fixes a salt.
 */
export async function discloseClaimsWith(
  claims: Record<string, unknown>,
  options?: DiscloseOptions,
  salts?: readonly Uint8Array[],
): Promise<SaltedClaims> {
  const decoys = decoysOf(options)
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw invalid('discloseClaims takes the claims as a plain object')
  }
  const names = Object.keys(claims)
  if (names.length === 0 || names.length + decoys > MAX_DIGESTS) {
    throw invalid(`discloseClaims takes 1 to ${MAX_DIGESTS} claims, decoys included`)
  }
  if (
    salts !== undefined &&
    (salts.length !== names.length || !salts.every((s) => s instanceof Uint8Array && s.length === SALT_BYTES))
  ) {
    throw invalid(`fixed salts are ${SALT_BYTES} bytes each, one per claim`)
  }
  const entries: { digest: string; disclosure?: string }[] = []
  for (const [i, name] of names.entries()) {
    const disclosure = discloseOne(name, claims[name], salts?.[i] ?? randomBytes(SALT_BYTES))
    entries.push({ digest: await disclosureDigest(disclosure), disclosure })
  }
  // A decoy is what a digest looks like: 32 random bytes, as SHA-256 output is indistinguishable from.
  for (let i = 0; i < decoys; i++) entries.push({ digest: encodeBase64url(randomBytes(32)) })
  entries.sort((a, b) => (a.digest < b.digest ? -1 : 1))
  return {
    claim: { _sd: entries.map((e) => e.digest) },
    disclosures: entries.flatMap((e) => (e.disclosure === undefined ? [] : [e.disclosure])),
  }
}

function discloseOne(name: string, value: unknown, salt: Uint8Array): string {
  checkName(name, 'ERR_INVALID_ARGUMENT')
  // JSON.stringify writes these as null inside an array, which would disclose another value.
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    throw invalid(`the claim "${name.slice(0, 32)}" has no JSON value`)
  }
  let json: string
  try {
    json = JSON.stringify([encodeBase64url(salt), name, value])
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `the claim "${name.slice(0, 32)}" is not JSON`, { cause })
  }
  const disclosure = encodeBase64url(utf8(json))
  // What this side makes, every reader must take: read it back as a reader would.
  try {
    parseDisclosure(disclosure)
  } catch (cause) {
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `the claim "${name.slice(0, 32)}" makes a disclosure a reader refuses (at most ${MAX_DISCLOSURE_LENGTH} characters, strict JSON)`,
      { cause },
    )
  }
  return disclosure
}

function decoysOf(options: DiscloseOptions | undefined): number {
  if (options === undefined) return 0
  if (typeof options !== 'object' || options === null) throw invalid('discloseClaims options must be an object')
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw invalid(`discloseClaims has no option "${key.slice(0, 32)}"; it takes decoys`)
  }
  const decoys = options.decoys ?? 0
  if (!Number.isSafeInteger(decoys) || decoys < 0) throw invalid('decoys is a whole number, 0 or more')
  return decoys
}

function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n))
}

function invalid(message: string): IntentcastError {
  return new IntentcastError('ERR_INVALID_ARGUMENT', message)
}
