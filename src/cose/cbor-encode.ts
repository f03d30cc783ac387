import { IntentcastError } from '../errors.js'
import { compareBytes } from '../lib/bytes.js'
import { CborTag, type CborValue } from './cbor-value.js'

/**
 * Containers (arrays, maps, tags) may nest this deep and no deeper. Real messages nest a
 * handful of levels; anything near this is a cyclic value, which would otherwise recurse
 * until the stack overflows. decodeCbor caps its maxDepth here too, so everything it decodes
 * can be re-encoded.
 */
export const MAX_NESTING = 256

const textEncoder = new TextEncoder()
// A lone surrogate has no UTF-8 encoding: TextEncoder would silently turn it into U+FFFD,
// so the bytes would not say what the caller's string said.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Encodes `value` in RFC 8949 §4.2.1 core deterministic encoding: every head in its shortest
 * form, definite lengths only, map keys sorted by the bytewise order of their encodings.
 * One value has exactly one encoding, which is what lets signatures be checked by
 * re-encoding and lets a decoder demand that the bytes it was given are that encoding.
 *
 * Throws ERR_INVALID_ARGUMENT for anything outside the CborValue model (floats, unsafe
 * integers, undefined, bigints, other objects, keys that are neither integers nor text).
 *
 * @example
 * ```ts
 * import { encodeCbor } from 'intentcast/cose'
 *
 * encodeCbor(new Map<number, string | boolean>([[-1, true], [1, 'a']])) // a2 01 61 61 20 f5: keys in encoded order
 * ```
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const out = new Writer(256)
  writeValue(out, value, 0)
  return out.finish()
}

function writeValue(out: Writer, value: unknown, depth: number): void {
  switch (typeof value) {
    case 'number':
      if (!Number.isSafeInteger(value)) invalid(`a number that is not a safe integer (${value})`)
      // -1 - n instead of ~n: ~ truncates to 32 bits.
      if (value >= 0) out.head(0, value)
      else out.head(1, -1 - value)
      return
    case 'string': {
      if (LONE_SURROGATE.test(value)) invalid('a string with a lone surrogate (not valid Unicode)')
      const bytes = textEncoder.encode(value)
      out.head(3, bytes.length)
      out.bytes(bytes)
      return
    }
    case 'boolean':
      out.byte(value ? 0xf5 : 0xf4)
      return
    case 'object':
      if (value === null) {
        out.byte(0xf6)
        return
      }
      if (value instanceof Uint8Array) {
        out.head(2, value.length)
        out.bytes(value)
        return
      }
      if (depth >= MAX_NESTING) invalid(`a value nested deeper than ${MAX_NESTING} levels (cyclic?)`)
      if (Array.isArray(value)) {
        out.head(4, value.length)
        for (const item of value) writeValue(out, item, depth + 1)
        return
      }
      if (value instanceof Map) {
        writeMap(out, value, depth + 1)
        return
      }
      if (value instanceof CborTag) {
        if (!Number.isSafeInteger(value.tag) || value.tag < 0) invalid(`tag number ${value.tag}`)
        out.head(6, value.tag)
        writeValue(out, value.value, depth + 1)
        return
      }
      invalid(`an object of type ${value.constructor?.name ?? 'null-prototype'}`)
    default:
      invalid(`a value of type ${typeof value}`)
  }
}

function writeMap(out: Writer, map: Map<unknown, unknown>, depth: number): void {
  // Sorting by encoded key is the deterministic order; keys are encoded once and reused.
  const entries: Array<[Uint8Array, unknown]> = []
  for (const [key, value] of map) {
    if (typeof key !== 'number' && typeof key !== 'string') invalid(`a map key of type ${typeof key}`)
    const keyOut = new Writer(16)
    writeValue(keyOut, key, depth)
    entries.push([keyOut.finish(), value])
  }
  entries.sort((a, b) => compareBytes(a[0], b[0]))
  out.head(5, entries.length)
  for (const [key, value] of entries) {
    out.bytes(key)
    writeValue(out, value, depth)
  }
}

function invalid(what: string): never {
  throw new IntentcastError('ERR_INVALID_ARGUMENT', `CBOR: cannot encode ${what}`)
}

/** An append-only byte buffer that doubles when full. */
class Writer {
  private buf: Uint8Array
  private len = 0

  constructor(initialSize: number) {
    this.buf = new Uint8Array(initialSize)
  }

  byte(b: number): void {
    this.reserve(1)
    this.buf[this.len++] = b
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length)
    this.buf.set(b, this.len)
    this.len += b.length
  }

  /** A major type and its argument, in the shortest of the five head sizes that holds it. */
  head(major: number, n: number): void {
    const m = major << 5
    this.reserve(9)
    const buf = this.buf
    if (n < 24) {
      buf[this.len++] = m | n
    } else if (n < 0x100) {
      buf[this.len++] = m | 24
      buf[this.len++] = n
    } else if (n < 0x10000) {
      buf[this.len++] = m | 25
      buf[this.len++] = n >>> 8
      buf[this.len++] = n & 0xff
    } else if (n < 0x100000000) {
      buf[this.len++] = m | 26
      this.uint32(n)
    } else {
      buf[this.len++] = m | 27
      this.uint32(Math.floor(n / 0x100000000))
      this.uint32(n >>> 0)
    }
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len)
  }

  private uint32(n: number): void {
    const buf = this.buf
    buf[this.len++] = n >>> 24
    buf[this.len++] = (n >>> 16) & 0xff
    buf[this.len++] = (n >>> 8) & 0xff
    buf[this.len++] = n & 0xff
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + n))
    grown.set(this.buf.subarray(0, this.len))
    this.buf = grown
  }
}
