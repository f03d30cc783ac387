import { parseJsonStrict } from '../lib/json.js'
import { parseWith } from '../model/parse.js'
import { TermSet } from '../model/term-set.js'

/**
 * A TermSet from an attribute (JSON text) or a property (an object). Both come from the page,
 * not from `verify`, so both are checked against the schema: `matchTerms` trusts its input.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT (or ERR_MALFORMED for JSON that does not parse),
 *   naming `what` and the first problem found.
 */
export function readTermSet(value: unknown, what: string): TermSet {
  const parsed = typeof value === 'string' ? parseJsonStrict(value, what) : value
  return parseWith(TermSet, parsed, `${what} is not a valid TermSet`, 'ERR_INVALID_ARGUMENT')
}
