/**
 * `POST <relay>/intents` (spec §Relay binding, Casting to a relay). After §Verification:
 * 1. the intent has no `aud` (ERR_AUDIENCE);
 * 2. `replyTo`, if present, is the relay's mailbox URL of the intent's `iss` (ERR_BROKEN_LINK);
 * 3. no cast mailbox of its `iss` is open for another intent (ERR_REPLAY); the same intent
 *    again is answered as the first time;
 * 4. the cast mailbox opens, and the intent goes into every open vendor mailbox whose filters
 *    match, once each.
 *
 * The replay store is asked after step 3's lookup rather than inside verify, as the vendor does
 * (spec §HTTP binding, Retries): a retry of an intent already cast must find its mailbox, not
 * ERR_REPLAY. An intent refused by steps 1 and 2 leaves no replay entry.
 *
 * A mailbox can also be gone while the replay store still holds the intent's `(iss, jti)`: the
 * backend forgot it to make room. So the store also records the intent's digest when it is
 * first taken, and a refused `(iss, jti)` whose digest is recorded is these very bytes again: the
 * mailbox is opened again and the fan-out repeated (appends are idempotent). Another message
 * reusing the `jti` has another digest, and stays ERR_REPLAY.
 */
import { checkReplay } from '../envelope/checks.js'
import { verify, type Verified } from '../envelope/verify.js'
import { IntentcastError, isIntentcastError } from '../errors.js'
import { encodeBase64url } from '../lib/base64url.js'
import type { MailboxInfo, NewEntry } from './backend.js'
import { json } from './answers.js'
import { readOne } from './body.js'
import type { Relay } from './state.js'

/** How long a cast mailbox outlives its intent: late answers to moves already made still arrive. */
const CAST_GRACE_SECONDS = 3_600

/** Appends made at once during a fan-out: enough to hide a shared backend's latency, few enough not to flood it. */
const FAN_OUT_CONCURRENCY = 16

export async function takeIntent(request: Request, relay: Relay): Promise<Response> {
  const { type, first } = await readOne(request, relay, 'intent')
  const intent = await verify(first, { expect: 'intent', maxBytes: relay.options.maxBodyBytes })
  const { payload, issuer } = intent
  // 1.
  if (payload.aud !== undefined)
    throw new IntentcastError('ERR_AUDIENCE', 'an intent for one vendor goes to that vendor, not to a relay')
  // 2.
  const mailbox = relay.mailboxUrl(issuer)
  if (payload.replyTo !== undefined && payload.replyTo !== mailbox)
    throw new IntentcastError('ERR_BROKEN_LINK', `replyTo must be this relay's mailbox of the intent's key, ${mailbox}`)
  // 3.
  const info: MailboxInfo = {
    owner: issuer,
    expiresAt: (payload.exp + CAST_GRACE_SECONDS) * 1000,
    intent: intent.digest,
  }
  if (!(await isOpenFor(info, relay))) {
    const seen = `intent-digest ${intent.digest}`
    try {
      await checkReplay(intent, relay.replay, {})
      await relay.replay.add(seen, info.expiresAt)
    } catch (e) {
      if (!isIntentcastError(e, 'ERR_REPLAY')) throw e
      // A copy of this intent, taken at the same moment by this or another process, has opened
      // it; or these bytes were taken before and their mailbox has been forgotten since. The add
      // only asks: a digest not recorded is recorded as already ended (a store that keeps keys
      // at least a millisecond, as Redis does, keeps it that long), so no other message's retry
      // finds it.
      if (!(await isOpenFor(info, relay)) && (await relay.replay.add(seen, Date.now()))) throw e
    }
    if (!(await relay.backend.open(info))) throw oneIntentPerKey()
  }
  // 4.
  const delivered = await fanOut(intent, type, relay)
  return json(202, { mailbox, delivered })
}

/**
 * True when the cast mailbox of `info.owner` is open for this very intent (a retry); false when
 * none is open; ERR_REPLAY when one is open for anything else.
 */
async function isOpenFor(info: MailboxInfo, relay: Relay): Promise<boolean> {
  const open = await relay.backend.info(info.owner)
  if (open === undefined) return false
  if (open.intent !== info.intent) throw oneIntentPerKey()
  return true
}

const oneIntentPerKey = (): IntentcastError =>
  new IntentcastError('ERR_REPLAY', 'this key has a mailbox open for another intent: one cast key, one intent')

/**
 * Puts the intent into every matching vendor mailbox and counts those that hold it. Appending is
 * idempotent (a mailbox holds a digest once, at the same `seq`), so a retry of the cast counts
 * the same mailboxes again and completes a fan-out an earlier failure cut short. A mailbox that
 * is full, or ended since it was matched, does not take it and is not counted.
 */
async function fanOut(intent: Verified<'intent'>, type: string, relay: Relay): Promise<number> {
  const targets = await relay.subscribers.match(intent.payload.want)
  const entry: NewEntry = {
    type,
    parts: [typeof intent.message === 'string' ? intent.message : encodeBase64url(intent.message)],
    digest: intent.digest,
    // The cast key, which signs one intent only: the per-sender bound never keeps an intent out.
    sender: intent.issuer,
    expiresAt: intent.payload.exp * 1000,
  }
  let delivered = 0
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const target = targets[next++]!
      const result = await relay.backend.append(target.owner, entry, relay.options.mailbox)
      if ('seq' in result) {
        delivered++
        // Delivered by the process that appended it, once: a retried cast finds it a duplicate.
        if (!result.duplicate) relay.webhooks.enqueue(target, { ...entry, seq: result.seq })
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(FAN_OUT_CONCURRENCY, targets.length) }, worker))
  return delivered
}
