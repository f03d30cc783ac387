/**
 * Issue 9, "a vendor that survives the internet": random interleavings of moves from the
 * customer, the vendor and third parties never give a 500 or an illegal state.
 *
 * One vendor (the real handler, called in-process), one honest customer (a cast key that signs
 * the intent, counters and acceptances, and a party key the acceptance may name to sign the
 * agreement), and two third parties with keys of their own. fast-check generates how the
 * vendor's code decides (offer, agree, counter, wait, refuse, each after a short pause) and a
 * sequence of steps: one move, several moves sent at once (the per-thread queue), or the same
 * bytes sent several times at once. The moves are those of a wallet and of whoever else sees
 * the traffic: counters and acceptances of any proposal, withdrawals of any message, the same
 * bytes again, an old `jti` with new content, a vendor's own message posted back to it, a
 * stranger's counters, acceptances and withdrawals, and the customer's acceptance with a
 * stranger's agreement grafted on.
 *
 * After every step the stored thread is read back from the store (`get` only) and checked:
 * it only ever grows, it re-verifies from its bytes, its state is one a stored thread may be in,
 * it holds at most one agreement, and nothing in it is signed by a stranger. Every answer is
 * checked against what was stored: an answer with a message is the stored one, the same first
 * message gets the same answer (retries), and a message is stored exactly when some request
 * carrying it got a 200 or 204. The vendor's own code is held to the same account: every
 * decision it made to answer, approve an agreement or take a withdrawal is in the thread, and no
 * other.
 *
 * Real clock: the handler checks against it, and every lifetime here (24 h intents, 1 h
 * proposals) is far longer than a run.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { joinMessages } from '../../src/http/media-type.js'
import { statusForCode } from '../../src/http/problem.js'
import {
  dealOf,
  digest,
  ERROR_CODES,
  generateKeyPair,
  IntentcastError,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signWithdrawal,
  Thread,
  verify,
  verifyThread,
  type AgreementBody,
  type Format,
  type Kind,
  type KeyPair,
  type Proposal,
  type Verified,
} from '../../src/index.js'
import {
  createVendorHandler,
  type CounterDecision,
  type ThreadStore,
  type VendorHandler,
} from '../../src/vendor/index.js'
import { intentBody, offerFor, problemOf, request, vendorOptions } from './support.js'

export type ThreadStoreFactory = () => ThreadStore | Promise<ThreadStore>

type Body = string | Uint8Array

/** Messages compared as bytes, whichever envelope they are in. */
const keyOf = (m: Body): string => (typeof m === 'string' ? `jws ${m}` : `cose ${Buffer.from(m).toString('base64')}`)

const money = (units: number) => ({ amount: `${units}.00`, currency: 'EUR' })

const pause = (ms: number) => (ms === 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms)))

/** The element `n` places from the end (0 is the latest), or undefined for an empty list. */
function fromEnd<T>(list: readonly T[], n: number): T | undefined {
  return list.length === 0 ? undefined : list[list.length - 1 - (n % list.length)]
}

// ---- The scenario: how the vendor's code decides, and what everyone sends ----

/** One decision of `on.counter`, taken after `delayMs` so that concurrent moves overlap. */
interface CounterChoice {
  readonly answer: 'agree' | 'wait' | 'counter' | 'refuse'
  readonly price: number
  readonly delayMs: number
}

/** One decision of `on.acceptance` or `on.withdrawal`: take the move, or refuse it with a 409. */
interface Approval {
  readonly refuse: boolean
  readonly delayMs: number
}

