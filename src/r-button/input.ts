import { parseJsonStrict } from '../lib/json.js'
import type { TermSet } from '../model/term-set.js'
import { checkTermSet } from './schema.js'

/**
 * A TermSet from an attribute (JSON text) or a property (an object). Both come from the page,
 * not from a verified declaration, so both are checked by the TermSet rules (schema.ts): the
 * match trusts its input.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT (or ERR_MALFORMED for JSON that does not parse),
 *   naming `what` and the first problem found.
 * @example
 * ```ts
 * readTermSet('{"agreements":["SD-BASE"]}', 'customer-terms') // { agreements: ['SD-BASE'] }
 * readTermSet({ agreements: [] }, 'vendorTerms')
 * // throws ERR_INVALID_ARGUMENT: 'vendorTerms is not a valid TermSet: agreements: expected 1 to 16 entries'
 * ```
 */
export function readTermSet(value: unknown, what: string): TermSet {
  const parsed = typeof value === 'string' ? parseJsonStrict(value, what) : value
  return checkTermSet(parsed, `${what} is not a valid TermSet`, 'ERR_INVALID_ARGUMENT')
}
