import { IntentcastError } from '../errors.js'

/**
 * Every function of `intentcast/terms` takes a message either as `verify` returns it or as its
 * bare payload: a wallet often holds both, and the terms logic needs only the payload.
 * Inputs are trusted to be schema-valid (verify guarantees it; parse bare payloads with the
 * model schemas first), so nothing here re-validates on the hot path.
 */
export type Input<P> = P | { readonly payload: P }

export function payloadOf<P extends object>(x: Input<P>): P {
  requireObject(x)
  const p = 'payload' in x ? (x.payload as P) : x
  requireObject(p)
  return p
}

/** A plain-JavaScript caller may pass anything: refuse it with a code, not a TypeError. */
export function requireObject(x: unknown): asserts x is object {
  if (typeof x !== 'object' || x === null) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'expected a verified message, a payload or a term set')
}

/** The digest `verify` computed, when the input is a verified message. */
export function digestOf(x: object): string | undefined {
  const d = (x as { digest?: unknown }).digest
  return 'payload' in x && typeof d === 'string' ? d : undefined
}