type Move =
  /** The customer counters one of the vendor's proposals (0: the latest). */
  | { readonly kind: 'counter'; readonly target: number; readonly price: number }
  /** The customer accepts one of the vendor's proposals; the agreement is signed by the party key when `party`. */
  | { readonly kind: 'accept'; readonly target: number; readonly party: boolean }
  /**
   * The customer withdraws a message it knows of, addressed to the vendor or not, with its own
   * key for it (the agreement's customer party, else the cast key) or with its other key.
   */
  | {
      readonly kind: 'withdraw'
      readonly target:
        | { readonly of: 'intent' }
        | { readonly of: 'agreement' }
        /** One of its own counters (0: the latest). */
        | { readonly of: 'counter'; readonly n: number }
        /** Any message it knows of. */
        | { readonly of: 'any'; readonly n: number }
      readonly by: 'own' | 'other'
      readonly addressed: boolean
    }
  /** The customer signs new content under the `jti` of one of its earlier messages. */
  | { readonly kind: 'reuse-jti'; readonly source: number }
  /** Anyone sends the exact bytes of an earlier request again. */
  | { readonly kind: 'resend'; readonly source: number }
  /** Anyone sends an earlier acceptance alone, without its agreement. */
  | { readonly kind: 'lone'; readonly source: number }
  /** Anyone posts one of the vendor's own messages back to it. */
  | { readonly kind: 'echo'; readonly target: number }
  /** A third party acts on the thread with its own key, maybe under one of the customer's `jti`s. */
  | {
      readonly kind: 'stranger'
      readonly who: number
      readonly act: 'counter' | 'accept' | 'withdraw' | 'graft'
      readonly target: number
      readonly stealJti: boolean
    }

type Step =
  | { readonly kind: 'one'; readonly move: Move }
  /** Several moves at once, each after its own short stagger. */
  | { readonly kind: 'together'; readonly moves: readonly Move[]; readonly stagger: readonly number[] }
  /** The same request, built once, sent `copies` times at once. */
  | { readonly kind: 'copies'; readonly move: Move; readonly copies: number }

interface Scenario {
  readonly format: Format
  /** The intent is cast to no one in particular (else to the vendor's DID). */
  readonly broadcast: boolean
  readonly counters: readonly CounterChoice[]
  readonly acceptances: readonly Approval[]
  readonly withdrawals: readonly Approval[]
  readonly steps: readonly Step[]
}

const pick = fc.nat({ max: 7 })
const delay = fc.nat({ max: 2 })
/** True one time in four: a vendor that refused most moves would leave little to interleave. */
const sometimes = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })

const moveArb: fc.Arbitrary<Move> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('counter' as const),
      target: pick,
      price: fc.integer({ min: 1700, max: 2000 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('accept' as const), target: pick, party: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      target: fc.oneof(
        { weight: 1, arbitrary: fc.record({ of: fc.constant('intent' as const) }) },
        { weight: 2, arbitrary: fc.record({ of: fc.constant('agreement' as const) }) },
        { weight: 2, arbitrary: fc.record({ of: fc.constant('counter' as const), n: pick }) },
        { weight: 1, arbitrary: fc.record({ of: fc.constant('any' as const), n: pick }) },
      ),
      by: fc.oneof(
        { weight: 3, arbitrary: fc.constant('own' as const) },
        { weight: 1, arbitrary: fc.constant('other' as const) },
      ),
      addressed: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reuse-jti' as const), source: pick }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('resend' as const), source: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lone' as const), source: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('echo' as const), target: pick }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('stranger' as const),
      who: fc.nat({ max: 1 }),
      act: fc.constantFrom('counter' as const, 'accept' as const, 'withdraw' as const, 'graft' as const),
      target: pick,
      stealJti: fc.boolean(),
    }),
  },
)

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('one' as const), move: moveArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('together' as const),
      moves: fc.array(moveArb, { minLength: 2, maxLength: 4 }),
      stagger: fc.array(delay, { minLength: 4, maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('copies' as const),
      move: moveArb,
      copies: fc.integer({ min: 2, max: 3 }),
    }),
  },
)

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  format: fc.constantFrom('jws' as const, 'cose' as const),
  broadcast: fc.boolean(),
  counters: fc.array(
    fc.record({
      answer: fc.constantFrom('agree' as const, 'wait' as const, 'counter' as const, 'refuse' as const),
      price: fc.integer({ min: 1750, max: 1950 }),
      delayMs: delay,
    }),
    { minLength: 1, maxLength: 6 },
  ),
  acceptances: fc.array(fc.record({ refuse: sometimes, delayMs: delay }), { minLength: 1, maxLength: 4 }),
  withdrawals: fc.array(fc.record({ refuse: sometimes, delayMs: delay }), { minLength: 1, maxLength: 4 }),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 20 }),
})

