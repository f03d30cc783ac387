/**
 * The wallet through a relay (spec §Relay binding), against the real relay handler served on
 * loopback and vendors connected to it with `connectRelay`: a cast reaches vendors the wallet
 * never heard of, counters and acceptances go through their mailboxes, a vendor cast to
 * directly answers later through `replyTo`, an offer that comes both ways is kept once, a lost
 * agreement is fetched again, and a restarted wallet carries on through the relay.
 */
import { afterEach, describe, expect, test } from 'vitest'
import {
  castIntent,
  discover,
  MemoryNegotiationStore,
  Wallet,
  type CastProgress,
  type FetchLike,
  type WalletStores,
} from '../../src/wallet/index.js'
import {
  generateKeyPair,
  MemoryAgreementStore,
  signIntent,
  verify,
  type AgreementStore,
  type Verified,
} from '../../src/index.js'
import { open } from '../../src/seal/index.js'
import { sealKeyPairOf } from '../../src/seal/keys.js'
import { dealAt, intentBody, offerFor, startVendor, type Running } from './support.js'
import { countingFetch, eventually, startRelay, startRelayedVendor } from './relay-support.js'

const running: Running[] = []
afterEach(async () => {
  // Vendors first: their connections read the relay until they close.
  for (const r of running.splice(0).reverse()) await r.close()
})
const track = <T extends Running>(r: T): T => (running.push(r), r)

function walletWithStores() {
  const stores: Required<WalletStores> = {
    negotiations: new MemoryNegotiationStore(),
    agreements: new MemoryAgreementStore(),
  }
  const wallet = Wallet.create({ stores })
  const restart = (): Wallet => Wallet.fromSecret(wallet.exportSecret(), { casts: wallet.casts }, { stores })
  return { wallet, restart, stores }
}

