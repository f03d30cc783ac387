import type * as z from 'zod/mini'
import { IntentcastError, type IntentcastErrorCode } from '../errors.js'

/**
 * The one way a schema failure becomes an IntentcastError: the first issue, located by its path,
 * under the code the caller's context gives it (ERR_SCHEMA for a peer's bytes,
 * ERR_INVALID_ARGUMENT for the calling program's own values), and saying what the value there
 * should be (`price.amount: a decimal string like "2000.00"`, `terms: required`).
 */
export function parseWith<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  what: string,
  code: IntentcastErrorCode,
): z.infer<S> {
  // No per-parse error map here: handing zod one makes every successful parse measurably slower,
  // and messages matter only on failure. The primitives carry their own (src/model/expected.ts);
  // the rest is worded below, from the finished issue.
  let result: ReturnType<S['safeParse']>
  try {
    result = schema.safeParse(value) as ReturnType<S['safeParse']>
  } catch (cause) {
    // zod runs some checks whatever the type check found: a length check compares any `length`
    // it finds, and `{ length: Object.create(null) }` (only a program can build one; JSON cannot)
    // throws a TypeError there. A value the checker cannot read is not a valid one.
    throw new IntentcastError(code, `${what}: a value that can be read (reading this one threw)`, { cause })
  }
  if (result.success) return result.data as z.infer<S>
  const issue = result.error.issues[0]!
  throw new IntentcastError(code, `${what}: ${issue.path.join('.') || '(root)'}: ${describe(issue, value)}`, {
    cause: result.error,
  })
}

/** zod/mini's message when no schema gave one: it loads no locale, to stay small. */
const ZOD_DEFAULT = 'Invalid input'

const TYPES: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  int: 'a whole number',
}

/**
 * What the issue's value should be. The schemas word their primitives; what they cannot word is
 * their objects (`strictObject` takes no `error` param), and any schema outside src/model that
 * comes through here without messages: those are worded by the issue's code.
 */
function describe(issue: z.core.$ZodIssue, value: unknown): string {
  // A strict object's extra key: zod says it in English only with a locale loaded.
  if (issue.code === 'unrecognized_keys') return unknownMembers(issue.keys)
  if (issue.message !== ZOD_DEFAULT) return issue.message
  switch (issue.code) {
    case 'invalid_type':
      // zod drops the input from a finished issue: whether the member was there is read again.
      return issue.expected === 'nonoptional' || !present(value, issue.path)
        ? 'required'
        : (TYPES[issue.expected] ?? `a value of type ${issue.expected}`)
    case 'invalid_value':
      return oneOf(issue.values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))))
    case 'too_small':
    case 'too_big':
      return bound(issue)
    default:
      return issue.message
  }
}

function unknownMembers(keys: readonly string[]): string {
  // A peer's keys: quoted (JSON escapes control characters) and cut short.
  const named = keys
    .slice(0, 3)
    .map((k) => JSON.stringify(k.slice(0, 64)))
    .join(', ')
  const more = keys.length > 3 ? ` and ${keys.length - 3} more` : ''
  return `unknown member${keys.length > 1 ? 's' : ''} ${named}${more}`
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
function oneOf(values: readonly string[]): string {
  return values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values.at(-1)!}` : (values[0] ?? 'nothing')
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const n = issue.code === 'too_small' ? issue.minimum : issue.maximum
  const unit =
    issue.origin === 'array'
      ? n === 1
        ? ' entry'
        : ' entries'
      : issue.origin === 'string'
        ? n === 1
          ? ' character'
          : ' characters'
        : ''
  return `${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(n)}${unit}`
}

/**
 * Whether `path` leads to a value in `value`, read as zod read it (a member that is undefined
 * counts as missing). The input is read a second time: a caller's getter that throws now is
 * taken to mean the value was there.
 */
function present(value: unknown, path: readonly PropertyKey[]): boolean {
  try {
    let v = value
    for (const key of path) {
      if (typeof v !== 'object' || v === null) return false
      v = (v as Record<PropertyKey, unknown>)[key]
    }
    return v !== undefined
  } catch {
    return true
  }
}