// ---- The world one run plays in ----

/** A request as built: its body, its first message, and who wrote that message. */
interface Built {
  readonly label: string
  readonly kind: Kind
  readonly body: Body
  readonly first: Body
  /** One message, or an acceptance and its agreement. */
  readonly parts: 1 | 2
  /** Whose own message the first is; a stranger's is never taken. */
  readonly author: 'customer' | 'stranger' | 'vendor'
  /** The one answer the model knows this request must get, when it knows one. */
  readonly expected?: { readonly status: number; readonly code: string }
  /** For a new message of the customer's: the same signer and `jti` over other content. */
  readonly reissue?: () => Promise<{ body: Body; first: Body }>
}

interface Sent extends Built {
  readonly status: number
  readonly answer?: Body
  readonly code?: string
}

/** What the vendor's own code decided, by its own count. */
interface Decided {
  intents: number
  /** on.counter answered with a counter of its own ('agree' or a deal). */
  counters: number
  /** on.acceptance returned: the agreement was to be countersigned. */
  agreements: number
  /** on.withdrawal returned: the withdrawal was to be stored. */
  withdrawals: number
}

interface World {
  readonly format: Format
  readonly handler: VendorHandler
  readonly threads: ThreadStore
  readonly vendor: KeyPair
  readonly customer: KeyPair
  readonly party: KeyPair
  readonly strangers: readonly KeyPair[]
  readonly intent: Verified<'intent'>
  /** The vendor's proposals, as the customer received them. */
  readonly proposals: Proposal[]
  /** Every offer and counter known, the customer's own included, by digest: to rebuild a chain. */
  readonly byDigest: Map<string, Proposal>
  /** Every message the customer has made or received: what it may try to withdraw. */
  readonly known: Verified[]
  readonly sent: Sent[]
  readonly errors: unknown[]
  readonly decided: Decided
  /** How often each kind of request got each answer, over all runs: the property must not pass vacuously. */
  readonly outcomes: Map<string, number>
  agreement: Verified<'agreement'> | undefined
  /** The stored thread's messages as last read. */
  stored: readonly string[]
}

async function open(s: Scenario, makeStore: ThreadStoreFactory, outcomes: Map<string, number>): Promise<World> {
  const [vendor, customer, party, ...strangers] = await Promise.all(Array.from({ length: 5 }, () => generateKeyPair()))
  const threads = await makeStore()
  const errors: unknown[] = []
  const decided: Decided = { intents: 0, counters: 0, agreements: 0, withdrawals: 0 }
  let counterCalls = 0
  let acceptanceCalls = 0
  let withdrawalCalls = 0
  const handler = createVendorHandler(
    vendorOptions(vendor!, '1900.00', {
      stores: { threads },
      on: {
        intent: (intent) => (decided.intents++, offerFor('1900.00')(intent)),
        counter: async (counter): Promise<CounterDecision> => {
          const choice = s.counters[counterCalls++ % s.counters.length]!
          await pause(choice.delayMs)
          switch (choice.answer) {
            case 'wait':
              return null
            case 'refuse':
              throw new IntentcastError('ERR_ILLEGAL_MOVE', 'no haggling today')
            case 'agree':
              decided.counters++
              return 'agree'
            case 'counter':
              decided.counters++
              return { ...dealOf(counter.payload), price: money(choice.price), note: 'Meet me halfway.' }
          }
        },
        acceptance: async () => {
          const choice = s.acceptances[acceptanceCalls++ % s.acceptances.length]!
          await pause(choice.delayMs)
          if (choice.refuse) throw new IntentcastError('ERR_ILLEGAL_MOVE', 'out of stock')
          decided.agreements++
        },
        withdrawal: async () => {
          const choice = s.withdrawals[withdrawalCalls++ % s.withdrawals.length]!
          await pause(choice.delayMs)
          if (choice.refuse) throw new IntentcastError('ERR_ILLEGAL_MOVE', 'call us instead')
          decided.withdrawals++
        },
        error: (e) => errors.push(e),
      },
    }),
  )
  await handler.ready
  const { format } = s
  const audience = s.broadcast ? {} : { audience: vendor!.did }
  const signed = await signIntent(intentBody(), customer!, { format, ...audience })
  const intent = await verify(signed, { expect: 'intent' })
  const world: World = {
    format,
    handler,
    threads,
    vendor: vendor!,
    customer: customer!,
    party: party!,
    strangers,
    intent,
    proposals: [],
    byDigest: new Map(),
    known: [intent],
    sent: [],
    errors,
    decided,
    outcomes,
    agreement: undefined,
    stored: [],
  }
  const built: Built = {
    label: 'intent',
    kind: 'intent',
    body: signed,
    first: signed,
    parts: 1,
    author: 'customer',
    reissue: async () => {
      const other = await signIntent(intentBody('another bike'), customer!, {
        format,
        ...audience,
        jti: intent.payload.jti,
      })
      return { body: other, first: other }
    },
  }
  const opened = await send(world, built)
  expect(opened.status).toBe(200)
  await learn(world, opened)
  await check(world, [opened], [])
  return world
}

