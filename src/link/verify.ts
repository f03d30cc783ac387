import { verify, type Verified, type VerifyOptions } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import type { Kind } from '../model/kinds.js'
import { parseIntentcastUri } from './uri.js'

/**
 * The options of `verifyIntentcastUri`: those of `verify`, for the message, and the link's size limit.
 *
 * @example
 * ```ts
 * const link = await verifyIntentcastUri(scanned, { expect: 'intent', maxLinkBytes: 4096 } satisfies VerifyIntentcastUriOptions)
 * ```
 */
export interface VerifyIntentcastUriOptions<K extends Kind = Kind> extends VerifyOptions<K> {
  /** The largest CBOR payload the link may carry (parseIntentcastUri's `maxBytes`). Default 8192. */
  readonly maxLinkBytes?: number
}

/**
 * What `verifyIntentcastUri` resolves to: the link's message and, when it has them, the vendor's
 * terms, each verified.
 *
 * @example
 * ```ts
 * const { message, terms }: VerifiedLink<'intent'> = await verifyIntentcastUri(scanned, { expect: 'intent' })
 * ```
 */
export interface VerifiedLink<K extends Kind = Kind> {
  /** The link's message, verified with the caller's options as `verify` would. */
  readonly message: Verified<K, 'cose'>
  /** The vendor's terms declaration, verified, when the link carries one: what lights the wallet's r-button. */
  readonly terms?: Verified<'terms', 'cose'>
}

/**
 * Reads an `intentcast:` URI (parseIntentcastUri) and verifies what it carries: the message with
 * `options` exactly as `verify` would, and the terms as a published declaration (`expect: terms`,
 * the same clock, tolerance and key resolver; no audience, no replay store) whose `role` must be
 * `vendor` (ERR_TYPE_MISMATCH). The terms are checked first, so a failure names the part that failed.
 *
 * @example
 * ```ts
 * import { verifyIntentcastUri } from 'intentcast'
 * import { matchTerms } from 'intentcast/terms'
 *
 * const { message, terms } = await verifyIntentcastUri(scanned, { expect: 'intent' })
 * if (terms) console.log(matchTerms(message.payload.terms, terms).state) // the r-button: 'lit', 'partial' or 'dark'
 * ```
 */
export async function verifyIntentcastUri<K extends Kind = Kind>(
  uri: string,
  options: VerifyIntentcastUriOptions<K> = {},
): Promise<VerifiedLink<K>> {
  if (typeof options !== 'object' || options === null)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'options must be an object')
  const { maxLinkBytes, ...verifyOptions } = options
  const link = parseIntentcastUri(uri, maxLinkBytes === undefined ? {} : { maxBytes: maxLinkBytes })
  let terms: Verified<'terms', 'cose'> | undefined
  if (link.terms !== undefined) {
    const { now, clockTolerance, resolveKey, maxBytes } = verifyOptions
    terms = await verify(link.terms, {
      expect: 'terms',
      ...(now !== undefined && { now }),
      ...(clockTolerance !== undefined && { clockTolerance }),
      ...(resolveKey !== undefined && { resolveKey }),
      ...(maxBytes !== undefined && { maxBytes }),
    })
    if (terms.payload.role !== 'vendor')
      throw new IntentcastError('ERR_TYPE_MISMATCH', "a link carries the vendor's terms, not a customer's")
  }
  const message = await verify(link.message, verifyOptions)
  return { message, ...(terms !== undefined && { terms }) }
}
