/**
 * Argument checks for byte inputs, in the style of noble: a wrong type is a `TypeError`,
 * a wrong length is a `RangeError`. These guard against programming errors in the caller,
 * never against hostile wire input (that is what the verification rule is for).
 */

/**
 * True for a `Uint8Array` (a Node `Buffer` included). A plain `instanceof` fails for arrays
 * made in another realm (iframe, `vm`), so a byte view whose constructor is named `Uint8Array`
 * is accepted too.
 */
function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array')
  )
}

/**
 * Asserts `value` is a `Uint8Array`, of exactly `length` bytes when `length` is given.
 * @throws {TypeError} if `value` is not a `Uint8Array`.
 * @throws {RangeError} if `length` is given and differs.
 */
export function abytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!isBytes(value)) throw new TypeError(`"${name}" expected Uint8Array, got ${typeof value}`)
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`"${name}" expected ${length} bytes, got ${value.length}`)
  }
}
