// Over 250 lines on purpose: posting, reading and waiting make up every move the wallet makes
// through a relay, and share its mailbox URLs, access messages and failure rules.
/**
 * The customer's side of the relay binding (spec §Relay binding): a relay's URL and the mailbox
 * URLs under it, casting an intent to a relay, posting a move to a vendor's mailbox, and reading
 * the cast's mailbox, proving the cast key with access messages it signs.
 *
 * The wallet reads its mailbox by polling the JSON form rather than holding an event stream: it
 * waits for answers for seconds at a time (a cast, a counter, an acceptance), so a stream would
 * be opened and closed as often as a poll is made, and polling works alike behind any proxy and in
 * any runtime. Vendors, which read their mailbox for days, hold a stream (src/vendor/relay.ts).
 */
import { mailboxEntryOf, openEntry, sealedPostAccess, type ReadEntry } from '../http/mailbox-entry.js'
import { isSealed } from '../http/media-type.js'
import { IntentcastError, isIntentcastError } from '../errors.js'
import { signAccess } from '../envelope/sign.js'
import type { Verified } from '../envelope/verify.js'
import { exchange } from '../http/client.js'
import type { KeyPair } from '../keys/key-pair.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8 } from '../lib/utf8.js'
import { MEDIA_TYPE_JSON } from '../model/media-types.js'
import { sealKeyPairOf } from '../seal/keys.js'
import { checkOrigin, type VendorTarget } from './discover.js'
import { post, problemError, sleep, UNLINKED, type FetchLike, type SendOptions } from './send.js'

/**
 * A relay's URL as the wallet uses it: https (http on loopback), without query or fragment, and
 * without a trailing slash, so that `<relay>/mailboxes/<did>` is spelt as the relay spells it
 * (a relay takes an intent only when its `replyTo` is exactly that URL).
 */
export function checkRelay(relay: unknown): string {
  if (typeof relay !== 'string') throw invalid('a relay is the URL of a relay, e.g. https://relay.example/relay')
  try {
    checkOrigin(relay)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a relay is an https URL (plain http only on loopback)', {
      cause,
    })
  }
  const url = new URL(relay)
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    throw invalid(`the relay URL ${relay.slice(0, 64)} must have no query, fragment or credentials`)
  return url.href.replace(/\/+$/, '')
}

/** The mailbox of `did` at `relay` (spec §Relay binding, Mailboxes): the DID as it is. */
export function mailboxUrl(relay: string, did: string): string {
  return `${relay}/mailboxes/${did}`
}

/**
 * The relay whose mailbox of the intent's issuer is the intent's `replyTo`, if it names one: the
 * mailbox a cast to that relay reads.
 */
export function replyRelay(intent: Verified<'intent'>): string | undefined {
  const replyTo = intent.payload.replyTo
  const tail = `/mailboxes/${intent.issuer}`
  if (replyTo === undefined || !replyTo.endsWith(tail)) return undefined
  try {
    const relay = checkRelay(replyTo.slice(0, -tail.length))
    return mailboxUrl(relay, intent.issuer) === replyTo ? relay : undefined
  } catch {
    return undefined
  }
}

/** The vendor whose key is `did`, met through `relay`: messages to it go to its mailbox there. */
export function relayedVendor(relay: string, did: string): VendorTarget {
  return { origin: new URL(relay).origin, endpoint: mailboxUrl(relay, did), relay, did }
}

/**
 * What a relay said when it took an intent: the cast's mailbox, and how many vendor mailboxes it
 * put the intent in.
 */
export interface RelayCasting {
  readonly mailbox: string
  readonly delivered: number
}

/** Casts one intent to a relay (`POST <relay>/intents`); a refusal is the relay's problem, with its code. */
export async function castToRelay(
  relay: string,
  signedIntent: string | Uint8Array,
  options: SendOptions,
): Promise<RelayCasting> {
  const answer = await post(`${relay}/intents`, signedIntent, MEDIA_TYPE_JSON, options)
  if (answer.status !== 202 && answer.status !== 200) throw problemError(answer, 'the relay')
  const { mailbox, delivered } = readJson(answer, 'the relay') as { mailbox?: unknown; delivered?: unknown }
  if (typeof mailbox !== 'string' || !Number.isSafeInteger(delivered) || (delivered as number) < 0)
    throw new IntentcastError('ERR_MALFORMED', 'the relay did not answer {"mailbox", "delivered"}')
  return { mailbox, delivered: delivered as number }
}

