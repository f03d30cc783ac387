/**
 * `wallet` mode: the other side of the kit. It stands up a conformance vendor (and a decoy that
 * redirects) for a wallet under test to talk to, records what the wallet sends, and judges it
 * once the wallet has done what the checks need, or whenever the caller asks. Fetch-standard
 * handlers only, so it runs in any runtime: the CLI serves them on ports, a test may serve them
 * or call them in-process.
 */
import { IntentcastError } from '../errors.js'
import { generateKeyPair, type KeyPair } from '../keys/key-pair.js'
import { makeReport, type ConformanceReport } from './report.js'
import { judgeWallet } from './wallet-checks.js'
import { createWalletSites, type WalletSites } from './wallet-vendor.js'

/**
 * `createWalletConformance`'s options.
 *
 * @example
 * ```ts
 * const kit = await createWalletConformance({ casts: 3 } satisfies WalletConformanceOptions)
 * ```
 */
export interface WalletConformanceOptions {
  /** How many casts the wallet must make, to show each has a fresh key. Default 2, at least 2. */
  readonly casts?: number
  /** The conformance vendor's signing key. Default: a fresh one. */
  readonly keyPair?: KeyPair
}

/**
 * A conformance vendor for a wallet under test: the two sites to serve, a promise that settles
 * once the wallet has done everything the checks look at, and the report.
 *
 * @example
 * ```ts
 * const kit = await createWalletConformance()
 * // serve kit.vendor and kit.decoy; have the wallet cast to both twice, then accept an offer
 * await Promise.race([kit.done, timeout])
 * const report = await kit.report()
 * ```
 */
export interface WalletConformance {
  /** The conformance vendor: discovered, cast to, countered and accepted at. */
  readonly vendor: (request: Request) => Promise<Response>
  /** A vendor whose document is valid and whose endpoint answers 307: the wallet must not follow it. */
  readonly decoy: (request: Request) => Promise<Response>
  /**
   * Settles once the vendor has taken `casts` intents and countersigned an agreement, and the
   * decoy has been posted to: what the checks need. It never rejects; a wallet that never gets
   * there is reported on whenever `report` is called.
   */
  readonly done: Promise<void>
  /** Judges everything recorded so far. */
  report(): Promise<ConformanceReport>
}

/** What a person does with the wallet under test, for the CLI to print and a test to follow. */
export const WALLET_STEPS: readonly string[] = [
  'cast an intent to the vendor URL and to the decoy URL (the decoy must fail: it redirects)',
  'counter the offer, if the wallet can (optional), then accept the offer or the counter',
  'cast again, to the vendor URL, as many times as asked (each cast must use a fresh key)',
]

/**
 * Makes the conformance vendor and its decoy, ready to serve.
 *
 * @example
 * ```ts
 * const kit = await createWalletConformance()
 * const vendor = createServer(toNodeListener(kit.vendor)).listen(8080)
 * ```
 */
export async function createWalletConformance(options: WalletConformanceOptions = {}): Promise<WalletConformance> {
  const { casts = 2 } = options
  if (!Number.isSafeInteger(casts) || casts < 2 || casts > 100)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'casts is a whole number from 2 to 100')
  const started = performance.now()
  const sites: WalletSites = createWalletSites(options.keyPair ?? (await generateKeyPair()), await generateKeyPair())
  await sites.ready
  let finish: () => void = () => {}
  const done = new Promise<void>((resolve) => (finish = resolve))
  const complete = (): boolean =>
    sites.intents.size >= casts &&
    sites.agreements.size > 0 &&
    sites.records.some((r) => r.site === 'decoy' && r.method === 'POST')
  const watched =
    (answer: (request: Request) => Promise<Response>) =>
    async (request: Request): Promise<Response> => {
      const response = await answer(request)
      if (complete()) finish()
      return response
    }
  return {
    vendor: watched(sites.vendor),
    decoy: watched(sites.decoy),
    done,
    async report() {
      const target = sites.records.find((r) => r.site === 'vendor')?.url
      return makeReport(
        'wallet',
        target === undefined ? 'no request reached the conformance vendor' : new URL(target).origin,
        await judgeWallet(sites, casts),
        started,
      )
    },
  }
}
