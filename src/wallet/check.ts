/**
 * The calling program's part of every wallet call, checked before a key is taken or a request
 * made (src/errors.ts, rule 2): a typo fails the call at once as ERR_INVALID_ARGUMENT, instead of
 * turning up later as some vendor's ERR_UNREACHABLE, as if the vendor were at fault.
 */
import { IntentcastError } from '../errors.js'
import { Deal } from '../model/deal.js'
import { parseWith } from '../model/parse.js'
import { checkOrigin } from './discover.js'
import type { RelayTarget } from './cast-types.js'
import { vendorIdentity } from './derive.js'
import type { Negotiation } from './reply.js'
import { checkRelay, mailboxUrl } from './relay.js'
import { checkSendOptions, type SendOptions } from './send.js'

const invalid = (message: string): IntentcastError => new IntentcastError('ERR_INVALID_ARGUMENT', message)

/**
 * A cast's targets and options: every target an origin, a vendor, or a relay (one at most), and
 * every option a value the cast can use.
 */
export function checkCast(
  targets: readonly unknown[],
  options: SendOptions & {
    readonly concurrency?: number
    readonly onProgress?: unknown
    readonly now?: Date
    readonly collectMs?: number
  },
): void {
  if (!Array.isArray(targets))
    throw invalid('targets is an array of origins, vendor targets, discovered vendors or relays')
  checkSendOptions(options)
  const concurrency = options.concurrency ?? 8
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw invalid('concurrency is a positive integer')
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    throw invalid('onProgress must be a function')
  if (!(options.collectMs === undefined || (Number.isFinite(options.collectMs) && options.collectMs > 0)))
    throw invalid('collectMs must be a positive number of milliseconds')
  let relays = 0
  for (const target of targets) {
    if (isRelayTarget(target)) {
      checkRelay(target.relay)
      relays++
    } else checkTarget(target, false)
  }
  // The intent's replyTo names one mailbox, and a relay takes an intent only when its replyTo is
  // the relay's own (spec §Relay binding, Casting to a relay, step 2).
  if (relays > 1) throw invalid('a cast goes to one relay at most: its intent names one mailbox to reply to')
}

/** A relay as a cast target: an object with `relay` and no `origin`. */
export function isRelayTarget(target: unknown): target is RelayTarget {
  return typeof target === 'object' && target !== null && 'relay' in target && !('origin' in target)
}

/**
 * An origin the wallet may talk to (https, or http on loopback) and an endpoint that is an
 * http(s) URL. Only a discovered vendor may lack the endpoint: it takes no intents, which is the
 * vendor's state, recorded as its failure in the cast. A vendor met through a relay is a
 * negotiation's vendor, never a cast's target (a relay passes intents on; a vendor's mailbox
 * takes none), and its parts must agree: the relay's origin, its mailbox there, a did:key.
 */
function checkTarget(target: unknown, negotiating: boolean): void {
  if (typeof target === 'string') return void checkOrigin(target)
  if (typeof target !== 'object' || target === null || typeof (target as { origin?: unknown }).origin !== 'string') {
    throw invalid('a vendor is an origin, a VendorTarget or a DiscoveredVendor')
  }
  const { origin, endpoint, keys, relay, did } = target as {
    origin: string
    endpoint?: unknown
    keys?: unknown
    relay?: unknown
    did?: unknown
  }
  checkOrigin(origin)
  if (keys !== undefined) checkKeys(keys, origin)
  if (relay !== undefined || did !== undefined) {
    if (!negotiating) throw invalid('a vendor met through a relay is reached through it: cast to { relay }')
    const base = checkRelay(relay)
    if (typeof did !== 'string' || vendorIdentity(did) !== did || keys !== undefined)
      throw invalid('a vendor met through a relay is named by its did:key, without listed keys')
    if (origin !== new URL(base).origin || endpoint !== mailboxUrl(base, did))
      throw invalid(`a vendor met through ${base.slice(0, 64)} is at its origin, and reached at its mailbox there`)
    return
  }
  if (endpoint === undefined && !negotiating && 'mediaTypes' in target) return
  let url: URL | undefined
  try {
    url = typeof endpoint === 'string' ? new URL(endpoint) : undefined
  } catch {
    // Not a URL: refused just below, with the other non-URLs.
  }
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:')
    throw invalid(`the endpoint for ${origin.slice(0, 64)} is not an http(s) URL`)
  // As discovery requires (spec §HTTP binding, The vendor document): a target or a stored record
  // naming another origin's endpoint would send the customer's moves to whoever wrote it there.
  if (url.origin !== origin) throw invalid(`the endpoint for ${origin.slice(0, 64)} is not on that origin`)
}

