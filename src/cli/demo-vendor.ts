/**
 * The demo vendor `intentcast serve-vendor` runs, and the tests and the demo start in-process: a
 * vendor handler with a fixed price policy, on node:http. Kept apart from the command so the
 * command file holds only argument handling.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Verified } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import { generateKeyPair, type KeyPair } from '../keys/key-pair.js'
import { CURRENCY, DECIMAL, type Money } from '../model/primitives.js'
import { normalizeAgreementId } from '../model/roster.js'
import type { TermSet } from '../model/term-set.js'
import { matchTerms } from '../terms/match.js'
import { createVendorHandler, toNodeListener, type CounterDecision, type OfferReply } from '../vendor/index.js'
import { dealTermsText } from './text.js'

/** What a demo vendor publishes when given no terms: service delivery only, 30 days' retention, deletion on request. */
export const DEFAULT_VENDOR_TERMS: TermSet = {
  agreements: ['SD-BASE'],
  conditions: [
    { id: 'retention-days', value: '30', unit: 'day' },
    { id: 'deletion-on-request', value: true },
  ],
}

export interface DemoVendorOptions {
  /** Default 0: any free port. */
  readonly port?: number
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Default: a fresh key. */
  readonly keyPair?: KeyPair
  /** Default: DEFAULT_VENDOR_TERMS. */
  readonly terms?: TermSet
  /** Default 'Demo Vendor'. */
  readonly name?: string
  /** The price offered for any intent (a decimal string). Default: the intent's maxPrice, else 100.00. */
  readonly price?: string
  /** The currency when the intent names none. Default EUR. */
  readonly currency?: string
  /** The lowest price it agrees to when countered. Default: the price it offered. */
  readonly floor?: string
  /** Hears each intent, counter and agreement, for a log. */
  readonly onEvent?: (event: VendorEvent) => void
}

export type VendorEvent =
  | {
      readonly event: 'intent'
      readonly digest: string
      readonly from: string
      readonly item: string
      readonly offer: Money
    }
  | {
      readonly event: 'counter'
      readonly digest: string
      readonly from: string
      readonly price: Money
      readonly answer: 'agree' | 'none'
    }
  | {
      readonly event: 'agreement'
      readonly digest: string
      readonly customer: string
      readonly price: Money
      readonly terms: string
    }

export interface DemoVendor {
  readonly origin: string
  readonly did: string
  readonly name: string
  readonly terms: TermSet
  /** Stops taking connections, ends open ones, and resolves once the server is closed. */
  close(): Promise<void>
}

function checkAmount(amount: string | undefined, what: string): void {
  if (amount !== undefined && !DECIMAL.test(amount))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${what} must be a decimal amount such as 1750.00`)
}

/**
 * A demo vendor site on a port: it publishes its signed terms at /.well-known/intentcast, offers
 * every intent the wanted item at one price under its own terms, agrees to any counter at or
 * above its floor under an agreement it takes, and countersigns acceptances. In-memory stores.
 */
export async function startDemoVendor(options: DemoVendorOptions = {}): Promise<DemoVendor> {
  checkAmount(options.price, 'price')
  checkAmount(options.floor, 'floor')
  if (options.currency !== undefined && !CURRENCY.test(options.currency))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'currency must be an ISO 4217 code such as EUR')
  const port = options.port ?? 0
  if (!Number.isSafeInteger(port) || port < 0 || port > 65_535)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'port must be a number from 0 to 65535')
  const keyPair = options.keyPair ?? (await generateKeyPair())
  const terms = options.terms ?? DEFAULT_VENDOR_TERMS
  const name = options.name ?? 'Demo Vendor'
  const report = (e: VendorEvent): void => options.onEvent?.(e)
  const offered = new Map<string, Money>() // intent digest → the price offered

  const priceFor = (intent: Verified<'intent'>): Money => {
    const max = intent.payload.want.maxPrice
    return { amount: options.price ?? max?.amount ?? '100.00', currency: max?.currency ?? options.currency ?? 'EUR' }
  }

  const handler = createVendorHandler({
    keyPair,
    terms: { role: 'vendor', name, terms },
    on: {
      intent(intent): OfferReply {
        const price = priceFor(intent)
        offered.set(intent.digest, price)
        const agreement = matchTerms(intent.payload.terms, terms).agreement ?? terms.agreements[0]!
        report({
          event: 'intent',
          digest: intent.digest,
          from: intent.issuer,
          item: intent.payload.want.item.name,
          offer: price,
        })
        return {
          item: intent.payload.want.item,
          quantity: intent.payload.want.quantity ?? 1,
          price,
          terms: { agreement, ...(terms.conditions && { conditions: terms.conditions }) },
        }
      },
      counter(c, { thread }): CounterDecision {
        const floor = options.floor ?? offered.get(thread.intent.digest)?.amount ?? '0'
        const asked = normalizeAgreementId(c.payload.terms.agreement)
        const takes = terms.agreements.some((a) => normalizeAgreementId(a) === asked)
        const agree = takes && Number(c.payload.price.amount) >= Number(floor)
        report({
          event: 'counter',
          digest: c.digest,
          from: c.issuer,
          price: c.payload.price,
          answer: agree ? 'agree' : 'none',
        })
        return agree ? 'agree' : null
      },
      acceptance(_acceptance, { agreement }) {
        const p = agreement.payload
        report({
          event: 'agreement',
          digest: agreement.digest,
          customer: p.parties.customer,
          price: p.price,
          terms: dealTermsText(p.terms),
        })
      },
    },
  })
  await handler.ready
  const server = createServer(toNodeListener(handler))
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) =>
      reject(
        new IntentcastError(
          'ERR_INVALID_ARGUMENT',
          `cannot listen on ${options.host ?? '127.0.0.1'}:${port}: ${cause.message}`,
          { cause },
        ),
      ),
    )
    server.listen(port, options.host ?? '127.0.0.1', resolve)
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    origin: `http://${host}:${address.port}`,
    did: keyPair.did,
    name,
    terms,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
