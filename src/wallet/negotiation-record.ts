/**
 * A negotiation as a NegotiationStore keeps it, and read back. The record is JSON text:
 *
 *   { "v": 1, "castIndex": 3, "vendor": { "origin", "endpoint", "keys"?, "relay"?, "did"? },
 *     "thread": <encodeThread's record>, "agreement"?: { "jws": … } | { "cose": <base64url> } }
 *
 * The thread is kept as encodeThread writes it (its messages as signed, nothing else), so all a
 * record says about the negotiation is verified again from signatures when it is read. The cast
 * index and the vendor carry no signature: they are checked as a negotiation the caller passes in
 * is, and the wallet, which holds the secret, checks that the index derives the intent's signer.
 * `agreement` is there while an acceptance is in flight: the thread then ends with the
 * acceptance, and this is the agreement the wallet signed with it, to be sent again as it is.
 */
import { verifyFirstSignature } from '../envelope/countersign.js'
import { sha256Base64url } from '../envelope/digest.js'
import type { Proposal } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { isSealed, joinMessages } from '../http/media-type.js'
import { decodeThread, encodeThread } from '../thread/record.js'
import { Thread } from '../thread/thread.js'
import { checkNegotiation } from './check.js'
import { checkOrigin, type VendorTarget } from './discover.js'
import type { Negotiation } from './reply.js'
import type { SignedAcceptance } from './respond.js'

/** The record's format; a record of another is not read. */
const VERSION = 1

/**
 * The id of a negotiation: its intent's digest and a digest of the vendor's name (its origin, or
 * for a vendor met through a relay its DID: many vendors share a relay's origin), so one vendor's
 * thread for one intent has one record, whichever move it is at, and the id is safe as a file
 * name or a key wherever it is kept.
 */
export function negotiationId(negotiation: Pick<Negotiation, 'thread' | 'vendor'>): string {
  const { vendor } = negotiation
  const name = vendor.did ?? checkOrigin(vendor.origin)
  return `${negotiation.thread.intent.digest}.${sha256Base64url(name)}`
}

/** The record of `negotiation`, and of the acceptance of its proposal when one is in flight. */
export function encodeNegotiation(negotiation: Negotiation, acceptance?: SignedAcceptance): string {
  const { origin, endpoint, keys, relay, did } = negotiation.vendor
  return JSON.stringify({
    v: VERSION,
    castIndex: negotiation.castIndex,
    // The relay route is kept too: a wallet restarted over the record goes on through the relay.
    vendor: { origin, endpoint, ...(keys && { keys }), ...(relay !== undefined && { relay, did }) },
    thread: encodeThread(acceptance?.thread ?? negotiation.thread),
    ...(negotiation.precise && { precise: negotiation.precise }),
    ...(acceptance && {
      agreement:
        typeof acceptance.agreement === 'string'
          ? { jws: acceptance.agreement }
          : { cose: encodeBase64url(acceptance.agreement) },
      // The body as sealed: a resend must be these bytes, and sealing again would make new ones.
      ...(isSealed(acceptance.body) && {
        sealed: typeof acceptance.body === 'string' ? acceptance.body : encodeBase64url(acceptance.body),
      }),
    }),
  })
}

/** A record read back: the negotiation, and the acceptance in flight with the key that signed its agreement. */
export interface StoredNegotiation {
  readonly negotiation: Negotiation
  readonly acceptance?: SignedAcceptance & { readonly signer: string }
}

/**
 * The negotiation a record holds, verified again: the thread by decodeThread, the cast index and
 * vendor as arguments are, and the agreement of an acceptance in flight as the vendor would
 * check it (one signature, and the agreement the thread arrived at). Rejects with an
 * IntentcastError for anything else; the caller still checks the cast key and the signer.
 */
export async function decodeNegotiation(record: string): Promise<StoredNegotiation> {
  const { v, castIndex, vendor, thread: text, agreement: signed, sealed, precise, ...rest } = parseRecord(record)
  if (v !== VERSION || typeof text !== 'string' || Object.keys(rest).length > 0) throw malformed()
  // Checked as disclosures only: whether each is one of the intent's is `disclose`'s to find.
  if (precise !== undefined && !(Array.isArray(precise) && precise.every((d) => typeof d === 'string')))
    throw malformed()
  const kept = precise === undefined ? {} : { precise }
  const thread = await decodeThread(text)
  const last = thread.messages.at(-1)!
  const { origin, endpoint, keys, relay, did } = (vendor ?? {}) as Partial<VendorTarget>
  const target = {
    origin,
    endpoint,
    ...(keys !== undefined && { keys }),
    ...(relay !== undefined && { relay }),
    ...(did !== undefined && { did }),
  } as VendorTarget
  if (signed === undefined) {
    // The wallet keeps a thread whose last move is the vendor's, to be answered.
    if ((last.kind !== 'offer' && last.kind !== 'counter') || last.issuer === thread.intent.issuer) throw malformed()
    const negotiation = { vendor: target, proposal: last, thread, castIndex, ...kept } as Negotiation
    checkNegotiation(negotiation)
    return { negotiation }
  }
  if (last.kind !== 'acceptance') throw malformed()
  const { jws, cose } = (signed ?? {}) as { jws?: unknown; cose?: unknown }
  const agreement =
    typeof jws === 'string' ? jws : typeof cose === 'string' ? decodeBase64url(cose, 'a stored agreement') : undefined
  // Both parts of an acceptance's body travel in one envelope.
  if (agreement === undefined || typeof agreement !== typeof last.message) throw malformed()
  // The negotiation is the thread as it stood before the acceptance: what `accept` was given.
  const open = new Thread(thread.intent)
  for (const m of thread.messages.slice(1, -1)) open.add(m)
  const proposal = open.proposals.find((p) => p.digest === last.payload.inReplyTo) as Proposal
  const negotiation = { vendor: target, proposal, thread: open, castIndex, ...kept } as Negotiation
  checkNegotiation(negotiation)
  // Judged by the thread, not the clock: the agreement is as old as the acceptance.
  const first = await verifyFirstSignature(agreement, { timeless: true, maxBytes: agreement.length })
  thread.agreementAllowed(first.payload)
  // The wallet cannot open a body sealed to the vendor, so it is checked for its shape only: a
  // record that swapped it sends bytes the vendor refuses, and the next accept signs anew.
  const body =
    sealed === undefined
      ? joinMessages(last.message, agreement)
      : typeof sealed === 'string' && typeof last.message === 'string'
        ? sealed
        : typeof sealed === 'string'
          ? decodeBase64url(sealed, 'a stored sealed body')
          : undefined
  if (body === undefined || (sealed !== undefined && !isSealed(body))) throw malformed()
  return {
    negotiation,
    acceptance: { thread: thread as SignedAcceptance['thread'], agreement, body, signer: first.signer },
  }
}

/** True when `record` holds an acceptance in flight; nothing is verified. */
export function holdsAcceptance(record: string): boolean {
  try {
    return parseRecord(record).agreement !== undefined
  } catch {
    return false
  }
}

function parseRecord(record: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(record)
  } catch {
    throw malformed()
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformed()
  return parsed as Record<string, unknown>
}

function malformed(): IntentcastError {
  return new IntentcastError('ERR_MALFORMED', `not a negotiation record of version ${VERSION}`)
}
