import { IntentcastError, isIntentcastError } from '../errors.js'
import { countersign } from '../envelope/countersign.js'
import { verifyCoseAgreementSignatures } from '../envelope/cose-verify.js'
import { parseGeneralJws } from '../envelope/general.js'
import { signCounter, signOffer, signTerms, type CounterBody, type OfferBody, type TermsBody } from '../envelope/sign.js'
import { verify, verifyAgreementSignatures, type Verified } from '../envelope/verify.js'
import type { KeyPair } from '../keys/key-pair.js'
import { sameJson } from '../lib/same.js'
import { PROTOCOL_VERSION } from '../model/primitives.js'
import { MemoryReplayStore, type ReplayStore } from '../replay/store.js'
import { Thread } from '../thread/thread.js'
import { readBody } from '../http/body.js'
import { BODY_DECODERS, mediaTypeOf } from '../http/media-type.js'
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JSON, WELL_KNOWN_PATH } from '../model/media-types.js'
import { essence, problemFor, problemResponse, type Problem } from '../http/problem.js'
import { MemoryThreadStore, type ThreadStore } from './thread-store.js'
import { vendorKey, type VendorDocument, type VendorKey } from '../model/vendor-document.js'
import { GPC_PATH, MYTERMS_PATH, type GpcDocument, type MyTermsDocument } from '../model/well-known.js'

/** What `onIntent` returns: an offer; the handler adds `inReplyTo` and addresses it to the intent's issuer. */
export type OfferProposal = Omit<OfferBody, 'inReplyTo'>

/** A counter's content; the handler adds `inReplyTo` and `intent`. */
export type CounterProposal = Omit<CounterBody, 'inReplyTo' | 'intent'>

/**
 * The vendor's answer to a customer's counter:
 * - a CounterProposal: counter it;
 * - `'agree'`: counter with the customer's own proposal restated, which the customer can then
 *   accept (only the customer accepts: the customer's counter is addressed to the vendor);
 * - `null`: no answer now (202).
 */
export type CounterDecision = CounterProposal | 'agree' | null

export interface IntentContext {
  readonly request: Request
  /** The request carried `Sec-GPC: 1`: an unsigned signal, beside the intent's signed terms. */
  readonly gpc: boolean
  /** The vendor's own verified terms declaration. */
  readonly terms: Verified<'terms', 'jws'>
}

export interface MoveContext {
  readonly request: Request
  /** The thread with the move applied (not yet stored). */
  readonly thread: Thread
}

export interface AcceptanceContext extends MoveContext {
  /** The agreement, countersigned: what the customer receives if this callback returns. */
  readonly agreement: Verified<'agreement'>
}

type Awaitable<T> = T | Promise<T>

export interface VendorHandlerOptions {
  /** The current signing key. */
  readonly keyPair: KeyPair
  /** Earlier keys, still honoured until `expiresAt` for threads they opened (listed as retired). */
  readonly previousKeys?: ReadonlyArray<{ readonly keyPair: KeyPair; readonly expiresAt: Date }>
  /** The vendor's terms: a body to sign with `keyPair` at start, or an already signed declaration. */
  readonly terms: TermsBody | string
  /** Decides on an intent: an offer, or null for 202. */
  onIntent(intent: Verified<'intent'>, context: IntentContext): Awaitable<OfferProposal | null>
  /** Decides on a customer's counter. Default: no answer (202). */
  onCounter?(counter: Verified<'counter'>, context: MoveContext): Awaitable<CounterDecision>
  /** Sees each agreement before it is stored and sent; throwing an IntentcastError refuses it. */
  onAcceptance?(acceptance: Verified<'acceptance'>, context: AcceptanceContext): Awaitable<void>
  onWithdrawal?(withdrawal: Verified<'withdrawal'>, context: MoveContext): Awaitable<void>
  /** Default: a MemoryReplayStore (one process). Use a RedisReplayStore to share one among processes. */
  readonly replay?: ReplayStore
  /** Default: a MemoryThreadStore. */
  readonly threads?: ThreadStore
  /** The largest request body. Default 65,536 bytes. */
  readonly maxBodyBytes?: number
  /** Milliseconds a request body may take to arrive. Default 10,000. */
  readonly bodyTimeoutMs?: number
  /** Browser origins allowed to call, or `'*'`. Default: none (no CORS headers). */
  readonly cors?: readonly string[] | '*'
  /** Where the message endpoint lives: `<basePath>/messages`. Default `/intentcast`. */
  readonly basePath?: string
  /** The public origin, when the handler sits behind a proxy and `request.url` is not it. */
  readonly origin?: string
  /** Lifetime of offers and counters. Default 1h. */
  readonly proposalExpiresIn?: number | string
  /** Served at /.well-known/myterms.json when given. */
  readonly myterms?: MyTermsDocument
  /** Served at /.well-known/gpc.json when given. */
  readonly gpc?: GpcDocument
  /** Hears every failure that became a 500 (the answer says nothing about it). Default: console.error. */
  onError?(error: unknown): void
}

