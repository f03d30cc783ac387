/**
 * The sites a wallet under test talks to in `wallet` mode, as fetch-standard handlers (the CLI
 * puts each on a port; a test may call them in-process): the conformance vendor, our own vendor
 * handler made agreeable (it offers on every intent, at the customer's price, on the customer's
 * terms, and agrees to every counter), and a decoy vendor whose endpoint answers a redirect. Both
 * record every request as it came, bytes and all, for the checks to judge afterwards: what a
 * wallet sends is judged from the wire, never from what the handler made of it.
 */
import { readBody } from '../http/body.js'
import { httpProblem, problemFor, problemResponse } from '../http/problem.js'
import type { KeyPair } from '../keys/key-pair.js'
import { WELL_KNOWN_PATH } from '../model/media-types.js'
import { ROSTER } from '../model/roster.js'
import { randomId } from '../lib/random.js'
import type { TermsBody } from '../envelope/sign.js'
import { createVendorHandler, MemoryThreadStore, type OfferReply } from '../vendor/index.js'
import type { Verified } from '../envelope/verify.js'

/** One request as it reached a site. */
export interface Recorded {
  readonly site: 'vendor' | 'decoy'
  /** Milliseconds since the epoch, when it arrived: messages are judged at this time. */
  readonly at: number
  readonly method: string
  readonly url: string
  readonly path: string
  readonly headers: Headers
  readonly body: Uint8Array
  /** The status the site answered with. */
  readonly status: number
}

/** The two sites, what they record, and what the checks need to judge it. */
export interface WalletSites {
  readonly vendor: (request: Request) => Promise<Response>
  readonly decoy: (request: Request) => Promise<Response>
  readonly ready: Promise<void>
  readonly records: readonly Recorded[]
  /** The conformance vendor's signing key: its seal key opens what the wallet sealed to it. */
  readonly keyPair: KeyPair
  /** The vendor's threads, as it stored them: where the offers the wallet answers are. */
  readonly threads: MemoryThreadStore
  /** Where each site takes messages: a path of its own, so a wallet that builds one is caught. */
  readonly basePath: string
  /** Where the decoy's redirect points. */
  readonly trapPath: string
  /** Digests of the intents the vendor took, and of the agreements it countersigned. */
  readonly intents: ReadonlySet<string>
  readonly agreements: ReadonlySet<string>
}

/** A cookie the vendor document sets: a wallet that sends it back carries state across casts. */
export const TRACKING_COOKIE = 'intentcast-conformance=linked'

/**
 * What the kit keeps of the wallet's requests, so that whatever reaches its port cannot fill its
 * memory: the body of a request to the endpoint, up to what the handler itself takes (64 KiB),
 * and at most MAX_RECORDS requests, after which it answers 429.
 */
const MAX_RECORDED = 65_536
const MAX_RECORDS = 1_000

/** The terms the conformance vendor declares: it takes every agreement it can list. */
const TERMS: TermsBody = {
  role: 'vendor',
  name: 'intentcast conformance vendor',
  terms: { agreements: ROSTER.slice(0, 16).map((a) => a.id) },
}

/** An offer the customer can take: what it asked for, at its price, on its first agreement and its conditions. */
function offerFor(intent: Verified<'intent'>): OfferReply {
  const { want, terms } = intent.payload
  const conditions = terms.conditions?.map(({ required: _required, ...term }) => term)
  return {
    item: want.item,
    quantity: want.quantity ?? 1,
    price: want.maxPrice ?? { amount: '100.00', currency: 'EUR' },
    ...(want.deliverBy !== undefined && { deliverBy: want.deliverBy }),
    terms: { agreement: terms.agreements[0]!, ...(conditions?.length && { conditions }) },
  }
}

/** The conformance vendor and its decoy, each signing with a key of its own. */
export function createWalletSites(keyPair: KeyPair, decoyKey: KeyPair): WalletSites {
  const records: Recorded[] = []
  const intents = new Set<string>()
  const agreements = new Set<string>()
  const threads = new MemoryThreadStore()
  // Not the reference's /intentcast: only a wallet that reads the endpoint from the document finds it.
  const basePath = `/conformance-${randomId().slice(0, 8)}`
  const trapPath = `/followed-a-redirect-${randomId().slice(0, 8)}`
  const vendor = createVendorHandler({
    keyPair,
    terms: TERMS,
    http: { basePath },
    stores: { threads },
    on: {
      intent: (intent) => (intents.add(intent.digest), offerFor(intent)),
      // Whatever the customer counters with is agreed to: the wallet gets to accept.
      counter: () => ({ agree: true, overrideTerms: true }),
      acceptance: (_acceptance, { agreement }) => void agreements.add(agreement.digest),
    },
  })
  const decoy = createVendorHandler({ keyPair: decoyKey, terms: TERMS, http: { basePath }, on: { intent: offerFor } })
  const endpoint = `${basePath}/messages`
  const record =
    (site: Recorded['site'], answer: (request: Request) => Promise<Response>) =>
    async (request: Request): Promise<Response> => {
      const at = Date.now()
      if (records.length >= MAX_RECORDS)
        return problemResponse(httpProblem(429, `the conformance vendor keeps at most ${MAX_RECORDS} requests`))
      let body: Uint8Array
      try {
        body = await readBody(request, { maxBytes: MAX_RECORDED, failure: 'ERR_MALFORMED', what: 'request body' })
      } catch (e) {
        // A handler never rejects: a body the kit cannot hold is refused as the vendor would refuse it.
        return problemResponse(problemFor(e))
      }
      const forwarded = new Request(request.url, {
        method: request.method,
        headers: request.headers,
        ...(body.length > 0 && { body: new Uint8Array(body) }),
      })
      const response = await answer(forwarded)
      const path = new URL(request.url).pathname
      records.push({
        site,
        at,
        method: request.method,
        url: request.url,
        path,
        headers: request.headers,
        body,
        status: response.status,
      })
      return response
    }
  return {
    vendor: record('vendor', async (request) => {
      const response = await vendor(request)
      if (new URL(request.url).pathname !== WELL_KNOWN_PATH || response.status !== 200) return response
      const headers = new Headers(response.headers)
      headers.append('set-cookie', `${TRACKING_COOKIE}; Path=/; HttpOnly`)
      return new Response(response.body, { status: response.status, headers })
    }),
    decoy: record('decoy', async (request) => {
      if (request.method !== 'POST' || new URL(request.url).pathname !== endpoint) return decoy(request)
      // 307 keeps the method and body: a wallet that followed it would post its message here.
      return new Response(null, { status: 307, headers: { location: trapPath, 'cache-control': 'no-store' } })
    }),
    ready: Promise.all([vendor.ready, decoy.ready]).then(() => undefined),
    records,
    keyPair,
    threads,
    basePath,
    trapPath,
    intents,
    agreements,
  }
}
