import { IntentcastError } from '../errors.js'
import { compareBytes } from '../lib/bytes.js'

export interface ScanLimits {
  readonly maxDepth: number
  readonly maxItems: number
  readonly maxTotalItems: number
  readonly allowedTags: ReadonlySet<number>
}

/** An open array, map or tag: how many items it still expects and, for a map, its last key. */
interface Frame {
  left: number
  readonly isMap: boolean
  prevKey: Uint8Array | undefined
}

// The smallest argument each long head form may carry; anything smaller had a shorter form.
const SHORTEST = [24, 0x100, 0x10000, 0x100000000] as const
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Walks every head of `bytes` and allocates nothing in proportion to what the heads claim,
 * so a general-purpose decoder only ever sees input that is one well-formed item inside the
 * limits, in the restricted data model, in deterministic form: a length or count that does not
 * fit in the bytes that remain is refused here, before anything pre-allocates for it.
 *
 * Iterative rather than recursive so hostile nesting cannot exhaust the stack before the depth
 * limit is applied. Throws ERR_MALFORMED naming what is wrong and at which byte.
 */
export function scanCbor(bytes: Uint8Array, limits: ScanLimits): void {
  const end = bytes.length
  const stack: Frame[] = []
  let pos = 0
  let items = 0
  do {
    const parent = stack[stack.length - 1]
    // Map entries alternate key, value; `left` counts both, so a key is read when it is even.
    const isKey = parent !== undefined && parent.isMap && parent.left % 2 === 0
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

    if (major === 7) {
      // Only false, true and null: floats have several encodings of one value and
      // undefined and the other simple values have no counterpart in the data model.
      if (info < 20 || info > 22) fail(start, SIMPLE_NAMES[info] ?? `simple value ${info}`)
      continue
    }

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
        if (arg > Number.MAX_SAFE_INTEGER - major) {
          fail(start, 'integer outside the safe range ±(2^53 - 1)')
        }
        break
      case 2:
      case 3:
        if (arg > end - pos) fail(start, `length ${arg} exceeds the ${end - pos} bytes that remain`)
        if (major === 3) {
          try {
            fatalUtf8.decode(bytes.subarray(pos, pos + arg))
          } catch {
            fail(start, 'text string is not valid UTF-8')
          }
        }
        pos += arg
        break
      case 4:
      case 5: {
        if (arg > limits.maxItems) fail(start, `more than ${limits.maxItems} items in one array or map`)
        const count = major === 5 ? arg * 2 : arg
        // Every item takes at least one byte.
        if (count > end - pos) fail(start, `${count} items declared but only ${end - pos} bytes remain`)
        open(stack, limits, start, { left: count, isMap: major === 5, prevKey: undefined })
        break
      }
      case 6:
        if (!limits.allowedTags.has(arg)) fail(start, `tag ${arg} is not allowed`)
        open(stack, limits, start, { left: 1, isMap: false, prevKey: undefined })
        break
    }

    if (isKey && parent) {
      const key = bytes.subarray(start, pos)
      if (parent.prevKey) {
        const order = compareBytes(parent.prevKey, key)
        if (order === 0) fail(start, 'duplicate map key')
        if (order > 0) fail(start, 'map keys not in deterministic order')
      }
      parent.prevKey = key
    }
  } while (closeFinished(stack))
  if (pos !== end) fail(pos, `${end - pos} trailing byte(s) after the top-level item`)
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

function open(stack: Frame[], limits: ScanLimits, start: number, frame: Frame): void {
  if (stack.length >= limits.maxDepth) fail(start, `nesting deeper than ${limits.maxDepth}`)
  if (frame.left > 0) stack.push(frame)
}

/** Pops every container whose last item was just read; true while an item is still expected. */
function closeFinished(stack: Frame[]): boolean {
  while (stack.length > 0 && stack[stack.length - 1]!.left === 0) stack.pop()
  return stack.length > 0
}

function fail(at: number, what: string): never {
  throw new IntentcastError('ERR_MALFORMED', `CBOR: ${what} at byte ${at}`)
}
