/**
 * The CBOR data model this SDK speaks: the subset that has exactly one deterministic encoding
 * and that every decoder maps the same way. No floats (two encodings of many values, NaN
 * payloads), no `undefined`, no bigints (integers beyond 2^53 would silently lose precision
 * in JavaScript), and map keys limited to integers and text strings.
 */
export type CborValue =
  number | string | Uint8Array | boolean | null | CborValue[] | Map<CborMapKey, CborValue> | CborTag

/**
 * A map key in this model: an integer or a text string.
 *
 * @example
 * ```ts
 * const header = new Map<CborMapKey, CborValue>([[1, -8], ['note', 'a private-use label']])
 * ```
 */
export type CborMapKey = number | string

/**
 * A tagged data item (CBOR major type 6). Only tags a decoder was told to allow get this far.
 *
 * @example
 * ```ts
 * import { CborTag, decodeCbor, encodeCbor } from 'intentcast/cose'
 *
 * const bytes = encodeCbor(new CborTag(1, 1_700_000_000)) // tag 1: an epoch date
 * decodeCbor(bytes, { allowedTags: [1] }) // CborTag { tag: 1, value: 1700000000 }
 * ```
 */
export class CborTag {
  readonly tag: number
  readonly value: CborValue

  constructor(tag: number, value: CborValue) {
    this.tag = tag
    this.value = value
    Object.freeze(this)
  }
}