describe('a cast through a relay reaches vendors the wallet does not know', () => {
  test('the offer comes through the relay, from a vendor named by its DID and reached at its mailbox there', async () => {
    const relay = track(await startRelay())
    const vendor = track(await startRelayedVendor(relay, { price: '1900.00' }))
    const wallet = Wallet.create()
    const events: CastProgress[] = []
    const result = await wallet.cast(intentBody(), [{ relay: relay.url }], { onProgress: (e) => events.push(e) })

    expect(result.failures).toEqual([])
    expect(result.relays).toEqual([
      { relay: relay.url, mailbox: `${relay.url}/mailboxes/${result.intent.issuer}`, delivered: 1 },
    ])
    expect(result.intent.payload.replyTo).toBe(`${relay.url}/mailboxes/${result.intent.issuer}`)
    const [offer] = result.offers
    expect(result.offers).toHaveLength(1)
    expect(offer!.vendor).toEqual({
      origin: relay.origin,
      endpoint: `${relay.url}/mailboxes/${vendor.key.did}`,
      relay: relay.url,
      did: vendor.key.did,
    })
    expect(offer!.proposal.issuer).toBe(vendor.key.did)
    expect(offer!.thread.state()).toBe('open')
    expect(events.map((e) => e.type)).toEqual(['sending', 'relayed', 'offer'])
    expect(events[1]).toEqual({ type: 'relayed', vendor: relay.url, delivered: 1 })
    expect(events[2]).toMatchObject({ type: 'offer', vendor: vendor.key.did, relay: relay.url })
    // The relationship key for a vendor known by its key only is named by that key.
    const byDid = await wallet.vendorKey(vendor.key.did)
    expect((await wallet.vendorKey(offer!.vendor)).did).toBe(byDid.did)
    expect(byDid.did).not.toBe((await wallet.vendorKey(relay.origin)).did)
  })

  test('the cast ends once every vendor the relay delivered to has answered, not at collectMs', async () => {
    const relay = track(await startRelay())
    track(await startRelayedVendor(relay, { price: '1900.00' }))
    track(await startRelayedVendor(relay, { price: '1800.00' }))
    const started = Date.now()
    const result = await Wallet.create().cast(intentBody(), [{ relay: relay.url }], { collectMs: 8_000 })
    expect(result.offers.map((o) => o.proposal.payload.price.amount)).toEqual(['1800.00', '1900.00'])
    expect(Date.now() - started).toBeLessThan(4_000)
  })

  test('a vendor that takes the intent without an offer keeps the cast reading until collectMs', async () => {
    const relay = track(await startRelay())
    track(await startRelayedVendor(relay, { onIntent: () => null }))
    const started = Date.now()
    const result = await Wallet.create().cast(intentBody(), [{ relay: relay.url }], { collectMs: 600 })
    expect(result.offers).toEqual([])
    expect(result.relays[0]!.delivered).toBe(1)
    expect(Date.now() - started).toBeGreaterThanOrEqual(550)
  })

  test('the vendor counters and agrees through the relay; both sides keep the same agreement', async () => {
    const relay = track(await startRelay())
    const vendorAgreements: AgreementStore = new MemoryAgreementStore()
    const agreed: Array<Verified<'agreement'>> = []
    const vendor = track(
      await startRelayedVendor(relay, {
        onCounter: () => 'agree',
        agreements: vendorAgreements,
        onAcceptance: (_a, { agreement }) => void agreed.push(agreement),
      }),
    )
    const { wallet, stores } = walletWithStores()
    const { offers } = await wallet.cast(intentBody(), [{ relay: relay.url }])
    const { reply } = await wallet.counter(offers[0]!, dealAt('1850.00'))
    expect(reply!.vendor.relay).toBe(relay.url)
    expect(reply!.proposal.payload.price.amount).toBe('1850.00')
    expect(reply!.thread.messages.map((m) => m.kind)).toEqual(['intent', 'offer', 'counter', 'counter'])

    const { agreement, thread } = await wallet.accept(reply!)
    expect(thread.state()).toBe('agreed')
    expect(agreement.signers).toEqual([(await wallet.vendorKey(vendor.key.did)).did, vendor.key.did])
    expect(agreed.map((a) => a.message)).toEqual([agreement.message])
    expect((await vendorAgreements.get(agreement.digest))!.agreement!.message).toBe(agreement.message)
    expect((await stores.agreements.get(agreement.digest))!.agreement!.message).toBe(agreement.message)
    expect(await wallet.negotiations()).toEqual([])
    expect(vendor.errors).toEqual([])
  })

  test('COSE through the relay: the parts travel in base64url, the thread stays in COSE', async () => {
    const relay = track(await startRelay())
    track(await startRelayedVendor(relay, { onCounter: () => 'agree' }))
    const wallet = Wallet.create()
    const { offers } = await wallet.cast(intentBody(), [{ relay: relay.url }], { format: 'cose' })
    expect(offers[0]!.proposal.format).toBe('cose')
    const { reply } = await wallet.counter(offers[0]!, dealAt('1850.00'))
    const { agreement } = await wallet.accept(reply!)
    expect(agreement.format).toBe('cose')
  })

  test('a counter the vendor does not answer is no answer yet once the deadline passes', async () => {
    const relay = track(await startRelay())
    track(await startRelayedVendor(relay, { onCounter: () => null }))
    const { wallet, restart } = walletWithStores()
    const { offers } = await wallet.cast(intentBody(), [{ relay: relay.url }])
    const started = Date.now()
    const countered = await wallet.counter(offers[0]!, dealAt('1.00'), { timeoutMs: 700 })
    expect(countered.reply).toBeUndefined()
    expect(countered.thread.messages.map((m) => m.kind)).toEqual(['intent', 'offer', 'counter'])
    expect(Date.now() - started).toBeGreaterThanOrEqual(650)
    // The record still holds the offer, the proposal still to answer, and the relay route.
    const [open] = await restart().negotiations()
    expect(open!.proposal.digest).toBe(offers[0]!.proposal.digest)
    expect(open!.vendor.relay).toBe(relay.url)
  })
})

