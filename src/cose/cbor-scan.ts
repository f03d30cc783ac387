import { IntentcastError } from '../errors.js'
import { compareBytes } from '../lib/bytes.js'
import { CborTag, type CborMapKey, type CborValue } from './cbor-value.js'

export interface ScanLimits {
  readonly maxDepth: number
  readonly maxItems: number
  readonly maxTotalItems: number
  readonly allowedTags: ReadonlySet<number>
}

/**
 * An open array, map or tag: how many items it still expects, the value being built and, for a
 * map, its last key (bytes, for the order check, and value, for the entry).
 */
interface Frame {
  left: number
  readonly container: CborValue[] | Map<CborMapKey, CborValue> | { tag: number }
  prevKey: Uint8Array | undefined
  key: CborMapKey | undefined
}

// The smallest argument each long head form may carry; anything smaller had a shorter form.
const SHORTEST = [24, 0x100, 0x10000, 0x100000000] as const
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Reads one data item of `bytes` into the CborValue model, accepting only RFC 8949 §4.2.1 core
 * deterministic encoding: every head in its shortest form, definite lengths, map keys unique
 * and in the bytewise order of their encodings, text valid UTF-8, integers within ±(2^53 - 1),
 * no floats, no simple values but false, true and null, tags only from `allowedTags`. Those
 * rules give each value exactly one encoding, so the value returned is the one the bytes encode
 * and nothing else: no second decoder, and no re-encoding to compare, is needed to vouch for it.
 *
 * Allocates nothing in proportion to what a head claims: a length or count that does not fit in
 * the bytes that remain is refused before anything is built. Iterative rather than recursive, so
 * hostile nesting cannot exhaust the stack before the depth limit applies. Throws ERR_MALFORMED
 * naming what is wrong and at which byte.
 */
export function readCbor(bytes: Uint8Array, limits: ScanLimits): CborValue {
  const end = bytes.length
  const stack: Frame[] = []
  let pos = 0
  let items = 0
  let result: CborValue = null
  do {
    const parent = stack[stack.length - 1]
    // Map entries alternate key, value; `left` counts both, so a key is read when it is even.
    const isKey = parent !== undefined && parent.container instanceof Map && parent.left % 2 === 0
    if (parent) parent.left--
    const start = pos
    if (pos >= end) fail(pos, 'unexpected end of input')
    const initial = bytes[pos++]!
    const major = initial >> 5
    const info = initial & 0x1f
    if (++items > limits.maxTotalItems) fail(start, `more than ${limits.maxTotalItems} data items`)
    if (isKey && major !== 0 && major !== 1 && major !== 3) {
      fail(start, 'map key is not an integer or a text string')
    }

    let value: CborValue | undefined
    if (major === 7) {
      // Only false, true and null: floats have several encodings of one value and
      // undefined and the other simple values have no counterpart in the data model.
      if (info < 20 || info > 22) fail(start, SIMPLE_NAMES[info] ?? `simple value ${info}`)
      value = info === 20 ? false : info === 21 ? true : null
    } else {
      let arg: number
      if (info < 24) {
        arg = info
      } else if (info <= 27) {
        const size = 1 << (info - 24)
        if (size > end - pos) fail(start, 'unexpected end of input')
        arg = 0
        for (let i = 0; i < size; i++) arg = arg * 256 + bytes[pos + i]!
        pos += size
        if (arg < SHORTEST[info - 24]!) fail(start, 'integer, length or tag not in shortest form')
      } else if (info === 31) {
        fail(start, 'indefinite-length item')
      } else {
        fail(start, `reserved additional information ${info}`)
      }

      switch (major) {
        case 0:
        case 1:
          // Above 2^53 an 8-byte argument may already be rounded, but only ever upwards past
          // the limit, so the comparison still refuses it.
          if (arg > Number.MAX_SAFE_INTEGER - major) fail(start, 'integer outside the safe range ±(2^53 - 1)')
          // -1 - n rather than ~n: ~ truncates to 32 bits.
          value = major === 0 ? arg : -1 - arg
          break
        case 2:
        case 3:
          if (arg > end - pos) fail(start, `length ${arg} exceeds the ${end - pos} bytes that remain`)
          if (major === 3) {
            try {
              value = fatalUtf8.decode(bytes.subarray(pos, pos + arg))
            } catch {
              fail(start, 'text string is not valid UTF-8')
            }
          } else {
            // A copy: the caller's buffer may be reused after we return.
            value = bytes.slice(pos, pos + arg)
          }
          pos += arg
          break
        case 4:
        case 5: {
          if (arg > limits.maxItems) fail(start, `more than ${limits.maxItems} items in one array or map`)
          const count = major === 5 ? arg * 2 : arg
          // Every item takes at least one byte.
          if (count > end - pos) fail(start, `${count} items declared but only ${end - pos} bytes remain`)
          // Filled as items arrive, never sized from the head: nested heads may each claim nearly
          // all the bytes that remain, and sizing every array from its claim would allocate in
          // proportion to depth times input, before a byte of content had been checked.
          const container = major === 5 ? new Map<CborMapKey, CborValue>() : ([] as CborValue[])
          if (stack.length >= limits.maxDepth) fail(start, `nesting deeper than ${limits.maxDepth}`)
          if (count > 0) {
            stack.push({ left: count, container, prevKey: undefined, key: undefined })
            continue
          }
          value = container
          break
        }
        case 6:
          if (!limits.allowedTags.has(arg)) fail(start, `tag ${arg} is not allowed`)
          if (stack.length >= limits.maxDepth) fail(start, `nesting deeper than ${limits.maxDepth}`)
          stack.push({ left: 1, container: { tag: arg }, prevKey: undefined, key: undefined })
          continue
      }
    }

    if (isKey) {
      const key = bytes.subarray(start, pos)
      if (parent.prevKey) {
        const order = compareBytes(parent.prevKey, key)
        if (order === 0) fail(start, 'duplicate map key')
        if (order > 0) fail(start, 'map keys not in deterministic order')
      }
      parent.prevKey = key
      parent.key = value as CborMapKey
      continue
    }
    // A finished item goes into its parent; each parent it completes goes into its own.
    result = value!
    for (;;) {
      const frame = stack[stack.length - 1]
      if (frame === undefined) break
      const c = frame.container
      if (Array.isArray(c)) c.push(result)
      else if (c instanceof Map) c.set(frame.key!, result)
      if (frame.left > 0) break
      stack.pop()
      result = Array.isArray(c) || c instanceof Map ? c : new CborTag(c.tag, result)
    }
  } while (stack.length > 0)
  if (pos !== end) fail(pos, `${end - pos} trailing byte(s) after the top-level item`)
  return result
}

const SIMPLE_NAMES: Partial<Record<number, string>> = {
  23: 'undefined',
  24: 'simple value (one-byte form)',
  25: 'floating-point number',
  26: 'floating-point number',
  27: 'floating-point number',
  28: 'reserved additional information 28',
  29: 'reserved additional information 29',
  30: 'reserved additional information 30',
  31: 'break outside an indefinite-length item',
}

function fail(at: number, what: string): never {
  throw new IntentcastError('ERR_MALFORMED', `CBOR: ${what} at byte ${at}`)
}
