/**
 * `POST <relay>/mailboxes/<did>` (spec §Relay binding, Posting to a mailbox). The body's first
 * message is verified (the body limit, no replay store: a mailbox holds a message once, by
 * digest), and then, in order:
 * 1. the mailbox of `<did>` is open (ERR_BROKEN_LINK);
 * 2. the message is an offer, counter, acceptance with its agreement, agreement or withdrawal
 *    (ERR_TYPE_MISMATCH);
 * 3. it is addressed to the owner: its `aud` is `<did>`, or an agreement's `refs.intent` is the
 *    intent of the cast mailbox it is posted to (ERR_AUDIENCE);
 * 4. in a cast mailbox, it belongs to the intent's thread (ERR_BROKEN_LINK);
 * 5. the mailbox's bounds (ERR_ILLEGAL_MOVE).
 * The relay does not judge moves: each party verifies the thread as it reads it.
 *
 * A sealed body (spec §Encrypted envelopes) cannot be verified by the relay, which holds no key
 * to it: what can be checked without a key is (src/relay/body.ts), then step 1 and the bounds.
 * Its sender signs an access message naming the mailbox (`Authorization: Intentcast`), so one
 * key fills at most its share of a mailbox, as with a plain message; its digest is that of its
 * bytes, so a retry of the same bytes is kept once. Its reader opens it, and passes over
 * whatever is not for it.
 */
import { verifyFirstSignature } from '../envelope/countersign.js'
import { verify, type Verified } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import { sha256 } from '../crypto/sha256.js'
import { encodeBase64url } from '../lib/base64url.js'
import { utf8 } from '../lib/utf8.js'
import type { Kind } from '../model/kinds.js'
import type { AppendResult, MailboxInfo, NewEntry } from './backend.js'
import { json } from './answers.js'
import { readPosted, type Posted } from './body.js'
import { accessTo } from './read.js'
import type { Relay } from './state.js'

/** The kinds a mailbox takes: the moves of a negotiation, never an intent, terms or the relay's own. */
const POSTABLE: ReadonlySet<Kind> = new Set(['offer', 'counter', 'acceptance', 'agreement', 'withdrawal'])

/**
 * How long an entry without `exp` (an agreement, a withdrawal) is kept, at most: its reader
 * takes it within minutes, and a stranger's withdrawals, which need no thread, would otherwise
 * hold their places in a vendor mailbox for as long as it is open (up to 30 days). One hour, as a
 * cast mailbox outlives its intent.
 */
const NO_EXP_SECONDS = 3_600

/**
 * Who posts a sealed body: the signer of the request's access message, or, for a webhook's answer
 * the relay forwards, the vendor whose webhook gave it.
 */
export interface Poster {
  /** The vendor's DID, for a sealed answer a webhook gave: it is the sender. */
  readonly vendor?: string
}

export async function takePost(request: Request, did: string, relay: Relay, poster: Poster = {}): Promise<Response> {
  const posted = await readPosted(request, relay)
  if (posted.sealed) return takeSealed(request, posted, did, relay, poster)
  const { type, first, second } = posted
  const maxBytes = relay.options.maxBodyBytes
  const message = await verify(first, { maxBytes })
  // 1.
  const info = await openMailbox(did, relay)
  // 2. An acceptance travels with its agreement, and only it has a second part (spec §HTTP binding, Request bodies).
  if (!POSTABLE.has(message.kind) || (message.kind === 'acceptance') !== (second !== undefined))
    throw new IntentcastError(
      'ERR_TYPE_MISMATCH',
      message.kind === 'acceptance'
        ? 'an acceptance is posted with the agreement it signs'
        : second !== undefined
          ? 'only an acceptance travels with a second message, its agreement'
          : `a mailbox takes offers, counters, acceptances, agreements and withdrawals, not a ${message.kind}`,
    )
  const parts = [first]
  if (second !== undefined) {
    // Signed by one party so far, as the customer sends it (spec §HTTP binding, Request bodies).
    await verifyFirstSignature(second, { maxBytes })
    parts.push(second)
  }
  // 3.
  addressedTo(message, did, info)
  // 4.
  if (info.intent !== undefined) inThread(message, info.intent)
  // 5.
  return append(did, info, relay, {
    type,
    parts: parts.map((p) => (typeof p === 'string' ? p : encodeBase64url(p))),
    digest: message.digest,
    // For an agreement, its customer party: `issuer` names the first signer.
    sender: message.issuer,
    expiresAt: expOf(message) ?? noExpAfter(info),
    posted: true,
  })
}

