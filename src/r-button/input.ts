import { parseJsonStrict } from '../lib/json.js'
import { TermSet } from '../model/term-set.js'

/**
 * A TermSet from an attribute (JSON text) or a property (an object). Both come from the page,
 * not from `verify`, so both are checked against the schema: `matchTerms` trusts its input.
 * @throws {Error} with a sentence naming `what` and the first problem found.
 */
export function readTermSet(value: unknown, what: string): TermSet {
  const parsed = typeof value === 'string' ? parseJsonStrict(value, what) : value
  const result = TermSet.safeParse(parsed)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  throw new Error(`${what} is not a valid TermSet: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
}
