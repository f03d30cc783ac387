// Over 250 lines on purpose: this is one state machine (spec §Thread state machine), and every
// move's rule reads the same private state (messages by digest, what was withdrawn, the
// acceptance). Split into files, that state would have to be exposed to each of them.
import { IntentcastError } from '../errors.js'
import type { AgreementBody } from '../envelope/countersign.js'
import type { Proposal, Verified } from '../envelope/verify.js'
import { sameJson } from '../lib/same.js'
import type { AgreementPayload } from '../model/agreement.js'
import { sameDeal } from '../model/deal.js'
import { DPV_STATUS } from '../model/status.js'

/** Where a thread stands. spec §Thread state machine. */
export type ThreadState = 'open' | 'accepted' | 'agreed' | 'withdrawn' | 'terminated' | 'expired'

/**
 * No negotiation needs more moves; without a bound, a party could grow a stored thread (and the
 * work each move costs) without end by countering forever.
 *
 * @example
 * ```ts
 * import { MAX_MESSAGES } from 'intentcast'
 *
 * if (thread.messages.length === MAX_MESSAGES) console.log('this negotiation can take no more moves')
 * ```
 */
export const MAX_MESSAGES = 256

/**
 * The options of a Thread.
 *
 * @example
 * ```ts
 * const thread = new Thread(intent, { clockTolerance: 120 } satisfies ThreadOptions)
 * ```
 */
export interface ThreadOptions {
  /** Seconds of clock skew allowed between a move and the message it answers. Default 30. */
  clockTolerance?: number
}

/**
 * The caller's ThreadOptions, checked and copied: a NaN, infinite or negative tolerance would make
 * every time comparison false and switch the expiry rules off.
 */
export function threadOptions(options: ThreadOptions | undefined): ThreadOptions {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null) invalid('Thread options must be an object')
  const { clockTolerance, ...unknown } = options
  const extra = Object.keys(unknown)[0]
  if (extra !== undefined) invalid(`Thread has no option "${extra.slice(0, 32)}"; it takes clockTolerance`)
  if (clockTolerance === undefined) return {}
  if (typeof clockTolerance !== 'number' || !Number.isFinite(clockTolerance) || clockTolerance < 0) {
    invalid('clockTolerance must be a finite number of seconds, 0 or more')
  }
  return { clockTolerance }
}

function invalid(message: string): never {
  throw new IntentcastError('ERR_INVALID_ARGUMENT', message)
}

function fail(code: 'ERR_BROKEN_LINK' | 'ERR_ILLEGAL_MOVE', message: string): never {
  throw new IntentcastError(code, message)
}

/**
 * One negotiation: an intent, the offers and counters it drew, and at most one acceptance and
 * agreement. `add` applies a verified message as a move and refuses what the state machine
 * does not allow: a broken reference (ERR_BROKEN_LINK) or an illegal move (ERR_ILLEGAL_MOVE).
 * Each move's time is checked against the message it answers, not against the clock, so an
 * old thread re-verifies from its stored bytes.
 *
 * @example
 * ```ts
 * import { Thread, verify } from 'intentcast'
 *
 * const thread = new Thread(await verify(intent, { expect: 'intent' }))
 * thread.add(await verify(offer, { expect: 'offer' })) // throws ERR_BROKEN_LINK if it answers another intent
 * thread.state() // 'open'
 * thread.openProposals() // [the offer]
 * ```
 */
export class Thread {
  readonly intent: Verified<'intent'>
  readonly #messages: Verified[] = []
  readonly #byDigest = new Map<string, Verified>()
  readonly #withdrawn = new Set<string>()
  #acceptance: Verified<'acceptance'> | undefined
  #agreement: Verified<'agreement'> | undefined
  #last: Verified
  readonly #tolerance: number
  readonly #options: ThreadOptions

  constructor(intent: Verified<'intent'>, options: ThreadOptions = {}) {
    if (intent?.kind !== 'intent') fail('ERR_BROKEN_LINK', 'a thread starts with an intent')
    this.intent = intent
    this.#options = threadOptions(options)
    this.#tolerance = this.#options.clockTolerance ?? 30
    this.#last = intent
    this.#remember(intent)
  }

  /** Every message in the order it was added, the intent first. */
  get messages(): readonly Verified[] {
    return this.#messages
  }