// ---- Building each move's request from what the customer (or a stranger) has seen ----

/** The proposals from the offer to `p`, in order: the customer's view of the thread up to it. */
function chainTo(world: World, p: Proposal): Proposal[] {
  const chain: Proposal[] = []
  for (let cur: Proposal | undefined = p; cur !== undefined;) {
    chain.unshift(cur)
    const up = cur.payload.inReplyTo
    if (up === world.intent.digest) return chain
    cur = world.byDigest.get(up)
  }
  throw new Error('test bug: a proposal whose chain back to the offer is unknown')
}

/** The message a customer's withdrawal names, if the customer knows one of that kind. */
function withdrawn(world: World, target: Extract<Move, { kind: 'withdraw' }>['target']): Verified | undefined {
  if (target.of === 'intent') return world.intent
  if (target.of === 'agreement') return world.agreement
  const own = (m: Verified) => m.kind === 'counter' && m.issuer === world.customer.did
  return fromEnd(target.of === 'any' ? world.known : world.known.filter(own), target.n)
}

/** The customer's fresh messages, which a `jti` can be taken from. */
const ownFresh = (world: World) => world.sent.filter((s) => s.reissue !== undefined)

async function build(world: World, move: Move): Promise<Built | undefined> {
  const { format, customer, intent, vendor } = world
  switch (move.kind) {
    case 'counter': {
      const p = fromEnd(world.proposals, move.target)!
      const body = { ...dealOf(p.payload), price: money(move.price), inReplyTo: p.digest, intent: intent.digest }
      const options = { format, audience: p.issuer }
      const counter = await signCounter(body, customer, options)
      const { jti } = (await verify(counter, { expect: 'counter' })).payload
      return {
        label: 'customer counter',
        kind: 'counter',
        body: counter,
        first: counter,
        parts: 1,
        author: 'customer',
        reissue: async () => {
          const other = await signCounter({ ...body, note: 'Once more.' }, customer, { ...options, jti })
          return { body: other, first: other }
        },
      }
    }
    case 'accept': {
      const p = fromEnd(world.proposals, move.target)!
      const body = {
        inReplyTo: p.digest,
        intent: intent.digest,
        ...dealOf(p.payload),
        ...(move.party && { party: world.party.did }),
      }
      const options = { format, audience: p.issuer }
      const acceptance = await signAcceptance(body, customer, options)
      const accepted = await verify(acceptance, { expect: 'acceptance' })
      // As a wallet does (src/wallet/respond.ts): the thread as it saw it, with the acceptance, gives the body.
      const thread = new Thread(intent)
      for (const m of chainTo(world, p)) thread.add(m)
      thread.add(accepted)
      const agreement = await signAgreement(thread.agreementBody(), move.party ? world.party : customer, { format })
      return {
        label: 'customer acceptance',
        kind: 'acceptance',
        body: joinMessages(acceptance, agreement),
        first: acceptance,
        parts: 2,
        author: 'customer',
        reissue: async () => {
          // Another lifetime: other bytes, the same issuer and jti.
          const other = await signAcceptance(body, customer, { ...options, jti: accepted.payload.jti, expiresIn: '2h' })
          return { body: joinMessages(other, agreement), first: other }
        },
      }
    }
    case 'withdraw': {
      const target = withdrawn(world, move.target)
      if (target === undefined) return undefined
      const own = target.kind === 'agreement' && target.issuer === world.party.did ? world.party : customer
      const signer = move.by === 'own' ? own : own === customer ? world.party : customer
      const options = { format, ...(move.addressed && { audience: vendor.did }) }
      const withdrawal = await signWithdrawal({ withdraws: target.digest }, signer, options)
      const { jti } = (await verify(withdrawal, { expect: 'withdrawal' })).payload
      return {
        label: 'customer withdrawal',
        kind: 'withdrawal',
        body: withdrawal,
        first: withdrawal,
        parts: 1,
        author: 'customer',
        reissue: async () => {
          const other = await signWithdrawal({ withdraws: target.digest, reason: 'Changed my mind.' }, signer, {
            ...options,
            jti,
          })
          return { body: other, first: other }
        },
      }
    }
    case 'reuse-jti': {
      const source = fromEnd(ownFresh(world), move.source)!
      const { body, first } = await source.reissue!()
      return {
        label: 'reused jti',
        kind: source.kind,
        body,
        first,
        parts: source.parts,
        author: 'customer',
        // Another message under the jti of one in the thread is a replay (spec §HTTP binding,
        // Retries). Whether the jti of a message that was refused may be used again is the
        // vendor's design (a replay store, or the thread itself), so nothing is expected then.
        ...(world.stored.includes(keyOf(source.first)) && { expected: { status: 409, code: 'ERR_REPLAY' } }),
      }
    }
    case 'resend': {
      const { kind, body, first, parts, author } = fromEnd(world.sent, move.source)!
      return { label: 'resend', kind, body, first, parts, author }
    }
    case 'lone': {
      const source = fromEnd(
        world.sent.filter((s) => s.kind === 'acceptance' && s.author === 'customer'),
        move.source,
      )
      if (source === undefined) return undefined
      return {
        label: 'lone acceptance',
        kind: 'acceptance',
        body: source.first,
        first: source.first,
        parts: 1,
        author: 'customer',
        // Spec §HTTP binding, Request bodies: an acceptance travels with its agreement, even as a
        // retry (§Retries answers an acceptance only as it was sent, with its agreement).
        expected: { status: 422, code: 'ERR_TYPE_MISMATCH' },
      }
    }
    case 'echo': {
      const target = fromEnd([...world.proposals, ...(world.agreement ? [world.agreement] : [])], move.target)!
      return {
        label: `echoed ${target.kind}`,
        kind: target.kind,
        body: target.message,
        first: target.message,
        parts: 1,
        author: 'vendor',
      }
    }
    case 'stranger':
      return buildStranger(world, move)
  }
}

