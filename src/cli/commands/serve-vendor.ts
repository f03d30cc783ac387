import { shortDid } from '../../keys/did-key.js'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { IntentcastError } from '../../errors.js'
import type { Verified } from '../../envelope/verify.js'
import { createVendorHandler, toNodeListener, type CounterDecision, type OfferReply } from '../../vendor/index.js'
import { MEDIA_TYPE_JWS, WELL_KNOWN_PATH } from '../../model/media-types.js'
import type { PrivateJwk } from '../../keys/did-key.js'
import { generateKeyPair, importKeyPair, type KeyPair } from '../../keys/key-pair.js'
import { parseDuration } from '../../lib/time.js'
import { CURRENCY, DECIMAL, type Money } from '../../model/primitives.js'
import type { TermSet } from '../../model/term-set.js'
import { matchTerms } from '../../terms/match.js'
import { normalizeAgreementId } from '../../model/roster.js'
import type { Command } from '../command.js'
import { readJson } from '../io.js'
import { readTermsArg } from '../terms-input.js'
import { dealTermsText, money, termSetText } from '../text.js'

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

/** Resolves on SIGINT or SIGTERM, or after `seconds` when given. */
function stopSignal(seconds: number | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => () => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      clearTimeout(timer)
      resolve(why)
    }
    const onInt = done('SIGINT')
    const onTerm = done('SIGTERM')
    process.once('SIGINT', onInt)
    process.once('SIGTERM', onTerm)
    const timer = seconds === undefined ? undefined : setTimeout(done(`${seconds} s passed`), seconds * 1000)
  })
}

export const serveVendor: Command = {
  name: 'serve-vendor',
  summary: 'run a demo vendor site: publishes its signed terms, answers intents with offers, countersigns agreements',
  usage:
    '[--port <n>] [--host <addr>] [--terms <file>] [--key <private.jwk.json>] [--name <text>] [--price <amount>] [--currency <code>] [--floor <amount>] [--for <span>]',
  help: [
    '--port <n>          the port (default 0: any free port; the origin is printed)',
    '--host <addr>       the address to listen on (default 127.0.0.1)',
    '--terms <file>      its terms: a TermSet, a declaration payload, or a signed declaration (verified,',
    "                    then signed again with this vendor's key)",
    `                    (default: ${termSetText(DEFAULT_VENDOR_TERMS, 'vendor')})`,
    '--key <file>        its signing key, a private JWK from `intentcast keygen` (default: a fresh key)',
    '--name <text>       the name in its terms declaration (default: Demo Vendor)',
    "--price <amount>    the price it offers for any intent (default: the intent's maximum price, else 100.00)",
    '--currency <code>   when the intent names no currency (default EUR)',
    '--floor <amount>    the lowest price it agrees to when countered (default: the price it offered)',
    '--for <span>        stop by itself after this long, e.g. 90s or 10m (default: run until stopped)',
    '',
    'It stops on Ctrl-C (SIGINT) or SIGTERM. It logs each intent, counter and agreement; with --json,',
    'one JSON document per line: {"event":"listening",...} first, then one per event.',
    'Everything is kept in memory: a restart forgets its threads.',
  ],
  options: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    terms: { type: 'string' },
    key: { type: 'string', short: 'k' },
    name: { type: 'string' },
    price: { type: 'string' },
    currency: { type: 'string' },
    floor: { type: 'string' },
    for: { type: 'string' },
  },
  async run(_args, values, out) {
    const str = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined)
    const port = str('port')
    if (port !== undefined && !/^\d{1,5}$/.test(port))
      throw new IntentcastError('ERR_INVALID_ARGUMENT', '--port must be a number from 0 to 65535')
    const seconds =
      str('for') === undefined
        ? undefined
        : parseDuration(/^\d+$/.test(str('for')!) ? Number(str('for')) : str('for')!, '--for')
    const termsArg = str('terms') === undefined ? undefined : await readTermsArg(str('terms')!, 'vendor')
    const keyFile = str('key')
    const name = str('name') ?? termsArg?.name
    const say = (human: string, data: Record<string, unknown>) =>
      out.event(`${new Date().toISOString().slice(11, 19)}  ${human}`, data)
    const vendor = await startDemoVendor({
      ...(port !== undefined && { port: Number(port) }),
      ...(str('host') !== undefined && { host: str('host')! }),
      ...(keyFile !== undefined && { keyPair: await importKeyPair(readJson(keyFile) as PrivateJwk) }),
      ...(termsArg && { terms: termsArg.terms }),
      ...(name !== undefined && { name }),
      ...(str('price') !== undefined && { price: str('price')! }),
      ...(str('currency') !== undefined && { currency: str('currency')! }),
      ...(str('floor') !== undefined && { floor: str('floor')! }),
      onEvent: (e) => {
        if (e.event === 'intent')
          say(`intent ${e.digest.slice(0, 10)}… from ${shortDid(e.from)}: ${e.item} → offer ${money(e.offer)}`, {
            ...e,
          })
        if (e.event === 'counter')
          say(
            `counter ${e.digest.slice(0, 10)}… at ${money(e.price)} → ${e.answer === 'agree' ? 'agreed (restated as our counter)' : 'no answer (202)'}`,
            { ...e },
          )
        if (e.event === 'agreement')
          say(
            `agreement ${e.digest.slice(0, 10)}… countersigned with ${shortDid(e.customer)}: ${money(e.price)}, ${e.terms}`,
            { ...e },
          )
      },
    })
    if (out.json)
      out.event('', {
        event: 'listening',
        origin: vendor.origin,
        did: vendor.did,
        name: vendor.name,
        terms: vendor.terms,
        document: vendor.origin + WELL_KNOWN_PATH,
      })
    else {
      out.line(`${vendor.name} listening at ${vendor.origin}`)
      out.line(`  document  ${vendor.origin}${WELL_KNOWN_PATH}`)
      out.line(`  key       ${vendor.did}`)
      out.line(`  terms     ${termSetText(vendor.terms, 'vendor')}`)
      out.line(`  takes     ${MEDIA_TYPE_JWS}`)
      out.line(
        `cast to it: intentcast cast <intent> ${vendor.origin}   (Ctrl-C stops it${seconds !== undefined ? `; it stops by itself after ${seconds} s` : ''})`,
      )
    }
    const why = await stopSignal(seconds)
    await vendor.close()
    out.event(`stopped (${why})`, { event: 'stopped', reason: why })
    return 0
  },
}
