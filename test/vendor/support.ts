/**
 * Shared pieces for the vendor handler tests (and the wallet's, which talk to a real handler): servers on 127.0.0.1 port 0 that close themselves, vendors
 * with fixed terms, and intents signed now (the handler checks against the real clock).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createVendorHandler,
  toNodeListener,
  type OfferReply,
  type VendorHandler,
  type VendorHandlerOptions,
} from '../../src/vendor/index.js'
import {
  dealOf,
  generateKeyPair,
  signAcceptance,
  signAgreement,
  signIntent,
  verify,
  verifyThread,
  type Proposal,
  type IntentBody,
  type KeyPair,
  type OfferBody,
  type TermsBody,
} from '../../src/index.js'

export interface Running {
  readonly origin: string
  readonly server: Server
  close(): Promise<void>
}

/** Serves a node listener on an ephemeral loopback port. */
export async function listen(listener: Parameters<typeof createServer>[1]): Promise<Running> {
  const server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export const serve = (handler: (r: Request) => Promise<Response>): Promise<Running> => listen(toNodeListener(handler))

export const vendorTerms: TermsBody = {
  role: 'vendor',
  name: 'Velo Berlin',
  terms: { agreements: ['SD-BASE', 'SD-BASE-A'], conditions: [{ id: 'retention-days', value: '30', unit: 'day' }] },
}

export const dealTerms = {
  agreement: 'SD-BASE',
  conditions: [{ id: 'retention-days', value: '30', unit: 'day' }],
} satisfies OfferBody['terms']

export const intentBody = (name = 'cargo bike'): IntentBody => ({
  want: {
    item: { name, category: 'bicycles' },
    quantity: 1,
    maxPrice: { amount: '2000.00', currency: 'EUR' },
    region: 'DE-BE',
  },
  terms: { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '30', unit: 'day', required: true }] },
})

/** An offer at `price` for whatever was asked. */
export const offerFor =
  (price: string) =>
  (intent: { payload: { want: { item: OfferBody['item'] } } }): OfferReply => ({
    item: intent.payload.want.item,
    quantity: 1,
    price: { amount: price, currency: 'EUR' },
    terms: dealTerms,
  })

export interface TestVendor extends Running {
  readonly key: KeyPair
  readonly handler: VendorHandler
}

/** Options on top of a test vendor's: `on` is merged into the default callbacks (an offer at the price). */
export type VendorExtras = Omit<Partial<VendorHandlerOptions>, 'on'> & {
  readonly on?: Partial<VendorHandlerOptions['on']>
}

/** Handler options for a test vendor signing with `key`, offering at `price`. */
export function vendorOptions(key: KeyPair, price = '1900.00', extra: VendorExtras = {}): VendorHandlerOptions {
  return { keyPair: key, terms: vendorTerms, ...extra, on: { intent: offerFor(price), ...extra.on } }
}

export async function startVendor(price = '1900.00', extra: VendorExtras = {}): Promise<TestVendor> {
  const key = await generateKeyPair()
  const handler = createVendorHandler(vendorOptions(key, price, extra))
  await handler.ready
  return { ...(await serve(handler)), key, handler }
}

export async function freshIntent(customer?: KeyPair, name?: string): Promise<{ intent: string; customer: KeyPair }> {
  const k = customer ?? (await generateKeyPair())
  return { intent: await signIntent(intentBody(name), k), customer: k }
}

/**
 * The customer's acceptance of the last proposal in `messages` (a thread, intent first) and the
 * agreement it signs, joined as one body (spec §HTTP binding, Bodies).
 */
export async function acceptanceFor(customer: KeyPair, messages: readonly string[]): Promise<string> {
  const thread = await verifyThread(messages)
  const proposal = thread.messages.at(-1) as Proposal
  const acceptance = await signAcceptance(
    { inReplyTo: proposal.digest, intent: thread.intent.digest, ...dealOf(proposal.payload) },
    customer,
    { audience: proposal.issuer },
  )
  thread.add(await verify(acceptance, { expect: 'acceptance' }))
  return `${acceptance}\n${await signAgreement(thread.agreementBody(), customer)}`
}

export const post = (
  url: string,
  body: string | Uint8Array<ArrayBuffer>,
  contentType = 'application/intentcast+jws',
): Promise<Response> => fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body })

/** A Request to a handler without a server: handlers are fetch-standard. */
export const request = (path: string, init: RequestInit = {}, origin = 'https://vendor.example'): Request =>
  new Request(origin + path, init)

export const postTo = (
  handler: (r: Request) => Promise<Response>,
  body: string,
  contentType = 'application/intentcast+jws',
  headers: Record<string, string> = {},
): Promise<Response> =>
  handler(
    request('/intentcast/messages', { method: 'POST', headers: { 'content-type': contentType, ...headers }, body }),
  )

/** Reads a problem answer and checks its shape (RFC 9457 plus `code`; 404 and 405 carry none, see `httpProblemOf`). */
export async function problemOf(
  response: Response,
): Promise<{ status: number; code: string; detail: string; type: string; title: string }> {
  const { expect } = await import('vitest')
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  const p = (await response.json()) as { status: number; code: string; detail: string; type: string; title: string }
  expect(p.status).toBe(response.status)
  expect(p.type).toBe(`https://intentcast.dev/errors#${p.code}`)
  expect(typeof p.title).toBe('string')
  return p
}

/** Reads a problem about HTTP itself (404, 405): `about:blank`, and no intentcast code. */
export async function httpProblemOf(
  response: Response,
): Promise<{ status: number; detail: string; type: string; title: string }> {
  const { expect } = await import('vitest')
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  const p = (await response.json()) as { status: number; detail: string; type: string; title: string; code?: unknown }
  expect(p.status).toBe(response.status)
  expect(p.type).toBe('about:blank')
  expect(p).not.toHaveProperty('code')
  return p
}
