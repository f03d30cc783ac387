/**
 * The thread state machine (issue 3, "Thread state machine"): intent -> offers -> counters ->
 * acceptance -> agreement, withdrawals from open states, expiry closing an open state.
 */
import { describe, expect, it } from 'vitest'
import {
  countersign,
  DPV_STATUS,
  MAX_MESSAGES,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signOffer,
  signTerms,
  signWithdrawal,
  Thread,
  verify,
  verifyThread,
  type AgreementBody,
  type KeyPair,
  type Verified,
} from '../../src/index.js'
import {
  acceptanceBody,
  at,
  counterBody,
  customer,
  EUR,
  expectCode,
  intentBody,
  offerBody,
  SOME_DIGEST,
  stranger,
  T0,
  termsBody,
  vendor,
  withdrawalBody,
} from '../helpers/fixtures.js'

/** Verifies `message` at the time it was signed. */
const seen = <K extends Verified['kind']>(message: string, kind: K, when: Date) =>
  verify(message, { expect: kind, now: when }) as Promise<Verified<K>>

let serial = 0
const jti = () => `thread-jti-${String(++serial).padStart(4, '0')}`

/**
 * intent (T0) -> offer (+10m) -> counter by the customer (+20m) -> counter by the vendor (+30m)
 * -> acceptance of the vendor's counter (+40m) -> agreement (+50m).
 */
async function negotiate() {
  const intent = await signIntent(intentBody, customer, { now: T0, jti: jti() })
  const intentV = await seen(intent, 'intent', T0)
  const offer = await signOffer(offerBody(intentV.digest, '999.00'), vendor, {
    now: at(600),
    audience: customer.did,
    expiresIn: '2h',
    jti: jti(),
  })
  const offerV = await seen(offer, 'offer', at(600))
  const counter1 = await signCounter(counterBody(intentV.digest, offerV.digest, '900.00'), customer, {
    now: at(1200),
    audience: vendor.did,
    jti: jti(),
  })
  const counter1V = await seen(counter1, 'counter', at(1200))
  const counter2 = await signCounter(counterBody(intentV.digest, counter1V.digest, '950.00'), vendor, {
    now: at(1800),
    audience: customer.did,
    jti: jti(),
  })
  const counter2V = await seen(counter2, 'counter', at(1800))
  const acceptance = await signAcceptance(acceptanceBody(intentV.digest, counter2V), customer, {
    now: at(2400),
    audience: vendor.did,
    jti: jti(),
  })
  const acceptanceV = await seen(acceptance, 'acceptance', at(2400))
  const upToAcceptance = new Thread(intentV).add(offerV).add(counter1V).add(counter2V).add(acceptanceV)
  const body = upToAcceptance.agreementBody()
  const agreement = await countersign(await signAgreement(body, customer, { now: at(3000), jti: jti() }), vendor, {
    now: at(3000),
  })
  const agreementV = await seen(agreement, 'agreement', at(3000))
  return {
    strings: [intent, offer, counter1, counter2, acceptance, agreement],
    intent: intentV,
    offer: offerV,
    counter1: counter1V,
    counter2: counter2V,
    acceptance: acceptanceV,
    agreement: agreementV,
    body,
  }
}

const flow = await negotiate()
const { intent, offer, counter1, counter2, acceptance, agreement } = flow

/** A thread holding the given moves after the flow's intent. */
const threadOf = (...moves: Verified[]) => moves.reduce((t, m) => t.add(m), new Thread(intent))

const withdraw = async (target: Verified, by: KeyPair, when: Date) =>
  seen(await signWithdrawal(withdrawalBody(target.digest), by, { now: when, jti: jti() }), 'withdrawal', when)

const sign2 = async (body: AgreementBody, when: Date) =>
  seen(
    await countersign(await signAgreement(body, customer, { now: when, jti: jti() }), vendor, { now: when }),
    'agreement',
    when,
  )

