/**
 * A customer's counter. The thread must take it, and the vendor must still be able to answer
 * it, before `on.counter` hears of it: once the vendor has decided, its reply is its own
 * message, and a failure to add it to the thread could only be the vendor's (a 500), never the
 * customer's. `'agree'` restates the customer's deal as the vendor's counter, which the customer
 * can then accept: only the customer accepts, since a customer's counter is addressed to the
 * vendor.
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
import { accepted, message } from './answers.js'
import { asVendor, callVendor, type CounterReply } from './callbacks.js'
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
    const decision = options.on.counter
      ? await callVendor(() => options.on.counter!(counter, { request, thread, disclosed }))
      : null
    if (decision === null) return accepted() // not stored: nothing will answer it
    requireAnswerable(thread, 'proposal') // again: the negotiation may have ended while the vendor decided
    const reply: CounterReply = decision === 'agree' ? dealOf(counter.payload) : decision
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
