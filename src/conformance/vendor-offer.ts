/**
 * The first move of a thread: a valid intent, and the vendor's answer to it (§HTTP binding,
 * Processing): an offer that verifies, addressed to the customer, answering this intent, signed by
 * a listed key; or 202, which the spec allows and the report says. Whether it came sealed when the
 * intent named a reply key is a check of its own, so that a vendor that does not seal still has
 * the rest of its thread tested. Then the same bytes again, which must get the same answer
 * (§HTTP binding, Retries).
 */
import { signIntent } from '../envelope/sign.js'
import { verify, type Verified } from '../envelope/verify.js'
import { Thread } from '../thread/thread.js'
import {
  answered,
  fromVendor,
  intentBodyFor,
  newCustomer,
  post,
  sameBody,
  type Customer,
  type KitContext,
  type Variant,
} from './customer.js'
import { expectProblem, summary, type Probe } from './probe.js'
import { CheckFailure, expectThat, type Checklist } from './report.js'

/** A thread the vendor opened with an offer: the customer, its intent, and the thread so far. */
export interface Opened {
  readonly customer: Customer
  readonly intent: Verified<'intent'>
  readonly offer: Verified<'offer'>
  /** The intent and the offer. */
  readonly thread: Thread
}

const PROCESSING = '§HTTP binding, Processing'
const SEALED = '§Encrypted envelopes, Which bodies are sealed'

/** Why a check that needs an offer did not run. */
export const NO_OFFER = 'the vendor made no offer in this variant, so there is nothing to answer'

/**
 * Casts one intent in `variant` and checks the answer and a retry of it. Resolves the opened
 * thread when the vendor offered and the offer checks out, else undefined.
 */
export async function openThread(list: Checklist, ctx: KitContext, variant: Variant): Promise<Opened | undefined> {
  const customer = await newCustomer(variant.sealed)
  const signed = await signIntent(intentBodyFor(ctx, customer), customer.castKey, {
    format: variant.format,
    expiresIn: '1h',
  })
  const intent = await verify(signed, { expect: 'intent' })
  let first: Probe | undefined
  let opened: Opened | undefined
  let sealed = false
  await list.check(
    {
      id: `offer.${variant.name}`,
      section: PROCESSING,
      title: `a valid ${variant.format.toUpperCase()} intent gets 200 with a signed offer to the customer, answering the intent (or 202)`,
    },
    async () => {
      first = await post(ctx, signed)
      if (first.status === 202)
        return 'declined to offer (202), which the spec allows: the checks that need an offer are skipped'
      expectThat(first.status === 200, `expected 200 with an offer, or 202; got ${summary(first)}`)
      const answer = await answered(first, variant, customer)
      sealed = answer.sealed
      const offer = await fromVendor(answer.message, 'offer', ctx, customer, variant)
      expectThat(offer.payload.inReplyTo === intent.digest, 'the offer does not answer this intent (inReplyTo)')
      // The thread's rules for a first move: addressed to the intent's issuer, not before it, still open.
      const thread = new Thread(intent).add(offer)
      opened = { customer, intent, offer, thread }
    },
  )
  if (variant.sealed) {
    const spec = {
      id: `sealed.offer.${variant.name}`,
      section: SEALED,
      title: "the offer to an intent naming a replyKey comes sealed to it, and names one of the vendor's sealKeys",
    }
    const offer = opened?.offer
    if (offer === undefined) list.skip(spec, NO_OFFER)
    else
      await list.check(spec, async () => {
        expectThat(sealed, 'the offer came in the clear, though the intent named a replyKey')
        const key = offer.payload.replyKey
        expectThat(key !== undefined, 'the offer names no replyKey for the customer to seal its moves to')
        expectThat(
          ctx.site.sealKeys.some((k) => k.x === key.x),
          "the offer's replyKey is not one of the vendor document's sealKeys",
        )
      })
  }
  const retry = {
    id: `retry.intent.${variant.name}`,
    section: '§HTTP binding, Retries',
    title:
      'the same intent bytes again get the answer they got: the same offer, byte for byte (ERR_REPLAY after a 202)',
  }
  const original = first
  if (original === undefined || (original.status !== 200 && original.status !== 202)) {
    list.skip(retry, 'the first answer was neither an offer nor 202')
    return opened
  }
  await list.check(retry, async () => {
    const again = await post(ctx, signed)
    if (original.status === 202) {
      // An intent answered 202 left nothing in a thread; the replay store remembers it.
      expectProblem(again, 409, 'ERR_REPLAY')
      return 'the intent was answered 202, so the same bytes are ERR_REPLAY, as the spec says'
    }
    expectThat(again.status === 200, `expected the offer again (200), got ${summary(again)}`)
    if (sameBody(again.body, original.body)) return
    const before = await answered(original, variant, customer).catch(() => undefined)
    const now = await answered(again, variant, customer).catch(() => undefined)
    expectThat(
      !(before && now && sameBody(before.message, now.message)),
      'the same offer came back sealed anew: an answer sent again is the same bytes (§Encrypted envelopes, Sealing again)',
    )
    throw new CheckFailure('the same intent bytes got another offer: a retry must get the answer the intent got')
  })
  return opened
}