async function buildStranger(world: World, move: Extract<Move, { kind: 'stranger' }>): Promise<Built | undefined> {
  const { format, intent, vendor } = world
  const stranger = world.strangers[move.who % world.strangers.length]!
  // A stranger that saw the customer's traffic may sign under one of its jtis: its own issuer, so no replay.
  const stolen = move.stealJti ? fromEnd(ownFresh(world), move.target) : undefined
  const jti = stolen && { jti: (await verify(stolen.first)).payload.jti }
  const p = fromEnd(world.proposals, move.target)!
  switch (move.act) {
    case 'counter': {
      const counter = await signCounter(
        { ...dealOf(p.payload), price: money(1), inReplyTo: p.digest, intent: intent.digest },
        stranger,
        { format, audience: p.issuer, ...jti },
      )
      return {
        label: 'stranger counter',
        kind: 'counter',
        body: counter,
        first: counter,
        parts: 1,
        author: 'stranger',
      }
    }
    case 'accept': {
      const acceptance = await signAcceptance(
        { inReplyTo: p.digest, intent: intent.digest, ...dealOf(p.payload) },
        stranger,
        { format, audience: p.issuer, ...jti },
      )
      const agreement = await signAgreement(strangersAgreement(world, stranger, p, digest(acceptance)), stranger, {
        format,
      })
      return {
        label: 'stranger acceptance',
        kind: 'acceptance',
        body: joinMessages(acceptance, agreement),
        first: acceptance,
        parts: 2,
        author: 'stranger',
      }
    }
    case 'withdraw': {
      const target = fromEnd(world.known, move.target)!
      const withdrawal = await signWithdrawal({ withdraws: target.digest }, stranger, {
        format,
        ...(move.target % 2 === 0 && { audience: vendor.did }),
        ...jti,
      })
      return {
        label: 'stranger withdrawal',
        kind: 'withdrawal',
        body: withdrawal,
        first: withdrawal,
        parts: 1,
        author: 'stranger',
      }
    }
    case 'graft': {
      // The customer's own acceptance, seen on the wire, with the stranger's agreement in place of the customer's.
      const source = fromEnd(
        world.sent.filter((s) => s.kind === 'acceptance' && s.author === 'customer'),
        move.target,
      )
      if (source === undefined) return undefined
      const accepted = await verify(source.first, { expect: 'acceptance' })
      const accepting = world.byDigest.get(accepted.payload.inReplyTo)!
      const agreement = await signAgreement(strangersAgreement(world, stranger, accepting, accepted.digest), stranger, {
        format,
      })
      return {
        label: 'grafted agreement',
        kind: 'acceptance',
        body: joinMessages(source.first, agreement),
        first: source.first,
        parts: 2,
        author: 'customer',
      }
    }
  }
}

