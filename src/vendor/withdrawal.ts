/**
 * A withdrawal: the customer takes back its intent, or ends an agreement. It needs no answer
 * (204); `on.withdrawal` hears of it after the thread has taken it, and may still refuse it.
 */
import type { Verified } from '../envelope/verify.js'
import { noContent } from './answers.js'
import { asVendor, callVendor } from './callbacks.js'
import type { Vendor } from './state.js'

export async function takeWithdrawal(
  withdrawal: Verified<'withdrawal'>,
  request: Request,
  vendor: Vendor,
): Promise<Response> {
  const { options } = vendor
  // Addressing is optional (a withdrawal is announced to whoever holds the message); if it names someone, that is us.
  vendor.keys.addressedKey(withdrawal, false)
  return vendor.withThread(withdrawal.payload.withdraws, withdrawal, async (stored) => {
    const thread = stored.with(withdrawal)
    if (options.on.withdrawal) await callVendor(() => options.on.withdrawal!(withdrawal, { request, thread }))
    await vendor.save(thread, stored)
    // An agreement it ended: the record says so too.
    if (thread.agreement !== undefined) await asVendor(() => options.agreements.put(thread))
    return noContent()
  })
}
