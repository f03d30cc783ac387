import { IntentcastError } from '../errors.js'

/**
 * Argument checks for byte inputs, as noble checks them (`abytes`), reported the way every
 * entry reports a calling program's mistake: IntentcastError ERR_INVALID_ARGUMENT (errors.ts).
 * These guard against programming errors in the caller, never against hostile wire input
 * (that is what the verification rule is for).
 */

/**
 * True for a `Uint8Array` (a Node `Buffer` included). A plain `instanceof` fails for arrays
 * made in another realm (iframe, `vm`), so a byte view whose constructor is named `Uint8Array`
 * is accepted too.
 */
function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array')
}

/**
 * Asserts `value` is a `Uint8Array`, of exactly `length` bytes when `length` is given.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if `value` is not a `Uint8Array`, or if
 *   `length` is given and differs.
 */
export function abytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!isBytes(value))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `"${name}" expected Uint8Array, got ${typeof value}`)
  if (length !== undefined && value.length !== length) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `"${name}" expected ${length} bytes, got ${value.length}`)
  }
}