describe('verifyThread: a complete negotiation', () => {
  it('intent -> offer -> counter -> counter -> acceptance -> agreement is agreed (DPV AgreementAccepted)', async () => {
    const thread = await verifyThread(flow.strings)
    expect(thread.state(at(3000))).toBe('agreed')
    expect(thread.status(at(3000))).toBe(DPV_STATUS.accepted)
    expect(DPV_STATUS.accepted).toBe('https://w3id.org/dpv/standards/p7012#AgreementAccepted')
    expect(thread.messages.map((m) => m.kind)).toEqual([
      'intent',
      'offer',
      'counter',
      'counter',
      'acceptance',
      'agreement',
    ])
    expect(thread.proposals.map((p) => p.digest)).toEqual([offer.digest, counter1.digest, counter2.digest])
    expect(thread.acceptance?.digest).toBe(acceptance.digest)
    expect(thread.agreement?.digest).toBe(agreement.digest)
    expect(thread.intent.digest).toBe(intent.digest)
    expect(thread.openProposals(at(3000))).toEqual([])
  })

  it("the agreement carries the accepted counter's terms and the offer's item", () => {
    expect(agreement.payload).toMatchObject({
      parties: { customer: customer.did, vendor: vendor.did },
      refs: { intent: intent.digest, offer: counter2.digest, acceptance: acceptance.digest },
      item: offer.payload.item,
      quantity: counter2.payload.quantity,
      price: EUR('950.00'),
      deliverBy: counter2.payload.deliverBy,
      terms: counter2.payload.terms,
    })
  })

  it('accepts verified messages as well as strings, mixed', async () => {
    const thread = await verifyThread([
      flow.strings[0]!,
      offer,
      flow.strings[2]!,
      counter2,
      acceptance,
      flow.strings[5]!,
    ])
    expect(thread.state(at(3000))).toBe('agreed')
  })

  it('a stored thread re-verifies years after every message expired: time is checked move by move', async () => {
    const stored = JSON.parse(JSON.stringify(flow.strings)) as string[]
    await expectCode(verify(stored[0]!), 'ERR_EXPIRED') // against the clock, the intent is long dead
    await expectCode(verify(stored[4]!), 'ERR_EXPIRED')
    const thread = await verifyThread(stored)
    expect(thread.state()).toBe('agreed')
    expect(thread.status()).toBe(DPV_STATUS.accepted)
    expect(thread.agreement?.signers).toEqual([customer.did, vendor.did])
  })

  it('a tampered message fails the whole thread with its verify code', async () => {
    const [h, p, s] = flow.strings[1]!.split('.')
    const flipped = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`
    await expectCode(verifyThread([flow.strings[0]!, flipped]), 'ERR_SIGNATURE_INVALID')
    await expectCode(verifyThread([flow.strings[0]!, 'not a jws']), 'ERR_MALFORMED')
  })

  it('needs an intent first', async () => {
    await expectCode(verifyThread([]), 'ERR_BROKEN_LINK')
    await expectCode(verifyThread('intent' as unknown as string[]), 'ERR_BROKEN_LINK')
    await expectCode(verifyThread(flow.strings.slice(1)), 'ERR_BROKEN_LINK')
    await expectCode(async () => new Thread(offer as unknown as Verified<'intent'>), 'ERR_BROKEN_LINK')
  })
})

describe('Thread: states and DPV statuses move by move', () => {
  it('open (initiated) -> pending response -> counter-offer made -> confirmation required -> agreed -> terminated', async () => {
    const t = new Thread(intent)
    expect([t.state(at(1)), t.status(at(1))]).toEqual(['open', DPV_STATUS.initiated])
    t.add(offer)
    expect([t.state(at(601)), t.status(at(601))]).toEqual(['open', DPV_STATUS.pendingResponse])
    expect(t.openProposals(at(601)).map((p) => p.digest)).toEqual([offer.digest])
    t.add(counter1)
    expect([t.state(at(1201)), t.status(at(1201))]).toEqual(['open', DPV_STATUS.counterOfferMade])
    t.add(counter2)
    expect(t.status(at(1801))).toBe(DPV_STATUS.counterOfferMade)
    t.add(acceptance)
    expect([t.state(at(2401)), t.status(at(2401))]).toEqual(['accepted', DPV_STATUS.confirmationRequired])
    t.add(agreement)
    expect([t.state(at(3001)), t.status(at(3001))]).toEqual(['agreed', DPV_STATUS.accepted])
    t.add(await withdraw(agreement, vendor, at(4000)))
    expect([t.state(at(4001)), t.status(at(4001))]).toEqual(['terminated', DPV_STATUS.terminated])
  })

  it('a withdrawn intent closes the thread', async () => {
    const t = threadOf(offer, await withdraw(intent, customer, at(700)))
    expect([t.state(at(701)), t.status(at(701))]).toEqual(['withdrawn', DPV_STATUS.terminated])
    expect(t.openProposals(at(701))).toEqual([])
    await expectCode(async () => t.add(counter1), 'ERR_ILLEGAL_MOVE')
  })

  it('expiry closes an open thread', async () => {
    const t = threadOf(offer)
    const intentExp = intent.payload.exp
    // The same 30 s tolerance as the moves: a state never says expired while a move is still allowed.
    expect(t.state(new Date((intentExp + 30) * 1000))).toBe('open')
    expect(t.state(new Date((intentExp + 31) * 1000))).toBe('expired')
    expect(t.status(new Date((intentExp + 31) * 1000))).toBe(DPV_STATUS.expired)
  })

  it("the intent's expiry closes the thread, even while an offer would still live", async () => {
    // The intent lives 1h; the offer made at 50m lives 2h. No move may follow the intent's
    // expiry, so the state says expired and no proposal is open any more.
    const shortIntent = await seen(
      await signIntent(intentBody, customer, { now: T0, expiresIn: '1h', jti: jti() }),
      'intent',
      T0,
    )
    const lateOffer = await seen(
      await signOffer(offerBody(shortIntent.digest), vendor, {
        now: at(3000),
        audience: customer.did,
        expiresIn: '2h',
        jti: jti(),
      }),
      'offer',
      at(3000),
    )
    const t = new Thread(shortIntent).add(lateOffer)
    expect(t.openProposals(at(3500)).map((p) => p.digest)).toEqual([lateOffer.digest])
    const accept = await seen(
      await signAcceptance(acceptanceBody(shortIntent.digest, lateOffer), customer, {
        now: at(4000),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(4000),
    )
    await expectCode(async () => t.add(accept), 'ERR_ILLEGAL_MOVE')
    expect(t.state(at(4000))).toBe('expired')
    expect(t.openProposals(at(4000))).toEqual([])
  })

  it('withdrawn and expired proposals are not open', async () => {
    const t = threadOf(offer)
    expect(t.openProposals(at(601 + 7200))).toEqual([]) // offer expired
    t.add(await withdraw(offer, vendor, at(700)))
    expect(t.openProposals(at(701))).toEqual([])
    expect(t.state(at(701))).toBe('open') // the intent still stands: other vendors may offer
  })
})

describe('Thread.agreementBody: the agreement exactly as negotiated', () => {
  it('is built from the acceptance and the offer the counters started from', () => {
    expect(flow.body).toEqual({
      parties: { customer: customer.did, vendor: vendor.did },
      refs: { intent: intent.digest, offer: counter2.digest, acceptance: acceptance.digest },
      item: offer.payload.item,
      quantity: 1,
      price: EUR('950.00'),
      deliverBy: counter2.payload.deliverBy,
      terms: counter2.payload.terms,
    })
  })

  it('is the same whichever party builds it', async () => {
    const vendorSide = await verifyThread(flow.strings.slice(0, 5))
    expect(vendorSide.agreementBody()).toEqual(flow.body)
  })

  it('leaves deliverBy out when the proposal had none', async () => {
    const { deliverBy: _, ...noDate } = offerBody(intent.digest, '700.00')
    const o = await seen(
      await signOffer(noDate, vendor, { now: at(600), audience: customer.did, jti: jti() }),
      'offer',
      at(600),
    )
    const a = await seen(
      await signAcceptance(acceptanceBody(intent.digest, o), customer, {
        now: at(700),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(700),
    )
    const body = threadOf(o, a).agreementBody()
    expect(body).not.toHaveProperty('deliverBy')
    expect(
      threadOf(o, a)
        .add(await sign2(body, at(800)))
        .state(at(800)),
    ).toBe('agreed')
  })

  it('is refused before anything is accepted', async () => {
    await expectCode(async () => threadOf(offer, counter1).agreementBody(), 'ERR_ILLEGAL_MOVE')
  })

  it("names the acceptance's party when the customer signs the agreement with another key", async () => {
    const wallet = stranger // the key the customer keeps for this vendor
    const a = await seen(
      await signAcceptance({ ...acceptanceBody(intent.digest, offer), party: wallet.did }, customer, {
        now: at(700),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(700),
    )
    const t = threadOf(offer, a)
    const body = t.agreementBody()
    expect(body.parties).toEqual({ customer: wallet.did, vendor: vendor.did })
    const signed = await seen(
      await countersign(await signAgreement(body, vendor, { now: at(800), jti: jti() }), wallet, { now: at(800) }),
      'agreement',
      at(800),
    )
    expect(t.add(signed).state(at(800))).toBe('agreed')
  })
})

describe('Thread: illegal moves', () => {
  it('accepting a withdrawn offer: ERR_ILLEGAL_MOVE', async () => {
    const t = threadOf(offer, await withdraw(offer, vendor, at(700)))
    const a = await seen(
      await signAcceptance(acceptanceBody(intent.digest, offer), customer, {
        now: at(800),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(800),
    )
    await expectCode(async () => t.add(a), 'ERR_ILLEGAL_MOVE')
    expect(t.acceptance).toBeUndefined()
  })

  it('countering a withdrawn offer: ERR_ILLEGAL_MOVE', async () => {
    const t = threadOf(offer, await withdraw(offer, vendor, at(700)))
    await expectCode(async () => t.add(counter1), 'ERR_ILLEGAL_MOVE')
  })

  it('a second acceptance: ERR_ILLEGAL_MOVE', async () => {
    const again = await seen(
      await signAcceptance(acceptanceBody(intent.digest, counter2), customer, {
        now: at(2500),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(2500),
    )
    await expectCode(async () => threadOf(offer, counter1, counter2, acceptance).add(again), 'ERR_ILLEGAL_MOVE')
    const ofOffer = await seen(
      await signAcceptance(acceptanceBody(intent.digest, offer), customer, {
        now: at(2500),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(2500),
    )
    await expectCode(async () => threadOf(offer, counter1, counter2, acceptance).add(ofOffer), 'ERR_ILLEGAL_MOVE')
  })

  it('a second agreement on one intent: ERR_ILLEGAL_MOVE', async () => {
    const second = await sign2(flow.body, at(3100))
    expect(second.digest).not.toBe(agreement.digest)
    await expectCode(
      async () => threadOf(offer, counter1, counter2, acceptance, agreement).add(second),
      'ERR_ILLEGAL_MOVE',
    )
  })

  it('a counter, offer, acceptance or intent withdrawal after the agreement: ERR_ILLEGAL_MOVE', async () => {
    const done = () => threadOf(offer, counter1, counter2, acceptance, agreement)
    const lateCounter = await seen(
      await signCounter(counterBody(intent.digest, counter2.digest, '940.00'), customer, {
        now: at(3100),
        audience: vendor.did,
        jti: jti(),
      }),
      'counter',
      at(3100),
    )
    await expectCode(async () => done().add(lateCounter), 'ERR_ILLEGAL_MOVE')
    const lateOffer = await seen(
      await signOffer(offerBody(intent.digest, '800.00'), stranger, {
        now: at(3100),
        audience: customer.did,
        jti: jti(),
      }),
      'offer',
      at(3100),
    )
    await expectCode(async () => done().add(lateOffer), 'ERR_ILLEGAL_MOVE')
    await expectCode(async () => done().add(await withdraw(intent, customer, at(3100))), 'ERR_ILLEGAL_MOVE')
    await expectCode(async () => done().add(await withdraw(offer, vendor, at(3100))), 'ERR_ILLEGAL_MOVE')
  })

  it('a counter after the acceptance: ERR_ILLEGAL_MOVE', async () => {
    const late = await seen(
      await signCounter(counterBody(intent.digest, counter2.digest, '940.00'), customer, {
        now: at(2500),
        audience: vendor.did,
        jti: jti(),
      }),
      'counter',
      at(2500),
    )
    await expectCode(async () => threadOf(offer, counter1, counter2, acceptance).add(late), 'ERR_ILLEGAL_MOVE')
  })

  it('an offer answering another intent: ERR_BROKEN_LINK', async () => {
    const other = await seen(
      await signIntent({ ...intentBody, replyTo: 'https://other.example' }, customer, { now: T0, jti: jti() }),
      'intent',
      T0,
    )
    const wrong = await seen(
      await signOffer(offerBody(other.digest), vendor, { now: at(600), audience: customer.did, jti: jti() }),
      'offer',
      at(600),
    )
    await expectCode(async () => threadOf(wrong), 'ERR_BROKEN_LINK')
    await expectCode(verifyThread([flow.strings[0]!, wrong.message]), 'ERR_BROKEN_LINK')
  })

  it("an offer addressed to someone other than the intent's issuer: ERR_BROKEN_LINK", async () => {
    const wrong = await seen(
      await signOffer(offerBody(intent.digest), vendor, { now: at(600), audience: stranger.did, jti: jti() }),
      'offer',
      at(600),
    )
    await expectCode(async () => threadOf(wrong), 'ERR_BROKEN_LINK')
  })

  it('a counter or acceptance naming another intent, or answering no proposal of this thread: ERR_BROKEN_LINK', async () => {
    const c = await seen(
      await signCounter(counterBody(SOME_DIGEST, offer.digest, '1.00'), customer, {
        now: at(700),
        audience: vendor.did,
        jti: jti(),
      }),
      'counter',
      at(700),
    )
    await expectCode(async () => threadOf(offer).add(c), 'ERR_BROKEN_LINK')
    const dangling = await seen(
      await signCounter(counterBody(intent.digest, SOME_DIGEST, '1.00'), customer, {
        now: at(700),
        audience: vendor.did,
        jti: jti(),
      }),
      'counter',
      at(700),
    )
    await expectCode(async () => threadOf(offer).add(dangling), 'ERR_BROKEN_LINK')
    const a = await seen(
      await signAcceptance({ ...acceptanceBody(intent.digest, offer), intent: SOME_DIGEST }, customer, {
        now: at(700),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(700),
    )
    await expectCode(async () => threadOf(offer).add(a), 'ERR_BROKEN_LINK')
    // answering the intent itself is not answering a proposal
    const atIntent = await seen(
      await signAcceptance({ ...acceptanceBody(intent.digest, offer), inReplyTo: intent.digest }, customer, {
        now: at(700),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(700),
    )
    await expectCode(async () => threadOf(offer).add(atIntent), 'ERR_BROKEN_LINK')
  })

  it('a counter from the wrong party: ERR_BROKEN_LINK', async () => {
    // The vendor cannot counter its own offer; a stranger cannot counter at all.
    const own = await seen(
      await signCounter(counterBody(intent.digest, offer.digest, '990.00'), vendor, {
        now: at(700),
        audience: customer.did,
        jti: jti(),
      }),
      'counter',
      at(700),
    )
    await expectCode(async () => threadOf(offer).add(own), 'ERR_BROKEN_LINK')
    const outsider = await seen(
      await signCounter(counterBody(intent.digest, offer.digest, '990.00'), stranger, {
        now: at(700),
        audience: vendor.did,
        jti: jti(),
      }),
      'counter',
      at(700),
    )
    await expectCode(async () => threadOf(offer).add(outsider), 'ERR_BROKEN_LINK')
  })

  it('an acceptance that does not repeat the proposal: ERR_BROKEN_LINK', async () => {
    const base = acceptanceBody(intent.digest, counter2)
    const { deliverBy: _, ...noDate } = base
    for (const body of [
      { ...base, price: EUR('900.00') },
      { ...base, quantity: 2 },
      { ...base, terms: { agreement: 'SD-BASE-DP' } },
      { ...base, terms: { ...base.terms, conditions: [] } },
      { ...base, deliverBy: '2021-03-21T12:00:00Z' },
      noDate,
    ]) {
      const a = await seen(
        await signAcceptance(body, customer, { now: at(2400), audience: vendor.did, jti: jti() }),
        'acceptance',
        at(2400),
      )
      await expectCode(async () => threadOf(offer, counter1, counter2).add(a), 'ERR_BROKEN_LINK')
    }
  })

  it('an acceptance that repeats the proposal with members in another order is fine', async () => {
    const base = acceptanceBody(intent.digest, counter2)
    const { terms, price, ...rest } = base
    const reordered = {
      terms: { conditions: terms.conditions!, agreement: terms.agreement },
      price: { currency: price.currency, amount: price.amount },
      ...rest,
    }
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(base))
    const a = await seen(
      await signAcceptance(reordered, customer, { now: at(2400), audience: vendor.did, jti: jti() }),
      'acceptance',
      at(2400),
    )
    expect(threadOf(offer, counter1, counter2).add(a).state(at(2400))).toBe('accepted')
  })

  it("an acceptance by the vendor, or of the customer's own counter, or addressed to a stranger: ERR_BROKEN_LINK", async () => {
    const byVendor = await seen(
      await signAcceptance(acceptanceBody(intent.digest, counter1), vendor, {
        now: at(1300),
        audience: customer.did,
        jti: jti(),
      }),
      'acceptance',
      at(1300),
    )
    await expectCode(async () => threadOf(offer, counter1).add(byVendor), 'ERR_BROKEN_LINK')
    const ownCounter = await seen(
      await signAcceptance(acceptanceBody(intent.digest, counter1), customer, {
        now: at(1300),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(1300),
    )
    await expectCode(async () => threadOf(offer, counter1).add(ownCounter), 'ERR_BROKEN_LINK')
    const misaddressed = await seen(
      await signAcceptance(acceptanceBody(intent.digest, offer), customer, {
        now: at(700),
        audience: stranger.did,
        jti: jti(),
      }),
      'acceptance',
      at(700),
    )
    await expectCode(async () => threadOf(offer).add(misaddressed), 'ERR_BROKEN_LINK')
  })

  it('an agreement whose terms differ from the accepted ones: ERR_BROKEN_LINK', async () => {
    const upTo = () => threadOf(offer, counter1, counter2, acceptance)
    for (const change of [
      { terms: { agreement: 'SD-BASE-DP' } },
      { terms: { ...flow.body.terms, conditions: [{ id: 'retention-days', value: '90', unit: 'day' }] } },
      { price: EUR('900.00') },
      { quantity: 2 },
      { item: { name: 'Racing bicycle' } },
      { deliverBy: '2021-03-30T12:00:00Z' },
    ]) {
      await expectCode(async () => upTo().add(await sign2({ ...flow.body, ...change }, at(3000))), 'ERR_BROKEN_LINK')
    }
  })

  it('an agreement with the wrong references or parties: ERR_BROKEN_LINK', async () => {
    const upTo = () => threadOf(offer, counter1, counter2, acceptance)
    await expectCode(
      async () => upTo().add(await sign2({ ...flow.body, refs: { ...flow.body.refs, offer: offer.digest } }, at(3000))),
      'ERR_BROKEN_LINK',
    )
    await expectCode(
      async () => upTo().add(await sign2({ ...flow.body, refs: { ...flow.body.refs, intent: SOME_DIGEST } }, at(3000))),
      'ERR_BROKEN_LINK',
    )
    await expectCode(
      async () =>
        upTo().add(await sign2({ ...flow.body, refs: { ...flow.body.refs, acceptance: SOME_DIGEST } }, at(3000))),
      'ERR_BROKEN_LINK',
    )
    const swapped = { ...flow.body, parties: { customer: stranger.did, vendor: vendor.did } }
    const byStranger = await seen(
      await countersign(await signAgreement(swapped, stranger, { now: at(3000), jti: jti() }), vendor, {
        now: at(3000),
      }),
      'agreement',
      at(3000),
    )
    await expectCode(async () => upTo().add(byStranger), 'ERR_BROKEN_LINK')
  })

  it('an agreement without an acceptance: ERR_BROKEN_LINK', async () => {
    await expectCode(async () => threadOf(offer, counter1, counter2).add(agreement), 'ERR_BROKEN_LINK')
  })

  it('a withdrawal by a non-party: ERR_BROKEN_LINK', async () => {
    await expectCode(async () => threadOf(offer).add(await withdraw(offer, stranger, at(700))), 'ERR_BROKEN_LINK')
    await expectCode(async () => threadOf(offer).add(await withdraw(intent, vendor, at(700))), 'ERR_BROKEN_LINK') // a broadcast intent is the customer's alone
    await expectCode(
      async () =>
        threadOf(offer, counter1, counter2, acceptance, agreement).add(await withdraw(agreement, stranger, at(4000))),
      'ERR_BROKEN_LINK',
    )
  })

  it('a withdrawal of nothing in the thread, of a withdrawal, of an acceptance, or twice', async () => {
    const w = (d: string, by: KeyPair) =>
      signWithdrawal(withdrawalBody(d), by, { now: at(700), jti: jti() }).then((m) => seen(m, 'withdrawal', at(700)))
    await expectCode(async () => threadOf(offer).add(await w(SOME_DIGEST, customer)), 'ERR_BROKEN_LINK')
    const first = await withdraw(offer, vendor, at(700))
    await expectCode(
      async () => threadOf(offer, first).add(await withdraw(offer, customer, at(710))),
      'ERR_ILLEGAL_MOVE',
    )
    await expectCode(async () => threadOf(offer, first).add(await withdraw(first, vendor, at(710))), 'ERR_ILLEGAL_MOVE')
    await expectCode(
      async () => threadOf(offer, counter1, counter2, acceptance).add(await withdraw(acceptance, customer, at(2500))),
      'ERR_ILLEGAL_MOVE',
    )
  })

  it('a move after the intent expired: ERR_ILLEGAL_MOVE', async () => {
    const shortIntent = await seen(
      await signIntent(intentBody, customer, { now: T0, expiresIn: '1h', jti: jti() }),
      'intent',
      T0,
    )
    const late = await seen(
      await signOffer(offerBody(shortIntent.digest), vendor, {
        now: at(3600 + 60),
        audience: customer.did,
        jti: jti(),
      }),
      'offer',
      at(3600 + 60),
    )
    await expectCode(async () => new Thread(shortIntent).add(late), 'ERR_ILLEGAL_MOVE')
    // within the 30 s tolerance it is still in time
    const justInTime = await seen(
      await signOffer(offerBody(shortIntent.digest), vendor, {
        now: at(3600 + 20),
        audience: customer.did,
        jti: jti(),
      }),
      'offer',
      at(3600 + 20),
    )
    expect(new Thread(shortIntent).add(justInTime).proposals).toHaveLength(1)
    // and the same verdict from stored bytes, long after
    await expectCode(verifyThread([shortIntent.message, late.message]), 'ERR_ILLEGAL_MOVE')
  })

  it('answering an expired offer: ERR_ILLEGAL_MOVE', async () => {
    const o = await seen(
      await signOffer(offerBody(intent.digest), vendor, {
        now: at(600),
        audience: customer.did,
        expiresIn: 600,
        jti: jti(),
      }),
      'offer',
      at(600),
    )
    const late = await seen(
      await signAcceptance(acceptanceBody(intent.digest, o), customer, {
        now: at(1300),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(1300),
    )
    await expectCode(async () => threadOf(o).add(late), 'ERR_ILLEGAL_MOVE')
  })

  it('a move that predates what it answers: ERR_BROKEN_LINK', async () => {
    const early = await seen(
      await signCounter(counterBody(intent.digest, counter1.digest, '950.00'), vendor, {
        now: at(100),
        audience: customer.did,
        jti: jti(),
      }),
      'counter',
      at(100),
    )
    await expectCode(async () => threadOf(offer, counter1).add(early), 'ERR_BROKEN_LINK')
    const early2 = await seen(
      await signAcceptance(acceptanceBody(intent.digest, offer), customer, {
        now: at(500),
        audience: vendor.did,
        jti: jti(),
      }),
      'acceptance',
      at(500),
    )
    await expectCode(async () => threadOf(offer).add(early2), 'ERR_BROKEN_LINK')
    const backdated = await seen(
      await signOffer(offerBody(intent.digest), vendor, { now: at(-3600), audience: customer.did, jti: jti() }),
      'offer',
      at(-3600),
    )
    await expectCode(async () => threadOf(backdated), 'ERR_BROKEN_LINK')
  })

  it('the same message twice, or a kind that is not a move: ERR_ILLEGAL_MOVE', async () => {
    await expectCode(async () => threadOf(offer, offer), 'ERR_ILLEGAL_MOVE')
    await expectCode(async () => threadOf(intent), 'ERR_ILLEGAL_MOVE')
    const terms = await seen(await signTerms(termsBody, vendor, { now: at(600), jti: jti() }), 'terms', at(600))
    await expectCode(async () => threadOf(terms), 'ERR_ILLEGAL_MOVE')
    const another = await seen(await signIntent(intentBody, customer, { now: T0, jti: jti() }), 'intent', T0)
    await expectCode(async () => threadOf(another), 'ERR_ILLEGAL_MOVE')
  })

  it('a refused move leaves the thread as it was', async () => {
    const t = threadOf(offer, counter1, counter2, acceptance)
    await expectCode(async () => t.add(await sign2({ ...flow.body, price: EUR('1.00') }, at(3000))), 'ERR_BROKEN_LINK')
    expect(t.messages).toHaveLength(5)
    expect(t.agreement).toBeUndefined()
    t.add(agreement)
    expect(t.state(at(3000))).toBe('agreed')
  })
})

describe('Thread: who may move, and when', () => {
  it('an intent cast to one vendor takes offers from that vendor only', async () => {
    const addressed = await seen(
      await signIntent(intentBody, customer, { now: T0, audience: vendor.did, jti: jti() }),
      'intent',
      T0,
    )
    const fromVendor = await seen(
      await signOffer(offerBody(addressed.digest), vendor, { now: at(60), audience: customer.did, jti: jti() }),
      'offer',
      at(60),
    )
    const fromStranger = await seen(
      await signOffer(offerBody(addressed.digest), stranger, { now: at(60), audience: customer.did, jti: jti() }),
      'offer',
      at(60),
    )
    expect(new Thread(addressed).add(fromVendor).proposals).toHaveLength(1)
    await expectCode(async () => new Thread(addressed).add(fromStranger), 'ERR_BROKEN_LINK')
  })

  it('an intent, offer or counter is withdrawn only by whoever made it; an agreement by either party', async () => {
    await expectCode(async () => threadOf(offer).add(await withdraw(offer, customer, at(700))), 'ERR_BROKEN_LINK')
    await expectCode(async () => threadOf(offer).add(await withdraw(intent, vendor, at(700))), 'ERR_BROKEN_LINK')
    expect(
      threadOf(offer)
        .add(await withdraw(offer, vendor, at(700)))
        .openProposals(at(700)),
    ).toEqual([])
    const done = threadOf(offer, counter1, counter2, acceptance, agreement)
    expect(done.add(await withdraw(agreement, vendor, at(4000))).state(at(4000))).toBe('terminated')
  })

  it('no agreement after the acceptance expired, or after what was accepted was withdrawn', async () => {
    const shortAcceptance = await seen(
      await signAcceptance(acceptanceBody(intent.digest, counter2), customer, {
        now: at(2400),
        audience: vendor.did,
        expiresIn: 60,
        jti: jti(),
      }),
      'acceptance',
      at(2400),
    )
    const t = threadOf(offer, counter1, counter2, shortAcceptance)
    expect(t.state(at(2450))).toBe('accepted')
    expect(t.state(at(2400 + 60 + 31))).toBe('expired')
    await expectCode(async () => t.add(await sign2(t.agreementBody(), at(3000))), 'ERR_ILLEGAL_MOVE')
    const w = threadOf(offer, counter1, counter2, acceptance).add(await withdraw(intent, customer, at(2500)))
    await expectCode(async () => w.add(await sign2(flow.body, at(3000))), 'ERR_ILLEGAL_MOVE')
  })

  it('an acceptance repeats the deal however the agreement ID is spelled and the conditions ordered', async () => {
    const p = counter2.payload
    const conditions = [...(p.terms.conditions ?? [])].reverse()
    const respelled = {
      ...acceptanceBody(intent.digest, counter2),
      terms: { agreement: `https://w3id.org/dpv/standards/p7012#${p.terms.agreement}`, conditions },
    }
    const a = await seen(
      await signAcceptance(respelled, customer, { now: at(2400), audience: vendor.did, jti: jti() }),
      'acceptance',
      at(2400),
    )
    expect(threadOf(offer, counter1, counter2, a).state(at(2400))).toBe('accepted')
  })
})

