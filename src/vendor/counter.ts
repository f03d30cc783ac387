/**
 * A customer's counter. The thread must take it, and the vendor must still be able to answer
 * it, before `on.counter` hears of it: once the vendor has decided, its reply is its own
 * message, and a failure to add it to the thread could only be the vendor's (a 500), never the
 * customer's. `'agree'` restates the customer's deal as the vendor's counter, which the customer
 * can then accept: only the customer accepts, since a customer's counter is addressed to the
 * vendor.
 *
 * `'agree'` is a blanket yes to whatever the customer wrote, so the deal is judged against the
 * vendor's own terms declaration first (`answerCounter` with no limits): a vendor whose code
 * looked only at the price must not sign a payment method or a returns window its declaration
 * rules out. Such an 'agree' is the vendor's mistake, not the customer's: a 500 like any other
 * failure of the vendor's code, with the reasons told to `on.error`, and nothing stored, so the
 * customer's counter can be sent again once the vendor's code is fixed. Only an explicit
 * `{ agree: true, overrideTerms: true }` signs such a deal. The same holds for a counter that
 * changes the quantity or the currency of the proposal it answers: the vendor's code judged a
 * price as the total of its quantity in its currency.
 *
 * Two bounds keep a customer from growing a stored thread (spec §HTTP binding, Limits on the
 * vendor side): a counter answered 202 is not stored, since nothing will ever answer it and an
 * acceptance can only follow the vendor's own proposals; and a customer makes at most
 * MAX_COUNTERS counters in one thread.
 */
import { IntentcastError } from '../errors.js'
import { signCounter } from '../envelope/sign.js'
import { verify, type Verified } from '../envelope/verify.js'
import { dealOf } from '../model/deal.js'
import { disclosedIn } from '../disclose/disclosed.js'
import { answerCounter } from '../terms/answer-counter.js'
import type { Thread } from '../thread/thread.js'
import { accepted, message } from './answers.js'
import { asVendor, callVendor, type AgreeDecision, type CounterDecision, type CounterReply } from './callbacks.js'
import { requireAnswerable, type Vendor, ownSize } from './state.js'

/** The most counters one customer makes in one thread: no negotiation needs more. */
export const MAX_COUNTERS = 16

export async function takeCounter(counter: Verified<'counter'>, request: Request, vendor: Vendor): Promise<Response> {
  const { options } = vendor
  const key = vendor.keys.requiredKey(counter)
  return vendor.withThread(counter.payload.intent, counter, async (stored) => {
    const made = stored.proposals.filter((p) => p.kind === 'counter' && p.issuer === counter.issuer).length
    if (made >= MAX_COUNTERS) {
      throw new IntentcastError(
        'ERR_ILLEGAL_MOVE',
        `a customer makes at most ${MAX_COUNTERS} counters in one thread; accept a proposal or cast again`,
      )
    }
    const thread = stored.with(counter)
    requireAnswerable(thread, 'proposal')
    const disclosed = await disclosedIn(counter, thread.intent)
    const terms = await asVendor(() => vendor.terms)
    const decision = options.on.counter
      ? await callVendor(() => options.on.counter!(counter, { request, thread, disclosed, terms }))
      : null
    if (decision === null) return accepted() // not stored: nothing will answer it
    requireAnswerable(thread, 'proposal') // again: the negotiation may have ended while the vendor decided
    const reply = await asVendor(() => replyOf(decision, counter, thread, terms))
    const answer = await asVendor(async () => {
      const body = { ...reply, inReplyTo: counter.digest, intent: thread.intent.digest }
      const signed = await signCounter(body, key, {
        audience: counter.issuer,
        format: counter.format,
        ...options.lifetime,
      })
      thread.add(await verify(signed, { expect: 'counter', maxBytes: ownSize(signed) }))
      return signed
    })
    await vendor.save(thread, stored)
    return message(answer, thread, vendor.keys)
  })
}

/**
 * The deal the vendor signs for its decision: its own CounterReply as it is, or the customer's
 * deal restated, once an `'agree'` has passed the vendor's declaration. Throws
 * ERR_INVALID_ARGUMENT (the vendor's mistake: its caller makes it a 500) otherwise.
 */
function replyOf(
  decision: Exclude<CounterDecision, null>,
  counter: Verified<'counter'>,
  thread: Thread,
  terms: Verified<'terms', 'jws'>,
): CounterReply {
  if (decision !== 'agree' && !(typeof decision === 'object' && 'agree' in decision)) return decision
  const override = decision !== 'agree' && readAgree(decision).overrideTerms === true
  if (!override) {
    // The vendor's code judged a price it read as the total of the quantity it offered, in its
    // currency: a counter that changes either is not the deal it judged (1,000 bikes for the
    // price of one, yen for euros).
    const answered = thread.proposals.find((p) => p.digest === counter.payload.inReplyTo)
    const { quantity, price } = counter.payload
    if (answered && (answered.payload.quantity !== quantity || answered.payload.price.currency !== price.currency))
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `on.counter agreed to a counter for ${quantity} at ${price.amount} ${price.currency} answering a proposal for ${answered.payload.quantity} in ${answered.payload.price.currency}, so nothing was signed: 'agree' takes only a counter of the same quantity and currency. Return a counter deal instead, or { agree: true, overrideTerms: true } to sign this one anyway.`,
      )
    const judged = answerCounter(thread.intent, counter, { terms })
    if (judged.outcome !== 'agreed') {
      const broken = judged.conflicts.filter((c) => c.required).map((c) => c.message)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `on.counter agreed to a counter that breaks the vendor's own terms declaration, so nothing was signed: ${broken.join(' ')} Return a counter deal instead (answerCounter's), or { agree: true, overrideTerms: true } to sign this one anyway.`,
      )
    }
  }
  return dealOf(counter.payload)
}

/** `{ agree: true, overrideTerms? }` and nothing else: plain-JavaScript vendor code may return anything. */
function readAgree(decision: object): AgreeDecision {
  const d = decision as { agree?: unknown; overrideTerms?: unknown }
  const extra = Object.keys(d).find((k) => k !== 'agree' && k !== 'overrideTerms')
  if (d.agree !== true || (d.overrideTerms !== undefined && typeof d.overrideTerms !== 'boolean') || extra)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `on.counter returned ${extra ? `an unknown key "${extra.slice(0, 32)}" beside agree` : 'a malformed agree'}: return { agree: true, overrideTerms?: boolean }, 'agree', a counter deal, or null`,
    )
  return d as AgreeDecision
}
