/**
 * Answering later (spec §Relay binding, Answering later: `replyTo`): the offer to an intent the
 * vendor took without one (202), made when the vendor is ready, and posted to the intent's
 * `replyTo`, the customer's mailbox at a relay.
 *
 * It is the intent's move made outside a request, so it keeps a live move's rules: the thread
 * is held as a move holds it (one at a time, across processes), the intent must still be open by
 * the vendor's clock, the thread is stored in one step over the version read, and the offer is
 * signed in the intent's envelope with the key it was cast to. And it keeps the rule of a relay:
 * the offer goes only to a `replyTo` at a relay the vendor trusts, which is checked before
 * anything is signed, stored or sent.
 */
import { IntentcastError } from '../errors.js'
import { signOffer } from '../envelope/sign.js'
import { verify, type Verified } from '../envelope/verify.js'
import type { FetchLike } from '../http/client.js'
import { sealOnce } from '../seal/seal.js'
import { Thread } from '../thread/thread.js'
import type { OfferReply } from './callbacks.js'
import { replyKeyClaim } from './keys.js'
import { mailboxUrl, postToRelay } from './relay-client.js'
import { ownSize, requireAnswerable, type Vendor } from './state.js'

/**
 * How `handler.offer` posts: the fetch, a deadline and cancellation.
 *
 * @example
 * ```ts
 * await handler.offer(intent, reply, { timeoutMs: 5_000 } satisfies LaterOfferOptions)
 * ```
 */
export interface LaterOfferOptions {
  readonly fetch?: FetchLike
  /** Milliseconds for posting the offer, retries included. Default 10,000. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
}

const OPTIONS: Record<keyof LaterOfferOptions, true> = { fetch: true, timeoutMs: true, signal: true }

export async function offerLater(
  vendor: Vendor,
  intent: Verified<'intent'>,
  reply: OfferReply,
  options: LaterOfferOptions = {},
): Promise<string | Uint8Array> {
  checkArguments(intent, options)
  // Before anything is signed or stored: an offer that could not be delivered is not made.
  const mailbox = trustedReplyTo(vendor, intent)
  await vendor.terms
  const key = vendor.keys.addressedKey(intent, false) ?? vendor.keys.current
  requireAnswerable(new Thread(intent), 'proposal')
  const offer = await vendor.hold(intent.digest, async () => {
    const stored = await vendor.options.threads.get(intent.digest)
    if (stored !== undefined) return offerIn(stored)
    const thread = new Thread(intent)
    requireAnswerable(thread, 'proposal') // again: the intent may have expired while waiting for its thread
    const signed = await signOffer({ ...reply, inReplyTo: intent.digest, ...(await replyKeyClaim(intent, key)) }, key, {
      audience: intent.issuer,
      format: intent.format,
      ...vendor.options.lifetime,
    })
    thread.add(await verify(signed, { expect: 'offer', maxBytes: ownSize(signed) }))
    await vendor.save(thread, undefined)
    return signed
  })
  // Sealed to the cast's reply key when the intent names one: the relay keeps only ciphertext,
  // and the same bytes each time, so offering again adds no second entry.
  const to = intent.payload.replyKey
  const body = to === undefined ? offer : await sealOnce(offer, to, await vendor.keys.answerSecret())
  await postToRelay(mailbox, body, key, options)
  return offer
}

/**
 * The intent's `replyTo`, when it is the customer's mailbox at a relay the vendor trusts:
 * exactly `<relay>/mailboxes/<the intent's issuer>`. Anything else is ERR_UNREACHABLE: the
 * customer cannot be reached from here.
 */
function trustedReplyTo(vendor: Vendor, intent: Verified<'intent'>): string {
  const { replyTo } = intent.payload
  if (replyTo === undefined)
    throw new IntentcastError('ERR_UNREACHABLE', 'the intent names no replyTo: there is nowhere to send a later offer')
  for (const relay of vendor.relays) if (mailboxUrl(relay, intent.issuer) === replyTo) return replyTo
  throw new IntentcastError(
    'ERR_UNREACHABLE',
    `the intent's replyTo ${replyTo.slice(0, 128)} is not the customer's mailbox at a relay this vendor trusts (http.relays)`,
  )
}

/**
 * The offer already made in a stored thread, to deliver again: the same bytes, which the relay
 * keeps once. A thread that has gone further (the customer answered the offer) needs no later
 * offer: ERR_ILLEGAL_MOVE.
 */
function offerIn(thread: Thread): string | Uint8Array {
  const [, offer, ...after] = thread.messages
  if (offer?.kind !== 'offer' || after.length > 0)
    throw new IntentcastError('ERR_ILLEGAL_MOVE', 'the intent has been answered and its thread has moved on')
  return offer.message
}

function checkArguments(intent: Verified<'intent'>, options: LaterOfferOptions): void {
  const i = intent as Partial<Verified<'intent'>> | null
  if (typeof i !== 'object' || i === null || i.kind !== 'intent' || typeof i.digest !== 'string')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'intent is a verified intent, as on.intent was given it')
  if (typeof options !== 'object' || options === null)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'offer options must be an object')
  const extra = Object.keys(options).find((k) => !Object.hasOwn(OPTIONS, k))
  if (extra !== undefined)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `offer has no option "${extra.slice(0, 32)}"; it takes ${Object.keys(OPTIONS).join(', ')}`,
    )
  const { fetch, timeoutMs, signal } = options
  if (fetch !== undefined && typeof fetch !== 'function')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'fetch must be a function')
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'timeoutMs must be a positive number of milliseconds')
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'signal must be an AbortSignal')
}
