/**
 * The calling program's part of every wallet call, checked before a key is taken or a request
 * made (src/errors.ts, rule 2): a typo fails the call at once as ERR_INVALID_ARGUMENT, instead of
 * turning up later as some vendor's ERR_UNREACHABLE, as if the vendor were at fault.
 */
import { IntentcastError } from '../errors.js'
import { Deal } from '../model/deal.js'
import { parseWith } from '../model/parse.js'
import { checkOrigin } from './discover.js'
import type { Negotiation } from './reply.js'
import { checkSendOptions, type SendOptions } from './send.js'

const invalid = (message: string): IntentcastError => new IntentcastError('ERR_INVALID_ARGUMENT', message)

/**
 * A cast's targets and options. Typed by their shape rather than by cast.ts's CastTarget and
 * CastOptions, which would make a cycle (cast.ts calls this).
 */
export function checkCast(
  vendors: readonly unknown[],
  options: SendOptions & { readonly concurrency?: number; readonly onProgress?: unknown; readonly now?: Date },
): void {
  if (!Array.isArray(vendors)) throw invalid('vendors is an array of origins, vendor targets or discovered vendors')
  checkSendOptions(options)
  const concurrency = options.concurrency ?? 8
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw invalid('concurrency is a positive integer')
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    throw invalid('onProgress must be a function')
  for (const target of vendors) checkTarget(target, false)
}

/**
 * An origin the wallet may talk to (https, or http on loopback) and an endpoint that is an
 * http(s) URL. Only a discovered vendor may lack the endpoint: it takes no intents, which is the
 * vendor's state, recorded as its failure in the cast.
 */
function checkTarget(target: unknown, needsEndpoint: boolean): void {
  if (typeof target === 'string') return void checkOrigin(target)
  if (typeof target !== 'object' || target === null || typeof (target as { origin?: unknown }).origin !== 'string') {
    throw invalid('a vendor is an origin, a VendorTarget or a DiscoveredVendor')
  }
  const { origin, endpoint, keys } = target as { origin: string; endpoint?: unknown; keys?: unknown }
  checkOrigin(origin)
  if (keys !== undefined) checkKeys(keys, origin)
  if (endpoint === undefined && !needsEndpoint && 'mediaTypes' in target) return
  let url: URL | undefined
  try {
    url = typeof endpoint === 'string' ? new URL(endpoint) : undefined
  } catch {
    // Not a URL: refused just below, with the other non-URLs.
  }
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:')
    throw invalid(`the endpoint for ${origin.slice(0, 64)} is not an http(s) URL`)
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
}

/** A counter's deal: the four claims exactly (`dealOf(payload)` makes one from any message). */
export function checkDeal(deal: Deal, note: unknown): void {
  parseWith(Deal, deal, 'deal', 'ERR_INVALID_ARGUMENT')
  if (note !== undefined && typeof note !== 'string') throw invalid('note must be a string')
}