async function takeSealed(
  request: Request,
  posted: Posted,
  did: string,
  relay: Relay,
  poster: Poster,
): Promise<Response> {
  const bytes = typeof posted.first === 'string' ? utf8(posted.first) : posted.first
  const digest = encodeBase64url(sha256(bytes))
  // The sender proves a key, as a plain message's signer does, so one sender fills at most its
  // share of the mailbox: no shared bucket for everyone behind one address, or none. The access
  // message names this very body (its jti is the body's digest): one seen in passing cannot be
  // replayed with other bodies in its signer's name, and a retry of the same post is the same.
  const sender = poster.vendor ?? (await sealedSender(request, did, relay, digest))
  const info = await openMailbox(did, relay)
  return append(did, info, relay, {
    type: posted.type,
    parts: [typeof posted.first === 'string' ? posted.first : encodeBase64url(posted.first)],
    digest,
    sender,
    // In a cast mailbox, for as long as the mailbox lasts (its intent's life): a sealed offer
    // must not go before the same offer in the clear would. A vendor reads its own within minutes.
    expiresAt: info.intent === undefined ? noExpAfter(info) : info.expiresAt,
    posted: true,
  })
}

/** The signer of a sealed post's access message, which must name the mailbox and the body. */
async function sealedSender(request: Request, did: string, relay: Relay, digest: string): Promise<string> {
  const access = await accessTo(request, did, relay, 'a sealed body is posted with an access message', false)
  if (access.payload.jti !== digest)
    throw new IntentcastError('ERR_BROKEN_LINK', "a sealed post's access message has the body's SHA-256 as its jti")
  return access.issuer
}

/** Step 1: the mailbox of `did` is open. */
async function openMailbox(did: string, relay: Relay): Promise<MailboxInfo> {
  const info = await relay.backend.info(did)
  if (info === undefined) throw new IntentcastError('ERR_BROKEN_LINK', 'no mailbox is open for this DID')
  return info
}

/** When an entry with no `exp` of its own leaves the mailbox. */
function noExpAfter(info: MailboxInfo): number {
  return Math.min(info.expiresAt, Date.now() + NO_EXP_SECONDS * 1000)
}

/** The bounds, then the entry: 202 with its place. */
async function append(did: string, info: MailboxInfo, relay: Relay, entry: NewEntry): Promise<Response> {
  const result = await relay.backend.append(
    did,
    entry,
    // In a vendor mailbox posts may take half the bounds, so that the intents the relay puts
    // there always have the other half, whoever posts.
    info.intent === undefined ? relay.options.vendorPosts : relay.options.mailbox,
  )
  const seq = seqOf(result)
  if ('seq' in result && !result.duplicate) relay.webhooks.enqueue(info, { ...entry, seq })
  return json(202, { seq })
}

function addressedTo(message: Verified, did: string, info: MailboxInfo): void {
  if (message.kind === 'agreement') {
    // An agreement has no `aud`: it is taken only where its thread began, the cast mailbox of its intent.
    if (info.intent === undefined || message.payload.refs.intent !== info.intent)
      throw new IntentcastError('ERR_AUDIENCE', "an agreement goes to the cast mailbox of its intent's key")
    return
  }
  const aud = (message.payload as { aud?: string }).aud
  if (aud !== did)
    throw new IntentcastError('ERR_AUDIENCE', 'the message is not addressed to the owner of this mailbox')
}

function inThread(message: Verified, intent: string): void {
  const ref =
    message.kind === 'offer'
      ? message.payload.inReplyTo
      : message.kind === 'counter' || message.kind === 'acceptance'
        ? message.payload.intent
        : intent
  if (ref !== intent) throw new IntentcastError('ERR_BROKEN_LINK', "the message does not answer this mailbox's intent")
}

function expOf(message: Verified): number | undefined {
  const exp = (message.payload as { exp?: number }).exp
  return exp === undefined ? undefined : exp * 1000
}

function seqOf(result: AppendResult): number {
  if ('seq' in result) return result.seq
  switch (result.refused) {
    case 'closed':
      // It ended between the check of step 1 and the append.
      throw new IntentcastError('ERR_BROKEN_LINK', 'no mailbox is open for this DID')
    case 'full':
      throw new IntentcastError('ERR_ILLEGAL_MOVE', 'the mailbox is full')
    default:
      throw new IntentcastError('ERR_ILLEGAL_MOVE', 'this sender has as many entries in this mailbox as it may')
  }
}
