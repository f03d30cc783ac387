import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { IntentcastError } from '../errors.js'

const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/

/**
 * Reads a message argument: a file path, `-` for standard input, or the token itself. A file
 * wins over a token of the same spelling (`offer.signed.jws` looks like a compact JWS).
 */
export function readMessageArg(arg: string): string {
  if (arg === '-') return readFileSync(0, 'utf8').trim()
  if ((COMPACT.test(arg) && !existsSync(arg)) || arg.startsWith('{"payload"')) return arg
  return readText(arg).trim()
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `cannot read ${path}`, { cause })
  }
}

export function readJson(path: string): unknown {
  const text = path === '-' ? readFileSync(0, 'utf8') : readText(path)
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${path} is not JSON`, { cause })
  }
}

/** Writes a secret file readable by its owner only. */
export function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 })
}

/** Messages in a thread file: a JSON array of messages, or one message per line. */
export function readMessages(path: string): string[] {
  const text = readText(path).trim()
  if (text.startsWith('[')) {
    const list = readJson(path)
    if (!Array.isArray(list) || !list.every((m) => typeof m === 'string'))
      throw new IntentcastError('ERR_INVALID_ARGUMENT', `${path} must be an array of messages`)
    return list
  }
  return text.split(/\r?\n/).filter((l) => l.trim() !== '')
}
