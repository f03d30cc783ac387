import type * as z from 'zod/mini'
import { IntentcastError, type IntentcastErrorCode } from '../errors.js'

/**
 * The one way a schema failure becomes an IntentcastError: the first issue, located by its path,
 * under the code the caller's context gives it (ERR_SCHEMA for a peer's bytes,
 * ERR_INVALID_ARGUMENT for the calling program's own values).
 */
export function parseWith<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  what: string,
  code: IntentcastErrorCode,
): z.infer<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  throw new IntentcastError(code, `${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
    cause: result.error,
  })
}
