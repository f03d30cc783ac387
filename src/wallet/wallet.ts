// Over 250 lines on purpose: \`Wallet\` is the customer's one object (keys, stores, cast, collect,
// counter, accept, negotiations), each method a few lines over the modules that do the work
// (derive, cast, respond, relay, the stores); splitting the class would split its documentation.
import type { AgreementStore } from '../agreements/store.js'
import { IntentcastError } from '../errors.js'
import { signIntent, type IntentBody } from '../envelope/sign.js'
import type { Format } from '../envelope/verify.js'
import { keyPairFromSeed, type KeyPair } from '../keys/key-pair.js'
import { sealKeyPairOf } from '../seal/keys.js'
import { PreciseWant } from '../disclose/claims.js'
import { discloseClaims } from '../disclose/disclose.js'
import { parseWith } from '../model/parse.js'
import type { Deal } from '../model/deal.js'
import { castIntent } from './cast.js'
import type { CastFailure, CastOptions, CastResult, CastTarget } from './cast-types.js'
import { checkCast, checkCollect, checkDeal, checkNegotiation, isRelayTarget } from './check.js'
import { collectOffers, knownVendor, rankReplies } from './collect.js'
import type { DiscoveredVendor, VendorTarget } from './discover.js'
import { checkRelay, mailboxUrl, MailboxReader, replyRelay } from './relay.js'
import { checkSendOptions, isRefusal, type SendOptions } from './send.js'
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
import type { Negotiation, VendorReply } from './reply.js'
import {
  counterWith,
  sendAcceptance,
  signAcceptanceOf,
  type Accepted,
  type Countered,
  type AcceptOptions,
  type CounterOptions,
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
  /**
   * Precise forms of `want` fields, hidden behind salted digests in `want.precise` (spec
   * §Selective disclosure): the market matches on the public fields, and the customer discloses
   * these to the vendors it picks (`disclose` in `counter` and `accept`).
   */
  readonly precise?: PreciseWant
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
  /** The disclosures of `want.precise`, when the cast hid precise forms: pass them on to `collect`. */
  readonly precise?: readonly string[]
}

/**
 * `wallet.collect`'s options: how the relay is read, the clock offers are checked at, and the
 * vendors the wallet knows, whose offers through the relay are theirs.
 *
 * @example
 * ```ts
 * const { offers } = await wallet.collect(cast, { vendors: [await discover('https://shop.example')], timeoutMs: 5_000 } satisfies CollectOptions)
 * ```
 */
export interface CollectOptions extends Pick<SendOptions, 'fetch' | 'timeoutMs' | 'signal' | 'maxBytes'> {
  /** The time offers are checked at. Default: now. */
  readonly now?: Date
  /**
   * Vendors the wallet knows (discovered, or cast to directly): an offer signed by a key one of
   * them lists as live is that vendor's, and the negotiation goes on at its site.
   */
  readonly vendors?: ReadonlyArray<VendorTarget | DiscoveredVendor>
}

/**
 * What `wallet.collect` brings back: the offers that came to the cast's mailbox and are new to
 * the wallet, ranked as a cast's are, and what could not be read.
 *
 * @example
 * ```ts
 * const { offers, excluded, failures }: Collected = await wallet.collect(cast)
 * ```
 */
