import { IntentcastError } from '../errors.js'
import { verify, type Verified } from '../envelope/verify.js'
import type { VendorTarget } from './discover.js'
import { liveKeys } from '../model/vendor-document.js'
import { kidForDid } from '../keys/did-key.js'
import type { Thread } from '../thread/thread.js'

/** A vendor's offer or counter as the wallet holds it: with the vendor to answer and the thread so far. */
export interface VendorProposal {
  readonly vendor: VendorTarget
  readonly proposal: Verified<'offer'> | Verified<'counter'>
  /** The thread as the wallet sees it, this proposal its last move. */
  readonly thread: Thread
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
  const reply = (await verify(message, { expect: kind, audience: expected.customer, ...checks })) as Verified<'offer' | 'counter'>
  if (reply.payload.inReplyTo !== expected.inReplyTo) throw new IntentcastError('ERR_BROKEN_LINK', `the ${kind} does not answer the message it was sent for`)
  if (expected.signer !== undefined && reply.issuer !== expected.signer) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', `the ${kind} is signed by another key than the vendor's in this thread`)
  }
  const keys = expected.vendor.keys
  if (keys !== undefined && !liveKeys(keys, checks.now).some((k) => k.kid === kidForDid(reply.issuer))) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', `the ${kind} is not signed by any of the vendor's listed keys`)
  }
  return reply as Verified<K>
}
