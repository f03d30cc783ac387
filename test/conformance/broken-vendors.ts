/**
 * Vendors that break one rule each: wrappers around our own handler that change one kind of
 * answer and pass everything else through. Each names the checks it must fail, so the tests can
 * show that every check fails where it should, and only there.
 */
import { digest } from '../../src/envelope/digest.js'
import { signOffer, type KeyPair } from '../../src/index.js'
import { PROBLEM_TYPE_BASE } from '../../src/http/problem.js'
import { dealTerms, type VendorExtras } from '../vendor/support.js'
import { ORIGIN, referenceVendor, type ReferenceVendor } from './support.js'

type Handler = (request: Request) => Promise<Response>

export interface BrokenVendor {
  readonly name: string
  /** The checks it must fail, and no other. */
  readonly fails: readonly string[]
  /** The checks that cannot run because of what it broke. */
  readonly skips?: readonly string[]
  /** Its handler; `extra` goes to the reference vendor inside (`{ http: {} }` to serve it on a port). */
  make(extra?: VendorExtras): Promise<Handler>
}

const VARIANTS = ['jws', 'jws-sealed', 'cose-sealed'] as const

const problem = (status: number, code: string): Response =>
  new Response(
    JSON.stringify({ type: PROBLEM_TYPE_BASE + code, title: code, status, detail: 'broken on purpose', code }),
    {
      status,
      headers: { 'content-type': 'application/problem+json' },
    },
  )

const codeOf = async (response: Response): Promise<string | undefined> =>
  response.headers.get('content-type') === 'application/problem+json'
    ? ((await response.clone().json()) as { code?: string }).code
    : undefined

const isPost = (request: Request): boolean =>
  request.method === 'POST' && new URL(request.url).pathname.endsWith('/messages')

const jwsAnswer = (message: string): Response =>
  new Response(message, {
    status: 200,
    headers: { 'content-type': 'application/intentcast+jws', 'cache-control': 'no-store' },
  })