describe('a vendor cast to directly answers later, through replyTo', () => {
  test("its later offer comes next to the direct ones, is that vendor's, and the negotiation goes on at its site", async () => {
    const relay = track(await startRelay())
    const waiting: Array<Verified<'intent'>> = []
    const slow = track(
      await startVendor({
        onIntent: (intent) => (waiting.push(intent), null),
        onCounter: () => 'agree',
        relays: [relay.url],
      }),
    )
    const quick = track(await startVendor({ price: '1950.00' }))
    const later = (async () => {
      await eventually(() => waiting.length === 1)
      await slow.handler.offer(waiting[0]!, offerFor('1700.00')(waiting[0]!))
    })()
    const events: CastProgress[] = []
    const wallet = Wallet.create()
    const result = await wallet.cast(intentBody(), [slow.origin, quick.origin, { relay: relay.url }], {
      collectMs: 5_000,
      onProgress: (e) => events.push(e),
    })
    await later

    expect(result.failures).toEqual([])
    expect(result.pending).toEqual([])
    expect(result.offers.map((o) => [o.vendor.origin, o.proposal.payload.price.amount])).toEqual([
      [slow.origin, '1700.00'],
      [quick.origin, '1950.00'],
    ])
    const fromSlow = result.offers[0]!
    // Recognised by its listed key: the vendor's site, not the relay.
    expect(fromSlow.vendor.relay).toBeUndefined()
    expect(fromSlow.vendor.endpoint).toBe(`${slow.origin}/intentcast/messages`)
    expect(events.filter((e) => e.vendor === slow.origin).map((e) => e.type)).toEqual([
      'discovering',
      'sending',
      'pending',
      'offer',
    ])
    expect(events.find((e) => e.type === 'offer' && e.vendor === slow.origin)).toMatchObject({ relay: relay.url })
    // Collected again without naming the vendor: the wallet holds that offer already, by its origin.
    expect((await wallet.collect(result)).offers).toEqual([])

    const { reply } = await wallet.counter(fromSlow, dealAt('1650.00'))
    expect(reply!.vendor.endpoint).toBe(fromSlow.vendor.endpoint)
    const { agreement } = await wallet.accept(reply!)
    expect(agreement.payload.price.amount).toBe('1650.00')
  })

  test('wallet.collect reads offers that came after the cast returned, once', async () => {
    const relay = track(await startRelay())
    const waiting: Array<Verified<'intent'>> = []
    const slow = track(await startVendor({ onIntent: (intent) => (waiting.push(intent), null), relays: [relay.url] }))
    const { wallet, restart } = walletWithStores()
    const vendors = [slow.origin, { relay: relay.url }]
    const cast = await wallet.cast(intentBody(), vendors, { collectMs: 300 })
    expect(cast.offers).toEqual([])
    expect(cast.pending).toEqual([slow.origin])

    await slow.handler.offer(waiting[0]!, offerFor('1700.00')(waiting[0]!))
    // Not told who the vendor is: its offer is negotiated through the relay.
    const collected = await wallet.collect(cast)
    expect(collected.failures).toEqual([])
    expect(collected.offers.map((o) => [o.vendor.did, o.castIndex])).toEqual([[slow.key.did, cast.castIndex]])
    // Saved: a restarted wallet has it, and collecting again brings nothing new.
    expect((await restart().negotiations()).map((n) => n.proposal.digest)).toEqual([
      collected.offers[0]!.proposal.digest,
    ])
    expect((await wallet.collect(cast)).offers).toEqual([])
  })

  test('wallet.collect attributes an offer to a vendor it is told of', async () => {
    const relay = track(await startRelay())
    const waiting: Array<Verified<'intent'>> = []
    const slow = track(await startVendor({ onIntent: (intent) => (waiting.push(intent), null), relays: [relay.url] }))
    const wallet = Wallet.create()
    const cast = await wallet.cast(intentBody(), [slow.origin, { relay: relay.url }], { collectMs: 200 })
    await slow.handler.offer(waiting[0]!, offerFor('1700.00')(waiting[0]!))
    const { offers } = await wallet.collect(cast, { vendors: [await discover(slow.origin)] })
    expect(offers.map((o) => [o.vendor.origin, o.vendor.relay])).toEqual([[slow.origin, undefined]])
  })
})

describe('an offer that comes both directly and through the relay is kept once', () => {
  test('a subscribed vendor also cast to directly: one offer, the direct one', async () => {
    const relay = track(await startRelay())
    const both = track(await startRelayedVendor(relay, { price: '1900.00' }))
    const result = await Wallet.create().cast(intentBody(), [both.origin, { relay: relay.url }], {
      collectMs: 3_000,
    })
    expect(result.failures).toEqual([])
    expect(result.offers).toHaveLength(1)
    expect(result.offers[0]!.vendor.origin).toBe(both.origin)
    expect(result.offers[0]!.vendor.relay).toBeUndefined()
    expect(result.relays[0]!.delivered).toBe(1)
  })
})

