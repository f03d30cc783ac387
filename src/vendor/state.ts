/**
 * What the four moves share: the resolved options, the vendor's keys, and the stored threads,
 * reached one move at a time per thread. Each move's file takes this rather than closing over
 * one big handler function, so a move reads as its own steps: check the customer's message,
 * then call the vendor, then sign and store.
 */
import { IntentcastError } from '../errors.js'
import { checkReplay, DEFAULT_TOLERANCE } from '../envelope/checks.js'
import type { Verified } from '../envelope/verify.js'
import { MAX_MESSAGES, Thread } from '../thread/thread.js'
import { asVendor, VendorFailure } from './callbacks.js'
import { KeyedQueue } from './keyed-queue.js'
import type { VendorKeys } from './keys.js'
import type { ResolvedOptions } from './resolve-options.js'
import { storedAnswer, type Sent } from './retry.js'
import type { ThreadStore } from './thread-store.js'

export interface Vendor {
  readonly options: ResolvedOptions
  readonly keys: VendorKeys
  /** The vendor's verified terms, once signed (or the failure to sign them). */
  readonly terms: Promise<Verified<'terms', 'jws'>>
  /**
   * Takes `m`, the intent opening a thread: with the thread locked, a retry of its bytes gets
   * the stored answer, anything else passes the replay check and then `move`.
   */
  opening(m: Verified<'intent'>, move: () => Promise<Response>): Promise<Response>
  /**
   * Takes `m`, a move on the stored thread holding `digest`, likewise; `move` gets the thread
   * as stored once it holds the lock.
   */
  withThread(digest: string, m: Verified, move: (stored: Thread) => Promise<Response>): Promise<Response>
  /**
   * Runs `task` holding the thread of the intent whose digest is `intent`, as every move does,
   * without a move's checks: for the vendor's own moves outside a request (`handler.offer`).
   */
  hold<T>(intent: string, task: () => Promise<T>): Promise<T>
  /**
   * Stores `thread`, grown from the `stored` version this move read. Another process writing
   * first (possible only when a lock's lease ran out under a slow move) is the vendor's 500.
   */
  save(thread: Thread, stored: Thread | undefined): Promise<void>
  /**
   * The relays the vendor posts to on its own (spec §Relay binding, Answering later): those of
   * `http.relays`, and each relay it connects to (`connectRelay`). Never a URL an intent names.
   */
  readonly relays: Set<string>
}

export function createVendorState(
  options: ResolvedOptions,
  keys: VendorKeys,
  terms: Promise<Verified<'terms', 'jws'>>,
): Vendor {
  const queue = new KeyedQueue()
  const { threads, replay } = options
  // One move at a time per thread: in this process by the queue, across processes by the
  // store's lock. Inside it, a retry of the same bytes is answered from the store before anything
  // could call it a replay: a retry sent while the first was still being answered waits for it,
  // and then gets its answer.
  const hold = <T>(intent: string, task: () => Promise<T>): Promise<T> =>
    queue.run(intent, () => locked(threads, intent, task))
  const exclusive = (intent: string, m: Verified, move: () => Promise<Response>): Promise<Response> =>
    hold(intent, async () => (await storedAnswer(sentAs(m), options, keys)) ?? move())
  return {
    options,
    keys,
    terms,
    hold,
    relays: new Set(options.relays),
    // An intent opens a thread, so only the replay store can tell a reused `jti`; it is
    // recorded before the vendor's code runs (spec §HTTP binding, Processing).
    opening: (m, move) =>
      exclusive(m.digest, m, async () => {
        await checkReplay(m, replay, {})
        return move()
      }),
    async withThread(digest, m, move) {
      // The store is the vendor's own: a failure of it is a 500, never the customer's fault. An
      // agreed thread the thread store has let go of is still in the record, and can still end.
      const found =
        (await asVendor(() => threads.get(digest))) ?? (await asVendor(() => options.agreements.get(digest)))
      if (!found) throw new IntentcastError('ERR_BROKEN_LINK', 'no open thread holds the message this one refers to')
      // Judged against the thread as read, before the move waits for its turn or takes a lock: a
      // move the thread refuses now (a stranger's, one answering nothing in it) is refused for
      // good, since a thread only grows, and must not make the customer's own moves wait.
      try {
        requireNewJti(found, m)
        found.with(m)
      } catch (e) {
        // A copy of a move stored since this request began is its retry, not a refusal.
        const again = await storedAnswer(sentAs(m), options, keys)
        if (again !== undefined) return again
        throw e
      }
      const key = found.intent.digest
      return exclusive(key, m, async () => {
        // Read again once it is this move's turn: the move before may have changed the thread.
        const stored = (await asVendor(() => threads.get(key))) ?? found
        requireNewJti(stored, m)
        return move(stored)
      })
    },
    async save(thread, stored) {
      const written = await asVendor(() => threads.set(thread, stored?.messages.length ?? 0))
      if (!written)
        throw new VendorFailure(
          `another process wrote thread ${thread.intent.digest} during this move: the thread store's lock lease is shorter than the move took`,
        )
    },
  }
}

/** A verified message as a retry is looked up by; its digest is already computed. */
function sentAs(m: Verified): Sent {
  return { digest: m.digest, message: m.message, acceptance: m.kind === 'acceptance' }
}