/** The agreement a stranger would want: the deal of `p`, with itself as the customer party. */
function strangersAgreement(world: World, stranger: KeyPair, p: Proposal, acceptance: string): AgreementBody {
  const offer = chainTo(world, p)[0] as Verified<'offer'>
  return {
    parties: { customer: stranger.did, vendor: p.issuer },
    refs: { intent: world.intent.digest, offer: p.digest, acceptance },
    item: offer.payload.item,
    ...dealOf(p.payload),
  }
}

// ---- Sending, and what every single answer must be ----

async function send(world: World, built: Built): Promise<Sent> {
  const type = typeof built.body === 'string' ? 'application/intentcast+jws' : 'application/intentcast+cose'
  const response = await world.handler(
    request('/intentcast/messages', {
      method: 'POST',
      headers: { 'content-type': type },
      body: typeof built.body === 'string' ? built.body : new Uint8Array(built.body),
    }),
  )
  const { status } = response
  expect(status, `${built.label}: never a 500`).toBeLessThan(500)
  let sent: Sent
  if (status >= 400) {
    const { code } = await problemOf(response)
    expect(ERROR_CODES, built.label).toContain(code)
    expect(statusForCode(code as Parameters<typeof statusForCode>[0]), `${built.label}: ${code}`).toBe(status)
    sent = { ...built, status, code }
  } else if (status === 200) {
    expect(response.headers.get('content-type')).toBe(type)
    const bytes = new Uint8Array(await response.arrayBuffer())
    sent = { ...built, status, answer: typeof built.body === 'string' ? new TextDecoder().decode(bytes) : bytes }
  } else {
    expect([202, 204], built.label).toContain(status)
    expect(await response.text()).toBe('')
    sent = { ...built, status }
  }
  const outcome = `${built.label} ${status}${sent.code === undefined ? '' : ` ${sent.code}`}`
  world.outcomes.set(outcome, (world.outcomes.get(outcome) ?? 0) + 1)
  return sent
}

/** The customer reads an answer: a proposal to counter or accept, or the agreement. */
async function learn(world: World, sent: Sent): Promise<void> {
  world.sent.push(sent)
  if (sent.author === 'customer') {
    // The customer's own messages: a counter of its own may be what the vendor's next counter answers.
    const own = await verify(sent.first)
    if (own.kind === 'counter') world.byDigest.set(own.digest, own)
    if (!world.known.some((m) => m.digest === own.digest)) world.known.push(own)
  }
  if (sent.answer === undefined) return
  const answer = await verify(sent.answer)
  if (world.known.some((m) => m.digest === answer.digest)) return
  world.known.push(answer)
  if (answer.kind === 'agreement') world.agreement = answer
  else if ((answer.kind === 'offer' || answer.kind === 'counter') && answer.issuer === world.vendor.did) {
    world.proposals.push(answer)
    world.byDigest.set(answer.digest, answer)
  }
}