describe('found in review: a thread is bounded and takes only verified messages', () => {
  it('Thread.add of something that is not a verified message is ERR_INVALID_ARGUMENT', async () => {
    await expectCode(async () => new Thread(intent).add(undefined as never), 'ERR_INVALID_ARGUMENT')
  })
  it(`a thread holds at most ${MAX_MESSAGES} messages: countering for ever is refused`, async () => {
    const t = threadOf(offer)
    let last: Verified<'offer'> | Verified<'counter'> = offer
    for (let i = 0; t.messages.length < MAX_MESSAGES; i++) {
      const by = i % 2 === 0 ? customer : vendor
      const next: Verified<'counter'> = await seen(
        await signCounter(counterBody(intent.digest, last.digest, '950.00'), by, {
          now: at(700),
          audience: by === customer ? vendor.did : customer.did,
          jti: jti(),
        }),
        'counter',
        at(700),
      )
      t.add(next)
      last = next
    }
    const one = await seen(
      await signCounter(counterBody(intent.digest, last.digest, '950.00'), customer, {
        now: at(700),
        audience: vendor.did,
        jti: jti(),
      }),
      'counter',
      at(700),
    )
    await expectCode(async () => t.add(one), 'ERR_ILLEGAL_MOVE')
  })
})

describe('Thread.with: a copy with moves applied, options kept', () => {
  it('applies the moves to a copy and leaves the original as it was, also when a move fails', async () => {
    const t = threadOf(offer)
    const next = t.with(counter1, counter2)
    expect(next).not.toBe(t)
    expect(next.messages).toHaveLength(4)
    expect(t.messages).toHaveLength(2)
    await expectCode(async () => t.with(counter1, counter1), 'ERR_ILLEGAL_MOVE')
    expect(t.messages).toHaveLength(2)
  })

  it('keeps the clock tolerance (withMoves in 0.1 dropped it)', async () => {
    const tenAfterExpiry = new Date((intent.payload.exp + 10) * 1000)
    const late = await seen(
      await signOffer(offerBody(intent.digest), vendor, { now: tenAfterExpiry, audience: customer.did, jti: jti() }),
      'offer',
      tenAfterExpiry,
    )
    // Within the default 30 s tolerance the late offer is a legal move ...
    expect(new Thread(intent).with(late).messages).toHaveLength(2)
    // ... and a copy of a strict thread is as strict as the thread it was made from.
    const strict = new Thread(intent, { clockTolerance: 0 })
    await expectCode(async () => strict.add(late), 'ERR_ILLEGAL_MOVE')
    await expectCode(async () => strict.with(late), 'ERR_ILLEGAL_MOVE')
  })
})

describe('Thread and verifyThread take only their documented options, checked', () => {
  it('a tolerance that would switch the expiry rules off is ERR_INVALID_ARGUMENT', async () => {
    for (const clockTolerance of [Number.NaN, Number.POSITIVE_INFINITY, -1, '30']) {
      await expectCode(async () => new Thread(intent, { clockTolerance } as never), 'ERR_INVALID_ARGUMENT')
      await expectCode(verifyThread(flow.strings, { clockTolerance } as never), 'ERR_INVALID_ARGUMENT')
    }
    await expectCode(async () => new Thread(intent, null as never), 'ERR_INVALID_ARGUMENT')
  })
  it('unknown keys are refused; timeless is verifyThread’s own business, not an option', async () => {
    await expectCode(async () => new Thread(intent, { clockTolerence: 0 } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(verifyThread(flow.strings, { timeless: false } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(verifyThread(flow.strings, { audience: customer.did } as never), 'ERR_INVALID_ARGUMENT')
    expect((await verifyThread(flow.strings, { clockTolerance: 0 })).state(at(3000))).toBe('agreed')
  })
})
