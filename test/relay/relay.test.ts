/**
 * The relay handler against spec §Relay binding, endpoint by endpoint: the happy path, then each
 * check in the spec's order with its code, with a test that the earlier check wins where two
 * fail at once. In-process: the handler is fetch-standard.
 */
import { describe, expect, test } from 'vitest'
import {
  countersign,
  digest,
  generateKeyPair,
  signAcceptance,
  signAccess,
  signAgreement,
  signCounter,
  signIntent,
  signOffer,
  signSubscription,
  signWithdrawal,
  verify,
  type AgreementBody,
  type KeyPair,
} from '../../src/index.js'
import { MemoryRelayBackend } from '../../src/relay/index.js'
import { acceptanceBody, counterBody, offerBody } from '../helpers/fixtures.js'
import {
  authorization,
  cast,
  castable,
  expectProblem,
  intentBody,
  JWS,
  post,
  read,
  relayInProcess,
  subscribe,
  type TestRelay,
} from './support.js'

/** A relay with one vendor subscribed to bicycles and one customer's intent cast to it. */
async function negotiation(relay?: TestRelay) {
  const r = relay ?? (await relayInProcess())
  const vendor = await subscribe(r, { categories: ['bicycles'] })
  const customer = await castable(r)
  await cast(r, customer.intent)
  const intentDigest = digest(customer.intent)
  const offer = (price = '999.00', key: KeyPair = vendor) =>
    signOffer(offerBody(intentDigest, price), key, { audience: customer.key.did })
  return { relay: r, vendor, customer, intentDigest, offer }
}

/** The agreement the customer signs for an accepted offer. */
async function agreementFor(customer: KeyPair, vendor: KeyPair, intent: string, offer: string, acceptance: string) {
  const o = await verify(offer, { expect: 'offer' })
  const body: AgreementBody = {
    parties: { customer: customer.did, vendor: vendor.did },
    refs: { intent, offer: o.digest, acceptance: digest(acceptance) },
    item: o.payload.item,
    quantity: o.payload.quantity,
    price: o.payload.price,
    ...(o.payload.deliverBy !== undefined && { deliverBy: o.payload.deliverBy }),
    terms: o.payload.terms,
  }
  return signAgreement(body, customer)
}

