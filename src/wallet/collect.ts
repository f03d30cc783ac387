/**
 * Offers that come to a cast's mailbox at a relay: from vendors the relay delivered the intent
 * to, and from vendors cast to directly that answered later, through the intent's `replyTo`.
 * Each is verified as a direct answer is (an offer, addressed to the cast key, answering this
 * intent, the thread's legal first move), and, when its signer is a key a known vendor lists,
 * attributed to that vendor, so the wallet goes on with it at its site.
 */
import type { ReadEntry } from '../http/mailbox-entry.js'
import { isIntentcastError } from '../errors.js'
import type { Verified } from '../envelope/verify.js'
import { kidForDid } from '../keys/did-key.js'
import { liveKeys } from '../model/vendor-document.js'
import { Thread } from '../thread/thread.js'
import { rankOffers } from '../terms/index.js'
import type { CastFailure, CastResult } from './cast-types.js'
import type { VendorTarget } from './discover.js'
import { waitInMailbox, relayedVendor, type MailboxReader } from './relay.js'
import { verifyReply, type ReplyChecks, type VendorReply } from './reply.js'

/** One reading of a cast's mailbox for offers. */
export interface OfferCollection {
  readonly intent: Verified<'intent'>
  readonly relay: string
  readonly reader: MailboxReader
  /** Milliseconds since the epoch: no read starts after it. */
  readonly deadline: number
  readonly signal: AbortSignal | undefined
  readonly checks: ReplyChecks
  /** The known vendor whose listed keys include `issuer`'s, if any. */
  readonly vendorOf: (issuer: string) => VendorTarget | undefined
  readonly onOffer: (reply: VendorReply) => void
  readonly onFailure: (failure: CastFailure) => void
  /** Asked after each read: true ends the reading before the deadline (`() => true`: one read). */
  readonly stop: () => boolean
}

/**
 * Reads the mailbox until the deadline or `stop`, passing on each valid offer. An answer that
 * does not verify is recorded as a failure at the relay and the reading goes on; moves of later
 * negotiations (counters, agreements) are not for a cast and are passed over. A relay that
 * refuses the reading (a mailbox it does not hold, an access it refuses) is recorded once, and
 * the reading ends.
 */
export async function collectOffers(c: OfferCollection): Promise<void> {
  try {
    await waitInMailbox(c.reader, c.deadline, c.signal, (entry) => takeOffer(c, entry), c.stop)
  } catch (e) {
    c.signal?.throwIfAborted()
    c.onFailure(failureAt(c.relay, e, 'the mailbox could not be read'))
  }
}

/** Passes the entry on when it is a valid offer; never ends the reading (undefined). */
async function takeOffer(c: OfferCollection, entry: ReadEntry): Promise<undefined> {
  // An offer travels alone; two parts are an acceptance and its agreement, never for the customer.
  if (entry.messages.length !== 1) return
  const message = entry.messages[0]!
  try {
    const offer = await verifyReply(
      message,
      'offer',
      // Whose offer it is is known only once it verifies: the listed keys are checked just below.
      { customer: c.intent.issuer, inReplyTo: c.intent.digest, vendor: relayedVendor(c.relay, c.intent.issuer) },
      c.checks,
    )
    const known = c.vendorOf(offer.issuer)
    const vendor = known ?? relayedVendor(c.relay, offer.issuer)
    c.onOffer({ vendor, proposal: offer, thread: new Thread(c.intent).add(offer) })
  } catch (e) {
    if (!isIntentcastError(e, 'ERR_TYPE_MISMATCH'))
      c.onFailure(failureAt(c.relay, e, 'an answer at the relay could not be read'))
  }
  return undefined
}

/**
 * Offers ranked as a cast ranks them (`rankOffers`): those that rank, best first, with their
 * score and reasons, and those that break a hard limit of the intent.
 */
export function rankReplies<R extends VendorReply>(
  intent: Verified<'intent'>,
  replies: readonly R[],
): Pick<CastResult<R>, 'offers' | 'excluded'> {
  const ranking = rankOffers(
    intent,
    replies.map((r) => r.proposal as Verified<'offer'>),
  )
  const byOffer = new Map(replies.map((r) => [r.proposal, r]))
  return {
    offers: ranking.ranked.map((r) => ({
      ...byOffer.get(r.offer)!,
      proposal: r.offer,
      score: r.score,
      reasons: r.reasons,
    })),
    excluded: ranking.excluded.map((x) => ({ ...byOffer.get(x.offer)!, proposal: x.offer, reasons: x.reasons })),
  }
}

/** The known vendor that lists `issuer`'s key as live, if any: its offer is that vendor's. */
export function knownVendor(
  known: readonly VendorTarget[],
  issuer: string,
  now: Date | undefined,
): VendorTarget | undefined {
  const kid = kidForDid(issuer)
  return known.find((v) => v.keys !== undefined && liveKeys(v.keys, now).some((k) => k.kid === kid))
}

function failureAt(relay: string, e: unknown, otherwise: string): CastFailure {
  return isIntentcastError(e)
    ? { vendor: relay, code: e.code, message: e.message }
    : { vendor: relay, code: 'ERR_INTERNAL', message: otherwise }
}