const b64json = (segment: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>

/** A broken vendor made from our own, with `wrap` deciding what to change. */
const broken =
  (wrap: (ref: ReferenceVendor) => Handler, own: VendorExtras = {}) =>
  async (extra: VendorExtras = {}) =>
    wrap(await referenceVendor({ ...own, ...extra }))

/** An offer to a hostile intent the reference refused: what a vendor that skips a check would answer. */
async function offerAnyway(intent: string, key: KeyPair): Promise<Response> {
  const claims = b64json(intent.split('.')[1]!) as { iss: string; want: { item: { name: string } } }
  const offer = await signOffer(
    {
      inReplyTo: digest(intent),
      item: claims.want.item,
      quantity: 1,
      price: { amount: '1900.00', currency: 'EUR' },
      terms: dealTerms,
    },
    key,
    { audience: claims.iss },
  )
  return jwsAnswer(offer)
}

export const BROKEN_VENDORS: readonly BrokenVendor[] = [
  {
    name: 'answers a bad signature with 500',
    fails: ['hostile.signature'],
    make: broken((ref) => async (request) => {
      const response = await ref.handler(request)
      return (await codeOf(response)) === 'ERR_SIGNATURE_INVALID' ? problem(500, 'ERR_INTERNAL') : response
    }),
  },
  {
    name: 'offers on an expired intent',
    fails: ['hostile.expired'],
    make: broken((ref) => async (request) => {
      const body = isPost(request) ? await request.clone().text() : ''
      const response = await ref.handler(request)
      return (await codeOf(response)) === 'ERR_EXPIRED' ? offerAnyway(body, ref.key) : response
    }),
  },
  {
    name: 'tampers with its plain JWS offers (a signature over other claims)',
    fails: ['offer.jws'],
    skips: [
      'counter.jws',
      'acceptance.jws',
      'retry.acceptance.jws',
      'withdrawal.agreement.jws',
      'withdrawal.intent',
      'withdrawal.after',
    ],
    make: broken((ref) => async (request) => {
      const response = await ref.handler(request)
      if (response.headers.get('content-type') !== 'application/intentcast+jws') return response
      const text = await response.text()
      const [h, p, s] = text.split('.') as [string, string, string]
      // An agreement is JSON, not compact: only offers are changed.
      if (text.startsWith('{') || b64json(h).typ !== 'intentcast-offer+jws') return jwsAnswer(text)
      const cheaper = { ...b64json(p), price: { amount: '0.01', currency: 'EUR' } }
      return jwsAnswer([h, Buffer.from(JSON.stringify(cheaper)).toString('base64url'), s].join('.'))
    }),
  },
  {
    name: 'keeps no replay store (every jti is new)',
    fails: ['hostile.replay'],
    make: broken((ref) => ref.handler, { stores: { replay: { add: async () => true } } }),
  },
  {
    name: 'answers an intent naming a replyKey in the clear',
    fails: ['sealed.offer.jws-sealed', 'sealed.offer.cose-sealed'],
    make: broken((ref) => async (request) => {
      const type = request.headers.get('content-type')
      const plain = type === 'application/intentcast+jws' || type === 'application/intentcast+cose'
      const sent = plain && isPost(request) ? new Uint8Array(await request.clone().arrayBuffer()) : undefined
      const response = await ref.handler(request)
      const sealed = /jwe|sealed/.test(response.headers.get('content-type') ?? '')
      if (sent === undefined || !sealed) return response
      const message = type === 'application/intentcast+jws' ? new TextDecoder().decode(sent) : sent
      const thread = ref.threads.get(digest(message))
      const offer = thread?.proposals.find((p) => p.kind === 'offer' && p.payload.inReplyTo === thread.intent.digest)
      if (offer === undefined || thread?.intent.digest !== digest(message)) return response
      const body = typeof offer.message === 'string' ? offer.message : new Uint8Array(offer.message)
      return new Response(body, {
        status: 200,
        headers: { 'content-type': type!, 'cache-control': 'no-store' },
      })
    }),
  },
  {
    name: 'answers the same bytes again with ERR_REPLAY (no retries)',
    fails: [...VARIANTS.map((v) => `retry.intent.${v}`), ...VARIANTS.map((v) => `retry.acceptance.${v}`)],
    make: broken((ref) => {
      const answered = new Set<string>()
      return async (request) => {
        const key = isPost(request) ? Buffer.from(await request.clone().arrayBuffer()).toString('base64') : ''
        if (key && answered.has(key)) return problem(409, 'ERR_REPLAY')
        const response = await ref.handler(request)
        if (key && response.status === 200) answered.add(key)
        return response
      }
    }),
  },
  {
    name: 'answers an unsupported media type or coding with 400, not 415',
    fails: ['hostile.media-type', 'hostile.content-encoding'],
    make: broken((ref) => async (request) => {
      const response = await ref.handler(request)
      if (response.status !== 415) return response
      const p = (await response.json()) as Record<string, unknown>
      return new Response(JSON.stringify({ ...p, status: 400 }), { status: 400, headers: response.headers })
    }),
  },
  {
    name: "hands back the customer's agreement without countersigning it",
    fails: ['acceptance.jws'],
    skips: ['retry.acceptance.jws', 'withdrawal.agreement.jws'],
    make: broken((ref) => async (request) => {
      const plain = request.headers.get('content-type') === 'application/intentcast+jws'
      const body = plain && isPost(request) ? await request.clone().text() : ''
      const response = await ref.handler(request)
      return body.includes('\n') && response.status === 200 ? jwsAnswer(body.split('\n')[1]!) : response
    }),
  },
  {
    name: 'answers a withdrawal with 200, not 204',
    fails: [...VARIANTS.map((v) => `withdrawal.agreement.${v}`), 'withdrawal.intent'],
    skips: ['withdrawal.after'],
    make: broken((ref) => async (request) => {
      const response = await ref.handler(request)
      return response.status === 204 ? new Response('', { status: 200 }) : response
    }),
  },
  {
    name: 'names an endpoint on another origin',
    fails: ['discovery.endpoint'],
    skips: ['messages'],
    make: broken((ref) => async (request) => {
      const response = await ref.handler(request)
      if (new URL(request.url).pathname !== '/.well-known/intentcast') return response
      const document = (await response.json()) as { endpoint: string }
      const moved = { ...document, endpoint: document.endpoint.replace(ORIGIN, 'https://broker.example') }
      return new Response(JSON.stringify(moved), { status: 200, headers: response.headers })
    }),
  },
]
