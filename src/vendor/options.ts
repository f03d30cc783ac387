/**
 * The handler's options, grouped by concern: who signs (`keyPair`, `previousKeys`, `terms`),
 * the vendor's code (`on`), and then one group per thing a deployment tunes (`stores`,
 * `limits`, `http`, `documents`), so the handler's signature reads as the few decisions a vendor
 * makes rather than a flat list. resolve-options.ts checks them.
 */
import type { TermsBody } from '../envelope/sign.js'
import type { KeyPair } from '../keys/key-pair.js'
import type { GpcDocument, MyTermsDocument } from '../model/well-known.js'
import type { AgreementStore } from '../agreements/store.js'
import type { ReplayStore } from '../replay/store.js'
import type { VendorCallbacks } from './callbacks.js'
import type { ThreadStore } from './thread-store.js'

/**
 * An earlier signing key, still honoured for the threads it opened until `expiresAt`; the vendor
 * document lists it as retired until then.
 *
 * @example
 * ```ts
 * const previous: PreviousKey = { keyPair: lastYearsKey, expiresAt: new Date('2026-01-31') }
 * ```
 */
export interface PreviousKey {
  readonly keyPair: KeyPair
  readonly expiresAt: Date
}

/**
 * Where the handler keeps what it has seen and what it agreed. All three default to in-memory
 * stores for one process; vendor processes that share the Redis ones share their threads, take
 * moves on one thread one at a time, and lose nothing on a restart.
 *
 * @example
 * ```ts
 * import { RedisAgreementStore, RedisReplayStore } from 'intentcast'
 * import { RedisThreadStore } from 'intentcast/vendor'
 *
 * const stores: VendorStores = { replay: new RedisReplayStore(redis), threads: new RedisThreadStore(redis), agreements: new RedisAgreementStore(redis) }
 * ```
 */
export interface VendorStores {
  /** Default: a MemoryReplayStore. Use a RedisReplayStore to share one among processes. */
  readonly replay?: ReplayStore
  /** Default: a MemoryThreadStore. Use a RedisThreadStore to share one among processes. */
  readonly threads?: ThreadStore
  /**
   * Every agreement the handler countersigns, with its thread: the vendor's record. Default: a
   * MemoryAgreementStore. Use a RedisAgreementStore (or a database of your own) to keep them.
   */
  readonly agreements?: AgreementStore
}

/**
 * Bounds on what a request may cost, and on how long the vendor's proposals stand.
 *
 * @example
 * ```ts
 * const limits: VendorLimits = { maxBodyBytes: 16_384, bodyTimeoutMs: 5_000, proposalExpiresIn: '15m' }
 * ```
 */
export interface VendorLimits {
  /** The largest request body, in bytes. Default 65,536. */
  readonly maxBodyBytes?: number
  /** Milliseconds a request body may take to arrive. Default 10,000. */
  readonly bodyTimeoutMs?: number
  /** Lifetime of the vendor's offers and counters: seconds, or a span like `'2h'`. Default 1h. */
  readonly proposalExpiresIn?: number | string
}

/**
 * Where the handler is reached, from where, and where it posts to.
 *
 * @example
 * ```ts
 * const http: VendorHttp = { origin: 'https://shop.example', basePath: '/api/intentcast', cors: ['https://wallet.example'], relays: ['https://relay.example/relay'] }
 * ```
 */
export interface VendorHttp {
  /**
   * The public origin the vendor document advertises. Set it in production: without it the
   * endpoint is taken from each request's `Host`, so the document is served `no-store`, never
   * cached (a forged `Host` must not poison a shared cache).
   */
  readonly origin?: string
  /** Where the message endpoint lives: `<basePath>/messages`. Default `/intentcast`. */
  readonly basePath?: string
  /** Browser origins allowed to call, or `'*'`. Default: none (no CORS headers). */
  readonly cors?: readonly string[] | '*'
  /**
   * The relays the vendor trusts to post to on its own (their URLs, e.g.
   * `https://relay.example/relay`): `handler.offer` posts a later offer to an intent's `replyTo`
   * only when it is the customer's mailbox at one of these. A `replyTo` is the customer's to
   * choose, so the vendor never posts to one elsewhere, which would let anyone aim its server at
   * a third party (spec §Relay binding, Answering later). A relay the handler is connected to
   * (`connectRelay`) is trusted too. Default: none.
   */
  readonly relays?: readonly string[]
}

/**
 * The unsigned well-known documents to serve beside the vendor document.
 *
 * @example
 * ```ts
 * const documents: VendorDocuments = { myterms: { agreements: [{ id: 'SD-BASE' }] }, gpc: { gpc: true } }
 * ```
 */
export interface VendorDocuments {
  /** Served at /.well-known/myterms.json when given. */
  readonly myterms?: MyTermsDocument
  /** Served at /.well-known/gpc.json when given. */
  readonly gpc?: GpcDocument
}

/**
 * Everything `createVendorHandler` takes; nothing else is accepted.
 *
 * @example
 * ```ts
 * const options: VendorHandlerOptions = {
 *   keyPair,
 *   terms: { role: 'vendor', terms: { agreements: ['SD-BASE'] } },
 *   on: { intent: (i) => ({ item: i.payload.want.item, quantity: 1, price: { amount: '1890.00', currency: 'EUR' }, terms: { agreement: 'SD-BASE' } }) },
 *   limits: { proposalExpiresIn: '2h' },
 * }
 * ```
 */
export interface VendorHandlerOptions {
  /** The current signing key. */
  readonly keyPair: KeyPair
  /** Earlier keys, still honoured until their `expiresAt` for the threads they opened. */
  readonly previousKeys?: readonly PreviousKey[]
  /** The vendor's terms: a body to sign with `keyPair` at start, or an already signed declaration. */
  readonly terms: TermsBody | string
  /** The vendor's code: what to answer to each move. */
  readonly on: VendorCallbacks
  readonly stores?: VendorStores
  readonly limits?: VendorLimits
  readonly http?: VendorHttp
  readonly documents?: VendorDocuments
}
