/**
 * An acceptance, with the agreement the customer has signed. Everything about the customer's
 * two messages is decided before anything is signed or any vendor code runs: the thread takes
 * the acceptance, the agreement carries the customer's one valid signature, it is exactly the
 * agreement this thread arrived at, and the thread would take it. Then the vendor countersigns.
 *
 * The customer's signature is verified once. The parsed, verified agreement is kept and
 * countersigned as it is (`countersignVerified`): verifying it again in `countersign` and once
 * more in `verify` of the result, as this handler used to, would cost two more signature
 * checks per deal and prove nothing new.
 */
import { IntentcastError } from '../errors.js'
import { countersignVerified, verifyFirstSignature, type FirstSigned } from '../envelope/countersign.js'
import { disclosedIn } from '../disclose/disclosed.js'
import type { Verified } from '../envelope/verify.js'
import { sameJson } from '../lib/same.js'
import type { Thread } from '../thread/thread.js'
import { message } from './answers.js'
import { asVendor, callVendor } from './callbacks.js'
import { requireAnswerable, type Vendor } from './state.js'

export async function takeAcceptance(
  acceptance: Verified<'acceptance'>,
  agreement: string | Uint8Array,
  request: Request,
  vendor: Vendor,
): Promise<Response> {
  const { options } = vendor
  const key = vendor.keys.requiredKey(acceptance)
  return vendor.withThread(acceptance.payload.intent, acceptance, async (stored) => {
    const thread = stored.with(acceptance)
    // The record is written before the thread: if storing the thread failed after it, the thread
    // store still shows this thread open, and must not take a second agreement.
    if ((await asVendor(() => options.agreements.get(thread.intent.digest))) !== undefined)
      throw new IntentcastError('ERR_ILLEGAL_MOVE', 'this thread already has its agreement')
    // Hashing the disclosures costs less than the agreement's signature, so it comes first.
    const disclosed = await disclosedIn(acceptance, thread.intent)
    const customers = await verifyFirstSignature(agreement, { maxBytes: options.maxBodyBytes })
    requireThreadsAgreement(thread, customers)
    requireAnswerable(thread, 'agreement')
    const full = await asVendor(async () => {
      const countersigned = await countersignVerified(customers, key)
      thread.add(countersigned)
      return countersigned
    })
    if (options.on.acceptance)
      await callVendor(() => options.on.acceptance!(acceptance, { request, thread, agreement: full, disclosed }))
    // The record first: if the process dies before the thread is stored, a retry of the
    // acceptance still finds its agreement there (src/vendor/retry.ts).
    await asVendor(() => options.agreements.put(thread))
    await vendor.save(thread, stored)
    return message(full.message, thread, vendor.keys)
  })
}

/**
 * The agreement is the customer's, and the one this thread arrived at: signed by the customer
 * party the acceptance names, with the very body the thread builds, and a move the thread
 * allows (not after the acceptance expired, nor after a withdrawal).
 */
function requireThreadsAgreement(thread: Thread, agreement: FirstSigned): void {
  const expected = thread.agreementBody()
  if (agreement.signer !== expected.parties.customer) {
    throw new IntentcastError(
      'ERR_ISSUER_MISMATCH',
      'the agreement must be signed by the customer party the acceptance names',
    )
  }
  const { v: _v, iat: _iat, jti: _jti, ...body } = agreement.payload
  if (!sameJson(body, expected))
    throw new IntentcastError('ERR_BROKEN_LINK', 'the agreement is not the one this thread arrived at')
  thread.agreementAllowed(agreement.payload)
}