/**
 * A move's replay check is its thread's (spec §HTTP binding, Processing): a message reusing the
 * `jti` of one its issuer already made in the thread is a replay. The thread is written in one
 * step with the move, so a move that was refused, or whose process died before it was stored,
 * leaves no trace and may be sent again, where a replay-store entry made before the move would
 * have turned every retry into ERR_REPLAY.
 */
function requireNewJti(thread: Thread, m: Verified): void {
  const { jti } = m.payload as { jti: string }
  if (thread.messages.some((t) => t.issuer === m.issuer && (t.payload as { jti: string }).jti === jti))
    throw new IntentcastError('ERR_REPLAY', `message ${jti} from this issuer is already in the thread`)
}

/**
 * Runs `task` under the store's lock, if it has one. What `task` throws (a refusal of the
 * customer's move, with its code) passes through as it is; only the lock failing is the vendor's.
 */
async function locked<T>(threads: ThreadStore, intent: string, task: () => Promise<T>): Promise<T> {
  if (threads.lock === undefined) return task()
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined
  await asVendor(() =>
    threads.lock!(intent, async () => {
      try {
        outcome = { ok: true, value: await task() }
      } catch (error) {
        outcome = { ok: false, error }
      }
    }),
  )
  if (outcome === undefined) throw new VendorFailure('the thread store’s lock settled without running the move')
  if (!outcome.ok) throw outcome.error
  return outcome.value
}

/**
 * Throws ERR_ILLEGAL_MOVE unless the vendor's answer could still join `thread` (the thread with
 * the customer's move applied): there is room for one more message and, for an offer or a
 * counter, the negotiation is open now. Checked before the vendor's callback runs, so that a
 * move arriving too late is the customer's 409, not a reply the thread then refuses (a 500 after
 * the vendor's code had already decided on it).
 *
 * For an agreement it also applies the live-time rule (spec §Thread state machine, Live time):
 * the thread judges a move by the times its messages carry, so an acceptance back-dated inside
 * an offer's lifetime is a legal move in it; a party about to bind itself also asks its own
 * clock, and countersigns nothing for an intent or a proposal that has expired by now.
 */
export function requireAnswerable(thread: Thread, answer: 'proposal' | 'agreement', now = new Date()): void {
  if (thread.messages.length >= MAX_MESSAGES)
    throw new IntentcastError(
      'ERR_ILLEGAL_MOVE',
      `the thread is full (${MAX_MESSAGES} messages): nothing can answer this move`,
    )
  if (answer === 'agreement') requireLive(thread, now)
  if (answer === 'proposal') requireAnsweredLive(thread, now)
  if (answer === 'proposal' && thread.state(now) !== 'open') {
    throw new IntentcastError(
      'ERR_ILLEGAL_MOVE',
      `the negotiation is ${thread.state(now)}: the vendor can no longer answer it`,
    )
  }
}

/** The intent and the accepted proposal have not expired by `now` (with the verify tolerance). */
function requireLive(thread: Thread, now: Date): void {
  const accepted = thread.proposals.find((p) => p.digest === thread.acceptance?.payload.inReplyTo)
  const t = Math.floor(now.getTime() / 1000)
  for (const m of [thread.intent, accepted]) {
    if (m !== undefined && m.payload.exp + DEFAULT_TOLERANCE <= t) {
      throw new IntentcastError(
        'ERR_ILLEGAL_MOVE',
        `the ${m.kind === 'intent' ? 'intent' : `accepted ${m.kind}`} expired at ${new Date(m.payload.exp * 1000).toISOString()}, by the vendor's clock: ask for a fresh offer`,
      )
    }
  }
}

/**
 * A reply answers the thread's last move; the thread refuses a reply made after that move
 * expired (message time), so the vendor must not decide on, or sign, one (a customer's counter
 * that expires while the vendor's code decides is a 409, not a reply the thread refuses).
 */
function requireAnsweredLive(thread: Thread, now: Date): void {
  const last = thread.messages.at(-1)!
  const exp = 'exp' in last.payload ? last.payload.exp : undefined
  if (last.kind === 'counter' && exp !== undefined && Math.floor(now.getTime() / 1000) > exp + DEFAULT_TOLERANCE) {
    throw new IntentcastError(
      'ERR_ILLEGAL_MOVE',
      `the counter expired at ${new Date(exp * 1000).toISOString()}, before the vendor could answer it`,
    )
  }
}

/**
 * The size limit for verifying a message the vendor itself just signed: its own size. The body
 * limit guards against senders; a reply restating a customer's counter of nearly the limit can
 * come out a few bytes over it, and refusing our own reply would turn the customer's valid
 * counter into a 500.
 */
export function ownSize(signed: string | Uint8Array): number {
  return Math.max(1, signed.length)
}

/**
 * The state behind each handler `createVendorHandler` made, for what works with a handler from
 * outside a request (`connectRelay`): a WeakMap, so a handler that is dropped takes it along.
 */
const STATES = new WeakMap<object, Vendor>()

export function registerState(handler: object, vendor: Vendor): void {
  STATES.set(handler, vendor)
}

/** The state of a handler `createVendorHandler` made; ERR_INVALID_ARGUMENT for anything else. */
export function stateOf(handler: unknown): Vendor {
  const vendor = typeof handler === 'function' ? STATES.get(handler) : undefined
  if (vendor === undefined)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      'handler is a handler createVendorHandler made, not a wrapper of one',
    )
  return vendor
}
