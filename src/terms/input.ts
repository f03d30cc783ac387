import { IntentcastError } from '../errors.js'
import type { Verified } from '../envelope/verify.js'
import type { CounterPayload } from '../model/counter.js'
import { SCHEMAS, type Kind, type PayloadOf } from '../model/kinds.js'
import type { OfferPayload } from '../model/offer.js'
import { parseWith } from '../model/parse.js'
import { Digest } from '../model/primitives.js'

/**
 * Every function of `intentcast/terms` takes a message either as `verify` returns it or as its
 * bare payload (alone, or as the `payload` of an object of the caller's, such as a stored
 * `{ payload, digest }`): a wallet often holds both, and the terms logic needs only the payload.
 * A message `verify` returned is trusted as it is; anything else is checked against the model's
 * schema first and refused with ERR_INVALID_ARGUMENT, so a caller's slip is never a TypeError or
 * a silent wrong answer.
 */
export type Input<P> = P | { readonly payload: P; readonly digest?: string }

/** An offer or a counter, verified (a `Proposal`) or bare: what the customer answers or ranks. */
export type OfferInput = Input<OfferPayload | CounterPayload>

/** An argument as the terms functions read it. */
export interface Read<P> {
  readonly payload: P
  /**
   * The message's digest: verify's, or one the caller keeps beside a bare payload. Only link
   * checks read it, and there a digest can only refuse a message, never let one through.
   */
  readonly digest?: string
  /** The message itself when `verify` returned it: only then are its envelope and signers relied on. */
  readonly verified?: Verified
}

/** The calling program's mistake (errors.ts, policy 2). */
export function invalidArgument(message: string, cause?: unknown): IntentcastError {
  return new IntentcastError('ERR_INVALID_ARGUMENT', message, cause === undefined ? undefined : { cause })
}

/**
 * A plain-JavaScript caller may pass anything: refuse it with a code, not a TypeError. `expected`
 * says what to pass instead.
 */
export function requireObject(
  x: unknown,
  what: string,
  expected = 'a message verify returned, or its payload',
): asserts x is object {
  if (typeof x !== 'object' || x === null)
    throw invalidArgument(`${what} is ${x === null ? 'null' : typeof x}; pass ${expected}`)
}

/**
 * Whether `x` is a message `verify` returned. verify keeps no record of what it returned, so no
 * check here can prove it; this one is structural and costs a handful of property reads, which
 * keeps re-validation off the hot path (ranking a thousand verified offers parses none of them
 * again). It tells verify's result from what a program passes by mistake: a bare payload, a
 * stored `{ payload, digest }`, or a copy such as `{ ...verified }` (spreading loses the freeze,
 * and JSON loses the bytes of a COSE message), which are all checked against the schema. An
 * object frozen by hand to look verified is a deliberate bypass, like editing the SDK; a registry
 * filled by verify itself would close that, at the same cost per call.
 */
function fromVerify(x: object): x is Verified {
  if (!Object.isFrozen(x)) return false
  const v = x as { kind?: unknown; payload?: unknown; digest?: unknown; message?: unknown; signers?: unknown }
  return (
    typeof v.kind === 'string' &&
    typeof v.digest === 'string' &&
    typeof v.payload === 'object' &&
    v.payload !== null &&
    (typeof v.message === 'string' || v.message instanceof Uint8Array) &&
    Array.isArray(v.signers)
  )
}

const NOUN: Readonly<Partial<Record<Kind, string>>> = {
  intent: 'an intent',
  offer: 'an offer',
  counter: 'a counter',
  terms: 'a terms declaration',
  agreement: 'an agreement',
}
const noun = (k: Kind): string => NOUN[k] ?? `a ${k}`

/**
 * Reads argument `what` (named as the caller wrote it, `negotiate: intent`), which may be a
 * verified message of one of `kinds` or a payload of one; `bareKind` says which schema a bare
 * payload answers to when there are two kinds.
 */
export function readArg<K extends Kind>(
  x: unknown,
  kinds: readonly K[],
  what: string,
  bareKind: (payload: object) => K = () => kinds[0]!,
): Read<PayloadOf<K>> {
  requireObject(x, what)
  if (fromVerify(x)) {
    if (!(kinds as readonly Kind[]).includes(x.kind))
      throw invalidArgument(
        `${what} is a verified ${x.kind}; pass ${kinds.map(noun).join(' or ')}, as verify returned it or its payload`,
      )
    return { payload: x.payload as PayloadOf<K>, digest: x.digest, verified: x }
  }
  const wrapped = 'payload' in x
  const bare: unknown = wrapped ? x.payload : x
  const kind = typeof bare === 'object' && bare !== null ? bareKind(bare) : kinds[0]!
  // The parsed copy, not the caller's object, is read from here on: it cannot change under us
  // (a getter, a proxy) once checked.
  const payload = parseWith(
    SCHEMAS[kind],
    bare,
    `${what} is not ${noun(kind)} payload`,
    'ERR_INVALID_ARGUMENT',
  ) as PayloadOf<K>
  const claimed = wrapped ? (x as { digest?: unknown }).digest : undefined
  if (claimed === undefined) return { payload }
  return { payload, digest: parseWith(Digest, claimed, `${what}: digest`, 'ERR_INVALID_ARGUMENT') }
}

/** Of an offer and a counter, only a counter names the intent it belongs to (`intent`). */
export const offerOrCounter = (p: object): 'offer' | 'counter' => ('intent' in p ? 'counter' : 'offer')

export const OFFER_KINDS = ['offer', 'counter'] as const