/**
 * Posts a move (a counter, or an acceptance and its agreement) to a vendor's mailbox. The relay
 * keeps a message once, so posting the same bytes again is harmless: it answers with the same
 * place. What answers the move comes to the cast's mailbox, not in this answer.
 */
export async function postToMailbox(
  url: string,
  body: string | Uint8Array,
  castKey: KeyPair,
  options: SendOptions,
): Promise<void> {
  // A sealed body, which the relay cannot verify, comes with an access message naming the
  // mailbox: the relay counts it against the cast key, as it would the signer of a plain one.
  const access = isSealed(body) ? `Intentcast ${await sealedPostAccess(castKey, url, body)}` : undefined
  const answer = await post(url, body, MEDIA_TYPE_JSON, options, access)
  if (answer.status !== 202 && answer.status !== 200) throw problemError(answer, 'the relay')
}

/** How a MailboxReader reaches the relay. */
export interface ReaderOptions {
  readonly fetch?: FetchLike | undefined
  readonly signal?: AbortSignal | undefined
}

/** Entries asked for per request: the most a relay gives. */
const PAGE = 100
/**
 * The largest page read. A mailbox holds at most 4 MiB of bodies (spec §Relay binding,
 * Mailboxes); COSE parts travel in base64url, a third larger, and the JSON around them is small.
 */
const MAX_PAGE_BYTES = 8 * 2 ** 20
/** An access message lives 5 minutes at most; a fresh one is signed with a minute to spare. */
const ACCESS_SECONDS = 300
const ACCESS_MARGIN_SECONDS = 60
/** The first wait between polls, and the longest: answers come within a second or two. */
const FIRST_POLL_MS = 50
const MAX_POLL_MS = 500

/**
 * Reads one mailbox, entry by entry in the order the relay keeps them, from the first. It
 * signs the access messages itself (`aud` the mailbox URL), a fresh one before the last runs
 * out. Reading from the first entry each time a reader is made costs a page or two, and means
 * nothing the wallet needs is kept between calls: after a restart, the mailbox is read again.
 */
export class MailboxReader {
  readonly url: string
  readonly #key: KeyPair
  readonly #options: ReaderOptions
  #after = 0
  #access: { readonly token: string; readonly renewAt: number } | undefined

  constructor(relay: string, key: KeyPair, options: ReaderOptions) {
    this.url = mailboxUrl(relay, key.did)
    this.#key = key
    this.#options = options
  }

  /** The entries that came since the last read (all of them, page after page), within `timeoutMs`. */
  async read(timeoutMs: number): Promise<ReadEntry[]> {
    const entries: ReadEntry[] = []
    for (;;) {
      const page = await this.#page(timeoutMs)
      entries.push(...page)
      if (page.length < PAGE) return entries
    }
  }

