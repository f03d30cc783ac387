/**
 * Retries (spec §HTTP binding, Retries): the same message bytes sent again get the answer they
 * got the first time, read back from the stored thread, whoever sends them. Without this, a
 * customer whose answer was lost could never obtain it (the retry met ERR_REPLAY, a fresh
 * acceptance ERR_ILLEGAL_MOVE), a competitor who forwarded a broadcast intent first made the
 * customer's own delivery a 409, and an intent the replay store had forgotten opened a second
 * thread over the first. A different message reusing a `jti` is still a replay: only bytes
 * identical to the stored ones are answered here, so nothing unverified is trusted.
 */
import { digest } from '../envelope/digest.js'
import type { Verified } from '../envelope/verify.js'
import { equalBytes } from '../lib/bytes.js'
import type { Thread } from '../thread/thread.js'
import { accepted, message, noContent } from './answers.js'
import { asVendor } from './callbacks.js'
import type { VendorKeys } from './keys.js'
import type { ResolvedOptions } from './resolve-options.js'

/** A request's first message, as a retry is looked up by: its bytes and their digest. */
export interface Sent {
  readonly digest: string
  readonly message: string | Uint8Array
  /** The request is an acceptance (two parts): its agreement may be in the agreement store. */
  readonly acceptance: boolean
}

/** The first message of a request, unverified: undefined when it is not even well-formed. */
export function sentOf(first: string | Uint8Array, acceptance: boolean): Sent | undefined {
  try {
    return { digest: digest(first), message: first, acceptance }
  } catch {
    return undefined // verify will say why
  }
}

/**
 * The answer already given to exactly these bytes, or undefined when they are new. An
 * acceptance's agreement is looked up in the agreement store as well: it is written there
 * first, and kept there after the thread store has let the thread go.
 */
export async function storedAnswer(
  sent: Sent,
  options: Pick<ResolvedOptions, 'threads' | 'agreements'>,
  keys: VendorKeys,
): Promise<Response | undefined> {
  const thread = await asVendor(() => options.threads.get(sent.digest))
  const answer = thread && (await answerIn(thread, sent, keys))
  if (answer !== undefined || !sent.acceptance) return answer
  // Only the acceptance is answered from the record: it is kept for the agreement, not as a
  // thread store that never forgets.
  const agreed = await asVendor(() => options.agreements.get(sent.digest))
  return agreed?.acceptance?.digest === sent.digest ? answerIn(agreed, sent, keys) : undefined
}

async function answerIn(thread: Thread, sent: Sent, keys: VendorKeys): Promise<Response | undefined> {
  const stored = thread.messages.find((m) => m.digest === sent.digest)
  if (stored === undefined || !sameBytes(stored.message, sent.message)) return undefined
  switch (stored.kind) {
    case 'intent':
      return answered(thread, stored, keys)
    case 'counter':
      // The vendor's own counter is addressed to the customer: posted back to the vendor, it is
      // verified (and refused) like any message, not answered as if the vendor had taken it.
      return stored.issuer === thread.intent.issuer ? answered(thread, stored, keys) : undefined
    case 'acceptance':
      // An acceptance comes with its agreement (spec §HTTP binding, Bodies); alone it is refused as such.
      return thread.agreement === undefined || !sent.acceptance
        ? undefined
        : message(thread.agreement.message, thread, keys)
    case 'withdrawal':
      return noContent()
    default:
      return undefined
  }
}

/** The vendor's offer or counter that answered `move`, or 202 when none did. */
function answered(thread: Thread, move: Verified, keys: VendorKeys): Promise<Response> | Response {
  const reply = thread.proposals.find((p) => p.payload.inReplyTo === move.digest && p.issuer !== move.issuer)
  return reply === undefined ? accepted() : message(reply.message, thread, keys)
}

function sameBytes(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b
  return equalBytes(a, b)
}
