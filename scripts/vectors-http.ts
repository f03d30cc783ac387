/**
 * HTTP binding vectors (spec §HTTP binding), written to spec/vectors/http.json: requests and the
 * answers the reference vendor gives them, one kind of answer per case, so an implementation of
 * the vendor side can replay them against its own endpoint. They are made by running
 * `createVendorHandler` in-process, one fresh vendor per case, and recording what it answers.
 *
 * The vendor the cases assume is in `vendor`: the vector vendor key (seed 0x02), the vector
 * terms declaration, an offer for every intent, no answer (202) to a counter. Its clock is the
 * real one: the messages are signed at the vectors' fixed time with an `exp` in 2100, so they are
 * live whenever the vectors are replayed before then, and the expired and future ones are
 * expired or future then too. Answers that carry a signed message are recorded by what they
 * must be (status, media type, kind), never by their bytes, which hold the vendor's own clock
 * and jti.
 */
import {
  digest,
  keyPairFromSeed,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signTerms,
  signWithdrawal,
  verify,
  type KeyPair,
  type OfferBody,
} from '../src/index.js'
import { createVendorHandler } from '../src/vendor/index.js'
import {
  hex,
  now,
  rawJws,
  seedOf,
  VECTOR_INTENT_BODY,
  VECTOR_TERMS_BODY,
  VECTOR_TIME,
  WEB_DID,
} from './vectors-core.js'

const ORIGIN = 'https://bikes.example'
const ENDPOINT = '/intentcast/messages'
/** 2100-01-01T00:00:00Z: the vectors' messages live until then. */
const UNTIL = 4_102_444_800
const LIFETIME = UNTIL - now.getTime() / 1000

/** What the vector vendor offers for any intent. */
const offerFor = (intent: { payload: { want: { item: OfferBody['item'] } } }) => ({
  item: intent.payload.want.item,
  quantity: 1,
  price: { amount: '2150.00', currency: 'EUR' },
  terms: { agreement: 'SD-BASE' },
})

/**
 * The response headers a case records when the handler sends them: the ones the binding requires
 * (§Messages, §Problems). `Cache-Control` only on answers carrying a message, where it is
 * required (`no-store`); elsewhere its value is the reference's choice.
 */
const RECORDED = ['content-type', 'www-authenticate', 'accept-post', 'allow'] as const

interface HttpRequest {
  method: string
  path: string
  headers: Record<string, string>
  /** A text body (JWS), or… */
  body?: string
  /** …a binary one (COSE), in hex. */
  bodyHex?: string
}

interface HttpResponse {
  status: number
  /** The problem's `code`: every refusal of a message has one; 404 and 405 have none. */
  code?: string
  /** The problem's `type`. */
  type?: string
  headers: Record<string, string>
  /** For 200 answers carrying a message: its kind. */
  kind?: string
  /** This answer is byte for byte the answer of the earlier exchange with this index. */
  sameAs?: number
}

interface Case {
  name: string
  exchanges: Array<{ request: HttpRequest; response: HttpResponse }>
}

const jws = (body: string, headers: Record<string, string> = {}): HttpRequest => ({
  method: 'POST',
  path: ENDPOINT,
  headers: { 'content-type': 'application/intentcast+jws', ...headers },
  body,
})
const cose = (bytes: Uint8Array): HttpRequest => ({
  method: 'POST',
  path: ENDPOINT,
  headers: { 'content-type': 'application/intentcast+cose' },
  bodyHex: hex(bytes),
})

async function newVendor(key: KeyPair) {
  const handler = createVendorHandler({
    keyPair: key,
    terms: VECTOR_TERMS_BODY,
    on: { intent: offerFor, counter: () => null, error: () => {} },
    http: { origin: ORIGIN },
  })
  await handler.ready
  return handler
}

/** Sends each request of a case to a fresh vendor and records what it answers. */
async function record(key: KeyPair, name: string, requests: HttpRequest[]): Promise<Case> {
  const handler = await newVendor(key)
  const bodies: Array<Uint8Array> = []
  const exchanges: Case['exchanges'] = []
  for (const request of requests) {
    const body =
      request.body !== undefined
        ? request.body
        : request.bodyHex !== undefined
          ? new Uint8Array(Buffer.from(request.bodyHex, 'hex'))
          : undefined
    const answer = await handler(
      new Request(ORIGIN + request.path, {
        method: request.method,
        headers: request.headers,
        ...(body !== undefined && { body }),
      }),
    )
    const bytes = new Uint8Array(await answer.arrayBuffer())
    const response: HttpResponse = { status: answer.status, headers: {} }
    for (const h of RECORDED) {
      const v = answer.headers.get(h)
      if (v !== null) response.headers[h] = v
    }
    const type = answer.headers.get('content-type') ?? ''
    if (type === 'application/problem+json') {
      const problem = JSON.parse(new TextDecoder().decode(bytes)) as { code?: string; type: string; status: number }
      if (problem.status !== answer.status) throw new Error(`${name}: the problem's status is not the answer's`)
      if (problem.code !== undefined) response.code = problem.code
      response.type = problem.type
    } else if (answer.status === 200 && type.startsWith('application/intentcast+')) {
      const m = type.endsWith('+cose') ? bytes : new TextDecoder().decode(bytes)
      response.kind = (await verify(m, { now: new Date() })).kind
      response.headers['cache-control'] = answer.headers.get('cache-control') ?? '(none)'
      const same = bodies.findIndex((b) => b.length === bytes.length && b.every((x, i) => x === bytes[i]))
      if (same >= 0) response.sameAs = same
    }
    bodies.push(bytes)
    exchanges.push({ request, response })
  }
  return { name, exchanges }
}

