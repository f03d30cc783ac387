import { IntentcastError } from '../errors.js'
import { parseWith } from '../model/parse.js'
import { TermSet } from '../model/term-set.js'

/** What `safeParseTermSet` returns: the term set, or the error `parseTermSet` would throw. */
export type TermSetParseResult =
  { readonly success: true; readonly data: TermSet } | { readonly success: false; readonly error: IntentcastError }

/** A term set the calling program passed as `what`, checked: its mistakes are ERR_INVALID_ARGUMENT. */
export function checkTermSet(x: unknown, what: string): TermSet {
  return parseWith(TermSet, x, `${what} is not a valid TermSet`, 'ERR_INVALID_ARGUMENT')
}

/**
 * Checks a term set (a party's standing terms: `agreements`, `strict?`, `conditions?`) against
 * the TermSet schema and returns a checked copy, or throws an IntentcastError with code
 * ERR_INVALID_ARGUMENT whose message locates the first problem. Use it on terms a person or a
 * configuration file supplies, before signing an intent or declaring terms with them.
 *
 * @example
 * ```ts
 * import { parseTermSet } from 'intentcast/terms'
 *
 * const mine = parseTermSet(JSON.parse(text)) // a TermSet
 * parseTermSet({ agreements: ['NOPE'] })
 * // throws IntentcastError ERR_INVALID_ARGUMENT:
 * // 'parseTermSet: the value is not a valid TermSet: agreements.0: an IEEE 7012 agreement from the roster, such as "SD-BASE", or its DPV IRI'
 * ```
 */
export function parseTermSet(x: unknown): TermSet {
  return checkTermSet(x, 'parseTermSet: the value')
}

/**
 * `parseTermSet` without the throw, in the manner of zod's `safeParse`: `{ success: true, data }`
 * for a valid term set, else `{ success: false, error }` with the IntentcastError (code
 * ERR_INVALID_ARGUMENT) `parseTermSet` would have thrown.
 *
 * @example
 * ```ts
 * import { safeParseTermSet } from 'intentcast/terms'
 *
 * const r = safeParseTermSet(input)
 * if (r.success) use(r.data)
 * else showError(r.error.message)
 * ```
 */
export function safeParseTermSet(x: unknown): TermSetParseResult {
  try {
    return { success: true, data: parseTermSet(x) }
  } catch (e) {
    if (e instanceof IntentcastError) return { success: false, error: e }
    // Not a verdict on the input (an exception from a getter of the caller's): passed on as thrown.
    throw e
  }
}
