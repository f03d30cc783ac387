// Over 250 lines on purpose: counter and accept are the customer's two answers to a proposal,
// and share the checks of what comes back (the vendor's counter, the countersigned agreement),
// the relay route and the in-flight acceptance; how the moves are sealed is src/wallet/sealed-moves.ts.
import type { ReadEntry } from '../http/mailbox-entry.js'
import { IntentcastError } from '../errors.js'
import { signAgreement } from '../envelope/countersign.js'
import { keepsOwnSignature } from '../envelope/own-signature.js'
import { signAcceptance, signCounter } from '../envelope/sign.js'
import { verify, type Verified } from '../envelope/verify.js'
import { joinMessages } from '../http/media-type.js'
import type { KeyPair } from '../keys/key-pair.js'
import { dealOf, type Deal } from '../model/deal.js'
import { ContactDetails, type PreciseWant } from '../disclose/claims.js'
import { discloseClaims } from '../disclose/disclose.js'
import { parseWith } from '../model/parse.js'
import type { Thread } from '../thread/thread.js'
import { isPassing, MailboxReader, postToMailbox, waitInMailbox } from './relay.js'
import { verifyReply, type Negotiation, type VendorReply } from './reply.js'
import { preciseDisclosures, requireSealing, sealedForVendor } from './sealed-moves.js'
import { send, type SendOptions } from './send.js'

/**
 * How `wallet.counter` and `wallet.accept` talk to the vendor: the fetch, a deadline, retries,
 * the size limit, cancellation, and the clock answers are checked against. For a vendor met
 * through a relay, `timeoutMs` covers posting the move and waiting for its answer in the cast's
 * mailbox.
 *
 * @example
 * ```ts
 * const { agreement } = await wallet.accept(offer, { timeoutMs: 5_000, signal: AbortSignal.timeout(10_000) })
 * ```
 */
export interface RespondOptions extends Pick<
  SendOptions,
  'fetch' | 'timeoutMs' | 'signal' | 'retries' | 'backoffMs' | 'maxBytes'
> {
  /** The time answers are checked at, and moves signed at. Default: now. */
  readonly now?: Date
}

/**
 * `wallet.counter`'s options: the transport, and a note for the vendor to read.
 *
 * @example
 * ```ts
 * await wallet.counter(offer, deal, { note: 'Could you deliver by Friday?', timeoutMs: 5_000 })
 * ```
 */
export interface CounterOptions extends RespondOptions {
  /** Free text for the vendor, signed with the counter (at most 1000 characters). */
  readonly note?: string
  /**
   * The precise forms of the intent's `want` to disclose to this vendor (names of fields the
   * cast hid behind `want.precise`). The counter then goes sealed to the vendor only.
   */
  readonly disclose?: readonly (keyof PreciseWant)[]
}

/**
 * `wallet.accept`'s options: the transport, and what to disclose to the vendor accepted, and to
 * no one else (spec §Selective disclosure): where to deliver and how to reach the customer, and
 * the precise forms of the intent's `want`. The acceptance carries them sealed to the vendor;
 * the agreement both sign commits to `details` by salted digests, so the customer can later
 * show any of them to a third party (`presentAgreement`).
 *
 * @example
 * ```ts
 * await wallet.accept(offer, { details: { address: { street: 'Invalidenstr. 1', postalCode: '10115', locality: 'Berlin' }, email: 'ada@example.org' }, disclose: ['region'] })
 * ```
 */
export interface AcceptOptions extends RespondOptions {
  readonly details?: ContactDetails
  readonly disclose?: readonly (keyof PreciseWant)[]
}

/**
 * What `wallet.accept` brings back: the agreement, signed by both parties, and the whole thread.
 *
 * @example
 * ```ts
 * const { agreement, thread }: Accepted = await wallet.accept(offer)
 * store.save(agreement.digest, thread.messages.map((m) => m.message)) // verifyThread re-checks it later
 * ```
 */
export interface Accepted {
  /** The agreement both parties signed: byte for byte what the vendor stored. */
  readonly agreement: Verified<'agreement'>
  /** The whole thread, for the wallet to keep (`thread.messages`) and re-verify. */
  readonly thread: Thread
}

/**
 * What `wallet.counter` brings back: the thread with the counter, and the vendor's own counter
 * when it answered at once, ready to accept or counter again.
 *
 * @example
 * ```ts
 * const { reply }: Countered = await wallet.counter(offer, { ...dealOf(offer.proposal.payload), price: lower })
 * if (reply) await wallet.accept(reply)
 * ```
 */
export interface Countered {
  readonly thread: Thread
  /** The vendor's counter; absent when it answered 202 (no answer yet). */
  readonly reply?: Negotiation
}

