import { IntentcastError } from '../errors.js'
import { signIntent, type IntentBody } from '../envelope/sign.js'
import type { Format } from '../envelope/verify.js'
import { keyPairFromSeed, type KeyPair } from '../keys/key-pair.js'
import type { Deal } from '../model/deal.js'
import { castIntent } from './cast.js'
import type { CastOptions, CastResult, CastTarget } from './cast-types.js'
import { checkCast, checkDeal, checkNegotiation } from './check.js'
import { checkSendOptions } from './send.js'
import { castSeed, vendorSeed } from './derive.js'
import type { Negotiation } from './reply.js'
import {
  acceptWith,
  counterWith,
  type Accepted,
  type Countered,
  type CounterOptions,
  type RespondOptions,
} from './respond.js'

/**
 * What to persist beside the master secret: how many cast keys were handed out.
 *
 * @example
 * ```ts
 * const wallet = Wallet.fromSecret(saved.secret, { casts: saved.casts } satisfies WalletState)
 * ```
 */
export interface WalletState {
  /** How many cast keys were handed out. Default 0. */
  readonly casts?: number
}

/**
 * `wallet.cast`'s options: those of any cast, and how the intent is signed.
 *
 * @example
 * ```ts
 * await wallet.cast(body, vendors, { format: 'cose', expiresIn: '2h', timeoutMs: 5_000 })
 * ```
 */
export interface WalletCastOptions extends CastOptions {
  /** The intent's envelope, and so every message of its threads: `jws` (default) or `cose`. */
  readonly format?: Format
  /** The intent's lifetime: seconds, or a span such as `'2h'`. Default 24h. */
  readonly expiresIn?: number | string
}

/**
 * What `wallet.cast` brings back: a cast's result whose offers are Negotiations (ready for
 * `wallet.counter` and `wallet.accept`), and the index of the cast key it used.
 *
 * @example
 * ```ts
 * const { castIndex, intent, offers, failures }: WalletCast = await wallet.cast(body, vendors)
 * ```
 */
export interface WalletCast extends CastResult<Negotiation> {
  /** The cast key's index: `wallet.castKey(castIndex)` derives it again. */
  readonly castIndex: number
}

/**
 * A customer's wallet: it owns the keys, all derived from one 32-byte master secret (spec §HTTP
 * binding, Wallet keys), and the flow that uses them. `cast` signs each intent with a fresh cast
 * key, so vendors cannot link casts by key; `counter` and `accept` find that key again, and the
 * one stable key the wallet keeps per vendor, so the caller never handles a key. Persist the
 * secret and `casts` together: a wallet restored with a lower count would hand out cast keys
 * again, and a reused cast key links casts.
 *
 * @example
 * ```ts
 * import { dealOf } from 'intentcast'
 * import { Wallet } from 'intentcast/wallet'
 *
 * const wallet = Wallet.create()
 * const { offers } = await wallet.cast(body, ['https://shop.example', 'https://bikes.example'])
 * const { reply } = await wallet.counter(offers[0]!, { ...dealOf(offers[0]!.proposal.payload), price: { amount: '1850.00', currency: 'EUR' } })
 * const { agreement } = await wallet.accept(reply ?? offers[0]!)
 * save({ secret: wallet.exportSecret(), casts: wallet.casts })
 * ```
 */
export class Wallet {
  readonly #secret: Uint8Array
  #casts: number

  private constructor(secret: Uint8Array, casts: number) {
    this.#secret = secret
    this.#casts = casts
  }

  /** A new wallet with a random master secret. */
  static create(): Wallet {
    return new Wallet(globalThis.crypto.getRandomValues(new Uint8Array(32)), 0)
  }

