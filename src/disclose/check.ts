/**
 * The disclosure rule (spec §Selective disclosure, "Checking disclosures"). A list of
 * disclosures is checked against one or more digest sets in four steps, each over the whole list
 * before the next, so a list has one failure, the same in every implementation:
 *
 * 1. Each disclosure is well-formed (`parseDisclosure`): ERR_TOO_LARGE, ERR_MALFORMED.
 * 2. Each one's digest is in a set: else ERR_DISCLOSURE_UNKNOWN.
 * 3. None repeats an earlier one's digest, or an earlier one's claim name in the same set:
 *    else ERR_DISCLOSURE_DUPLICATE.
 * 4. They come in the order of their digests, the sets taken one after the other: else
 *    ERR_DISCLOSURE_ORDER. With steps 2 and 3 passed, this makes one list the only spelling of
 *    a subset.
 */
import { IntentcastError } from '../errors.js'
import { parseWith } from '../model/parse.js'
import { DigestSet } from '../model/primitives.js'
import { disclosureDigest, parseDisclosure } from './disclosure.js'

/** The claims disclosed against one digest set, by name. */
export type DisclosedClaims = Record<string, unknown>

/**
 * Checks disclosures against the digest set a signed message carries (steps 1 to 4 above) and
 * returns the claims they disclose, by name. With a list of sets (an acceptance's disclosures
 * against its own `details` and then its intent's `want.precise`), the disclosures of the first
 * set come first, and the claims come back per set. An absent set (`undefined`) holds nothing,
 * so any disclosure given for it is unknown. A digest in two sets belongs to the first.
 *
 * The claims' values are checked here only as JSON; what each name may hold is the place's
 * schema's (`ContactDetails`, `PreciseWant`).
 *
 * @param commitment A digest set `{ _sd }` from a verified message, or a list of them.
 * @param disclosures The disclosures, in the order of their digests.
 * @throws IntentcastError ERR_TOO_LARGE, ERR_MALFORMED, ERR_DISCLOSURE_UNKNOWN,
 *   ERR_DISCLOSURE_DUPLICATE, ERR_DISCLOSURE_ORDER (the rule above); ERR_INVALID_ARGUMENT when
 *   a set is not a digest set (sorted, unique, 1 to 32) or `disclosures` is not an array.
 * @example
 * ```ts
 * import { verify } from 'intentcast'
 * import { checkDisclosures } from 'intentcast/disclose'
 * const counter = await verify(await open(jwe, myKeys), { expect: 'counter', audience: me.did })
 * const precise = await checkDisclosures(intent.payload.want.precise, counter.payload.disclosures ?? [])
 * precise.region // '10115 Berlin, Invalidenstr. 1'
 * ```
 */
export function checkDisclosures(
  commitment: DigestSet | undefined,
  disclosures: readonly string[],
): Promise<DisclosedClaims>
export function checkDisclosures(
  commitments: readonly (DigestSet | undefined)[],
  disclosures: readonly string[],
): Promise<DisclosedClaims[]>
export async function checkDisclosures(
  commitment: DigestSet | undefined | readonly (DigestSet | undefined)[],
  disclosures: readonly string[],
): Promise<DisclosedClaims | DisclosedClaims[]> {
  if (Array.isArray(commitment)) return check(commitment as readonly (DigestSet | undefined)[], disclosures)
  return (await check([commitment as DigestSet | undefined], disclosures))[0]!
}

/** Where a digest sits: its set, and its position in all the sets taken one after the other. */
interface Place {
  readonly set: number
  readonly position: number
}

async function check(
  sets: readonly (DigestSet | undefined)[],
  disclosures: readonly string[],
): Promise<DisclosedClaims[]> {
  const places = placesOf(sets)
  // Checked through an `unknown` alias: narrowing `disclosures` itself would leave it `any[]`.
  const list: unknown = disclosures
  if (!Array.isArray(list)) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'disclosures is an array of disclosure strings')
  }
  // 1. Well-formed.
  const read = []
  for (const disclosure of disclosures) {
    const { name, value } = parseDisclosure(disclosure)
    read.push({ name, value, digest: await disclosureDigest(disclosure) })
  }
  // 2. Known.
  const at: Place[] = read.map(({ digest }, i) => {
    const place = places.get(digest)
    if (place === undefined) throw failure('ERR_DISCLOSURE_UNKNOWN', i, 'has a digest the message does not carry')
    return place
  })
  // 3. Not repeated: a digest, or a name within one set (two values for one claim).
  const digests = new Set<string>()
  const names = sets.map(() => new Set<string>())
  read.forEach(({ digest, name }, i) => {
    const inSet = names[at[i]!.set]!
    if (digests.has(digest) || inSet.has(name))
      throw failure('ERR_DISCLOSURE_DUPLICATE', i, `repeats "${name.slice(0, 32)}"`)
    digests.add(digest)
    inSet.add(name)
  })
  // 4. In order.
  at.forEach((place, i) => {
    if (i > 0 && place.position <= at[i - 1]!.position) {
      throw failure('ERR_DISCLOSURE_ORDER', i, 'comes before the previous one in the order of their digests')
    }
  })
  const claims: DisclosedClaims[] = sets.map(() => ({}))
  read.forEach(({ name, value }, i) => (claims[at[i]!.set]![name] = value))
  return claims
}

function placesOf(sets: readonly (DigestSet | undefined)[]): Map<string, Place> {
  const places = new Map<string, Place>()
  sets.forEach((set, index) => {
    if (set === undefined) return
    const { _sd } = parseWith(DigestSet, set, 'digest set', 'ERR_INVALID_ARGUMENT')
    for (const digest of _sd) if (!places.has(digest)) places.set(digest, { set: index, position: places.size })
  })
  return places
}

function failure(code: IntentcastError['code'], index: number, what: string): IntentcastError {
  return new IntentcastError(code, `disclosure ${index} ${what}`)
}
