import { IntentcastError } from '../errors.js'

const encoder = new TextEncoder()
// fatal: invalid UTF-8 is an error, not silently replaced with U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function utf8(s: string): Uint8Array {
  return encoder.encode(s)
}

export function fromUtf8(bytes: Uint8Array, what: string): string {
  try {
    return decoder.decode(bytes)
  } catch (cause) {
    throw new IntentcastError('ERR_MALFORMED', `${what} is not valid UTF-8`, { cause })
  }
}