/**
 * A target's keys, as far as answers are checked against them (`liveKeys`, `verifyReply`): each
 * names its `kid` and `status`, and a numeric `exp` if any. A discovered vendor's keys passed
 * the vendor document's schema; these are the caller's, or a stored negotiation's.
 */
function checkKeys(keys: unknown, origin: string): void {
  const valid = (k: unknown): boolean => {
    const { kid, status, exp } = (k ?? {}) as { kid?: unknown; status?: unknown; exp?: unknown }
    return (
      typeof kid === 'string' &&
      (status === 'current' || status === 'retired') &&
      (exp === undefined || Number.isFinite(exp))
    )
  }
  if (!Array.isArray(keys) || !keys.every(valid))
    throw invalid(`the keys for ${origin.slice(0, 64)} are not a vendor document's keys`)
}

/**
 * What `wallet.counter` and `wallet.accept` take: a Negotiation as the wallet returned it. The
 * thread is duck-typed rather than `instanceof Thread`, so a thread from the package's other
 * build (ESM beside CJS) still passes; the proposal must be one of its moves.
 */
export function checkNegotiation(negotiation: Negotiation): void {
  const n = negotiation as Partial<Negotiation> | null
  if (
    typeof n !== 'object' ||
    n === null ||
    typeof n.thread?.with !== 'function' ||
    typeof n.thread.intent?.issuer !== 'string'
  ) {
    throw invalid(
      'a negotiation is what wallet.cast or wallet.counter returned: { vendor, proposal, thread, castIndex }',
    )
  }
  if (!Number.isSafeInteger(n.castIndex) || n.castIndex! < 0)
    throw invalid('castIndex is the index of the cast key: a whole number, 0 or more')
  checkTarget(n.vendor, true)
  const digest = n.proposal?.digest
  if (typeof digest !== 'string' || !n.thread.proposals.some((p) => p.digest === digest))
    throw invalid("the proposal is not a move of the negotiation's thread")
  const { relay, did } = n.vendor!
  if (did !== undefined && n.proposal!.issuer !== did)
    throw invalid('the proposal is not signed by the vendor the negotiation names')
  // The route carries no signature of its own, but the intent does: its replyTo names the relay
  // the wallet cast to, the only one a vendor met through a relay can have been met at.
  if (relay !== undefined && n.thread.intent.payload.replyTo !== mailboxUrl(relay, n.thread.intent.issuer))
    throw invalid("a vendor met through a relay is reached through the relay the intent's replyTo names")
}

/** A counter's deal: the four claims exactly (`dealOf(payload)` makes one from any message). */
export function checkDeal(deal: Deal, note: unknown): void {
  parseWith(Deal, deal, 'deal', 'ERR_INVALID_ARGUMENT')
  if (note !== undefined && typeof note !== 'string') throw invalid('note must be a string')
}

/**
 * What `wallet.collect` takes: a cast as `wallet.cast` returned it (its intent and cast index),
 * and the options, of which the known vendors must be vendors.
 */
export function checkCollect<O extends SendOptions & { readonly now?: Date; readonly vendors?: readonly unknown[] }>(
  cast: unknown,
  options: O,
): O {
  const c = cast as { castIndex?: unknown; intent?: { kind?: unknown; issuer?: unknown; payload?: unknown } } | null
  if (typeof c !== 'object' || c === null || c.intent?.kind !== 'intent' || typeof c.intent.issuer !== 'string')
    throw invalid('a cast is what wallet.cast returned: { castIndex, intent, … }')
  if (!Number.isSafeInteger(c.castIndex) || (c.castIndex as number) < 0)
    throw invalid('castIndex is the index of the cast key: a whole number, 0 or more')
  checkSendOptions(options)
  if (options.vendors !== undefined) {
    if (!Array.isArray(options.vendors)) throw invalid('vendors is an array of vendor targets or discovered vendors')
    for (const v of options.vendors) {
      if (typeof v !== 'object' || v === null)
        throw invalid('vendors is an array of vendor targets or discovered vendors')
      checkTarget(v, false)
    }
  }
  return options
}
