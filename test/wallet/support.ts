/**
 * Shared pieces for the wallet tests: servers on 127.0.0.1 port 0 that close themselves, vendors
 * with fixed terms, and intent bodies (the handler checks against the real clock).
 *
 * Every test vendor is built by `vendorHandler`, the one call of `createVendorHandler` here, with
 * options of the tests' own shape: when the vendor handler's options change, only it changes.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createVendorHandler,
  toNodeListener,
  type AcceptanceContext,
  type CounterContext,
  type MemoryThreadStore,
  type VendorHandler,
} from '../../src/vendor/index.js'
import {
  generateKeyPair,
  type AgreementStore,
  type Deal,
  type GpcDocument,
  type IntentBody,
  type KeyPair,
  type MyTermsDocument,
  type OfferBody,
  type TermsBody,
  type Verified,
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

/** A deal at `amount` EUR under the test vendors' terms. */
export const dealAt = (amount: string): Deal => ({ quantity: 1, price: { amount, currency: 'EUR' }, terms: dealTerms })

type Offer = Omit<OfferBody, 'inReplyTo'>

/** An offer at `price` for whatever was asked. */
export const offerFor =
  (price: string) =>
  (intent: Verified<'intent'>): Offer => ({ item: intent.payload.want.item, ...dealAt(price) })

/** A test vendor's behaviour, in the tests' own words (see the file comment). */
export interface TestVendorOptions {
  /** Default: a fresh key. */
  readonly keyPair?: KeyPair
  /** The price it offers at when `onIntent` is not given. Default 1900.00. */
  readonly price?: string
  readonly onIntent?: (intent: Verified<'intent'>, context: { readonly gpc: boolean }) => Offer | null
  /** Default: no answer (202). */
  readonly onCounter?: (counter: Verified<'counter'>, context: CounterContext) => Deal | 'agree' | null
  readonly onAcceptance?: (acceptance: Verified<'acceptance'>, context: AcceptanceContext) => void
  readonly threads?: MemoryThreadStore
  /** Where the vendor keeps the agreements it countersigns. Default: its own memory store. */
  readonly agreements?: AgreementStore
  readonly previousKeys?: ReadonlyArray<{ readonly keyPair: KeyPair; readonly expiresAt: Date }>
  readonly myterms?: MyTermsDocument
  readonly gpc?: GpcDocument
  /** The relays it trusts for later offers (`http.relays`). */
  readonly relays?: readonly string[]
}

export interface TestVendor extends Running {
  readonly key: KeyPair
  readonly handler: VendorHandler
}

/** A vendor handler, ready (its terms signed), not yet served. */
export async function vendorHandler(
  options: TestVendorOptions = {},
): Promise<{ handler: VendorHandler; key: KeyPair }> {
  const key = options.keyPair ?? (await generateKeyPair())
  const {
    onIntent = offerFor(options.price ?? '1900.00'),
    onCounter,
    onAcceptance,
    threads,
    agreements,
    previousKeys,
    myterms,
    gpc,
    relays,
  } = options
  const handler = createVendorHandler({
    keyPair: key,
    terms: vendorTerms,
    on: {
      intent: (intent, context) => onIntent(intent, { gpc: context.gpc }),
      ...(onCounter && { counter: onCounter }),
      ...(onAcceptance && { acceptance: onAcceptance }),
    },
    ...((threads || agreements) && { stores: { ...(threads && { threads }), ...(agreements && { agreements }) } }),
    ...(previousKeys && { previousKeys }),
    ...((myterms || gpc) && { documents: { ...(myterms && { myterms }), ...(gpc && { gpc }) } }),
    ...(relays && { http: { relays } }),
  })
  await handler.ready
  return { handler, key }
}

/** A vendor served on loopback. */
export async function startVendor(options: TestVendorOptions = {}): Promise<TestVendor> {
  const { handler, key } = await vendorHandler(options)
  return { ...(await serve(handler)), key, handler }
}
