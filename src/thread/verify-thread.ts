import { IntentcastError } from '../errors.js'
import { prepareVerifyOptions, verifyInternal, type Verified, type VerifyOptions } from '../envelope/verify.js'
import { MAX_MESSAGES, Thread, threadOptions } from './thread.js'

/** The options verifyThread takes, and no other (verify's whitelist, narrowed). */
const THREAD_OPTIONS: ReadonlySet<string> = new Set([
  'resolveKey',
  'maxBytes',
  'clockTolerance',
] satisfies (keyof VerifyThreadOptions)[])

/**
 * The options `verifyThread` takes: those of `verify` that make sense for a stored thread.
 *
 * @example
 * ```ts
 * const thread = await verifyThread(messages, { clockTolerance: 120, resolveKey } satisfies VerifyThreadOptions)
 * ```
 */
export type VerifyThreadOptions = Pick<VerifyOptions, 'resolveKey' | 'maxBytes' | 'clockTolerance'>

/**
 * Verifies a whole thread, intent first, in the order the messages happened: every signature
 * and schema, every reference, the parties, and every move against the state machine.
 * Time is checked move by move (nothing answers an expired message), not against the clock,
 * so a thread kept for years still verifies. Returns the Thread; ask it for `state()`.
 *
 * @example
 * ```ts
 * import { verifyThread } from 'intentcast'
 *
 * const thread = await verifyThread([intent, offer, acceptance, agreement]) // as kept: strings or bytes
 * thread.state() // 'agreed'
 * ```
 */
export async function verifyThread(
  messages: ReadonlyArray<string | Uint8Array | Verified>,
  options: VerifyThreadOptions = {},
): Promise<Thread> {
  const checked = prepareVerifyOptions(options, THREAD_OPTIONS, 'verifyThread')
  // The tolerance is checked here, before any work: timeless verification never reads it.
  const tolerance = threadOptions(
    checked.clockTolerance === undefined ? {} : { clockTolerance: checked.clockTolerance },
  )
  if (!Array.isArray(messages) || messages.length === 0)
    throw new IntentcastError('ERR_BROKEN_LINK', 'a thread needs at least its intent')
  // Before any signature is checked: a longer list can never be a thread.
  if (messages.length > MAX_MESSAGES)
    throw new IntentcastError('ERR_ILLEGAL_MOVE', `a thread holds at most ${MAX_MESSAGES} messages`)
  const verified: Verified[] = []
  // Already-verified messages are verified again from their bytes: a plain-JavaScript caller
  // could otherwise pass any object off as one.
  for (const m of messages) {
    verified.push(
      await verifyInternal(
        typeof m === 'string' || m instanceof Uint8Array ? m : (m as Verified | undefined)?.message,
        { ...checked, timeless: true },
      ),
    )
  }
  const [intent, ...moves] = verified
  if (intent!.kind !== 'intent') throw new IntentcastError('ERR_BROKEN_LINK', 'a thread starts with an intent')
  const thread = new Thread(intent!, tolerance)
  for (const m of moves) thread.add(m)
  return thread
}