export interface Collected extends Pick<CastResult<Negotiation>, 'intent' | 'offers' | 'excluded' | 'failures'> {
  /** The cast key's index, as in the cast. */
  readonly castIndex: number
}

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
   * `now` is deleted: its proposal or intent expired. An acceptance in flight is never deleted
   * for its age: `accept` sends it again until the vendor answers it. Every
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
      // An acceptance in flight is kept whatever the time: the vendor answers its very bytes with
      // the agreement for as long as it keeps the record, and these bytes are the customer's only
      // way back to it. Only the vendor refusing them (`accept`) lets it go.
      const live =
        acceptance !== undefined ||
        negotiation.thread.openProposals(now).some((p) => p.digest === negotiation.proposal.digest)
      if (live) found.push({ ...negotiation, accepting: acceptance !== undefined })
      else await this.#negotiations.delete(id)
    }
    return found
  }

  /** Cast key `index`, derived again. A bad index rejects (async, so it never throws at the call). */
  async castKey(index: number): Promise<KeyPair> {
    return keyPairFromSeed(castSeed(this.#secret, index))
  }

  /**
   * The relationship key for a vendor: it signs agreements and is named as `party` in
   * acceptances. A vendor is named by its origin, or, when the wallet met it through a relay and
   * knows no site of it, by its DID; given a negotiation's vendor, the wallet picks the name.
   *
   * @example
   * ```ts
   * const mine = await wallet.vendorKey('https://shop.example')
   * const relayed = await wallet.vendorKey(offers[0]!.vendor) // its DID when it came through a relay
   * ```
   */
  async vendorKey(vendor: string | VendorTarget): Promise<KeyPair> {
    const name = typeof vendor === 'string' ? vendor : (vendor?.did ?? vendor?.origin)
    return keyPairFromSeed(vendorSeed(this.#secret, name))
  }

  /**
   * Signs `body` as an intent under the next cast key and casts it (see `castIntent`). Each offer
   * comes back as a Negotiation carrying the cast index, and is saved in the negotiation store,
   * ranked or excluded alike (a store that fails rejects the cast). Targets and options are
   * checked before the key is taken; once taken, it stays taken, even when signing or every
   * vendor fails: an index is cheap to skip, and one some vendor may have seen must never sign
   * again.
   *
   * With a relay among the targets (one per cast), the intent's `replyTo` is the cast key's
   * mailbox there: the relay's vendors answer into it, and so may a vendor cast to directly that
   * answers 202 and makes its offer later. The cast reads it for `collectMs`; `collect` reads it
   * again later. An offer through a relay from a vendor the wallet does not know is negotiated
   * through the relay: `counter` and `accept` post to its mailbox there and read its answers from
   * the cast's, and the wallet's key for it is named by its DID.
   *
   * @example
   * ```ts
   * const { castIndex, offers, failures } = await wallet.cast(body, ['https://shop.example', vendor], { format: 'cose' })
   * const market = await wallet.cast(body, [{ relay: 'https://relay.example/relay' }], { collectMs: 3_000 })
   * ```
   */
  async cast(body: IntentBody, targets: readonly CastTarget[], options: WalletCastOptions = {}): Promise<WalletCast> {
    checkCast(targets, options)
    if (options.format !== undefined && options.format !== 'jws' && options.format !== 'cose')
      throw new IntentcastError('ERR_INVALID_ARGUMENT', "format is 'jws' or 'cose'")
    const relay = targets.filter(isRelayTarget).map((t) => checkRelay(t.relay))[0]
    if (relay !== undefined && typeof body === 'object' && body !== null && body.replyTo !== undefined)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        "a cast to a relay sets the intent's replyTo itself: the cast key's mailbox there",
      )
    const hidden =
      options.precise === undefined
        ? undefined
        : await discloseClaims(parseWith(PreciseWant, options.precise, 'precise', 'ERR_INVALID_ARGUMENT'))
    const { index, keyPair } = await this.nextCastKey()
    const signOptions = {
      ...(options.format && { format: options.format }),
      ...(options.expiresIn !== undefined && { expiresIn: options.expiresIn }),
      ...(options.now && { now: options.now }),
    }
    // The cast's reply key, derived from its signing key: vendors seal their answers to it.
    const replyKey = (await sealKeyPairOf(keyPair)).publicJwk
    const signed = await signIntent(
      // Anything but an object is signIntent's to refuse, as it is.
      typeof body === 'object' && body !== null
        ? {
            ...body,
            ...(hidden && { want: { ...body.want, precise: hidden.claim } }),
            replyKey,
            ...(relay !== undefined && { replyTo: mailboxUrl(relay, keyPair.did) }),
          }
        : body,
      keyPair,
      signOptions,
    )
    const result = await castIntent(signed, targets, { ...options, castKey: keyPair })
    const precise = hidden?.disclosures
    const cast = {
      ...result,
      castIndex: index,
      ...(precise && { precise }),
      ...this.#negotiationsOf(result, index, precise),
    }
    await Promise.all([...cast.offers, ...cast.excluded].map((n) => this.#save(n)))
    return cast
  }

  /**
   * Reads a cast's mailbox at its relay (the intent's `replyTo`) for offers that came after the
   * cast returned: from the relay's vendors, and from vendors cast to directly that answered
   * later. Only offers new to the wallet come back, and are saved: an offer whose negotiation the
   * store holds (the cast had it, or it was countered since) or that ended in an agreement is left
   * out. An offer signed by a key that one of `options.vendors` lists is that vendor's; any other is
   * negotiated through the relay. It reads what is there and returns; a relay that cannot be read
   * is a failure in the result.
   *
   * @example
   * ```ts
   * const cast = await wallet.cast(body, ['https://shop.example', { relay: 'https://relay.example/relay' }])
   * // … an hour later
   * const { offers } = await wallet.collect(cast, { vendors: [shop] })
   * ```
   */
  async collect(
    cast: Pick<WalletCast, 'castIndex' | 'intent' | 'precise'>,
    options: CollectOptions = {},
  ): Promise<Collected> {
    const { vendors = [], ...send } = checkCollect(cast, options)
    const castKey = await this.castKey(cast.castIndex)
    const relay = replyRelay(cast.intent)
    if (castKey.did !== cast.intent.issuer || relay === undefined)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        "a cast is collected from its relay: its intent, signed by this wallet's cast key, names a replyTo there",
      )
    const known = vendors.filter((v): v is VendorTarget => v.endpoint !== undefined && v.keys !== undefined)
    const found: VendorReply[] = []
    const failures: CastFailure[] = []
    await collectOffers({
      intent: cast.intent,
      relay,
      reader: new MailboxReader(relay, castKey, { fetch: send.fetch, signal: send.signal }),
      // One read: whatever is there now.
      deadline: Date.now() + (send.timeoutMs ?? 10_000),
      signal: send.signal,
      checks: { ...(send.maxBytes !== undefined && { maxBytes: send.maxBytes }), ...(send.now && { now: send.now }) },
      vendorOf: (issuer) => knownVendor(known, issuer, send.now),
      onOffer: (reply) => void found.push(reply),
      onFailure: (failure) => void failures.push(failure),
      stop: () => true,
    })
    // New to the wallet: in no negotiation it keeps for this intent (under whichever name it has
    // the vendor), and in no agreement it made.
    const held = await this.#heldDigests(cast.intent.digest)
    const fresh: Negotiation[] = []
    for (const reply of found) {
      if (held.has(reply.proposal.digest)) continue
      if ((await this.#agreements.get(reply.proposal.digest)) !== undefined) continue
      fresh.push({ ...reply, castIndex: cast.castIndex, ...(cast.precise && { precise: cast.precise }) })
    }
    const collected: Collected = {
      intent: cast.intent,
      castIndex: cast.castIndex,
      ...rankReplies(cast.intent, fresh),
      failures,
    }
    await Promise.all([...collected.offers, ...collected.excluded].map((n) => this.#save(n)))
    return collected
  }

  /** The digests of every message in the negotiations the store holds for the intent `intent`. */
  async #heldDigests(intent: string): Promise<Set<string>> {
    const held = new Set<string>()
    for (const [id, record] of await this.#negotiations.list()) {
      if (!id.startsWith(`${intent}.`)) continue
      const stored = await this.#read(id, record)
      for (const m of stored?.acceptance?.thread.messages ?? stored?.negotiation.thread.messages ?? [])
        held.add(m.digest)
    }
    return held
  }

  /** A cast's offers as Negotiations: each carries the index of the cast key that signed the intent. */
  #negotiationsOf(
    result: CastResult,
    castIndex: number,
    precise: readonly string[] | undefined,
  ): Pick<WalletCast, 'offers' | 'excluded'> {
    const withIndex = <T extends object>(reply: T): T & Pick<Negotiation, 'castIndex' | 'precise'> => ({
      ...reply,
      castIndex,
      ...(precise && { precise }),
    })
    return { offers: result.offers.map(withIndex), excluded: result.excluded.map(withIndex) }
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
    const next = {
      ...reply,
      castIndex: negotiation.castIndex,
      ...(negotiation.precise && { precise: negotiation.precise }),
    }
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
  async accept(negotiation: Negotiation, options: AcceptOptions = {}): Promise<Accepted> {
    checkNegotiation(negotiation)
    checkSendOptions(options)
    const castKey = await this.#castKeyOf(negotiation)
    const vendorKey = await this.vendorKey(negotiation.vendor)
    const id = negotiationId(negotiation)
    const stored = await this.#negotiations.get(id)
    const inFlight = stored === undefined ? undefined : await this.#inFlight(id, stored, negotiation)
    const signed = inFlight ?? (await signAcceptanceOf(negotiation, { castKey, vendorKey }, options))
    // Kept before it is sent: from here on the vendor may hold it, and only these bytes fetch its agreement.
    if (inFlight === undefined) await this.#negotiations.put(id, encodeNegotiation(negotiation, signed))
    let accepted: Accepted
    try {
      accepted = await sendAcceptance(negotiation, signed, castKey, options)
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
      if (acceptance && acceptance.signer !== (await this.vendorKey(negotiation.vendor)).did) return undefined
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
