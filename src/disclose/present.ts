/**
 * Presentations (spec §Selective disclosure, "Presentations"): an agreement shown to a third
 * party with the disclosures of its `details` that its holder chooses, and nothing else.
 */
import { clockOf, maxBytesOf } from '../envelope/checks.js'
import { prepareVerifyOptions, verify, type Verified, type VerifyOptions } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { parseJsonStrict } from '../lib/json.js'
import { parseWith } from '../model/parse.js'
import { checkDisclosures } from './check.js'
import { ContactDetails } from './claims.js'
import { MAX_DIGESTS, MAX_DISCLOSURE_LENGTH } from './disclosure.js'

/** Options of `verifyPresentation`: those of `verify` that apply to an agreement shown later. */
export type PresentationOptions = Pick<VerifyOptions<'agreement'>, 'now' | 'clockTolerance' | 'resolveKey' | 'maxBytes'>

/** A presentation that passed every check: the agreement, and exactly the details disclosed. */
export interface VerifiedPresentation {
  /** The agreement, verified as `verify` verifies one: both parties' signatures. */
  readonly agreement: Verified<'agreement'>
  /** The details the presentation discloses, and no others. */
  readonly disclosed: ContactDetails
}

const OPTION_KEYS: ReadonlySet<string> = new Set([
  'now',
  'clockTolerance',
  'resolveKey',
  'maxBytes',
] satisfies (keyof PresentationOptions)[])

/**
 * The largest presentation read for agreements of at most `maxBytes`: the agreement at most
 * doubles as a JSON string (each `"` escaped) and grows by 4/3 as base64url of COSE bytes; then
 * 32 quoted disclosures and the object's own 64 characters. No valid presentation is over it.
 */
function presentationLimit(maxBytes: number): number {
  return 2 * maxBytes + MAX_DIGESTS * (MAX_DISCLOSURE_LENGTH + 3) + 64
}

/**
 * Writes a presentation: the agreement exactly as its binding spells it (the JWS JSON text, or
 * base64url of the COSE bytes) and the chosen disclosures of its `details`, as JSON
 * `{"agreement", "disclosures"}`. Give the disclosures in the order of their digests (the order
 * `discloseClaims` returned them in): a reader refuses any other.
 *
 * @param agreement The agreement both parties signed: its JWS JSON text or its COSE bytes
 *   (`verified.message`).
 * @param disclosures The disclosures to show, at most 32; none shows the agreement alone.
 * @throws IntentcastError ERR_INVALID_ARGUMENT when `agreement` is neither JWS JSON text nor
 *   bytes, or `disclosures` is not an array of at most 32 strings.
 * @example
 * ```ts
 * import { presentAgreement } from 'intentcast/disclose'
 * // Show the address, not the email or phone:
 * const shown = presentAgreement(agreement.message, [addressDisclosure])
 * ```
 */
export function presentAgreement(agreement: string | Uint8Array, disclosures: readonly string[]): string {
  let text: string
  if (agreement instanceof Uint8Array) text = encodeBase64url(agreement)
  else if (typeof agreement === 'string' && agreement.startsWith('{')) text = agreement
  else throw invalid('presentAgreement takes an agreement: its JWS JSON text, or its COSE bytes')
  if (!isDisclosureList(disclosures)) throw invalid(`disclosures is an array of at most ${MAX_DIGESTS} strings`)
  return JSON.stringify({ agreement: text, disclosures: [...disclosures] })
}

/**
 * Verifies a presentation (spec §Selective disclosure, "Verifying a presentation"): the
 * agreement with every check of `verify` (both signatures, by its two parties), then the
 * disclosures against its `details` by the disclosure rule, then their values as
 * `ContactDetails`. What it returns is all a third party learns: the agreement, and exactly the
 * details disclosed.
 *
 * @param presentation JSON `{"agreement", "disclosures"}`, as `presentAgreement` writes it.
 * @throws IntentcastError ERR_TOO_LARGE for a presentation over 2 × `maxBytes` + 65,696
 *   characters, before parsing; ERR_MALFORMED for anything but that JSON object; then the codes of
 *   `verify`; then ERR_DISCLOSURE_UNKNOWN, ERR_DISCLOSURE_DUPLICATE, ERR_DISCLOSURE_ORDER (and
 *   ERR_TOO_LARGE, ERR_MALFORMED for a disclosure); ERR_SCHEMA for a disclosed value that is not
 *   a contact detail. ERR_INVALID_ARGUMENT for an option it does not take.
 * @example
 * ```ts
 * import { verifyPresentation } from 'intentcast/disclose'
 * const { agreement, disclosed } = await verifyPresentation(shown)
 * agreement.payload.parties // { customer, vendor }
 * disclosed.address // { locality: 'Berlin', … }; disclosed.email: undefined, not shown
 * ```
 */
export async function verifyPresentation(
  presentation: string,
  options?: PresentationOptions,
): Promise<VerifiedPresentation> {
  const prepared = prepareVerifyOptions(options, OPTION_KEYS, 'verifyPresentation')
  // The caller's own options first: their mistakes are not the presentation's.
  const maxBytes = maxBytesOf(prepared)
  clockOf(prepared)
  if (typeof presentation !== 'string') throw malformed('a presentation is a string')
  if (presentation.length > presentationLimit(maxBytes)) {
    throw new IntentcastError('ERR_TOO_LARGE', `the presentation exceeds ${presentationLimit(maxBytes)} characters`)
  }
  const { agreement, disclosures } = shapeOf(parseJsonStrict(presentation, 'presentation'))
  const message = agreement.startsWith('{') ? agreement : decodeBase64url(agreement, 'the COSE agreement')
  const verified = await verify(message, { ...prepared, expect: 'agreement' })
  const claims = await checkDisclosures(verified.payload.details, disclosures)
  return { agreement: verified, disclosed: parseWith(ContactDetails, claims, 'disclosed details', 'ERR_SCHEMA') }
}

function shapeOf(value: unknown): { agreement: string; disclosures: readonly string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed('a presentation is an object')
  const keys = Object.keys(value)
  const { agreement, disclosures } = value as Record<string, unknown>
  if (keys.length !== 2 || typeof agreement !== 'string' || !isDisclosureList(disclosures)) {
    throw malformed(`a presentation is {"agreement": string, "disclosures": at most ${MAX_DIGESTS} strings}`)
  }
  return { agreement, disclosures }
}

function isDisclosureList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.length <= MAX_DIGESTS && value.every((d) => typeof d === 'string')
}

function malformed(message: string): IntentcastError {
  return new IntentcastError('ERR_MALFORMED', message)
}

function invalid(message: string): IntentcastError {
  return new IntentcastError('ERR_INVALID_ARGUMENT', message)
}
