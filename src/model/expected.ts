/**
 * The `error` param of a schema: what its value should be, said to whoever sent the wrong one
 * (`a decimal string like "2000.00"`), or `required` when there is no value. On a schema with
 * checks (`z.string(expecting(…)).check(z.regex(…))`), zod uses it for the checks' failures too,
 * so one phrase covers a wrong type, a wrong length and a wrong pattern alike. A check that has a
 * message of its own (a refinement's) keeps it.
 *
 * zod only calls it for a value that failed: the messages cost nothing on the success path.
 */
export function expecting(what: string): { error: (issue: { readonly input?: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? 'required' : what) }
}