  async #page(timeoutMs: number): Promise<ReadEntry[]> {
    const answer = await exchange(
      `${this.url}?after=${this.#after}&limit=${PAGE}`,
      {
        method: 'GET',
        headers: { accept: MEDIA_TYPE_JSON, authorization: `Intentcast ${await this.#token()}`, ...UNLINKED },
      },
      {
        fetch: this.#options.fetch,
        timeoutMs: Math.max(1, timeoutMs),
        signal: this.#options.signal,
        maxBytes: MAX_PAGE_BYTES,
        what: 'mailbox',
      },
    )
    // A refused read says nothing of what the wallet posted: it is never taken for a refusal of a move.
    if (answer.status !== 200) throw problemError(answer, 'the relay', false)
    const { entries, next } = readJson(answer, 'the mailbox') as { entries?: unknown; next?: unknown }
    if (!Array.isArray(entries) || entries.length > PAGE || !Number.isSafeInteger(next))
      throw new IntentcastError('ERR_MALFORMED', 'the mailbox did not answer {"entries", "next"}')
    const read = entries.map((e) => mailboxEntryOf(e, this.#after))
    // Numbers only grow: a relay that went back would have us read entries twice, or forever.
    for (let i = 1; i < read.length; i++)
      if (read[i]!.seq <= read[i - 1]!.seq)
        throw new IntentcastError('ERR_MALFORMED', 'the mailbox entries are not in order')
    const last = read.at(-1)?.seq ?? this.#after
    if (next !== last) throw new IntentcastError('ERR_MALFORMED', 'the mailbox answered a "next" it did not reach')
    this.#after = last
    // Sealed entries are opened with the cast's reply key; one that does not open is not for
    // this cast (anyone may post to a mailbox) and is passed over, as a message that does not
    // verify is by whoever reads the entry.
    const keys = [await sealKeyPairOf(this.#key)]
    const opened = await Promise.all(read.map((entry) => openEntry(entry, keys, MAX_PAGE_BYTES).catch(passedOver)))
    return opened.filter((entry) => entry !== undefined)
  }

  /** The access message to send: the last one, until it has a minute left. */
  async #token(): Promise<string> {
    const now = Date.now() / 1000
    if (this.#access === undefined || now >= this.#access.renewAt) {
      // Signed at the real time, whatever clock answers are judged by: the relay checks it against its own.
      const token = await signAccess(this.#key, { audience: this.url, expiresIn: ACCESS_SECONDS })
      this.#access = { token, renewAt: now + ACCESS_SECONDS - ACCESS_MARGIN_SECONDS }
    }
    return this.#access.token
  }
}

/**
 * Reads `reader` until `take` makes something of an entry, or `deadline` (ms since the epoch)
 * passes, or `stop`, asked after each read, says there is nothing more to wait for: then
 * undefined. Polls quickly at
 * first and more slowly while nothing comes. A read that fails on the network is tried again at
 * the next poll; a problem from the relay (a mailbox it does not hold, an access it refuses) is
 * final and rejects.
 */
export async function waitInMailbox<T>(
  reader: MailboxReader,
  deadline: number,
  signal: AbortSignal | undefined,
  take: (entry: ReadEntry) => Promise<T | undefined>,
  stop: () => boolean = () => false,
): Promise<T | undefined> {
  let wait = FIRST_POLL_MS
  for (;;) {
    signal?.throwIfAborted()
    const left = deadline - Date.now()
    if (left <= 0) return undefined
    let entries: ReadEntry[] = []
    try {
      entries = await reader.read(left)
    } catch (e) {
      signal?.throwIfAborted()
      if (!isPassing(e)) throw e
    }
    for (const entry of entries) {
      const taken = await take(entry)
      if (taken !== undefined) return taken
    }
    if (stop()) return undefined
    wait = entries.length > 0 ? FIRST_POLL_MS : Math.min(MAX_POLL_MS, wait * 2)
    await sleep(Math.min(wait, Math.max(0, deadline - Date.now())), signal)
  }
}

/** An entry whose bytes the sender got wrong is passed over; our own failure is not. */
function passedOver(e: unknown): undefined {
  if (isIntentcastError(e) && e.code !== 'ERR_INVALID_ARGUMENT' && e.code !== 'ERR_INTERNAL') return undefined
  throw e
}

/** A failure the next poll may not meet: the network, or the deadline of one read. */
export function isPassing(e: unknown): boolean {
  return isIntentcastError(e, 'ERR_UNREACHABLE') || isIntentcastError(e, 'ERR_TIMEOUT')
}

function readJson(answer: { mediaType: string; body: Uint8Array }, what: string): Record<string, unknown> {
  if (answer.mediaType !== MEDIA_TYPE_JSON)
    throw new IntentcastError(
      'ERR_MALFORMED',
      `${what} answered ${answer.mediaType.slice(0, 64) || 'untyped'}, not JSON`,
    )
  const json = parseJsonStrict(fromUtf8(answer.body, what), what)
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new IntentcastError('ERR_MALFORMED', `${what} did not answer a JSON object`)
  return json as Record<string, unknown>
}

const invalid = (message: string): IntentcastError => new IntentcastError('ERR_INVALID_ARGUMENT', message)