describe('an agreement whose answer was lost is found again in the mailbox', () => {
  test('the mailbox could not be read while accepting; after a restart, accept finds the agreement with the same bytes', async () => {
    const relay = track(await startRelay())
    let acceptances = 0
    const vendor = track(await startRelayedVendor(relay, { onAcceptance: () => void acceptances++ }))
    const { wallet, restart } = walletWithStores()
    const { offers } = await wallet.cast(intentBody(), [{ relay: relay.url }])
    const posted: string[] = []
    // Posts go through; every read of the cast's mailbox fails, as a dropped network would.
    const blind: FetchLike = async (url, init) => {
      if (init.method === 'GET') throw new TypeError('fetch failed: connection reset')
      posted.push(init.body as string)
      return fetch(url, init)
    }
    await expect(wallet.accept(offers[0]!, { fetch: blind, timeoutMs: 800 })).rejects.toMatchObject({
      code: 'ERR_TIMEOUT',
    })
    await eventually(() => acceptances === 1)
    const [inFlight] = await restart().negotiations()
    expect(inFlight!.accepting).toBe(true)
    expect(inFlight!.vendor.relay).toBe(relay.url)

    const again: string[] = []
    const recording: FetchLike = (url, init) => {
      if (init.method === 'POST') again.push(init.body as string)
      return fetch(url, init)
    }
    const resumed = restart()
    const { agreement } = await resumed.accept(inFlight!, { fetch: recording })
    expect(agreement.signers[1]).toBe(vendor.key.did)
    // Found in the mailbox before anything was posted again; the vendor countersigned once.
    expect(again).toEqual([])
    expect(posted).toHaveLength(1)
    expect(acceptances).toBe(1)
    expect(await resumed.negotiations()).toEqual([])
  })

  test('the acceptance never reached the relay: accept again posts the same bytes and gets the agreement', async () => {
    const relay = track(await startRelay())
    const vendor = track(await startRelayedVendor(relay))
    const { wallet, restart } = walletWithStores()
    const { offers } = await wallet.cast(intentBody(), [{ relay: relay.url }])
    const bodies: string[] = []
    const offline: FetchLike = async (_url, init) => {
      if (init.method === 'POST') bodies.push(init.body as string)
      throw new TypeError('fetch failed: network down')
    }
    await expect(wallet.accept(offers[0]!, { fetch: offline, timeoutMs: 500, retries: 0 })).rejects.toMatchObject({
      code: 'ERR_UNREACHABLE',
    })
    const resumed = restart()
    const [inFlight] = await resumed.negotiations()
    const { fetch: counted, requests } = countingFetch()
    const sent: string[] = []
    const { agreement } = await resumed.accept(inFlight!, {
      fetch: (url, init) => {
        if (init.method === 'POST') sent.push(init.body as string)
        return counted(url, init)
      },
    })
    expect(sent).toEqual(bodies)
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([inFlight!.vendor.endpoint])
    // Sealed to the vendor: the relay held ciphertext; the vendor's key opens it.
    const inner = await open(bodies[0]!, await sealKeyPairOf(vendor.key))
    const acceptance = await verify(inner.split('\n')[0]!, { expect: 'acceptance' })
    expect(agreement.payload.refs.acceptance).toBe(acceptance.digest)
  })
})

