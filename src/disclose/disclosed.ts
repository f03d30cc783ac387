import type { Verified } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import { parseWith } from '../model/parse.js'
import { checkDisclosures } from './check.js'
import { ContactDetails, PreciseWant } from './claims.js'

/**
 * What a customer's move disclosed to its vendor: the contact details behind the acceptance's
 * `details`, and the precise forms behind its intent's `want.precise`. Each is absent when
 * nothing of it was disclosed.
 */
export interface Disclosed {
  readonly details?: ContactDetails
  readonly precise?: PreciseWant
}

/**
 * Checks the disclosures an acceptance or a counter carries (spec §Selective disclosure) against
 * its own `details` (an acceptance's) and then its intent's `want.precise`, and reads them as
 * contact details and precise wants. A vendor runs this before any of its code hears of the move.
 *
 * @throws IntentcastError the codes of `checkDisclosures`; ERR_BROKEN_LINK for an acceptance
 *   whose `details` holds a digest it does not disclose (so no decoys there); ERR_SCHEMA for a
 *   disclosed value its place does not allow.
 * @example
 * ```ts
 * import { disclosedIn } from 'intentcast/disclose'
 * const { details, precise } = await disclosedIn(acceptance, thread.intent)
 * ship(details?.address ?? precise?.region)
 * ```
 */
export async function disclosedIn(
  move: Verified<'acceptance'> | Verified<'counter'>,
  intent: Verified<'intent'>,
): Promise<Disclosed> {
  const own = move.kind === 'acceptance' ? move.payload.details : undefined
  const { disclosures = [] } = move.payload
  if (own === undefined && disclosures.length === 0) return {}
  const [details, precise] = await checkDisclosures([own, intent.payload.want.precise], disclosures)
  // Every detail the agreement will commit to is disclosed here: a digest the vendor was not
  // shown would let the customer later present, as signed by both, a detail the vendor never saw.
  if (own !== undefined && Object.keys(details!).length !== own._sd.length)
    throw new IntentcastError(
      'ERR_BROKEN_LINK',
      `the acceptance commits to ${own._sd.length} details but discloses ${Object.keys(details!).length}: each must be disclosed to the vendor`,
    )
  return {
    ...(Object.keys(details!).length > 0 && {
      details: parseWith(ContactDetails, details, 'disclosed details', 'ERR_SCHEMA'),
    }),
    ...(Object.keys(precise!).length > 0 && {
      precise: parseWith(PreciseWant, precise, 'disclosed precise want', 'ERR_SCHEMA'),
    }),
  }
}