export async function httpVectors() {
  const [customer, vendor, stranger] = await Promise.all([
    keyPairFromSeed(seedOf(1)),
    keyPairFromSeed(seedOf(2)),
    keyPairFromSeed(seedOf(3)),
  ])
  let n = 0
  const jti = () => `http-vector-jti-${String(++n).padStart(4, '0')}`
  const live = { now, expiresIn: LIFETIME }

  const intent = await signIntent(VECTOR_INTENT_BODY, customer, { ...live, jti: jti() })
  const intentDigest = digest(intent)
  const ip = JSON.parse(Buffer.from(intent.split('.')[1]!, 'base64url').toString('utf8'))
  const header = (typ: string, k: KeyPair = customer) => ({ alg: 'EdDSA', kid: `${k.did}#${k.did.slice(8)}`, typ })
  const [h, p, s] = intent.split('.') as [string, string, string]
  const coseIntent = await signIntent(VECTOR_INTENT_BODY, customer, { ...live, format: 'cose', jti: jti() })
  const tamperedCose = Uint8Array.from(coseIntent)
  tamperedCose[tamperedCose.length - 1]! ^= 0x01
  const sameJti = await signIntent(
    { ...VECTOR_INTENT_BODY, want: { ...VECTOR_INTENT_BODY.want, quantity: 2 } },
    customer,
    { ...live, jti: ip.jti },
  )
  const withdraw = (by: KeyPair, audience?: string) =>
    signWithdrawal({ withdraws: intentDigest }, by, { now, jti: jti(), ...(audience && { audience }) })
  const withdrawal = await withdraw(customer)
  const withdrawalAgain = await withdraw(customer)
  const deal = {
    quantity: 1,
    price: { amount: '2000.00', currency: 'EUR' },
    terms: { agreement: 'SD-BASE' },
  }
  const unknownDigest = digest(await signIntent(VECTOR_INTENT_BODY, stranger, { ...live, jti: jti() }))
  const counterTo = (inReplyTo: string, intentOf = intentDigest) =>
    signCounter({ inReplyTo, intent: intentOf, ...deal }, customer, { ...live, audience: vendor.did, jti: jti() })
  const acceptance = await signAcceptance({ inReplyTo: unknownDigest, intent: intentDigest, ...deal }, customer, {
    ...live,
    audience: vendor.did,
    jti: jti(),
  })
  const agreement = await signAgreement(
    {
      parties: { customer: customer.did, vendor: vendor.did },
      refs: { intent: intentDigest, offer: unknownDigest, acceptance: digest(acceptance) },
      item: VECTOR_INTENT_BODY.want.item,
      ...deal,
    },
    customer,
    { now, jti: jti() },
  )
  const terms = await signTerms(VECTOR_TERMS_BODY, vendor, { now, jti: jti() })
  const raw = (hdr: object, payload: object, seed = seedOf(1)) => rawJws(hdr, payload, seed)

  const cases: Array<[string, HttpRequest[]]> = [
    // Answers.
    ['the vendor document: 200, JSON', [{ method: 'GET', path: '/.well-known/intentcast', headers: {} }]],
    ['an intent: 200 with an offer', [jws(intent)]],
    ['an intent in COSE: 200 with an offer in COSE', [cose(coseIntent)]],
    ['the same intent again: the same answer, byte for byte (§Retries)', [jws(intent), jws(intent)]],
    ['a withdrawal of the intent: 204', [jws(intent), jws(withdrawal)]],
    // 400.
    ['not a JWS: 400 ERR_MALFORMED', [jws('hello')]],
    ['a final newline: 400 ERR_MALFORMED', [jws(intent + '\n')]],
    ['a COSE body that is no COSE message: 400 ERR_MALFORMED', [cose(Uint8Array.from([0xa0]))]],
    ['alg HS256: 400 ERR_UNSUPPORTED_ALG', [jws(await raw({ ...header('intentcast-intent+jws'), alg: 'HS256' }, ip))]],
    // 401.
    [
      'a tampered signature: 401 ERR_SIGNATURE_INVALID, IntentcastJWS',
      [jws(`${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`)],
    ],
    ['a tampered COSE signature: 401 ERR_SIGNATURE_INVALID, IntentcastCOSE', [cose(tamperedCose)]],
    [
      'a kid naming another DID than iss: 401 ERR_ISSUER_MISMATCH',
      [jws(await raw(header('intentcast-intent+jws', stranger), ip, seedOf(3)))],
    ],
    [
      'a did:web signer the vendor cannot resolve: 401 ERR_KEY_UNRESOLVED',
      [jws(await raw({ ...header('intentcast-intent+jws'), kid: `${WEB_DID}#key-1` }, { ...ip, iss: WEB_DID }))],
    ],
    // 409.
    ['another intent with the same issuer and jti: 409 ERR_REPLAY', [jws(intent), jws(sameJti)]],
    ['the intent withdrawn twice: 409 ERR_ILLEGAL_MOVE', [jws(intent), jws(withdrawal), jws(withdrawalAgain)]],
    // 413, 415.
    ['a body over 65,536 bytes: 413 ERR_TOO_LARGE', [jws('A'.repeat(65_537))]],
    [
      'a media type the vendor does not take: 415 ERR_MALFORMED, with Accept-Post',
      [jws(intent, { 'content-type': 'text/plain' })],
    ],
    ['a compressed body: 415 ERR_MALFORMED, with Accept-Post', [jws(intent, { 'content-encoding': 'gzip' })]],
    // 422.
    ['a lone acceptance: 422 ERR_TYPE_MISMATCH', [jws(acceptance)]],
    ['a terms declaration: 422 ERR_TYPE_MISMATCH', [jws(terms)]],
    ['an unknown claim: 422 ERR_SCHEMA', [jws(await raw(header('intentcast-intent+jws'), { ...ip, admin: true }))]],
    [
      'an expired intent: 422 ERR_EXPIRED',
      [jws(await signIntent(VECTOR_INTENT_BODY, customer, { now, expiresIn: 3600, jti: jti() }))],
    ],
    [
      'an intent issued in 2100: 422 ERR_NOT_YET_VALID',
      [jws(await signIntent(VECTOR_INTENT_BODY, customer, { now: new Date(UNTIL * 1000), jti: jti() }))],
    ],
    [
      'an intent cast to another vendor: 422 ERR_AUDIENCE',
      [jws(await signIntent(VECTOR_INTENT_BODY, customer, { ...live, audience: stranger.did, jti: jti() }))],
    ],
    [
      'a withdrawal addressed to another party: 422 ERR_AUDIENCE',
      [jws(intent), jws(await withdraw(customer, stranger.did))],
    ],
    [
      'a withdrawal addressed to the vendor, of an intent cast to no one: 422 ERR_BROKEN_LINK',
      [jws(intent), jws(await withdraw(customer, vendor.did))],
    ],
    ['a withdrawal of the intent by another key: 422 ERR_BROKEN_LINK', [jws(intent), jws(await withdraw(stranger))]],
    [
      'a counter in a thread the vendor does not have: 422 ERR_BROKEN_LINK',
      [jws(await counterTo(unknownDigest, unknownDigest))],
    ],
    [
      'a counter answering no proposal of the thread: 422 ERR_BROKEN_LINK',
      [jws(intent), jws(await counterTo(unknownDigest))],
    ],
    [
      'an acceptance and agreement of a thread the vendor does not have: 422 ERR_BROKEN_LINK',
      [jws(`${acceptance}\n${agreement}`)],
    ],
    // HTTP itself.
    ['a GET of the message endpoint: 405, with Allow, no code', [{ method: 'GET', path: ENDPOINT, headers: {} }]],
    ['a path the vendor does not serve: 404, no code', [{ method: 'POST', path: '/intentcast/other', headers: {} }]],
  ]
  const out: Case[] = []
  for (const [name, requests] of cases) out.push(await record(vendor, name, requests))
  return {
    description:
      'HTTP binding vectors (spec §HTTP binding): requests to a vendor and what it answers, recorded from the reference handler. Each case runs against a fresh vendor as `vendor` describes; send its requests in order and compare each answer with `response`.',
    vendor: {
      seed: hex(seedOf(2)),
      did: vendor.did,
      terms: VECTOR_TERMS_BODY,
      origin: ORIGIN,
      endpoint: ENDPOINT,
      answers: {
        intent: 'an offer (any: only its status, media type and kind are compared)',
        counter: 'none: 202',
      },
      maxBodyBytes: 65_536,
    },
    validFrom: VECTOR_TIME,
    validUntil: new Date(UNTIL * 1000).toISOString(),
    cases: out,
  }
}