describe('POST <relay>/intents (Casting to a relay)', () => {
  test('opens the cast mailbox and puts the intent into every matching vendor mailbox, once each', async () => {
    const relay = await relayInProcess()
    const bikes = await subscribe(relay, { categories: ['bicycles'], regions: ['DE'] })
    const anything = await subscribe(relay, {})
    const books = await subscribe(relay, { categories: ['books'] })
    const { intent, mailbox, key } = await castable(relay)
    expect(await cast(relay, intent)).toEqual({ mailbox, delivered: 2 })
    expect(mailbox).toBe(`https://relay.example/relay/mailboxes/${key.did}`)
    for (const vendor of [bikes, anything]) {
      const { entries, next } = await read(relay, vendor)
      expect(entries).toEqual([{ seq: next, type: JWS, parts: [intent] }])
    }
    expect((await read(relay, books)).entries).toEqual([])
    // The cast mailbox is open and empty: its key reads it.
    expect(await read(relay, key)).toEqual({ entries: [], next: 0 })
  })

  test('an intent without replyTo is cast too; a COSE intent is kept as base64url under its media type', async () => {
    const relay = await relayInProcess()
    const vendor = await subscribe(relay)
    const key = await generateKeyPair()
    expect((await cast(relay, await signIntent(intentBody(), key))).delivered).toBe(1)
    const cose = await signIntent(intentBody(), await generateKeyPair(), { format: 'cose' })
    const response = await post(relay, '/intents', new Uint8Array(cose), 'application/intentcast+cose')
    expect(response.status, await response.clone().text()).toBe(202)
    const { entries } = await read(relay, vendor)
    expect(entries[1]).toMatchObject({
      type: 'application/intentcast+cose',
      parts: [Buffer.from(cose).toString('base64url')],
    })
  })

  test('the same intent again is answered as the first time, and stays in each mailbox once (§Retries)', async () => {
    const { relay, vendor, customer } = await negotiation()
    const again = await cast(relay, customer.intent)
    expect(again).toEqual({ mailbox: customer.mailbox, delivered: 1 })
    expect((await read(relay, vendor)).entries).toHaveLength(1)
  })

  test('verification comes first: garbage, an expired intent, another kind, two parts', async () => {
    const relay = await relayInProcess()
    await expectProblem(post(relay, '/intents', 'not a jws'), 400, 'ERR_MALFORMED')
    const key = await generateKeyPair()
    const old = await signIntent(intentBody(), key, { now: new Date(Date.now() - 7_200_000), expiresIn: 60 })
    await expectProblem(post(relay, '/intents', old), 422, 'ERR_EXPIRED')
    const { offer } = await negotiation(relay)
    await expectProblem(post(relay, '/intents', await offer()), 422, 'ERR_TYPE_MISMATCH')
    const { intent } = await castable(relay)
    await expectProblem(post(relay, '/intents', `${intent}\n${intent}`), 422, 'ERR_TYPE_MISMATCH')
  })

  test('1. an intent with an aud is ERR_AUDIENCE: it goes to that vendor, not to a market', async () => {
    const relay = await relayInProcess()
    const vendor = await generateKeyPair()
    const intent = await signIntent(intentBody(), await generateKeyPair(), { audience: vendor.did })
    await expectProblem(post(relay, '/intents', intent), 422, 'ERR_AUDIENCE')
  })

  test("2. a replyTo other than the relay's mailbox of the intent's key is ERR_BROKEN_LINK", async () => {
    const relay = await relayInProcess()
    const key = await generateKeyPair()
    for (const replyTo of [
      'https://wallet.example/inbox',
      `${relay.url}/mailboxes/${(await generateKeyPair()).did}`,
      `https://other.example/relay/mailboxes/${key.did}`,
    ]) {
      const intent = await signIntent({ ...intentBody(), replyTo }, key)
      await expectProblem(post(relay, '/intents', intent), 422, 'ERR_BROKEN_LINK')
    }
    // 1 before 2: an intent with an aud and a wrong replyTo is refused for its aud.
    const both = await signIntent({ ...intentBody(), replyTo: 'https://x.example/' }, key, { audience: key.did })
    await expectProblem(post(relay, '/intents', both), 422, 'ERR_AUDIENCE')
  })

  test('3. one cast key, one intent: a second intent of the key is ERR_REPLAY', async () => {
    const relay = await relayInProcess()
    const { key, intent, mailbox } = await castable(relay)
    await cast(relay, intent)
    const second = await signIntent({ ...intentBody('books'), replyTo: mailbox }, key)
    await expectProblem(post(relay, '/intents', second), 409, 'ERR_REPLAY')
    // 2 before 3.
    const wrongReply = await signIntent({ ...intentBody(), replyTo: 'https://x.example/' }, key)
    await expectProblem(post(relay, '/intents', wrongReply), 422, 'ERR_BROKEN_LINK')
    // A vendor's key holds a vendor mailbox: it cannot cast either.
    const vendor = await subscribe(relay)
    await expectProblem(post(relay, '/intents', await signIntent(intentBody(), vendor)), 409, 'ERR_REPLAY')
  })

  test('the same intent reopens its mailbox when the backend has forgotten it', async () => {
    const relay = await relayInProcess({ backend: new MemoryRelayBackend({ maxMailboxes: 1 }) })
    const first = await castable(relay)
    await cast(relay, first.intent)
    await cast(relay, (await castable(relay)).intent) // forgets the first mailbox, the oldest
    expect((await cast(relay, first.intent)).mailbox).toBe(first.mailbox)
  })

  test('4. an intent that would overflow a vendor mailbox is not put in it, and not counted', async () => {
    const relay = await relayInProcess({ limits: { entries: 2 } })
    const vendor = await subscribe(relay)
    for (const expected of [1, 1, 0])
      expect((await cast(relay, (await castable(relay)).intent)).delivered).toBe(expected)
    expect((await read(relay, vendor)).entries).toHaveLength(2)
  })
})

