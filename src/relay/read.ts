/**
 * `GET <relay>/mailboxes/<did>` (spec §Relay binding, Reading a mailbox). The reader proves it
 * holds the owner's key with an access message in `Authorization: Intentcast <access>`, verified
 * without a replay store (a reader polls with one access message for its lifetime), and then:
 * `iss` is `<did>` (ERR_ISSUER_MISMATCH), `aud` is the mailbox URL read (ERR_AUDIENCE), and it
 * lives at most 300 seconds (ERR_SCHEMA). Without one the answer is 401, ERR_KEY_UNRESOLVED.
 * Only then is the mailbox looked up, so nobody learns which mailboxes exist without their keys.
 */
import { verify, type Verified } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import { entryJson, json } from './answers.js'
import type { Relay } from './state.js'
import { eventStream } from './stream.js'

/** The longest an access message may live: one stolen from a log opens a mailbox for minutes at most. */
const MAX_ACCESS_SECONDS = 300
const MAX_LIMIT = 100

export async function readMailbox(request: Request, did: string, relay: Relay): Promise<Response> {
  const access = await checkAccess(request, did, relay)
  const query = new URL(request.url).searchParams
  const after = whole(query.get('after'), 'after', 0)
  const limit = whole(query.get('limit'), 'limit', MAX_LIMIT)
  if (limit < 1 || limit > MAX_LIMIT) throw new IntentcastError('ERR_MALFORMED', `limit is from 1 to ${MAX_LIMIT}`)
  const info = await relay.backend.info(did)
  if (info === undefined) throw new IntentcastError('ERR_BROKEN_LINK', 'no mailbox is open for this DID')
  if (/\btext\/event-stream\b/i.test(request.headers.get('accept') ?? '')) {
    const from = whole(request.headers.get('last-event-id'), 'Last-Event-ID', after)
    return eventStream(relay, did, from, Math.min(access.payload.exp * 1000, info.expiresAt))
  }
  const entries = await relay.backend.read(did, after, limit)
  return json(200, { entries: entries.map(entryJson), next: entries.at(-1)?.seq ?? after })
}

function checkAccess(request: Request, did: string, relay: Relay): Promise<Verified<'access'>> {
  return accessTo(request, did, relay, 'a mailbox is read with an access message signed by its key', true)
}

/**
 * The access message of a request to the mailbox of `did`: in `Authorization: Intentcast`,
 * verified, signed by the mailbox's own key when `owner` (to read it; anyone's to post a sealed
 * body, spec §Relay binding), naming that mailbox's URL, living at most five minutes.
 */
export async function accessTo(
  request: Request,
  did: string,
  relay: Relay,
  why: string,
  owner: boolean,
): Promise<Verified<'access'>> {
  const match = /^Intentcast +([^\s]+) *$/i.exec(request.headers.get('authorization') ?? '')
  if (match === null) throw new IntentcastError('ERR_KEY_UNRESOLVED', `${why}: Authorization: Intentcast <access>`)
  const access = await verify(match[1]!, { expect: 'access' })
  if (owner && access.issuer !== did)
    throw new IntentcastError('ERR_ISSUER_MISMATCH', "the access message is not signed by the mailbox's key")
  if (access.payload.aud !== relay.mailboxUrl(did))
    throw new IntentcastError('ERR_AUDIENCE', 'the access message names another mailbox URL')
  if (access.payload.exp - access.payload.iat > MAX_ACCESS_SECONDS)
    throw new IntentcastError('ERR_SCHEMA', `an access message lives at most ${MAX_ACCESS_SECONDS} seconds`)
  return access
}

/** A `seq` or count from a query or header: digits only, or ERR_MALFORMED. */
function whole(value: string | null, name: string, fallback: number): number {
  if (value === null) return fallback
  if (!/^\d{1,15}$/.test(value)) throw new IntentcastError('ERR_MALFORMED', `${name} is a whole number`)
  return Number(value)
}