/** A fetch-standard handler. `ready` settles once the terms are signed; it rejects on a bad configuration. */
export type VendorHandler = ((request: Request) => Promise<Response>) & { readonly ready: Promise<void> }

/** Thrown around a failure of the vendor's own code or configuration: a 500, whatever its code. */
class VendorFailure extends Error {}

const NO_STORE = { 'cache-control': 'no-store' }
const ACCEPTED_TYPES = [...BODY_DECODERS.keys()].join(', ')

/**
 * The vendor side of the HTTP binding (spec §HTTP binding): serves the vendor document and
 * takes intents, counters, acceptances and withdrawals at `<basePath>/messages`. Every answer to
 * bad input is a 4xx problem with its code; only the vendor's own failures are 500s.
 */
export function createVendorHandler(options: VendorHandlerOptions): VendorHandler {
  const config = configure(options)
  const { maxBodyBytes, bodyTimeoutMs, basePath, replay, threads, onError } = config
  const endpointPath = `${basePath}/messages`
  const ready = prepareTerms(options)
  // Surfaced by `handler.ready` and by every request; handled here so that a caller who never
  // awaits `ready` gets 500s rather than an unhandled rejection that ends the process.
  const readyVoid = ready.then(() => undefined)
  readyVoid.catch(() => {})
  const locks = new Map<string, Promise<unknown>>()

  /** The key whose DID is `did`, if it may sign now. */
  function keyFor(did: string | undefined): KeyPair | undefined {
    const now = Date.now()
    if (did === options.keyPair.did) return options.keyPair
    return options.previousKeys?.find((k) => k.keyPair.did === did && k.expiresAt.getTime() > now)?.keyPair
  }

  function requireAddressedToUs(m: Verified, required: boolean): KeyPair | undefined {
    const aud = 'aud' in m.payload ? m.payload.aud : undefined
    if (aud === undefined && !required) return undefined
    const key = keyFor(aud)
    if (!key) throw new IntentcastError('ERR_AUDIENCE', `this ${m.kind} is not addressed to this vendor`)
    return key
  }

  function liveKeys(): VendorKey[] {
    const now = Date.now()
    const retired = (options.previousKeys ?? []).filter((k) => k.expiresAt.getTime() > now)
    return [vendorKey(options.keyPair, 'current'), ...retired.map((k) => vendorKey(k.keyPair, 'retired', Math.floor(k.expiresAt.getTime() / 1000)))]
  }

  /**
   * Runs the vendor's callbacks (`refusals`: an IntentcastError they throw is their answer) or
   * the handler's work on the vendor's own output (signing it: any failure is the vendor's).
   * ERR_INVALID_ARGUMENT always means the vendor's code passed something wrong.
   */
  async function vendorCode<T>(f: () => Awaitable<T>, refusals = false): Promise<T> {
    try {
      return await f()
    } catch (e) {
      if (refusals && isIntentcastError(e) && e.code !== 'ERR_INVALID_ARGUMENT') throw e
      throw new VendorFailure('vendor code failed', { cause: e })
    }
  }

  /** Runs `f` on the stored thread holding `digest`, one move at a time per thread. */
  async function withThread(digest: string, f: (thread: Thread) => Promise<Response>): Promise<Response> {
    const found = await threads.get(digest)
    if (!found) throw new IntentcastError('ERR_BROKEN_LINK', 'no open thread holds the message this one refers to')
    const key = found.intent.digest
    const previous = locks.get(key) ?? Promise.resolve()
    const run = previous.then(async () => f((await threads.get(key)) ?? found))
    const tail = run.catch(() => {})
    locks.set(key, tail)
    try {
      return await run
    } finally {
      if (locks.get(key) === tail) locks.delete(key)
    }
  }

  async function onIntent(intent: Verified<'intent'>, request: Request, terms: Verified<'terms', 'jws'>): Promise<Response> {
    // A broadcast is answered with the current key; an intent cast to one of our live keys (a
    // retired one included) with that key, since the thread requires offers from the intent's aud.
    const key = requireAddressedToUs(intent, false) ?? options.keyPair
    const context: IntentContext = { request, gpc: request.headers.get('sec-gpc') === '1', terms }
    const body = await vendorCode(() => options.onIntent(intent, context), true)
    if (body === null) return new Response(null, { status: 202, headers: NO_STORE })
    // Answered in the envelope it was sent in: a COSE intent gets a COSE offer.
    const offer = await vendorCode(() => signOffer({ ...body, inReplyTo: intent.digest }, key, { audience: intent.issuer, format: intent.format, ...config.lifetime }))
    const thread = new Thread(intent)
    await vendorCode(async () => thread.add(await verify(offer, { expect: 'offer' })))
    await threads.set(thread)
    return message(offer)
  }

  async function onCounter(counter: Verified<'counter'>, request: Request): Promise<Response> {
    const key = requireAddressedToUs(counter, true)!
    return withThread(counter.payload.intent, async (stored) => {
      const thread = stored.with(counter)
      const decision = options.onCounter ? await vendorCode(() => options.onCounter!(counter, { request, thread }), true) : null
      if (decision === null) {
        await threads.set(thread)
        return new Response(null, { status: 202, headers: NO_STORE })
      }
      const { quantity, price, deliverBy, terms } = counter.payload
      const proposal: CounterProposal = decision === 'agree' ? { quantity, price, ...(deliverBy !== undefined && { deliverBy }), terms } : decision
      const answer = await vendorCode(async () => {
        const signed = await signCounter({ ...proposal, inReplyTo: counter.digest, intent: thread.intent.digest }, key, { audience: counter.issuer, format: counter.format, ...config.lifetime })
        thread.add(await verify(signed, { expect: 'counter' }))
        return signed
      })
      await threads.set(thread)
      return message(answer)
    })
  }

  /** The agreement as the customer sent it: exactly one signature, and whose; in either envelope. */
  async function customerAgreement(signed: string | Uint8Array) {
    if (signed instanceof Uint8Array) {
      const { payload, signers } = await verifyCoseAgreementSignatures(signed, { maxBytes: maxBodyBytes })
      if (signers.length !== 1) throw new IntentcastError('ERR_MALFORMED', 'the customer sends the agreement with its own signature only')
      return { payload, signers }
    }
    const jws = parseGeneralJws(signed)
    if (jws.signatures.length !== 1) throw new IntentcastError('ERR_MALFORMED', 'the customer sends the agreement with its own signature only')
    return verifyAgreementSignatures(jws, { maxBytes: maxBodyBytes })
  }

  async function onAcceptance(acceptance: Verified<'acceptance'>, signed: string | Uint8Array, request: Request): Promise<Response> {
    const key = requireAddressedToUs(acceptance, true)!
    return withThread(acceptance.payload.intent, async (stored) => {
      const thread = stored.with(acceptance)
      const expected = thread.agreementBody()
      const { payload, signers } = await customerAgreement(signed)
      if (signers[0] !== expected.parties.customer) throw new IntentcastError('ERR_ISSUER_MISMATCH', 'the agreement must be signed by the customer party the acceptance names')
      const { v: _v, iat: _iat, jti: _jti, ...body } = payload
      if (!sameJson(body, expected)) throw new IntentcastError('ERR_BROKEN_LINK', 'the agreement is not the one this thread arrived at')
      // The thread's own rules (an agreement after the acceptance expired, …) judge the customer's
      // message, so they run here, outside the vendor's code: a refusal is a 4xx, never a 500.
      thread.agreementAllowed(payload)
      const agreement = await vendorCode(async () => {
        const full = await countersign(signed, key, { maxBytes: maxBodyBytes })
        const verified = await verify(full, { expect: 'agreement', maxBytes: maxBodyBytes })
        thread.add(verified)
        return verified
      })
      if (options.onAcceptance) await vendorCode(() => options.onAcceptance!(acceptance, { request, thread, agreement }), true)
      await threads.set(thread)
      return message(agreement.message)
    })
  }

  async function onWithdrawal(withdrawal: Verified<'withdrawal'>, request: Request): Promise<Response> {
    requireAddressedToUs(withdrawal, false)
    return withThread(withdrawal.payload.withdraws, async (stored) => {
      const thread = stored.with(withdrawal)
      if (options.onWithdrawal) await vendorCode(() => options.onWithdrawal!(withdrawal, { request, thread }), true)
      await threads.set(thread)
      return new Response(null, { status: 204, headers: NO_STORE })
    })
  }

  async function takeMessage(request: Request): Promise<Response | Problem> {
    const encoding = request.headers.get('content-encoding')
    const decode = BODY_DECODERS.get(essence(request.headers.get('content-type')))
    if (!decode || (encoding !== null && encoding.toLowerCase() !== 'identity')) {
      request.body?.cancel().catch(() => {})
      const what = decode ? `content coding ${encoding!.slice(0, 32)}` : `media type ${essence(request.headers.get('content-type')).slice(0, 64) || '(none)'}`
      return problemFor(new IntentcastError('ERR_MALFORMED', `${what} is not accepted; send ${ACCEPTED_TYPES}, uncompressed`), 415)
    }
    const body = await readBody(request, { maxBytes: maxBodyBytes, timeoutMs: bodyTimeoutMs, failure: 'ERR_MALFORMED', what: 'request body' })
    const [first, second] = decode(body) as readonly (string | Uint8Array)[]
    const terms = await vendorCode(() => ready)
    const checks = { replay, maxBytes: maxBodyBytes }
    if (second !== undefined) return onAcceptance(await verify(first, { ...checks, expect: 'acceptance' }), second, request)
    const m = await verify(first, { ...checks, expect: ['intent', 'counter', 'withdrawal'] })
    switch (m.kind) {
      case 'intent':
        return onIntent(m, request, terms)
      case 'counter':
        return onCounter(m, request)
      default:
        return onWithdrawal(m, request)
    }
  }

  async function vendorDocument(url: URL): Promise<Response> {
    const terms = await vendorCode(() => ready)
    const document: VendorDocument = {
      v: PROTOCOL_VERSION,
      terms: terms.message,
      endpoint: (options.origin ?? url.origin) + endpointPath,
      mediaTypes: [...BODY_DECODERS.keys()],
      keys: { keys: liveKeys() },
    }
    return json(document)
  }

  async function route(request: Request): Promise<Response | Problem> {
    const url = new URL(request.url)
    const get: Record<string, (() => Promise<Response>) | undefined> = {
      [WELL_KNOWN_PATH]: () => vendorDocument(url),
      [MYTERMS_PATH]: options.myterms && (async () => json(options.myterms)),
      [GPC_PATH]: options.gpc && (async () => json(options.gpc)),
    }
    const path = url.pathname
    const known = path === endpointPath || get[path] !== undefined
    if (!known) return problemFor(new IntentcastError('ERR_MALFORMED', `nothing at ${path.slice(0, 128)}; messages go to ${endpointPath}`), 404)
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow: allowed(path) } })
    if (path === endpointPath && request.method === 'POST') return takeMessage(request)
    const serve = get[path]
    if (serve && request.method === 'GET') return serve()
    return problemFor(new IntentcastError('ERR_MALFORMED', `${request.method.slice(0, 16)} is not allowed here`), 405)
  }

  function allowed(path: string): string {
    return path === endpointPath ? 'POST, OPTIONS' : 'GET, OPTIONS'
  }

  const handler = async (request: Request): Promise<Response> => {
    let response: Response
    try {
      const answer = await route(request)
      response = answer instanceof Response ? answer : answerProblem(answer, allowedAt(request), request)
    } catch (e) {
      if (e instanceof VendorFailure || !isIntentcastError(e)) onError(e instanceof VendorFailure ? e.cause : e)
      response = answerProblem(problemFor(e instanceof VendorFailure ? undefined : e), allowedAt(request), request)
      // The body may be unread (a refusal by Content-Length, a decode failure): stop whoever feeds it.
      request.body?.cancel().catch(() => {})
    }
    return withCors(response, request, config.cors, allowedAt(request))
  }

  function allowedAt(request: Request): string {
    return allowed(new URL(request.url).pathname)
  }
  return Object.assign(handler, { ready: readyVoid })
}