/** The keys of one thread: the cast key that signed its intent, and the wallet's key for the vendor. */
export interface ThreadKeys {
  readonly castKey: KeyPair
  readonly vendorKey: KeyPair
}

function requireCaster(castKey: KeyPair, thread: Thread): void {
  if (castKey?.did !== thread.intent.issuer)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'castKey must be the key that signed the intent')
}

/**
 * An acceptance signed for sending: the thread with the acceptance, and the agreement the wallet
 * signed with it. Once it may have reached the vendor it is sent again as it is, never signed
 * anew: a vendor answers the same bytes with the agreement it countersigned (spec §HTTP binding,
 * Retries), and refuses a second acceptance in the thread.
 */
export interface SignedAcceptance {
  /** The thread, its last move the acceptance. */
  readonly thread: Thread & { readonly acceptance: Verified<'acceptance'> }
  /** The agreement, signed by the wallet's key for this vendor only. */
  readonly agreement: string | Uint8Array
  /**
   * The body that goes to the vendor: the acceptance and the agreement, sealed to the vendor's
   * encryption key when it named one. Sealed once and kept, so a resend is the same bytes.
   */
  readonly body: string | Uint8Array
}

/**
 * Signs the acceptance of a vendor's offer or counter (spec §HTTP binding, Accepting): under the
 * cast key, naming the vendor key as `party`, so the cast key vouches for the relationship key;
 * and the agreement under the vendor key. Both in the proposal's envelope (JWS or COSE), so the
 * thread keeps one.
 */
export async function signAcceptanceOf(
  offer: Negotiation,
  keys: ThreadKeys,
  options: AcceptOptions,
): Promise<SignedAcceptance> {
  const { proposal } = offer
  const { castKey, vendorKey } = keys
  requireCaster(castKey, offer.thread)
  const at = options.now && { now: options.now }
  const details =
    options.details === undefined
      ? undefined
      : await discloseClaims(parseWith(ContactDetails, options.details, 'details', 'ERR_INVALID_ARGUMENT'))
  // The acceptance's own disclosures first, then the intent's: the order `checkDisclosures` reads them in.
  const disclosures = [...(details?.disclosures ?? []), ...(await preciseDisclosures(offer, options.disclose))]
  const acceptance = await signAcceptance(
    {
      inReplyTo: proposal.digest,
      intent: offer.thread.intent.digest,
      ...dealOf(proposal.payload),
      ...(vendorKey.did !== castKey.did && { party: vendorKey.did }),
      ...(details && { details: details.claim }),
      ...(disclosures.length > 0 && { disclosures: requireSealing(offer, disclosures) }),
    },
    castKey,
    { audience: proposal.issuer, format: proposal.format, ...at },
  )
  const thread = offer.thread.with(await verify(acceptance, { expect: 'acceptance', ...at }))
  const agreement = await signAgreement(thread.agreementBody(), vendorKey, { format: proposal.format, ...at })
  const body = await sealedForVendor(joinMessages(acceptance, agreement), offer)
  return { thread: thread as SignedAcceptance['thread'], agreement, body }
}

/**
 * Sends a signed acceptance and its agreement in one POST, and checks what comes back: the
 * vendor's countersigned agreement must carry exactly the payload and signature the wallet sent,
 * be countersigned by the key that made the proposal, and be the move the thread takes.
 *
 * To a vendor met through a relay, the two go to its mailbox there, and the agreement is looked
 * for in the cast's mailbox, first among what is there already (the answer to an earlier send of
 * these bytes), then as it comes, until the deadline: ERR_TIMEOUT when none came, which leaves
 * the acceptance in flight, to be sent again. There an agreement that does not check out is
 * passed over rather than refused, since anyone may post to a mailbox: it is not the vendor's
 * answer.
 */
export async function sendAcceptance(
  offer: VendorReply,
  signed: SignedAcceptance,
  castKey: KeyPair,
  options: RespondOptions,
): Promise<Accepted> {
  const { vendor } = offer
  const { body } = signed
  if (vendor.relay !== undefined) {
    const agreement = await throughRelay(vendor.relay, vendor.endpoint, castKey, body, options, (m) =>
      agreementOf(offer, signed, m, options).catch(() => undefined),
    )
    if (agreement === undefined)
      throw new IntentcastError(
        'ERR_TIMEOUT',
        `no agreement came to the cast's mailbox within ${options.timeoutMs ?? 10_000} ms; accept again to look for it`,
      )
    return { agreement, thread: signed.thread.add(agreement) }
  }
  const answer = await send(vendor.endpoint, body, options, castKey)
  if (answer === null)
    throw new IntentcastError('ERR_BROKEN_LINK', 'the vendor took the acceptance without countersigning the agreement')
  const agreement = await agreementOf(offer, signed, answer, options)
  return { agreement, thread: signed.thread.add(agreement) }
}