describe('POST <relay>/subscriptions (Subscribing)', () => {
  test('opens the vendor mailbox: 201 with its URL and end', async () => {
    const relay = await relayInProcess()
    const key = await generateKeyPair()
    const subscription = await signSubscription({ filters: { regions: ['DE'] } }, key, {
      audience: relay.url,
      expiresIn: '30d',
    })
    const response = await post(relay, '/subscriptions', subscription)
    expect(response.status).toBe(201)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const exp = (await verify(subscription, { expect: 'subscription' })).payload.exp
    expect(await response.json()).toEqual({ mailbox: `${relay.url}/mailboxes/${key.did}`, expires: exp })
    expect(await read(relay, key)).toEqual({ entries: [], next: 0 })
  })

  test('a subscription for another relay is ERR_AUDIENCE; over 30 days ERR_SCHEMA; the same bytes again ERR_REPLAY', async () => {
    const relay = await relayInProcess()
    const key = await generateKeyPair()
    const elsewhere = await signSubscription({ filters: {} }, key, { audience: 'https://other.example/relay' })
    await expectProblem(post(relay, '/subscriptions', elsewhere), 422, 'ERR_AUDIENCE')
    const long = await signSubscription({ filters: {} }, key, { audience: relay.url, expiresIn: 30 * 86_400 + 1 })
    await expectProblem(post(relay, '/subscriptions', long), 422, 'ERR_SCHEMA')
    const good = await signSubscription({ filters: {} }, key, { audience: relay.url })
    expect((await post(relay, '/subscriptions', good)).status).toBe(201)
    await expectProblem(post(relay, '/subscriptions', good), 409, 'ERR_REPLAY')
    await expectProblem(post(relay, '/subscriptions', (await castable(relay)).intent), 422, 'ERR_TYPE_MISMATCH')
  })

  test('a newer subscription replaces the filters and the end; the mailbox and its entries stay', async () => {
    const relay = await relayInProcess()
    const vendor = await subscribe(relay, { categories: ['bicycles'] })
    await cast(relay, (await castable(relay)).intent)
    await subscribe(relay, { categories: ['books'] }, vendor)
    expect((await cast(relay, (await castable(relay)).intent)).delivered).toBe(0)
    expect((await cast(relay, (await castable(relay, intentBody('books'))).intent)).delivered).toBe(1)
    expect((await read(relay, vendor)).entries).toHaveLength(2)
  })

  test('a cast key cannot subscribe: ERR_ILLEGAL_MOVE', async () => {
    const relay = await relayInProcess()
    const { key, intent } = await castable(relay)
    await cast(relay, intent)
    const subscription = await signSubscription({ filters: {} }, key, { audience: relay.url })
    await expectProblem(post(relay, '/subscriptions', subscription), 409, 'ERR_ILLEGAL_MOVE')
  })
})

