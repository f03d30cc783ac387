/**
 * An intent: the one move that opens a thread. A broadcast intent (no `aud`) is answered with
 * the current key; one cast to a key of ours, a retired one included, with that key, since the
 * thread takes offers only from the DID the intent was cast to. An intent the vendor does not
 * answer (202) is not kept: only a thread with an offer in it can go on.
 */
import { signOffer } from '../envelope/sign.js'
import { verify, type Verified } from '../envelope/verify.js'
import type { KeyPair } from '../keys/key-pair.js'
import { Thread } from '../thread/thread.js'
import { accepted, message } from './answers.js'
import { asVendor, callVendor, type IntentContext } from './callbacks.js'
import { replyKeyClaim } from './keys.js'
import { requireAnswerable, type Vendor, ownSize } from './state.js'

export async function takeIntent(intent: Verified<'intent'>, request: Request, vendor: Vendor): Promise<Response> {
  // Decided before the vendor's code runs: whose intent this is, and that it can be answered.
  const key = vendor.keys.addressedKey(intent, false) ?? vendor.keys.current
  requireAnswerable(new Thread(intent), 'proposal')
  return vendor.opening(intent, () => answerIntent(intent, key, request, vendor))
}

async function answerIntent(
  intent: Verified<'intent'>,
  key: KeyPair,
  request: Request,
  vendor: Vendor,
): Promise<Response> {
  const { options } = vendor
  const thread = new Thread(intent)
  const terms = await asVendor(() => vendor.terms)
  const context: IntentContext = { request, gpc: request.headers.get('sec-gpc') === '1', terms }
  const reply = await callVendor(() => options.on.intent(intent, context))
  if (reply === null) return accepted()
  // Again: the intent may have expired while the vendor's code decided (a 409, not a reply the thread refuses).
  requireAnswerable(thread, 'proposal')
  const offer = await asVendor(async () => {
    // Answered in the envelope it was sent in: a COSE intent gets a COSE offer.
    const signed = await signOffer({ ...reply, inReplyTo: intent.digest, ...(await replyKeyClaim(intent, key)) }, key, {
      audience: intent.issuer,
      format: intent.format,
      ...options.lifetime,
    })
    thread.add(await verify(signed, { expect: 'offer', maxBytes: ownSize(signed) }))
    return signed
  })
  await vendor.save(thread, undefined)
  return message(offer, thread, vendor.keys)
}