async function runStep(world: World, step: Step): Promise<void> {
  const before = world.stored
  const earlier = [...world.sent]
  let sent: Sent[]
  if (step.kind === 'copies') {
    const built = await build(world, step.move)
    if (built === undefined) return
    sent = await Promise.all(Array.from({ length: step.copies }, () => send(world, built)))
    // Copies of one request at once: all those that were taken got the same answer. (A copy that
    // was refused, or answered 202 and not stored, leaves nothing the others must agree with.)
    const taken = sent.filter((s) => s.status === 200 || s.status === 204)
    expect(
      new Set(taken.map((s) => `${s.status} ${s.answer && keyOf(s.answer)}`)).size,
      `${built.label} ×${step.copies}`,
    ).toBeLessThanOrEqual(1)
  } else {
    const moves = step.kind === 'one' ? [step.move] : step.moves
    // Built one after another from what the customer knows now, then sent at once.
    const built: Built[] = []
    for (const move of moves) {
      const b = await build(world, move)
      if (b !== undefined) built.push(b)
    }
    const stagger = step.kind === 'together' ? step.stagger : []
    sent = await Promise.all(built.map(async (b, i) => (await pause(stagger[i] ?? 0), send(world, b))))
  }
  for (const s of sent) await learn(world, s)
  await check(world, sent, before, earlier)
}

// ---- What must hold after every step ----

async function check(world: World, sent: readonly Sent[], before: readonly string[], earlier: readonly Sent[] = []) {
  expect(world.errors, 'on.error is never called').toEqual([])
  const thread = (await world.threads.get(world.intent.digest))!
  expect(thread, 'the thread is kept').toBeDefined()
  const now = thread.messages.map((m) => keyOf(m.message))
  expect(now.slice(0, before.length), 'a stored thread only grows').toEqual(before)
  if (now.length !== before.length) await reverify(world, thread.messages, thread.state())
  world.stored = now
  const stored = new Set(now)
  const got = (first: Body, among: readonly Sent[]) =>
    among.find((s) => keyOf(s.first) === keyOf(first) && (s.status === 200 || s.status === 204))

  for (const s of sent) {
    // A stranger's own message is never taken, nor is the vendor's own message posted back to it.
    const refused = s.author === 'stranger' || s.author === 'vendor'
    if (refused) expect(s.status, `${s.label} is refused`).toBeGreaterThanOrEqual(400)
    if (s.expected) expect({ status: s.status, code: s.code }, s.label).toEqual(s.expected)
    // Retries (spec §HTTP binding, Retries): a request whose first message was taken before gets
    // the same answer again, whoever sends it and whatever agreement a copy carries.
    const first = got(
      s.first,
      earlier.filter((e) => e.parts === s.parts),
    )
    if (first !== undefined) {
      expect(s.status, `${s.label} of a message answered ${first.status}`).toBe(first.status)
      expect(s.answer && keyOf(s.answer), `${s.label}: the same answer as before`).toBe(
        first.answer && keyOf(first.answer),
      )
    }
    // The bytes of a message the thread keeps are never a replay, not even for a copy sent while
    // the first was still being answered: it waits for it, and gets its answer.
    if (stored.has(keyOf(s.first))) expect(s.code, `${s.label} of a stored message`).not.toBe('ERR_REPLAY')
    if (s.answer !== undefined) {
      // A message the vendor answers with is the one it keeps, and answers the request's first message.
      expect(stored.has(keyOf(s.answer)), `${s.label}: its answer is stored`).toBe(true)
      const answer = thread.messages.find((m) => keyOf(m.message) === keyOf(s.answer!))!
      if (s.kind === 'acceptance') expect(answer, `${s.label}: the agreement`).toBe(thread.agreement)
      else expect((answer.payload as { inReplyTo?: string }).inReplyTo, s.label).toBe(digest(s.first))
    }
  }

  // A move is applied exactly once: a new first message answered 200/204 adds itself (and the
  // vendor's reply, or the agreement); nothing else changes the thread.
  let added = 0
  for (const first of new Set(sent.map((s) => keyOf(s.first)))) {
    const one = sent.find((s) => keyOf(s.first) === first)!
    if (!before.includes(first) && got(one.first, sent)) added += one.kind === 'withdrawal' ? 1 : 2
  }
  expect(now.length - before.length, `messages added by ${sent.map((s) => s.label).join(', ')}`).toBe(added)

  // A message is kept exactly when a request carrying it was answered 200 or 204.
  for (const s of world.sent)
    if (s.author !== 'vendor')
      expect(stored.has(keyOf(s.first)), `${s.label} answered ${s.status}: stored?`).toBe(
        got(s.first, world.sent) !== undefined,
      )

  // The vendor's code: each decision it made to go ahead took effect, and only those.
  const { decided } = world
  const kinds = (kind: Kind, issuer?: string) =>
    thread.messages.filter((m) => m.kind === kind && (issuer === undefined || m.issuer === issuer)).length
  expect(decided.intents, 'the intent was decided once').toBe(1)
  expect(kinds('counter', world.vendor.did), "the vendor's counters").toBe(decided.counters)
  expect(kinds('agreement'), 'agreements').toBe(decided.agreements)
  expect(kinds('withdrawal'), 'withdrawals').toBe(decided.withdrawals)
}

