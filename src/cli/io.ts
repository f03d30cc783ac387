import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  lstatSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { IntentcastError } from '../errors.js'

const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/

/**
 * Reads a message argument: a file path, `-` for standard input, or the token itself. A file
 * wins over a token of the same spelling (`offer.signed.jws` looks like a compact JWS). A file
 * or standard input is read without the white space around it: a text file ends in a newline
 * (`intentcast sign … > file` writes one, and so does an editor), which is no part of the message.
 * A token is taken as it was given, white space and all, since it is the message itself: one
 * with a newline after it is still a token (not a path to look for), and `whiteSpaceHint` says
 * why it does not verify.
 */
export function readMessageArg(arg: string): string {
  if (arg === '-') return readFileSync(0, 'utf8').trim()
  const bare = arg.trim()
  if ((COMPACT.test(bare) && !existsSync(arg)) || bare.startsWith('{"payload"')) return arg
  return readText(arg).trim()
}

/**
 * What to do about a message that failed as malformed for white space around it, which no
 * signed message has. `verify` itself names white space at the end; the hint says how the
 * command reads a message, and names white space at the start. Undefined when there is none.
 */
export function whiteSpaceHint(text: string): string | undefined {
  if (/\s$/.test(text)) return `pass the token alone, or a file or - (${READ_TRIMMED})`
  if (/^\s/.test(text))
    return `the message starts with white space; a signed message is the token alone, so remove it (${READ_TRIMMED})`
  return undefined
}

const READ_TRIMMED = 'a file or - is read without the white space around it'

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `cannot read ${path}`, { cause })
  }
}

/** A JSON object, as against an array, null or a scalar: what a file of options or records must hold. */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

export function readJson(path: string): unknown {
  const text = path === '-' ? readFileSync(0, 'utf8') : readText(path)
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${path} is not JSON`, { cause })
  }
}

/**
 * Writes a secret to a new file readable by its owner only (mode 0600). It never follows a
 * symbolic link and never touches an existing file: O_EXCL refuses any name that exists (a
 * dangling link included), so a key cannot land in a file someone else can read, or be written
 * through a link to wherever it points. Either is ERR_INVALID_ARGUMENT, and nothing is written.
 */
export function writeSecret(path: string, text: string): void {
  let fd: number
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'EEXIST' || code === 'ELOOP')
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `${path} ${isLink(path) ? 'is a symbolic link' : 'exists'}; choose another path or remove it`,
        { cause },
      )
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `cannot create ${path}`, { cause })
  }
  let written = false
  try {
    // The mode given to open is narrowed by the umask; the file is ours, so set it exactly.
    fchmodSync(fd, 0o600)
    writeFileSync(fd, text)
    written = true
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `cannot write ${path}`, { cause })
  } finally {
    closeSync(fd)
    // No half-written key left behind: the name is the one this call created.
    if (!written) rmSync(path, { force: true })
  }
}

/** O_NOFOLLOW where the platform has it (not on Windows, where O_EXCL alone refuses a link). */
const NOFOLLOW: number = (constants as { O_NOFOLLOW?: number }).O_NOFOLLOW ?? 0

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
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
