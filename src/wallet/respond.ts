import { equalBytes } from '../lib/bytes.js'
import { encodeCbor } from '../cose/cbor-encode.js'
import type { CborValue } from '../cose/cbor-value.js'
import { decodeCoseMessage } from '../cose/message.js'
import { IntentcastError } from '../errors.js'
import { signAgreement } from '../envelope/countersign.js'
import { parseGeneralJws } from '../envelope/general.js'
import { signAcceptance, signCounter } from '../envelope/sign.js'
import { verify, type Verified } from '../envelope/verify.js'
import type { CounterProposal } from '../vendor/handler.js'
import { joinMessages } from '../http/media-type.js'
import type { KeyPair } from '../keys/key-pair.js'
import type { Thread } from '../thread/thread.js'
import { verifyReply, type VendorProposal } from './proposal.js'
import { send, type SendOptions } from './send.js'

export interface RespondOptions extends Pick<SendOptions, 'fetch' | 'timeoutMs' | 'signal' | 'retries' | 'backoffMs' | 'maxBytes'> {
  /** The key the intent was cast with: it signs counters and the acceptance. */
  readonly castKey: KeyPair
  /** The time answers are checked at. Default: now. */
  readonly now?: Date
}

export interface AcceptOptions extends RespondOptions {
  /** The wallet's key for this vendor (`wallet.vendorKey(origin)`): it signs the agreement. */
  readonly vendorKey: KeyPair
}

export interface Accepted {
  /** The agreement both parties signed: byte for byte what the vendor stored. */
  readonly agreement: Verified<'agreement'>
  /** The whole thread, for the wallet to keep (`thread.messages`) and re-verify. */
  readonly thread: Thread
}

export interface Countered {
  /** The thread with the counter, and the vendor's answer when it sent one. */
  readonly thread: Thread
  /** The vendor's counter, ready to accept or counter again; absent when it answered 202. */
  readonly reply?: VendorProposal
}

function requireCaster(castKey: KeyPair, thread: Thread): void {
  if (castKey?.did !== thread.intent.issuer) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'castKey must be the key that signed the intent')
}

/**
 * Accepts a vendor's offer or counter (spec §HTTP binding, Accepting): the acceptance signed
 * with the cast key names the vendor key as `party`, so the cast key vouches for the relationship
 * key; the agreement is signed with the vendor key; both go in one POST. The vendor's
 * countersigned agreement must carry exactly the payload and signature the wallet sent.
 * Both are signed in the proposal's envelope (JWS or COSE), so the thread keeps one.
 */
export async function accept(offer: VendorProposal, options: AcceptOptions): Promise<Accepted> {
  const { proposal, vendor } = offer
  requireCaster(options.castKey, offer.thread)
  if (typeof options.vendorKey?.did !== 'string') throw new IntentcastError('ERR_INVALID_ARGUMENT', 'vendorKey is required: the wallet\'s key for this vendor')
  const { quantity, price, deliverBy, terms } = proposal.payload
  const acceptance = await signAcceptance(
    {
      inReplyTo: proposal.digest,
      intent: offer.thread.intent.digest,
      quantity,
      price,
      ...(deliverBy !== undefined && { deliverBy }),
      terms,
      ...(options.vendorKey.did !== options.castKey.did && { party: options.vendorKey.did }),
    },
    options.castKey,
    { audience: proposal.issuer, format: proposal.format, ...(options.now && { now: options.now }) },
  )
  const accepted = offer.thread.with(await verify(acceptance, { expect: 'acceptance', ...(options.now && { now: options.now }) }))
  const mine = await signAgreement(accepted.agreementBody(), options.vendorKey, { format: proposal.format, ...(options.now && { now: options.now }) })
  const answer = await send(vendor.endpoint, joinMessages(acceptance, mine), options)
  if (answer === null) throw new IntentcastError('ERR_BROKEN_LINK', 'the vendor took the acceptance without countersigning the agreement')
  const agreement = await verify(answer, { expect: 'agreement', audience: options.vendorKey.did, ...checks(options) })
  if (!keepsOwnSignature(mine, answer)) throw new IntentcastError('ERR_BROKEN_LINK', 'the countersigned agreement is not the one the wallet signed')
  if (agreement.signers[1] !== proposal.issuer) throw new IntentcastError('ERR_ISSUER_MISMATCH', 'the agreement is countersigned by another key than the proposal\'s')
  return { agreement, thread: accepted.add(agreement) }
}

/**
 * Counters a vendor's offer or counter with the cast key, and reads the vendor's answer: its own
 * counter (verified: addressed to the cast key, answering this counter, signed by the key the
 * vendor has used in this thread) or nothing yet.
 */
export async function counter(offer: VendorProposal, body: CounterProposal, options: RespondOptions): Promise<Countered> {
  const { proposal, vendor } = offer
  requireCaster(options.castKey, offer.thread)
  const signed = await signCounter(
    { ...body, inReplyTo: proposal.digest, intent: offer.thread.intent.digest },
    options.castKey,
    { audience: proposal.issuer, format: proposal.format, ...(options.now && { now: options.now }) },
  )
  const mine = await verify(signed, { expect: 'counter', ...(options.now && { now: options.now }) })
  const thread = offer.thread.with(mine)
  const answer = await send(vendor.endpoint, signed, options)
  if (answer === null) return { thread }
  const reply = await verifyReply(answer, 'counter', { customer: options.castKey.did, inReplyTo: mine.digest, vendor, signer: proposal.issuer }, checks(options))
  const next = thread.add(reply)
  return { thread: next, reply: { vendor, proposal: reply, thread: next } }
}

/**
 * The agreement that came back has the payload the wallet signed (and, in COSE, the same body
 * header) and the wallet's own signature entry byte for byte. Both have passed `verify`.
 */
function keepsOwnSignature(sent: string | Uint8Array, back: string | Uint8Array): boolean {
  if (typeof sent === 'string' || typeof back === 'string') {
    if (typeof sent !== 'string' || typeof back !== 'string') return false
    const mine = parseGeneralJws(sent)
    const theirs = parseGeneralJws(back)
    const own = mine.signatures[0]!
    return theirs.payload === mine.payload && theirs.signatures.some((s) => s.protected === own.protected && s.signature === own.signature)
  }
  const [sentProtected, , sentPayload, sentSignatures] = decodeCoseMessage(sent, 'COSE_Sign', {})
  const [backProtected, , backPayload, backSignatures] = decodeCoseMessage(back, 'COSE_Sign', {})
  const own = encodeCbor((sentSignatures as CborValue[])[0]!)
  return (
    equalBytes(sentProtected as Uint8Array, backProtected as Uint8Array) &&
    equalBytes(sentPayload as Uint8Array, backPayload as Uint8Array) &&
    (backSignatures as CborValue[]).some((s) => equalBytes(encodeCbor(s), own))
  )
}

function checks(options: RespondOptions): { maxBytes?: number; now?: Date } {
  return { ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }), ...(options.now && { now: options.now }) }
}