describe('POST <relay>/mailboxes/<did> (Posting to a mailbox)', () => {
  test("a vendor's offer goes to the cast mailbox: 202 with its seq; the same body again gets the same seq", async () => {
    const { relay, customer, offer } = await negotiation()
    const o = await offer()
    const first = await post(relay, `/mailboxes/${customer.key.did}`, o)
    expect(first.status).toBe(202)
    const { seq } = (await first.json()) as { seq: number }
    const again = await post(relay, `/mailboxes/${customer.key.did}`, o)
    expect(await again.json()).toEqual({ seq })
    expect((await read(relay, customer.key)).entries).toEqual([{ seq, type: JWS, parts: [o] }])
  })

  test('an acceptance travels with its agreement, and the parts are kept as posted', async () => {
    const { relay, vendor, customer, intentDigest, offer } = await negotiation()
    const o = await offer()
    const acceptance = await signAcceptance(
      acceptanceBody(intentDigest, await verify(o, { expect: 'offer' })),
      customer.key,
      { audience: vendor.did },
    )
    const agreement = await agreementFor(customer.key, vendor, intentDigest, o, acceptance)
    const response = await post(relay, `/mailboxes/${vendor.did}`, `${acceptance}\n${agreement}`)
    expect(response.status, await response.clone().text()).toBe(202)
    const { entries } = await read(relay, vendor)
    expect(entries.at(-1)!.parts).toEqual([acceptance, agreement])
    // The countersigned agreement goes back to the cast mailbox (it has no aud; its refs.intent says where).
    const signed = await countersign(agreement, vendor)
    expect((await post(relay, `/mailboxes/${customer.key.did}`, signed)).status).toBe(202)
    expect((await read(relay, customer.key)).entries.at(-1)!.parts).toEqual([signed])
  })

  test('verification comes first: a bad signature to no mailbox is ERR_SIGNATURE_INVALID', async () => {
    const { relay, offer } = await negotiation()
    const o = await offer()
    const forged = o.slice(0, -4) + (o.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    await expectProblem(
      post(relay, `/mailboxes/${(await generateKeyPair()).did}`, forged),
      401,
      'ERR_SIGNATURE_INVALID',
    )
  })

  test('1. the mailbox must be open: ERR_BROKEN_LINK', async () => {
    const { relay, offer } = await negotiation()
    const nobody = await generateKeyPair()
    await expectProblem(post(relay, `/mailboxes/${nobody.did}`, await offer()), 422, 'ERR_BROKEN_LINK')
    // 1 before 2: an intent to no mailbox is refused for the mailbox.
    await expectProblem(post(relay, `/mailboxes/${nobody.did}`, (await castable(relay)).intent), 422, 'ERR_BROKEN_LINK')
  })

  test('2. only the moves of a negotiation: ERR_TYPE_MISMATCH', async () => {
    const { relay, vendor, customer, intentDigest, offer } = await negotiation()
    const to = `/mailboxes/${customer.key.did}`
    await expectProblem(post(relay, to, (await castable(relay)).intent), 422, 'ERR_TYPE_MISMATCH')
    await expectProblem(
      post(relay, to, await signSubscription({ filters: {} }, vendor, { audience: relay.url })),
      422,
      'ERR_TYPE_MISMATCH',
    )
    const o = await offer()
    await expectProblem(post(relay, to, `${o}\n${o}`), 422, 'ERR_TYPE_MISMATCH')
    const acceptance = await signAcceptance(
      acceptanceBody(intentDigest, await verify(o, { expect: 'offer' })),
      customer.key,
      { audience: vendor.did },
    )
    // A lone acceptance: the vendor countersigns only an agreement it received.
    await expectProblem(post(relay, `/mailboxes/${vendor.did}`, acceptance), 422, 'ERR_TYPE_MISMATCH')
    // The second part must be an agreement signed by one party (spec §HTTP binding, Request bodies).
    await expectProblem(post(relay, `/mailboxes/${vendor.did}`, `${acceptance}\n${o}`), 400, 'ERR_MALFORMED')
    // 2 before 3: an intent addressed to someone else is refused for its kind.
    const aimed = await signIntent(intentBody(), await generateKeyPair(), { audience: vendor.did })
    await expectProblem(post(relay, to, aimed), 422, 'ERR_TYPE_MISMATCH')
  })

  test('3. addressed to the owner: ERR_AUDIENCE', async () => {
    const { relay, vendor, customer, intentDigest, offer } = await negotiation()
    const stranger = await generateKeyPair()
    const to = `/mailboxes/${customer.key.did}`
    const elsewhere = await signOffer(offerBody(intentDigest), vendor, { audience: stranger.did })
    await expectProblem(post(relay, to, elsewhere), 422, 'ERR_AUDIENCE')
    // A withdrawal without aud is addressed to no one.
    await expectProblem(post(relay, to, await signWithdrawal({ withdraws: intentDigest }, vendor)), 422, 'ERR_AUDIENCE')
    // An agreement goes to the cast mailbox of its own intent only.
    const o = await offer()
    const acceptance = await signAcceptance(
      acceptanceBody(intentDigest, await verify(o, { expect: 'offer' })),
      customer.key,
      { audience: vendor.did },
    )
    const signed = await countersign(await agreementFor(customer.key, vendor, intentDigest, o, acceptance), vendor)
    await expectProblem(post(relay, `/mailboxes/${vendor.did}`, signed), 422, 'ERR_AUDIENCE')
    const other = await castable(relay)
    await cast(relay, other.intent)
    await expectProblem(post(relay, `/mailboxes/${other.key.did}`, signed), 422, 'ERR_AUDIENCE')
    // 3 before 4: an offer to someone else, answering another intent.
    const both = await signOffer(offerBody(digest(other.intent)), vendor, { audience: stranger.did })
    await expectProblem(post(relay, to, both), 422, 'ERR_AUDIENCE')
  })

  test("4. in a cast mailbox, only the intent's thread: ERR_BROKEN_LINK", async () => {
    const { relay, vendor, customer } = await negotiation()
    const other = digest((await castable(relay)).intent)
    const to = `/mailboxes/${customer.key.did}`
    const offer = await signOffer(offerBody(other), vendor, { audience: customer.key.did })
    await expectProblem(post(relay, to, offer), 422, 'ERR_BROKEN_LINK')
    const counter = await signCounter(counterBody(other, other, '900.00'), vendor, { audience: customer.key.did })
    await expectProblem(post(relay, to, counter), 422, 'ERR_BROKEN_LINK')
    // A withdrawal names only what it withdraws: it is taken.
    const withdrawal = await signWithdrawal({ withdraws: other }, vendor, { audience: customer.key.did })
    expect((await post(relay, to, withdrawal)).status).toBe(202)
  })

  test('5. at most 16 entries from one sender: ERR_ILLEGAL_MOVE; 4 before 5', async () => {
    const { relay, customer, intentDigest, vendor, offer } = await negotiation()
    const to = `/mailboxes/${customer.key.did}`
    for (let i = 0; i < 16; i++) expect((await post(relay, to, await offer(`${900 + i}.00`))).status).toBe(202)
    await expectProblem(post(relay, to, await offer('999.99')), 409, 'ERR_ILLEGAL_MOVE')
    // Another vendor still may.
    expect((await post(relay, to, await offer('950.00', await generateKeyPair()))).status).toBe(202)
    const stray = await signOffer(offerBody(digest((await castable(relay)).intent)), vendor, {
      audience: customer.key.did,
    })
    await expectProblem(post(relay, to, stray), 422, 'ERR_BROKEN_LINK')
    expect(intentDigest).toBeTruthy()
  })

  test('5. a full mailbox (entries or bytes) is ERR_ILLEGAL_MOVE', async () => {
    const byCount = await negotiation(await relayInProcess({ limits: { entries: 2 } }))
    const to = `/mailboxes/${byCount.customer.key.did}`
    expect((await post(byCount.relay, to, await byCount.offer('1.00'))).status).toBe(202)
    expect((await post(byCount.relay, to, await byCount.offer('2.00'))).status).toBe(202)
    const p = await expectProblem(post(byCount.relay, to, await byCount.offer('3.00')), 409, 'ERR_ILLEGAL_MOVE')
    expect(p.detail).toMatch(/full/)
    const byBytes = await negotiation(await relayInProcess({ limits: { bytes: 2_000 } }))
    const o = await byBytes.offer()
    expect(o.length).toBeGreaterThan(1_000)
    expect((await post(byBytes.relay, `/mailboxes/${byBytes.customer.key.did}`, o)).status).toBe(202)
    await expectProblem(
      post(byBytes.relay, `/mailboxes/${byBytes.customer.key.did}`, await byBytes.offer('5.00')),
      409,
      'ERR_ILLEGAL_MOVE',
    )
  })
})

describe('GET <relay>/mailboxes/<did> (Reading a mailbox)', () => {
  test('entries after `after`, at most `limit`, and `next` to pass on', async () => {
    const { relay, customer, offer } = await negotiation()
    const to = `/mailboxes/${customer.key.did}`
    const seqs: number[] = []
    for (let i = 0; i < 5; i++)
      seqs.push(((await (await post(relay, to, await offer(`${i}.00`))).json()) as { seq: number }).seq)
    const all = await read(relay, customer.key)
    expect(all.entries.map((e) => e.seq)).toEqual(seqs)
    expect(all.next).toBe(seqs[4])
    const page = await read(relay, customer.key, `?after=${seqs[1]}&limit=2`)
    expect(page.entries.map((e) => e.seq)).toEqual([seqs[2], seqs[3]])
    expect(page.next).toBe(seqs[3])
    expect(await read(relay, customer.key, `?after=${seqs[4]}`)).toEqual({ entries: [], next: seqs[4] })
  })

  test('without an access message: 401, WWW-Authenticate: Intentcast, ERR_KEY_UNRESOLVED', async () => {
    const { relay, customer } = await negotiation()
    for (const headers of [{}, { authorization: 'Bearer abc' }, { authorization: 'Intentcast' }]) {
      const response = await relay.call(`/mailboxes/${customer.key.did}`, { headers })
      expect(response.headers.get('www-authenticate')).toBe('Intentcast')
      await expectProblem(response, 401, 'ERR_KEY_UNRESOLVED')
    }
  })

  test('an access message of another key is ERR_ISSUER_MISMATCH (401); for another URL ERR_AUDIENCE; expired ERR_EXPIRED; over 300 s ERR_SCHEMA', async () => {
    const { relay, customer, vendor } = await negotiation()
    const path = `/mailboxes/${customer.key.did}`
    const mailbox = relay.url + path
    const get = (token: string) => relay.call(path, { headers: { authorization: `Intentcast ${token}` } })
    const wrongKey = await get(await signAccess(vendor, { audience: mailbox }))
    expect(wrongKey.headers.get('www-authenticate')).toBe('Intentcast')
    await expectProblem(wrongKey, 401, 'ERR_ISSUER_MISMATCH')
    await expectProblem(
      get(await signAccess(customer.key, { audience: `${relay.url}/mailboxes/${vendor.did}` })),
      422,
      'ERR_AUDIENCE',
    )
    await expectProblem(get(await signAccess(customer.key, { audience: `${mailbox}?after=0` })), 422, 'ERR_AUDIENCE')
    const old = new Date(Date.now() - 3_600_000)
    await expectProblem(get(await signAccess(customer.key, { audience: mailbox, now: old })), 422, 'ERR_EXPIRED')
    await expectProblem(get(await signAccess(customer.key, { audience: mailbox, expiresIn: 301 })), 422, 'ERR_SCHEMA')
    await expectProblem(get('garbage'), 400, 'ERR_MALFORMED')
    const subscription = await signSubscription({ filters: {} }, customer.key, { audience: mailbox })
    await expectProblem(get(subscription), 422, 'ERR_TYPE_MISMATCH')
    // The key is checked before the URL: another key's access for another URL is the key's fault.
    await expectProblem(get(await signAccess(vendor, { audience: relay.url })), 401, 'ERR_ISSUER_MISMATCH')
  })

  test('a bad after or limit is ERR_MALFORMED; a mailbox that is not open ERR_BROKEN_LINK, only for its key holder', async () => {
    const { relay, customer } = await negotiation()
    const auth = { authorization: await authorization(relay, customer.key) }
    for (const q of ['?after=-1', '?after=x', '?limit=0', '?limit=101', '?limit=1.5'])
      await expectProblem(relay.call(`/mailboxes/${customer.key.did}${q}`, { headers: auth }), 400, 'ERR_MALFORMED')
    const nobody = await generateKeyPair()
    const response = await relay.call(`/mailboxes/${nobody.did}`, {
      headers: { authorization: await authorization(relay, nobody) },
    })
    await expectProblem(response, 422, 'ERR_BROKEN_LINK')
    await expectProblem(relay.call(`/mailboxes/${nobody.did}`), 401, 'ERR_KEY_UNRESOLVED')
  })
})

describe('several relay processes share one backend', () => {
  test('a subscription taken by one process reaches the casts of another within subscribersMaxAgeMs', async () => {
    const backend = new MemoryRelayBackend()
    const a = await relayInProcess({ backend })
    const b = await relayInProcess({ backend, limits: { subscribersMaxAgeMs: 1_500 } })
    const loaded = Date.now()
    const vendor = await subscribe(a, { categories: ['bicycles'] })
    const early = await cast(b, (await castable(b)).intent)
    // Within the bound, b may not have seen it yet (and on a slow machine it may already have).
    if (Date.now() - loaded < 1_500) expect(early.delivered).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 1_600))
    expect((await cast(b, (await castable(b)).intent)).delivered).toBe(1)
    // Mailboxes are the backend's: a reads what b delivered.
    expect((await read(a, vendor)).entries.length).toBeGreaterThanOrEqual(1)
    // And the subscribing process saw its own subscription at once.
    expect((await cast(a, (await castable(a)).intent)).delivered).toBe(1)
  })
})