/** The stored thread, verified again from its bytes alone, in a state a stored thread may be in. */
async function reverify(world: World, messages: readonly Verified[], state: string): Promise<void> {
  const again = await verifyThread(messages.map((m) => m.message))
  expect(again.state()).toBe(state)
  // Never 'accepted': an acceptance is stored with its countersigned agreement or not at all.
  // Never 'expired': every lifetime here outlasts the run.
  expect(['open', 'agreed', 'withdrawn', 'terminated']).toContain(again.state())
  const count = (kind: Kind) => again.messages.filter((m) => m.kind === kind).length
  expect(count('agreement')).toBeLessThanOrEqual(1)
  expect(count('acceptance')).toBe(count('agreement'))
  const { customer, party, vendor } = world
  const strangers = world.strangers.map((k) => k.did)
  for (const m of again.messages) {
    for (const signer of m.signers) expect(strangers, `a ${m.kind} signed by a stranger`).not.toContain(signer)
    switch (m.kind) {
      case 'intent':
      case 'acceptance':
        expect(m.issuer).toBe(customer.did)
        break
      case 'offer':
        expect(m.issuer).toBe(vendor.did)
        break
      case 'counter':
        expect([customer.did, vendor.did]).toContain(m.issuer)
        break
      case 'agreement':
        expect(m.signers).toEqual([again.acceptance!.payload.party ?? customer.did, vendor.did])
        break
      case 'withdrawal':
        expect([customer.did, party.did]).toContain(m.issuer)
        break
      default:
        throw new Error(`a ${m.kind} in a thread`)
    }
  }
}

/**
 * The property, against thread stores made by `makeStore`: `numRuns` scenarios of up to 20 steps, and
 * then a check that the moves were taken as well as refused, so that it cannot hold vacuously
 * (a test that built every move wrong would see only 4xx answers, and no stored thread to judge).
 */
export async function interleavings(makeStore: ThreadStoreFactory, numRuns = 60): Promise<void> {
  const outcomes = new Map<string, number>()
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (s) => {
      const world = await open(s, makeStore, outcomes)
      for (const step of s.steps) await runStep(world, step)
    }),
    { numRuns },
  )
  for (const outcome of [
    'customer counter 200',
    'customer counter 202',
    'customer acceptance 200',
    'customer acceptance 409 ERR_ILLEGAL_MOVE',
    'customer withdrawal 204',
    'resend 200',
    'reused jti 409 ERR_REPLAY',
    'grafted agreement 200',
    'stranger counter 422 ERR_BROKEN_LINK',
    'stranger acceptance 422 ERR_BROKEN_LINK',
    'stranger withdrawal 422 ERR_BROKEN_LINK',
  ])
    expect(outcomes.get(outcome) ?? 0, `no run had a ${outcome}`).toBeGreaterThan(0)
}
