import type { AgreementStore } from '../agreements/store.js'
import { IntentcastError } from '../errors.js'
import { signIntent, type IntentBody } from '../envelope/sign.js'
import type { Format } from '../envelope/verify.js'
import { keyPairFromSeed, type KeyPair } from '../keys/key-pair.js'
import type { Deal } from '../model/deal.js'
import { castIntent } from './cast.js'
import type { CastOptions, CastResult, CastTarget } from './cast-types.js'
import { checkCast, checkDeal, checkNegotiation } from './check.js'
import { checkSendOptions, isRefusal } from './send.js'
import { castSeed, vendorSeed } from './derive.js'
import {
  decodeNegotiation,
  encodeNegotiation,
  holdsAcceptance,
  negotiationId,
  type StoredNegotiation,
} from './negotiation-record.js'
import type { NegotiationStore } from './negotiation-store.js'
import { resolveWalletOptions, type WalletOptions } from './options.js'
import type { Negotiation } from './reply.js'
import {
  counterWith,
  sendAcceptance,
  signAcceptanceOf,
  type Accepted,
  type Countered,
  type CounterOptions,
  type RespondOptions,
  type SignedAcceptance,
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

/** How long vendors keep a thread past its intent's `exp` (spec §HTTP binding, Limits on the vendor side). */
const KEPT_AFTER_INTENT_SECONDS = 3_600

/**
 * A negotiation read back from the wallet's store (`wallet.negotiations()`): ready for
 * `wallet.counter` and `wallet.accept`, and saying whether an acceptance of it is in flight.
 *
 * @example
 * ```ts
 * for (const n of await wallet.negotiations()) {
 *   if (n.accepting) await wallet.accept(n) // the same acceptance again: the agreement it got, if any
 *   else console.log(n.vendor.origin, n.proposal.payload.price, n.thread.state())
 * }
 * ```
 */
export interface ResumedNegotiation extends Negotiation {
  /**
   * True when the wallet sent an acceptance of `proposal` and no agreement came back: `accept`
   * sends that acceptance again, byte for byte, and gets the agreement if the vendor made one.
   */
  readonly accepting: boolean
}

/**
 * `wallet.negotiations`'s options.
 *
 * @example
 * ```ts
 * const open = await wallet.negotiations({ now: new Date() } satisfies NegotiationsOptions)
 * ```
 */
export interface NegotiationsOptions {
  /** The time negotiations are judged open at. Default: now. */
  readonly now?: Date
}

/**
 * A customer's wallet: it owns the keys, all derived from one 32-byte master secret (spec §HTTP
 * binding, Wallet keys), and the flow that uses them. `cast` signs each intent with a fresh cast
 * key, so vendors cannot link casts by key; `counter` and `accept` find that key again, and the
 * one stable key the wallet keeps per vendor, so the caller never handles a key. Persist the
 * secret and `casts` together: a wallet restored with a lower count would hand out cast keys
 * again, and a reused cast key links casts. The wallet keeps the negotiations it is in and the
 * agreements it made in its stores (`WalletOptions`): give it persistent ones, and a wallet
 * restored over them carries on where it stopped (`negotiations()`, `agreements`).
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
  readonly #negotiations: NegotiationStore
  readonly #agreements: AgreementStore

  private constructor(secret: Uint8Array, casts: number, options: WalletOptions) {
    const { negotiations, agreements } = resolveWalletOptions(options)
    this.#secret = secret
    this.#casts = casts
    this.#negotiations = negotiations
    this.#agreements = agreements
  }

  /**
   * A new wallet with a random master secret, keeping its negotiations and agreements in the
   * stores given (default: in memory).
   *
   * @example
   * ```ts
   * const wallet = Wallet.create({ stores: { negotiations, agreements } })
   * save({ secret: wallet.exportSecret(), casts: wallet.casts })
   * ```
   */
  static create(options: WalletOptions = {}): Wallet {
    return new Wallet(globalThis.crypto.getRandomValues(new Uint8Array(32)), 0, options)
  }

  /**
   * Restores a wallet from its master secret (and the cast count it had reached). Given the
   * stores it used before, it carries on its negotiations (`negotiations()`) and holds its
   * agreements (`agreements`).
   *
   * @example
   * ```ts
   * const wallet = Wallet.fromSecret(saved.secret, { casts: saved.casts }, { stores: { negotiations, agreements } })
   * const open = await wallet.negotiations()
   * ```
   */
  static fromSecret(secret: Uint8Array, state: WalletState = {}, options: WalletOptions = {}): Wallet {
    if (!(secret instanceof Uint8Array) || secret.length !== 32)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a wallet master secret is 32 bytes')
    const casts = state.casts ?? 0
    if (!Number.isSafeInteger(casts) || casts < 0)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'casts is a count: a non-negative integer')
    return new Wallet(secret.slice(), casts, options)
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

  /**
   * The agreements this wallet got back, each with its whole thread (IEEE 7012: both parties keep
   * the record): the store it was made with, or its memory one. Find one by the digest of its
   * agreement or of any message in its thread.
   *
   * @example
   * ```ts
   * const { digests } = await wallet.agreements.list({ limit: 10 })
   * const thread = await wallet.agreements.get(digests[0]!) // re-verified, intent to agreement
   * ```
   */
  get agreements(): AgreementStore {
    return this.#agreements
  }

  /**
   * The negotiations this wallet is in, read back from its negotiation store: after a restart,
   * those a Wallet over the same secret and store left open, ready for `counter` and `accept`.
   * Each record is verified again (decodeThread: signatures, links, moves; its cast index must
   * derive the intent's signer; an acceptance in flight must carry the agreement this wallet's
   * key for the vendor signed). A record that no longer verifies is skipped and left in the
   * store, for whoever keeps it to look into; a record whose negotiation can no longer move at
   * `now` is deleted: its proposal or intent expired, or, for an acceptance in flight, vendors no
   * longer keep its thread (an hour after the intent's end). Every
   * cast index a record shows in use counts as handed out, so `casts` never falls behind it.
   *
   * @example
   * ```ts
   * const wallet = Wallet.fromSecret(saved.secret, { casts: saved.casts }, { stores: { negotiations } })
   * for (const n of await wallet.negotiations()) console.log(n.vendor.origin, n.proposal.payload.price, n.accepting)
   * ```
   */
  async negotiations(options: NegotiationsOptions = {}): Promise<ResumedNegotiation[]> {
    const now = checkNegotiationsOptions(options)
    const found: ResumedNegotiation[] = []
    for (const [id, record] of await this.#negotiations.list()) {
      const stored = await this.#read(id, record)
      if (stored === undefined) continue
      const { negotiation, acceptance } = stored
      this.#casts = Math.max(this.#casts, negotiation.castIndex + 1)
      // An acceptance in flight may still fetch its agreement after it expired (the vendor answers
      // the same bytes from its store), for as long as vendors keep a thread: an hour past the intent.
      const live = acceptance
        ? now.getTime() / 1000 <= negotiation.thread.intent.payload.exp + KEPT_AFTER_INTENT_SECONDS
        : negotiation.thread.openProposals(now).some((p) => p.digest === negotiation.proposal.digest)
      if (live) found.push({ ...negotiation, accepting: acceptance !== undefined })
      else await this.#negotiations.delete(id)
    }
    return found
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
   * comes back as a Negotiation carrying the cast index, and is saved in the negotiation store,
   * ranked or excluded alike (a store that fails rejects the cast). Targets and options are
   * checked before the key is taken; once taken, it stays taken, even when signing or every
   * vendor fails: an index is cheap to skip, and one some vendor may have seen must never sign
   * again.
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
    const cast = {
      ...result,
      castIndex: index,
      offers: result.offers.map(withIndex),
      excluded: result.excluded.map(withIndex),
    }
    await Promise.all([...cast.offers, ...cast.excluded].map((n) => this.#save(n)))
    return cast
  }

  /**
   * Counters a vendor's offer or counter with `deal` (spec §Counter), signed with the thread's
   * cast key, and reads the vendor's answer: its own counter, verified, or none yet (202).
   * `negotiation` is left as it was, so it can still be accepted or countered again. The vendor's
   * counter takes the negotiation's place in the store; with no answer, the store keeps the
   * proposal countered, the one still to answer. A counter is not kept before it is sent: one
   * whose answer was lost is countered again, which the thread allows, unlike a second acceptance.
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
    if (reply === undefined) return { thread }
    const next = { ...reply, castIndex: negotiation.castIndex }
    await this.#save(next)
    return { thread, reply: next }
  }

  /**
   * Accepts a vendor's offer or counter (spec §HTTP binding, Accepting): the acceptance under the
   * thread's cast key names this vendor's relationship key, which signs the agreement; the
   * vendor countersigns it, and the wallet checks it got back exactly what it signed. The agreed
   * thread goes into the agreement store, and the negotiation leaves the negotiation store.
   *
   * The acceptance is saved in the negotiation's record before it is sent, because a thread
   * takes one acceptance: if the answer is lost (a timeout, a dropped connection, a restart),
   * the next `accept` of the same proposal, by this Wallet or one over the same secret and
   * store, sends the very same bytes, and the vendor answers them with the agreement it
   * countersigned (spec §HTTP binding, Retries), even after the acceptance expired; a new
   * acceptance would be refused. When the vendor refuses the acceptance (a 4xx with a code), the
   * record goes back to what it was, so that the next `accept` signs a new one. A store that
   * fails rejects the call: before sending, nothing is sent; after the agreement came, the
   * record still holds the acceptance, and the next `accept` fetches the agreement again.
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
    const vendorKey = await this.vendorKey(negotiation.vendor.origin)
    const id = negotiationId(negotiation)
    const stored = await this.#negotiations.get(id)
    const inFlight = stored === undefined ? undefined : await this.#inFlight(id, stored, negotiation)
    const signed = inFlight ?? (await signAcceptanceOf(negotiation, { castKey, vendorKey }, options))
    // Kept before it is sent: from here on the vendor may hold it, and only these bytes fetch its agreement.
    if (inFlight === undefined) await this.#negotiations.put(id, encodeNegotiation(negotiation, signed))
    let accepted: Accepted
    try {
      accepted = await sendAcceptance(negotiation, signed, options)
    } catch (e) {
      if (isRefusal(e)) await this.#refused(id, inFlight ? encodeNegotiation(negotiation) : stored)
      throw e
    }
    await this.#agreements.put(accepted.thread)
    await this.#negotiations.delete(id)
    return accepted
  }

  /** Saves a negotiation in the store, in place of that vendor's record for the intent. */
  async #save(negotiation: Negotiation): Promise<void> {
    await this.#negotiations.put(negotiationId(negotiation), encodeNegotiation(negotiation))
  }

  /**
   * The record under `id`, verified again (see `negotiations`), or undefined when it does not
   * verify: whatever is wrong with it (unreadable, tampered, another wallet's), it is not used.
   */
  async #read(id: string, record: string): Promise<StoredNegotiation | undefined> {
    try {
      const stored = await decodeNegotiation(record)
      const { negotiation, acceptance } = stored
      if (negotiationId(negotiation) !== id) return undefined
      await this.#castKeyOf(negotiation)
      if (acceptance && acceptance.signer !== (await this.vendorKey(negotiation.vendor.origin)).did) return undefined
      return stored
    } catch {
      return undefined
    }
  }

  /** The acceptance of this negotiation's proposal that the record under `id` holds in flight, if any. */
  async #inFlight(id: string, record: string, negotiation: Negotiation): Promise<SignedAcceptance | undefined> {
    // Most records hold an offer or a counter: only one with an acceptance is worth verifying again.
    if (!holdsAcceptance(record)) return undefined
    const acceptance = (await this.#read(id, record))?.acceptance
    return acceptance?.thread.acceptance.payload.inReplyTo === negotiation.proposal.digest ? acceptance : undefined
  }

  /**
   * After the vendor refused an acceptance, which it would refuse again (or call a replay), the
   * record under `id` becomes `before`, the record without it: none, the record as it stood
   * before this `accept`, or the negotiation when the refused bytes came from the record. A
   * store failing here is not reported: the refusal is what the caller must hear, and a store
   * that fails will fail its next call too.
   */
  async #refused(id: string, before: string | undefined): Promise<void> {
    try {
      if (before === undefined) await this.#negotiations.delete(id)
      else await this.#negotiations.put(id, before)
    } catch {
      // See above: the vendor's refusal is rethrown by the caller.
    }
  }

  /**
   * The cast key of a negotiation, derived again from the index it carries. The index travels
   * with the negotiation, rather than living in a map from intent to index kept here, because
   * a map would be lost on restart, would have to forget old casts to stay bounded, and would
   * not be shared by two Wallet objects over the same secret; the index is one small number kept
   * with the thread (in the negotiation, and in its record in the store). It is not trusted: the
   * key it derives must be the intent's signer, so a wrong or forged index cannot sign in another
   * cast's thread.
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

/** `negotiations`'s options, checked: the time to judge at. */
function checkNegotiationsOptions(options: NegotiationsOptions): Date {
  if (typeof options !== 'object' || options === null)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'options must be an object')
  const { now = new Date(), ...unknown } = options
  const extra = Object.keys(unknown)[0]
  if (extra !== undefined)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `negotiations has no option "${extra.slice(0, 32)}"; it takes now`,
    )
  if (!(now instanceof Date && Number.isFinite(now.getTime())))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'now must be a valid Date')
  return now
}
