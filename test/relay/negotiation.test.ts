/**
 * A whole negotiation relayed by hand over real HTTP: the wallet side casts an intent, a vendor
 * subscribed to the relay reads it from its mailbox and lets the real vendor handler answer, and
 * every move after that travels through the two mailboxes (the cast mailbox, read with the cast
 * key; the vendor mailbox, read with the vendor key) until both hold the countersigned agreement.
 */
import { expect, test } from 'vitest'
import { digest, generateKeyPair, signCounter, verify, verifyThread } from '../../src/index.js'
import { createVendorHandler } from '../../src/vendor/index.js'
import { acceptanceFor, vendorOptions } from '../vendor/support.js'
import { cast, castable, EventReader, JWS, post, read, relayOnLoopback, subscribe, authorization } from './support.js'

test('intent, offer, counter, agreeing counter, acceptance and agreement, all through the relay', async () => {
  const relay = await relayOnLoopback()
  try {
    // The vendor: a real handler, and a subscription for bicycles in Germany.
    const vendorKey = await generateKeyPair()
    const agreements: string[] = []
    const vendor = createVendorHandler(
      vendorOptions(vendorKey, '1900.00', {
        on: {
          counter: () => 'agree',
          acceptance: (_a, ctx) => {
            agreements.push(ctx.thread.intent.digest)
          },
        },
      }),
    )
    await vendor.ready
    const toVendor = (body: string) =>
      vendor(
        new Request('https://shop.example/intentcast/messages', {
          method: 'POST',
          headers: { 'content-type': JWS },
          body,
        }),
      )
    await subscribe(relay, { categories: ['bicycles'], regions: ['DE'] }, vendorKey)

    // The customer casts once, under a fresh key, its answers to come to its mailbox.
    const customer = await castable(relay)
    expect(await cast(relay, customer.intent)).toEqual({ mailbox: customer.mailbox, delivered: 1 })
    const thread: string[] = [customer.intent]

    // The vendor finds the intent in its mailbox and answers it with an offer, posted to replyTo.
    let vendorInbox = await read(relay, vendorKey)
    expect(vendorInbox.entries.map((e) => e.parts)).toEqual([[customer.intent]])
    const offerAnswer = await toVendor(vendorInbox.entries[0]!.parts[0]!)
    expect(offerAnswer.status).toBe(200)
    const offer = await offerAnswer.text()
    const replyTo = (await verify(customer.intent, { expect: 'intent' })).payload.replyTo!
    expect((await fetch(replyTo, { method: 'POST', headers: { 'content-type': JWS }, body: offer })).status).toBe(202)

    // The customer reads the offer as an event stream, and counters it at the vendor's mailbox.
    const stream = await fetch(customer.mailbox, {
      headers: { accept: 'text/event-stream', authorization: await authorization(relay, customer.key) },
    })
    const events = new EventReader(stream.body!)
    expect((await events.next())!.data.parts).toEqual([offer])
    thread.push(offer)
    const offerV = await verify(offer, { expect: 'offer', audience: customer.key.did })
    const counter = await signCounter(
      {
        inReplyTo: offerV.digest,
        intent: digest(customer.intent),
        quantity: 1,
        price: { amount: '1800.00', currency: 'EUR' },
        terms: offerV.payload.terms,
      },
      customer.key,
      { audience: vendorKey.did },
    )
    expect((await post(relay, `/mailboxes/${vendorKey.did}`, counter)).status).toBe(202)
    thread.push(counter)

    // The vendor reads on from where it was, agrees (a counter restating the customer's), and posts it back.
    vendorInbox = await read(relay, vendorKey, `?after=${vendorInbox.next}`)
    expect(vendorInbox.entries.map((e) => e.parts)).toEqual([[counter]])
    const agreeing = await (await toVendor(counter)).text()
    expect((await post(relay, `/mailboxes/${customer.key.did}`, agreeing)).status).toBe(202)

    // The customer gets it live, accepts it, and sends acceptance and agreement to the vendor's mailbox.
    expect((await events.next())!.data.parts).toEqual([agreeing])
    thread.push(agreeing)
    const acceptance = await acceptanceFor(customer.key, thread)
    expect((await post(relay, `/mailboxes/${vendorKey.did}`, acceptance)).status).toBe(202)

    // The vendor countersigns through its handler and posts the agreement to the cast mailbox.
    vendorInbox = await read(relay, vendorKey, `?after=${vendorInbox.next}`)
    expect(vendorInbox.entries).toHaveLength(1)
    const [acceptancePart, agreementPart] = vendorInbox.entries[0]!.parts
    const countersigned = await toVendor(`${acceptancePart}\n${agreementPart}`)
    expect(countersigned.status).toBe(200)
    const agreement = await countersigned.text()
    expect((await post(relay, `/mailboxes/${customer.key.did}`, agreement)).status).toBe(202)
    expect(agreements).toEqual([digest(customer.intent)])

    // Both now hold the same thread, and it verifies end to end.
    expect((await events.next())!.data.parts).toEqual([agreement])
    await events.cancel()
    const whole = await verifyThread([...thread, acceptancePart!, agreement])
    expect(whole.agreement?.signers).toEqual([customer.key.did, vendorKey.did])
  } finally {
    await relay.close()
  }
})
