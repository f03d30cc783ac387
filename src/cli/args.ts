/** Option values as commands read them: checked here once, so every command words a bad value alike. */
import { IntentcastError } from '../errors.js'

/** An option's value when it was given as text. */
export function stringArg(values: Record<string, string | boolean | undefined>, name: string): string | undefined {
  const value = values[name]
  return typeof value === 'string' ? value : undefined
}

/** A count or a span in milliseconds: a positive whole number, or undefined when not given. */
export function positiveInt(value: string | boolean | undefined, what: string): number | undefined {
  if (typeof value !== 'string') return undefined
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${what} must be a positive whole number`)
  return Number(value)
}