/** The vendor's countersigned agreement, checked against what the wallet signed and the proposal accepted. */
async function agreementOf(
  offer: VendorReply,
  signed: SignedAcceptance,
  answer: string | Uint8Array,
  options: RespondOptions,
): Promise<Verified<'agreement'>> {
  const { acceptance } = signed.thread
  const party = acceptance.payload.party ?? acceptance.issuer
  const agreement = await verify(answer, { expect: 'agreement', audience: party, ...checks(options) })
  if (!keepsOwnSignature(signed.agreement, answer))
    throw new IntentcastError('ERR_BROKEN_LINK', 'the countersigned agreement is not the one the wallet signed')
  if (agreement.signers[1] !== offer.proposal.issuer)
    throw new IntentcastError(
      'ERR_ISSUER_MISMATCH',
      "the agreement is countersigned by another key than the proposal's",
    )
  return agreement
}

/**
 * A move to a vendor met through a relay: posted to its mailbox at `relay`, and its answer read
 * from the cast's mailbox there, which `pick` recognises (undefined for any other message). The
 * mailbox is read once before posting, so an answer to an earlier send of the same bytes is
 * found even when the vendor's mailbox no longer takes them; the relay keeps a body once, so
 * posting it again is harmless. Resolves undefined when nothing answered within the deadline.
 */
async function throughRelay<T>(
  relay: string,
  endpoint: string,
  castKey: KeyPair,
  body: string | Uint8Array,
  options: RespondOptions,
  pick: (message: string | Uint8Array) => Promise<T | undefined>,
): Promise<T | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  const left = (): number => Math.max(1, deadline - Date.now())
  const reader = new MailboxReader(relay, castKey, { fetch: options.fetch, signal: options.signal })
  const take = async (entry: ReadEntry): Promise<T | undefined> =>
    entry.messages.length === 1 ? pick(entry.messages[0]!) : undefined
  for (const entry of await reader.read(left()).catch(passingOnly)) {
    const found = await take(entry)
    if (found !== undefined) return found
  }
  await postToMailbox(endpoint, body, castKey, { ...options, timeoutMs: left() })
  return waitInMailbox(reader, deadline, options.signal, take)
}

/** A read that failed on the network is tried again when waiting; anything else rejects. */
function passingOnly(e: unknown): ReadEntry[] {
  if (isPassing(e)) return []
  throw e
}

/**
 * Counters a vendor's offer or counter with the cast key, and reads the vendor's answer: its own
 * counter (verified: addressed to the cast key, answering this counter, signed by the key the
 * vendor has used in this thread) or nothing yet. The negotiation's thread is left as it was
 * (`Thread.with` copies), so the same offer can be countered again or accepted. To a vendor met
 * through a relay the counter goes to its mailbox there, and the answer is awaited in the cast's
 * mailbox until the deadline (a message there that is not the answer is passed over).
 */
export async function counterWith(
  offer: Negotiation,
  deal: Deal,
  castKey: KeyPair,
  options: CounterOptions,
): Promise<{ thread: Thread; reply?: VendorReply }> {
  const { proposal, vendor } = offer
  requireCaster(castKey, offer.thread)
  const at = options.now && { now: options.now }
  const disclosures = await preciseDisclosures(offer, options.disclose)
  const signed = await signCounter(
    {
      ...dealOf(deal),
      ...(options.note !== undefined && { note: options.note }),
      inReplyTo: proposal.digest,
      intent: offer.thread.intent.digest,
      ...(disclosures.length > 0 && { disclosures: requireSealing(offer, disclosures) }),
    },
    castKey,
    { audience: proposal.issuer, format: proposal.format, ...at },
  )
  const mine = await verify(signed, { expect: 'counter', ...at })
  const thread = offer.thread.with(mine)
  const expected = { customer: castKey.did, inReplyTo: mine.digest, vendor, signer: proposal.issuer }
  let reply: Verified<'counter'> | undefined
  const body = await sealedForVendor(signed, offer)
  if (vendor.relay !== undefined) {
    // Through a relay, no answer by the deadline is what a 202 is directly: none yet.
    reply = await throughRelay(vendor.relay, vendor.endpoint, castKey, body, options, (m) =>
      verifyReply(m, 'counter', expected, checks(options)).catch(() => undefined),
    )
  } else {
    const answer = await send(vendor.endpoint, body, options, castKey)
    reply = answer === null ? undefined : await verifyReply(answer, 'counter', expected, checks(options))
  }
  if (reply === undefined) return { thread }
  const next = thread.add(reply)
  return { thread: next, reply: { vendor, proposal: reply, thread: next } }
}

function checks(options: RespondOptions): { maxBytes?: number; now?: Date } {
  return {
    ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }),
    ...(options.now && { now: options.now }),
  }
}