  /** The offers and counters, in order. */
  get proposals(): readonly Proposal[] {
    return this.#messages.filter((m): m is Proposal => m.kind === 'offer' || m.kind === 'counter')
  }

  /** The acceptance, once there is one. */
  get acceptance(): Verified<'acceptance'> | undefined {
    return this.#acceptance
  }

  /** The agreement, once there is one. */
  get agreement(): Verified<'agreement'> | undefined {
    return this.#agreement
  }

  /**
   * The state at `now` (default: the clock). Expiry closes an open thread: the intent's `exp`
   * ends the negotiation (no move may follow it), and an acceptance's `exp` ends the wait for
   * the agreement.
   */
  state(now: Date = new Date()): ThreadState {
    if (this.#agreement) return this.#withdrawn.has(this.#agreement.digest) ? 'terminated' : 'agreed'
    if (this.#withdrawn.has(this.intent.digest)) return 'withdrawn'
    const t = now.getTime() / 1000
    if (this.#acceptance) {
      const exp = this.#acceptance.payload.exp
      return exp !== undefined && t > exp + this.#tolerance ? 'expired' : 'accepted'
    }
    return t > this.intent.payload.exp + this.#tolerance ? 'expired' : 'open'
  }

  /** The DPV negotiation status IRI for the state at `now`. */
  status(now: Date = new Date()): string {
    switch (this.state(now)) {
      case 'agreed':
        return DPV_STATUS.accepted
      case 'terminated':
      case 'withdrawn':
        return DPV_STATUS.terminated
      case 'expired':
        return DPV_STATUS.expired
      case 'accepted':
        return DPV_STATUS.confirmationRequired
      case 'open':
        return this.#last.kind === 'counter'
          ? DPV_STATUS.counterOfferMade
          : this.#last.kind === 'offer'
            ? DPV_STATUS.pendingResponse
            : DPV_STATUS.initiated
    }
  }

  /** The proposals still open at `now`: neither withdrawn nor expired, and no agreement yet. */
  openProposals(now: Date = new Date()): Proposal[] {
    if (this.state(now) !== 'open') return []
    const t = now.getTime() / 1000
    return this.proposals.filter((p) => !this.#withdrawn.has(p.digest) && p.payload.exp > t)
  }

  /**
   * A copy of this thread, with the same options, that has `moves` applied; this thread is left as
   * it was. Both sides change a thread this way, so a move that fails half-way (or an exchange
   * that fails after it) leaves the thread they hold untouched.
   *
   * @example
   * ```ts
   * const next = thread.with(counter) // throws ERR_BROKEN_LINK or ERR_ILLEGAL_MOVE; `thread` is unchanged
   * ```
   */
  with(...moves: Verified[]): Thread {
    const copy = new Thread(this.intent, this.#options)
    for (const m of this.#messages.slice(1)) copy.add(m)
    for (const m of moves) copy.add(m)
    return copy
  }

  /** Applies one verified message as the next move. Throws ERR_BROKEN_LINK or ERR_ILLEGAL_MOVE. */
  add(message: Verified): this {
    if (typeof message !== 'object' || message === null || typeof message.digest !== 'string') {
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'Thread.add takes a message from verify()')
    }
    if (this.#messages.length >= MAX_MESSAGES)
      fail('ERR_ILLEGAL_MOVE', `a thread holds at most ${MAX_MESSAGES} messages`)
    if (this.#byDigest.has(message.digest)) fail('ERR_ILLEGAL_MOVE', `this ${message.kind} is already in the thread`)
    switch (message.kind) {
      case 'offer':
        this.#offer(message)
        break
      case 'counter':
        this.#counter(message)
        break
      case 'acceptance':
        this.#accept(message)
        break
      case 'agreement':
        this.#agree(message)
        break
      case 'withdrawal':
        this.#withdraw(message)
        break
      default:
        fail('ERR_ILLEGAL_MOVE', `a ${message.kind} is not a move in a thread`)
    }
    this.#remember(message)
    this.#last = message
    return this
  }

  #remember(m: Verified): void {
    this.#messages.push(m)
    this.#byDigest.set(m.digest, m)
  }

  #requireOpen(move: string, at: number): void {
    if (this.#agreement) fail('ERR_ILLEGAL_MOVE', `${move} after the agreement`)
    if (this.#withdrawn.has(this.intent.digest)) fail('ERR_ILLEGAL_MOVE', `${move} after the intent was withdrawn`)
    if (this.#acceptance) fail('ERR_ILLEGAL_MOVE', `${move} after an acceptance`)
    if (at > this.intent.payload.exp + this.#tolerance) fail('ERR_ILLEGAL_MOVE', `${move} after the intent expired`)
  }

  /** The open proposal `digest` names; `answered` must have been live when `at` happened. */
  #proposal(digest: string, at: number, move: string): Proposal {
    const p = this.#byDigest.get(digest)
    if (!p || (p.kind !== 'offer' && p.kind !== 'counter'))
      fail('ERR_BROKEN_LINK', `${move} answers ${digest}, which is no offer or counter in this thread`)
    if (this.#withdrawn.has(p.digest)) fail('ERR_ILLEGAL_MOVE', `${move} answers a withdrawn ${p.kind}`)
    if (at > p.payload.exp + this.#tolerance) fail('ERR_ILLEGAL_MOVE', `${move} answers an expired ${p.kind}`)
    if (at + this.#tolerance < p.payload.iat) fail('ERR_BROKEN_LINK', `${move} predates the ${p.kind} it answers`)
    return p
  }

  #offer(m: Verified<'offer'>): void {
    if (m.payload.inReplyTo !== this.intent.digest) fail('ERR_BROKEN_LINK', 'the offer does not answer this intent')
    if (m.payload.aud !== this.intent.issuer)
      fail('ERR_BROKEN_LINK', "the offer is not addressed to the intent's issuer")
    const only = this.intent.payload.aud
    if (only !== undefined && m.issuer !== only) fail('ERR_BROKEN_LINK', 'the intent was cast to another vendor')
    if (m.payload.iat + this.#tolerance < this.intent.payload.iat)
      fail('ERR_BROKEN_LINK', 'the offer predates the intent')
    this.#requireOpen('an offer', m.payload.iat)
  }

  #counter(m: Verified<'counter'>): void {
    if (m.payload.intent !== this.intent.digest) fail('ERR_BROKEN_LINK', 'the counter belongs to another intent')
    this.#requireOpen('a counter', m.payload.iat)
    const answered = this.#proposal(m.payload.inReplyTo, m.payload.iat, 'the counter')
    if (m.issuer !== answered.payload.aud || m.payload.aud !== answered.issuer) {
      fail('ERR_BROKEN_LINK', 'a counter goes back from the party the proposal was addressed to')
    }
  }

  #accept(m: Verified<'acceptance'>): void {
    if (m.payload.intent !== this.intent.digest) fail('ERR_BROKEN_LINK', 'the acceptance belongs to another intent')
    if (this.#acceptance) fail('ERR_ILLEGAL_MOVE', 'the thread already has an acceptance')
    this.#requireOpen('an acceptance', m.payload.iat)
    const p = this.#proposal(m.payload.inReplyTo, m.payload.iat, 'the acceptance')
    if (m.issuer !== this.intent.issuer || p.payload.aud !== this.intent.issuer) {
      fail('ERR_BROKEN_LINK', "only the intent's issuer accepts, and only a proposal addressed to it")
    }
    if (m.payload.aud !== p.issuer) fail('ERR_BROKEN_LINK', 'the acceptance is not addressed to the proposer')
    if (!sameDeal(p.payload, m.payload))
      fail('ERR_BROKEN_LINK', 'the acceptance does not repeat the proposal it accepts')
    this.#acceptance = m
  }

  #agree(m: Verified<'agreement'>): void {
    this.agreementAllowed(m.payload)
    this.#agreement = m
  }

  /**
   * Throws ERR_BROKEN_LINK or ERR_ILLEGAL_MOVE unless an agreement with this payload may be the
   * thread's next move: the checks `add` makes, before anyone countersigns it.
   */
  agreementAllowed(payload: AgreementPayload): void {
    if (this.#agreement) fail('ERR_ILLEGAL_MOVE', 'the thread already has an agreement')
    const a = this.#acceptance
    if (!a) fail('ERR_BROKEN_LINK', 'an agreement needs an acceptance first')
    const { refs, parties } = payload
    if (refs.intent !== this.intent.digest || refs.acceptance !== a.digest || refs.offer !== a.payload.inReplyTo) {
      fail('ERR_BROKEN_LINK', 'the agreement does not reference this intent, acceptance and accepted proposal')
    }
    if (parties.customer !== (a.payload.party ?? a.issuer) || parties.vendor !== a.payload.aud) {
      fail('ERR_BROKEN_LINK', 'the agreement is not between the parties of the acceptance')
    }
    if (a.payload.exp !== undefined && payload.iat > a.payload.exp + this.#tolerance)
      fail('ERR_ILLEGAL_MOVE', 'the agreement comes after the acceptance expired')
    for (const d of [this.intent.digest, refs.offer])
      if (this.#withdrawn.has(d))
        fail('ERR_ILLEGAL_MOVE', 'the agreement comes after a withdrawal of what was accepted')
    const offer = this.#firstOffer(this.#byDigest.get(refs.offer) as Proposal)
    if (!sameJson(offer.payload.item, payload.item) || !sameDeal(a.payload, payload)) {
      fail('ERR_BROKEN_LINK', 'the agreement does not carry the accepted terms exactly')
    }
    // The digests of what the customer disclosed: an agreement that dropped or changed them would
    // leave the vendor unable to prove what it was given.
    if (!sameJson(a.payload.details, payload.details))
      fail('ERR_BROKEN_LINK', "the agreement does not carry the acceptance's details digests")
  }

  /**
   * The agreement body for the accepted proposal, exactly as negotiated: ready for
   * `signAgreement`. Either party can build it and gets the same body.
   */
  agreementBody(): AgreementBody {
    const a = this.#acceptance
    if (!a) fail('ERR_ILLEGAL_MOVE', 'nothing has been accepted yet')
    const offer = this.#firstOffer(this.#byDigest.get(a.payload.inReplyTo) as Proposal)
    const { quantity, price, deliverBy, terms, details } = a.payload
    return {
      parties: { customer: a.payload.party ?? a.issuer, vendor: a.payload.aud },
      refs: { intent: this.intent.digest, offer: a.payload.inReplyTo, acceptance: a.digest },
      item: offer.payload.item,
      quantity,
      price,
      ...(deliverBy !== undefined && { deliverBy }),
      terms,
      ...(details !== undefined && { details }),
    }
  }

  /** The offer a chain of counters started from: it names the item. */
  #firstOffer(p: Proposal): Verified<'offer'> {
    let cur: Proposal = p
    while (cur.kind === 'counter') cur = this.#byDigest.get(cur.payload.inReplyTo) as Proposal
    return cur
  }

  #withdraw(m: Verified<'withdrawal'>): void {
    const target = this.#byDigest.get(m.payload.withdraws)
    if (!target) fail('ERR_BROKEN_LINK', 'the withdrawal names no message in this thread')
    if (this.#withdrawn.has(target.digest)) fail('ERR_ILLEGAL_MOVE', `the ${target.kind} is already withdrawn`)
    // An agreement ends by either party; an intent, offer or counter only by whoever made it.
    const parties = target.kind === 'agreement' ? target.signers : [target.issuer]
    if (!parties.includes(m.issuer))
      fail(
        'ERR_BROKEN_LINK',
        `only ${target.kind === 'agreement' ? 'a party to' : 'the issuer of'} the ${target.kind} may withdraw it`,
      )
    const aud = m.payload.aud
    const audiences =
      target.kind === 'agreement'
        ? target.signers
        : [target.issuer, ...('aud' in target.payload && target.payload.aud ? [target.payload.aud] : [])]
    if (aud !== undefined && !audiences.includes(aud))
      fail('ERR_BROKEN_LINK', `the withdrawal is addressed to someone outside the ${target.kind}`)
    if (target.kind === 'agreement') {
      this.#withdrawn.add(target.digest)
      return
    }
    if (target.kind !== 'intent' && target.kind !== 'offer' && target.kind !== 'counter')
      fail('ERR_ILLEGAL_MOVE', `a ${target.kind} cannot be withdrawn`)
    if (this.#agreement) fail('ERR_ILLEGAL_MOVE', `the ${target.kind} cannot be withdrawn after the agreement`)
    this.#withdrawn.add(target.digest)
  }
}