describe('a restarted wallet resumes a negotiation through the relay', () => {
  test('cast → restart → counter → restart → accept, every move through the relay', async () => {
    const relay = track(await startRelay())
    const vendor = track(await startRelayedVendor(relay, { onCounter: () => 'agree' }))
    const { wallet, restart } = walletWithStores()
    const { offers } = await wallet.cast(intentBody(), [{ relay: relay.url }])

    const [open] = await restart().negotiations()
    expect(open!.vendor).toEqual(offers[0]!.vendor)
    const { reply } = await restart().counter(open!, dealAt('1850.00'))
    expect(reply).toBeDefined()

    const [countered] = await restart().negotiations()
    expect(countered!.vendor.did).toBe(vendor.key.did)
    expect(countered!.proposal.digest).toBe(reply!.proposal.digest)
    const last = restart()
    const { agreement } = await last.accept(countered!)
    expect(agreement.payload.price.amount).toBe('1850.00')
    expect(agreement.payload.parties.customer).toBe((await last.vendorKey(vendor.key.did)).did)
    expect(await last.negotiations()).toEqual([])
  })

  test('a record routed to another relay, however consistent, is not used: the intent names its relay', async () => {
    const relay = track(await startRelay())
    const elsewhere = track(await startRelay())
    track(await startRelayedVendor(relay))
    const { wallet, restart, stores } = walletWithStores()
    await wallet.cast(intentBody(), [{ relay: relay.url }])
    const [[id, record]] = [...(stores.negotiations as MemoryNegotiationStore).list()] as [[string, string]]
    const parsed = JSON.parse(record) as { vendor: { origin: string; endpoint: string; relay: string; did: string } }
    parsed.vendor = {
      ...parsed.vendor,
      origin: elsewhere.origin,
      endpoint: `${elsewhere.url}/mailboxes/${parsed.vendor.did}`,
      relay: elsewhere.url,
    }
    await stores.negotiations.put(id, JSON.stringify(parsed))
    expect(await restart().negotiations()).toEqual([])
  })

  test('a record whose relay route was tampered with is not used', async () => {
    const relay = track(await startRelay())
    track(await startRelayedVendor(relay))
    const { wallet, restart, stores } = walletWithStores()
    await wallet.cast(intentBody(), [{ relay: relay.url }])
    const [[id, record]] = [...(stores.negotiations as MemoryNegotiationStore).list()] as [[string, string]]
    const other = await generateKeyPair()
    await stores.negotiations.put(id, record.replaceAll(/did:key:z6Mk\w+(?="\})/g, other.did))
    expect(await restart().negotiations()).toEqual([])
  })
})

describe("the caller's mistakes, before any request", () => {
  test('castIntent to a relay needs the key that signed the intent', async () => {
    const key = await generateKeyPair()
    const intent = await signIntent(intentBody(), key)
    await expect(castIntent(intent, [{ relay: 'https://relay.example/relay' }])).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    })
    await expect(
      castIntent(intent, [{ relay: 'https://relay.example/relay' }], { castKey: await generateKeyPair() }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
  })

  test('one relay per cast; no replyTo of the caller with a relay; a relay is an https URL', async () => {
    const wallet = Wallet.create()
    const relays = [{ relay: 'https://a.example/relay' }, { relay: 'https://b.example/relay' }]
    await expect(wallet.cast(intentBody(), relays)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    await expect(
      wallet.cast({ ...intentBody(), replyTo: 'https://elsewhere.example/x' }, [relays[0]!]),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    await expect(wallet.cast(intentBody(), [{ relay: 'http://relay.example/relay' }])).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    })
    await expect(wallet.cast(intentBody(), [{ relay: 'https://r.example/relay?x=1' }])).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    })
    // None of these took a cast key.
    expect(wallet.casts).toBe(0)
  })

  test('a vendor met through a relay is not a cast target', async () => {
    const did = (await generateKeyPair()).did
    const relayed = {
      origin: 'https://relay.example',
      endpoint: `https://relay.example/relay/mailboxes/${did}`,
      relay: 'https://relay.example/relay',
      did,
    }
    await expect(Wallet.create().cast(intentBody(), [relayed])).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    })
  })
})

describe('failures at the relay are the cast’s failures, and the cast goes on', () => {
  test('a relay that refuses the intent is recorded; the direct vendors still answer', async () => {
    const relay = track(await startRelay())
    const vendor = track(await startVendor())
    const key = await generateKeyPair()
    // replyTo names another relay: this one refuses it (spec §Relay binding, Casting to a relay, step 2).
    const intent = await signIntent({ ...intentBody(), replyTo: `https://other.example/mailboxes/${key.did}` }, key)
    const result = await castIntent(intent, [vendor.origin, { relay: relay.url }], { castKey: key })
    expect(result.offers.map((o) => o.vendor.origin)).toEqual([vendor.origin])
    expect(result.failures).toEqual([{ vendor: relay.url, code: 'ERR_BROKEN_LINK', message: expect.any(String) }])
    expect(result.relays).toEqual([])
  })

  test('a relay that cannot be reached is recorded as unreachable', async () => {
    const relay = await startRelay()
    await relay.close()
    const result = await Wallet.create().cast(intentBody(), [{ relay: relay.url }], { retries: 0 })
    expect(result.failures.map((f) => [f.vendor, f.code])).toEqual([[relay.url, 'ERR_UNREACHABLE']])
  })
})