function answerProblem(problem: Problem, allow: string, request: Request): Response {
  const headers: Record<string, string> = {}
  if (problem.status === 415) headers['accept-post'] = ACCEPTED_TYPES
  // RFC 9110 §15.5.2: a 401 names its scheme; here, the message's own signature, in its envelope.
  if (problem.status === 401) headers['www-authenticate'] = essence(request.headers.get('content-type')) === MEDIA_TYPE_COSE ? 'IntentcastCOSE' : 'IntentcastJWS'
  if (problem.status === 405) headers['allow'] = allow
  return problemResponse(problem, headers)
}

function withCors(response: Response, request: Request, cors: readonly string[] | '*' | undefined, methods: string): Response {
  const origin = request.headers.get('origin')
  if (cors === undefined || origin === null || (cors !== '*' && !cors.includes(origin))) return response
  const h = response.headers
  h.set('access-control-allow-origin', cors === '*' ? '*' : origin)
  h.append('vary', 'Origin')
  h.set('access-control-expose-headers', 'Accept-Post, WWW-Authenticate')
  if (request.method === 'OPTIONS') {
    h.set('access-control-allow-methods', methods)
    h.set('access-control-allow-headers', 'Content-Type, Sec-GPC')
    h.set('access-control-max-age', '600')
  }
  return response
}