  /** Restores a wallet from its master secret (and the cast count it had reached). */
  static fromSecret(secret: Uint8Array, state: WalletState = {}): Wallet {
    if (!(secret instanceof Uint8Array) || secret.length !== 32)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a wallet master secret is 32 bytes')
    const casts = state.casts ?? 0
    if (!Number.isSafeInteger(casts) || casts < 0)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'casts is a count: a non-negative integer')
    return new Wallet(secret.slice(), casts)
  }

  /** A copy of the master secret: everything the wallet signs with derives from it. */
  exportSecret(): Uint8Array {
    return this.#secret.slice()
  }

  /** How many cast keys were handed out: persist it with the secret. */
  get casts(): number {
    return this.#casts
  }

  /**
   * The next unused cast key. Sign one intent with it, and nothing else (`cast` does both).
   * The index is taken before the first await: two calls in flight must never get the same
   * key, which would link their two casts.
   *
   * @example
   * ```ts
   * const { index, keyPair } = await wallet.nextCastKey()
   * const result = await castIntent(await signIntent(body, keyPair, { format: 'cose' }), vendors)
   * ```
   */
  async nextCastKey(): Promise<{ index: number; keyPair: KeyPair }> {
    const index = this.#casts
    // Throws past the last index (2^32 - 1) before the count moves.
    const seed = castSeed(this.#secret, index)
    this.#casts = index + 1
    return { index, keyPair: await keyPairFromSeed(seed) }
  }

  /** Cast key `index`, derived again. A bad index rejects (async, so it never throws at the call). */
  async castKey(index: number): Promise<KeyPair> {
    return keyPairFromSeed(castSeed(this.#secret, index))
  }

  /** The relationship key for the vendor at `origin`: it signs agreements and is named as `party` in acceptances. */
  async vendorKey(origin: string): Promise<KeyPair> {
    return keyPairFromSeed(vendorSeed(this.#secret, origin))
  }

  /**
   * Signs `body` as an intent under the next cast key and casts it (see `castIntent`). Each offer
   * comes back as a Negotiation carrying the cast index. Targets and options are checked before
   * the key is taken; once taken, it stays taken, even when signing or every vendor fails: an
   * index is cheap to skip, and one some vendor may have seen must never sign again.
   *
   * @example
   * ```ts
   * const { castIndex, offers, failures } = await wallet.cast(body, ['https://shop.example', vendor], { format: 'cose' })
   * ```
   */
  async cast(body: IntentBody, vendors: readonly CastTarget[], options: WalletCastOptions = {}): Promise<WalletCast> {
    checkCast(vendors, options)
    if (options.format !== undefined && options.format !== 'jws' && options.format !== 'cose')
      throw new IntentcastError('ERR_INVALID_ARGUMENT', "format is 'jws' or 'cose'")
    const { index, keyPair } = await this.nextCastKey()
    const signOptions = {
      ...(options.format && { format: options.format }),
      ...(options.expiresIn !== undefined && { expiresIn: options.expiresIn }),
      ...(options.now && { now: options.now }),
    }
    const result = await castIntent(await signIntent(body, keyPair, signOptions), vendors, options)
    const withIndex = <T extends object>(reply: T): T & { castIndex: number } => ({ ...reply, castIndex: index })
    return {
      ...result,
      castIndex: index,
      offers: result.offers.map(withIndex),
      excluded: result.excluded.map(withIndex),
    }
  }

  /**
   * Counters a vendor's offer or counter with `deal` (spec §Counter), signed with the thread's
   * cast key, and reads the vendor's answer: its own counter, verified, or none yet (202).
   * `negotiation` is left as it was, so it can still be accepted or countered again.
   *
   * @example
   * ```ts
   * const { reply } = await wallet.counter(offers[0]!, { ...dealOf(offers[0]!.proposal.payload), price: { amount: '1850.00', currency: 'EUR' } }, { note: 'Deal at 1850?' })
   * ```
   */
  async counter(negotiation: Negotiation, deal: Deal, options: CounterOptions = {}): Promise<Countered> {
    checkNegotiation(negotiation)
    checkSendOptions(options)
    checkDeal(deal, options.note)
    const castKey = await this.#castKeyOf(negotiation)
    const { thread, reply } = await counterWith(negotiation, deal, castKey, options)
    return { thread, ...(reply && { reply: { ...reply, castIndex: negotiation.castIndex } }) }
  }

  /**
   * Accepts a vendor's offer or counter (spec §HTTP binding, Accepting): the acceptance under the
   * thread's cast key names this vendor's relationship key, which signs the agreement; the
   * vendor countersigns it, and the wallet checks it got back exactly what it signed.
   *
   * @example
   * ```ts
   * const { agreement, thread } = await wallet.accept(reply ?? offers[0]!)
   * ```
   */
  async accept(negotiation: Negotiation, options: RespondOptions = {}): Promise<Accepted> {
    checkNegotiation(negotiation)
    checkSendOptions(options)
    const castKey = await this.#castKeyOf(negotiation)
    return acceptWith(negotiation, { castKey, vendorKey: await this.vendorKey(negotiation.vendor.origin) }, options)
  }

  /**
   * The cast key of a negotiation, derived again from the index it carries. The index travels
   * with the negotiation, rather than living in a map from intent to index kept here, because
   * a map would be lost on restart, would have to forget old casts to stay bounded, and would
   * not be shared by two Wallet objects over the same secret; the index is one small number the
   * caller persists with the thread. It is not trusted: the key it derives must be the intent's
   * signer, so a wrong or forged index cannot sign in another cast's thread.
   */
  async #castKeyOf(negotiation: Negotiation): Promise<KeyPair> {
    const castKey = await this.castKey(negotiation.castIndex)
    if (castKey.did !== negotiation.thread.intent.issuer) {
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `the intent of this negotiation was not signed by this wallet's cast key ${negotiation.castIndex}`,
      )
    }
    return castKey
  }
}
