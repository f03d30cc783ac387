import { IntentcastError } from '../errors.js'

export const MAX_JSON_DEPTH = 16

/**
 * JSON.parse, after a structural scan that JSON.parse cannot do for us: it refuses duplicate
 * keys (JSON.parse silently keeps the last, so two readers could see different claims),
 * `__proto__` keys (a later spread or merge would set a prototype), and nesting deeper than
 * `MAX_JSON_DEPTH` (JSON.parse recurses and would throw RangeError on hostile depth).
 * The scan only looks at structure; JSON.parse still validates the grammar.
 */
export function parseJsonStrict(text: string, what: string): unknown {
  scan(text, what)
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new IntentcastError('ERR_MALFORMED', `${what} is not valid JSON`, { cause })
  }
}

const QUOTE = 34
const BACKSLASH = 92

function scan(text: string, what: string): void {
  // One Set of keys per open object; null marks an open array.
  const stack: Array<Set<string> | null> = []
  // Whether the string that ends next is an object key.
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const start = i + 1
      // indexOf runs natively over the string's body; a quote after an odd run of backslashes
      // is escaped, so the search goes on past it. An unterminated string runs to the end.
      let end = text.indexOf('"', start)
      while (end !== -1 && escapedAt(text, end, start)) end = text.indexOf('"', end + 1)
      i = end === -1 ? text.length : end
      if (expectKey) {
        const raw = text.slice(start, i)
        let key = raw
        if (raw.includes('\\')) {
          try {
            key = JSON.parse(`"${raw}"`) as string
          } catch (cause) {
            throw new IntentcastError('ERR_MALFORMED', `${what} is not valid JSON`, { cause })
          }
        }
        const keys = stack[stack.length - 1]!
        if (key === '__proto__') throw new IntentcastError('ERR_MALFORMED', `${what} has a "__proto__" key`)
        if (keys.has(key)) throw new IntentcastError('ERR_MALFORMED', `${what} has the key "${key.slice(0, 64)}" twice`)
        keys.add(key)
        expectKey = false
      }
    } else if (c === 123 /* { */) {
      stack.push(new Set())
      expectKey = true
      if (stack.length > MAX_JSON_DEPTH)
        throw new IntentcastError('ERR_MALFORMED', `${what} nests deeper than ${MAX_JSON_DEPTH}`)
    } else if (c === 91 /* [ */) {
      stack.push(null)
      expectKey = false // `{["x"]}` is invalid JSON, but its string must not be read as a key of a Set that is not there
      if (stack.length > MAX_JSON_DEPTH)
        throw new IntentcastError('ERR_MALFORMED', `${what} nests deeper than ${MAX_JSON_DEPTH}`)
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop()
      // What follows a closed value is never a key (`{}"x"` is invalid JSON, left to JSON.parse).
      expectKey = false
    } else if (c === 44 /* , */) {
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null
    }
  }
}

/** Whether the quote at `at` is escaped: preceded, back to `from`, by an odd number of backslashes. */
function escapedAt(text: string, at: number, from: number): boolean {
  let k = at - 1
  while (k >= from && text.charCodeAt(k) === BACKSLASH) k--
  return (at - 1 - k) % 2 === 1
}