/** A message answer, typed by its envelope: JWS text or COSE bytes. */
function message(m: string | Uint8Array): Response {
  return new Response(typeof m === 'string' ? m : new Uint8Array(m), { status: 200, headers: { 'content-type': mediaTypeOf(m), ...NO_STORE } })
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { status: 200, headers: { 'content-type': MEDIA_TYPE_JSON, 'cache-control': 'max-age=300' } })
}

function configure(options: VendorHandlerOptions) {
  const invalid = (what: string): never => {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `createVendorHandler: ${what}`)
  }
  if (typeof options?.keyPair?.did !== 'string') invalid('keyPair is required')
  if (typeof options.onIntent !== 'function') invalid('onIntent is required')
  for (const k of options.previousKeys ?? []) {
    if (typeof k?.keyPair?.did !== 'string' || !(k.expiresAt instanceof Date) || Number.isNaN(k.expiresAt.getTime())) {
      invalid('each previous key is { keyPair, expiresAt: Date }')
    }
  }
  const cors = options.cors
  if (cors !== undefined && cors !== '*' && !(Array.isArray(cors) && cors.every((o) => typeof o === 'string'))) invalid("cors is a list of origins or '*'")
  const positive = (v: number | undefined, name: string, fallback: number): number => {
    if (v === undefined) return fallback
    return Number.isSafeInteger(v) && v > 0 ? v : invalid(`${name} must be a positive integer`)
  }
  const basePath = options.basePath ?? '/intentcast'
  if (basePath !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) invalid('basePath is empty or a path like /intentcast')
  if (options.origin !== undefined && originOf(options.origin) !== options.origin) invalid('origin must be an origin (scheme://host[:port])')
  return {
    maxBodyBytes: positive(options.maxBodyBytes, 'maxBodyBytes', 65_536),
    bodyTimeoutMs: positive(options.bodyTimeoutMs, 'bodyTimeoutMs', 10_000),
    basePath,
    cors: options.cors,
    replay: options.replay ?? new MemoryReplayStore(),
    threads: options.threads ?? new MemoryThreadStore(),
    lifetime: options.proposalExpiresIn !== undefined ? { expiresIn: options.proposalExpiresIn } : {},
    onError: options.onError ?? ((e: unknown) => console.error('intentcast: vendor handler failure', e)),
  }
}

/** Signs or checks the vendor's terms, once. */
async function prepareTerms(options: VendorHandlerOptions): Promise<Verified<'terms', 'jws'>> {
  const signed = typeof options.terms === 'string' ? options.terms : await signTerms(options.terms, options.keyPair)
  let terms: Verified<'terms', 'jws'>
  try {
    terms = await verify(signed, { expect: 'terms' })
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `createVendorHandler: the terms do not verify (${(cause as Error).message})`, { cause })
  }
  if (terms.payload.role !== 'vendor') throw new IntentcastError('ERR_INVALID_ARGUMENT', 'createVendorHandler: the terms must be a vendor declaration (role vendor)')
  if (terms.issuer !== options.keyPair.did) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'createVendorHandler: the terms must be signed by the current keyPair')
  return terms
}

/** The origin of a URL string, or undefined when it is not a URL. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}
