/**
 * Reading a handler's options the one way the style asks: copy the documented keys only (as
 * jose's `prepareVerify` does), so that a misspelt option fails at start with
 * ERR_INVALID_ARGUMENT naming it rather than being ignored while a default quietly applies.
 * Each entry's resolve-options.ts checks the values.
 */
import { IntentcastError } from '../errors.js'

/** Makes the ERR_INVALID_ARGUMENT of one function, its name leading every message. */
export function invalidArgument(fn: string): (message: string, cause?: unknown) => IntentcastError {
  return (message, cause) =>
    new IntentcastError('ERR_INVALID_ARGUMENT', `${fn}: ${message}`, cause === undefined ? undefined : { cause })
}

/**
 * A copy of `value` holding the keys of `known` only. Known keys are read by name, so a class
 * instance's methods count; an own key that is not known is a mistake, not something to ignore.
 */
export function pickOptions<T extends object>(
  value: unknown,
  known: Record<keyof T, true>,
  where: string,
  invalid: (message: string) => Error,
): Partial<T> {
  const name = where === '' ? 'options' : where
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${name} must be an object`)
  const keys = Object.keys(known)
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key))
      throw invalid(
        `unknown option "${where === '' ? '' : `${where}.`}${key.slice(0, 32)}"; ${name} takes ${keys.join(', ')}`,
      )
  }
  const copy: Record<string, unknown> = {}
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key]
    if (v !== undefined) copy[key] = v
  }
  return copy as Partial<T>
}

/** An optional group of options: absent is empty; anything else (null included) must be the group. */
export function optionGroup<T extends object>(
  value: unknown,
  known: Record<keyof T, true>,
  where: string,
  invalid: (message: string) => Error,
): Partial<T> {
  return value === undefined ? {} : pickOptions<T>(value, known, where, invalid)
}

/** A positive whole number, or `fallback` when absent. */
export function positiveOption(
  v: unknown,
  name: string,
  fallback: number,
  invalid: (message: string) => Error,
): number {
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0)
    throw invalid(`${name} must be a positive whole number`)
  return v
}

/** An origin exactly as browsers send it in `Origin`: scheme, host and port, nothing more. */
export function isOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    return new URL(value).origin === value
  } catch {
    return false
  }
}

/** Checks `http.cors` ('*' or a list of origins) and copies it. */
export function corsOption(cors: unknown, invalid: (message: string) => Error): readonly string[] | '*' | undefined {
  if (cors === undefined || cors === '*') return cors
  if (!(Array.isArray(cors) && cors.every(isOrigin)))
    throw invalid("http.cors is '*' or a list of origins (scheme://host[:port])")
  return Object.freeze([...cors])
}
