/**
 * `POST <relay>/subscriptions` (spec §Relay binding, Subscribing): a vendor's signed filters open
 * its mailbox, or a newer subscription of the same key replaces the filters and the end of the
 * mailbox it has, keeping its entries. Verified with the replay store and this relay's URL as
 * the audience (ERR_AUDIENCE for a subscription made for another relay); a lifetime over 30
 * days is ERR_SCHEMA.
 */
import { verify } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import type { MailboxInfo } from './backend.js'
import { json } from './answers.js'
import { readOne } from './body.js'
import type { Relay } from './state.js'
import { checkWebhook } from './webhook.js'

/** The longest a subscription may run: a vendor renews it, so an abandoned one ends. */
const MAX_LIFETIME_SECONDS = 30 * 86_400

export async function takeSubscription(request: Request, relay: Relay): Promise<Response> {
  const { first } = await readOne(request, relay, 'subscription')
  const subscription = await verify(first, {
    expect: 'subscription',
    audience: relay.options.url,
    replay: relay.replay,
    maxBytes: relay.options.maxBodyBytes,
  })
  const { exp, iat, filters, webhook } = subscription.payload
  if (exp - iat > MAX_LIFETIME_SECONDS)
    throw new IntentcastError('ERR_SCHEMA', 'a subscription runs at most 30 days after its iat')
  // Before anything is stored: the relay POSTs only to an origin that publishes this key.
  if (webhook !== undefined) await checkWebhook(webhook, subscription.issuer)
  const info: MailboxInfo = {
    owner: subscription.issuer,
    expiresAt: exp * 1000,
    filters,
    ...(webhook !== undefined && { webhook }),
  }
  if (!(await relay.backend.open(info)))
    throw new IntentcastError(
      'ERR_ILLEGAL_MOVE',
      (await relay.backend.info(info.owner))?.intent !== undefined
        ? 'this key has a cast mailbox: a vendor subscribes with its own key'
        : 'this relay takes no more subscriptions for now',
    )
  relay.subscribers.put(info)
  return json(201, { mailbox: relay.mailboxUrl(subscription.issuer), expires: exp })
}
