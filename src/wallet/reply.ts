import { IntentcastError } from '../errors.js'
import { verify, type Proposal, type Verified } from '../envelope/verify.js'
import type { VendorTarget } from './discover.js'
import { liveKeys } from '../model/vendor-document.js'
import { kidForDid } from '../keys/did-key.js'
import type { Thread } from '../thread/thread.js'

/**
 * A vendor's offer or counter as the wallet holds it: the proposal, the thread it is the last
 * move of, and the vendor to answer. `castIntent` returns these for an intent signed elsewhere.
 *
 * @example
 * ```ts
 * const { offers } = await castIntent(signedIntent, ['https://shop.example'])
 * const best: VendorReply = offers[0]!
 * console.log(best.vendor.origin, best.proposal.payload.price, best.thread.state())
 * ```
 */
export interface VendorReply {
  readonly vendor: VendorTarget
  readonly proposal: Proposal
  /** The thread as the wallet sees it, this proposal its last move. */
  readonly thread: Thread
}

/**
 * A vendor's offer or counter in one of this wallet's casts: what `wallet.counter` and
 * `wallet.accept` take. Beside the reply it names the cast index, from which the wallet derives
 * the cast key again. The wallet keeps each one in its negotiation store, and
 * `wallet.negotiations()` reads them back after a restart.
 *
 * @example
 * ```ts
 * const { offers } = await wallet.cast(body, vendors)
 * const top: Negotiation = offers[0]!
 * console.log(top.castIndex, top.vendor.origin, top.proposal.payload.price)
 * ```
 */
export interface Negotiation extends VendorReply {
  /** The index of the cast key that signed the thread's intent (`wallet.castKey(castIndex)`). */
  readonly castIndex: number
  /**
   * The disclosures of the intent's `want.precise`, when the cast hid precise forms behind it:
   * the wallet's alone, to give the vendor it picks (`disclose` in `counter` and `accept`).
   */
  readonly precise?: readonly string[]
}

export interface ReplyChecks {
  readonly maxBytes?: number
  readonly now?: Date
}

/**
 * Verifies a vendor's answer in a thread: the signature, the kind, that it is addressed to
 * `customer` and answers `inReplyTo`, and that its signer is one of the vendor's live keys
 * (when they are known) or, mid-thread, the key the vendor has used so far.
 */
export async function verifyReply<K extends 'offer' | 'counter'>(
  message: string | Uint8Array,
  kind: K,
  expected: { customer: string; inReplyTo: string; vendor: VendorTarget; signer?: string },
  checks: ReplyChecks,
): Promise<Verified<K>> {
  const reply = (await verify(message, { expect: kind, audience: expected.customer, ...checks })) as Proposal
  if (reply.payload.inReplyTo !== expected.inReplyTo)
    throw new IntentcastError('ERR_BROKEN_LINK', `the ${kind} does not answer the message it was sent for`)
  if (expected.signer !== undefined && reply.issuer !== expected.signer) {
    throw new IntentcastError(
      'ERR_KEY_UNRESOLVED',
      `the ${kind} is signed by another key than the vendor's in this thread`,
    )
  }
  const keys = expected.vendor.keys
  if (keys !== undefined && !liveKeys(keys, checks.now).some((k) => k.kid === kidForDid(reply.issuer))) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', `the ${kind} is not signed by any of the vendor's listed keys`)
  }
  return reply as Verified<K>
}
