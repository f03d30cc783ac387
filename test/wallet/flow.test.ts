/**
 * The wallet owns the flow: wallet.cast → wallet.counter → wallet.accept against real vendors on
 * loopback, with no key in the caller's hands, down to an agreement both sides hold byte for byte.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { castIntent, discover, Wallet, type CastProgress, type Negotiation } from '../../src/wallet/index.js'
import { MemoryThreadStore } from '../../src/vendor/index.js'
import { dealOf, generateKeyPair, signIntent, verifyThread } from '../../src/index.js'
import { dealAt, intentBody, startVendor, type Running } from './support.js'

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})
const track = <T extends Running>(r: T): T => (running.push(r), r)

describe('wallet.cast → wallet.counter → wallet.accept', () => {
  test('discover → cast to 3 vendors → ranked offers → counter → accept → identical agreement bytes on both sides', async () => {
    const threads = new MemoryThreadStore()
    const best = track(await startVendor({ price: '1900.00', threads, onCounter: () => 'agree' }))
    const second = track(await startVendor({ price: '1950.00' }))
    const tooDear = track(await startVendor({ price: '2500.00' }))
    const wallet = Wallet.create()

    const found = await discover(best.origin)
    const events: CastProgress[] = []
    const result = await wallet.cast(intentBody(), [found, second.origin, tooDear.origin], {
      onProgress: (e) => events.push(e),
    })

    expect(result.castIndex).toBe(0)
    expect(wallet.casts).toBe(1)
    const castKey = await wallet.castKey(0)
    expect(result.intent.issuer).toBe(castKey.did)
    expect(result.failures).toEqual([])
    expect(result.offers.map((o) => o.vendor.origin)).toEqual([best.origin, second.origin])
    expect(result.offers[0]!.score).toBeGreaterThanOrEqual(result.offers[1]!.score)
    expect(result.excluded.map((o) => [o.vendor.origin, o.castIndex])).toEqual([[tooDear.origin, 0]])
    expect(result.excluded[0]!.reasons.join(' ')).toMatch(/2500/)
    for (const o of result.offers) {
      expect(o.castIndex).toBe(0)
      expect(o.proposal.payload.aud).toBe(castKey.did)
      expect(o.thread.state()).toBe('open')
    }
    expect(events.filter((e) => e.type === 'offer')).toHaveLength(3)
    expect(
      events
        .filter((e) => e.type === 'discovering')
        .map((e) => e.vendor)
        .sort(),
    ).toEqual([second.origin, tooDear.origin].sort())

    const top = result.offers[0]!
    const { reply, thread } = await wallet.counter(top, dealAt('1850.00'), { note: 'a little less?' })
    expect(thread.messages.map((m) => m.kind)).toEqual(['intent', 'offer', 'counter', 'counter'])
    expect(thread.messages[2]!.payload).toMatchObject({ note: 'a little less?', iss: castKey.did })
    expect(reply!.proposal.payload.price.amount).toBe('1850.00')
    expect(reply!.proposal.issuer).toBe(best.key.did)
    expect(reply!.castIndex).toBe(0)
    // The offer countered is left as it was.
    expect(top.thread.messages).toHaveLength(2)

    const { agreement, thread: done } = await wallet.accept(reply!)
    const vendorKey = await wallet.vendorKey(best.origin)
    expect(agreement.signers).toEqual([vendorKey.did, best.key.did])
    expect(agreement.payload.price.amount).toBe('1850.00')
    expect(done.state()).toBe('agreed')
    // The acceptance is the cast key's, and names the vendor key as the party.
    expect(done.acceptance!.issuer).toBe(castKey.did)
    expect(done.acceptance!.payload.party).toBe(vendorKey.did)

    // Both parties hold the same bytes, and each record re-verifies from its bytes alone.
    const vendorCopy = threads.get(agreement.payload.refs.intent)!
    expect(vendorCopy.agreement!.message).toBe(agreement.message)
    const mine = await verifyThread(done.messages.map((m) => m.message))
    expect(mine.state()).toBe('agreed')
    const theirs = await verifyThread(vendorCopy.messages.map((m) => m.message))
    expect(theirs.agreement!.message).toBe(mine.agreement!.message)
    expect(vendorKey.did).not.toBe(castKey.did)
  })

  test('a vendor that answers 202 is pending and hears Sec-GPC; a counter it does not answer returns no reply', async () => {
    const gpcSeen: boolean[] = []
    const quiet = track(await startVendor({ onIntent: (_i, context) => (gpcSeen.push(context.gpc), null) }))
    const plain = track(await startVendor())
    const wallet = Wallet.create()
    const result = await wallet.cast(intentBody(), [quiet.origin, plain.origin], { gpc: true })
    expect(result.pending).toEqual([quiet.origin])
    expect(gpcSeen).toEqual([true])
    expect(result.offers).toHaveLength(1)
    const answered = await wallet.counter(result.offers[0]!, dealAt('1.00'))
    expect(answered.reply).toBeUndefined()
    expect(answered.thread.messages).toHaveLength(3)
  })

  test('each cast has its own key, also when casts run at once; the vendor key is one per vendor', async () => {
    const vendor = track(await startVendor())
    const wallet = Wallet.create()
    const casts = await Promise.all([1, 2, 3].map(() => wallet.cast(intentBody(), [vendor.origin])))
    expect(casts.map((c) => c.castIndex).sort()).toEqual([0, 1, 2])
    expect(new Set(casts.map((c) => c.intent.issuer)).size).toBe(3)
    expect(wallet.casts).toBe(3)
    const agreements = await Promise.all(casts.map((c) => wallet.accept(c.offers[0]!)))
    expect(new Set(agreements.map((a) => a.agreement.signers[0])).size).toBe(1)
    expect(agreements[0]!.agreement.signers[0]).toBe((await wallet.vendorKey(vendor.origin)).did)
  })

  test('a wallet restored from its secret carries on a negotiation: the cast index travels with it', async () => {
    const vendor = track(await startVendor())
    const wallet = Wallet.create()
    await wallet.nextCastKey() // so the cast under test is not index 0
    const { offers } = await wallet.cast(intentBody(), [vendor.origin], { format: 'cose' })
    const restored = Wallet.fromSecret(wallet.exportSecret(), { casts: wallet.casts })
    const { agreement } = await restored.accept(offers[0]!)
    expect(offers[0]!.castIndex).toBe(1)
    expect(agreement.format).toBe('cose')
    expect(agreement.signers[0]).toBe((await wallet.vendorKey(vendor.origin)).did)
  })

  test('a negotiation the wallet did not cast, a wrong index, a bad deal: ERR_INVALID_ARGUMENT before any request', async () => {
    let posts = 0
    const vendor = track(await startVendor({ onCounter: () => (posts++, null) }))
    const wallet = Wallet.create()
    const { offers } = await wallet.cast(intentBody(), [vendor.origin])
    const offer = offers[0]!
    const invalid = { code: 'ERR_INVALID_ARGUMENT' }

    // Another wallet, or a wrong index: the derived key is not the intent's signer.
    await expect(Wallet.create().accept(offer)).rejects.toMatchObject(invalid)
    await expect(wallet.accept({ ...offer, castIndex: 1 })).rejects.toMatchObject(invalid)
    await expect(wallet.counter({ ...offer, castIndex: -1 }, dealAt('1.00'))).rejects.toMatchObject(invalid)
    // A reply from castIntent, under someone else's key, has no cast index.
    const stranger = await castIntent(await signIntent(intentBody(), await generateKeyPair()), [vendor.origin])
    await expect(wallet.accept(stranger.offers[0]! as unknown as Negotiation)).rejects.toMatchObject(invalid)
    // A proposal that is not a move of the thread, a thread that is not one, a vendor with no endpoint.
    await expect(wallet.accept({ ...offer, proposal: stranger.offers[0]!.proposal })).rejects.toMatchObject(invalid)
    await expect(wallet.accept({ ...offer, thread: {} as never })).rejects.toMatchObject(invalid)
    await expect(
      wallet.accept({ ...offer, vendor: { origin: vendor.origin, endpoint: 'https://[x' } }),
    ).rejects.toMatchObject(invalid)
    await expect(wallet.accept(null as never)).rejects.toMatchObject(invalid)
    // A deal that is not one, or a note that is not text.
    await expect(
      wallet.counter(offer, { ...dealAt('1.00'), price: { amount: 'cheap', currency: 'EUR' } }),
    ).rejects.toMatchObject(invalid)
    // The whole offer payload is more than a deal: dealOf(payload) is the deal.
    await expect(wallet.counter(offer, { ...offer.proposal.payload })).rejects.toMatchObject(invalid)
    await expect(wallet.counter(offer, dealAt('1.00'), { note: 42 as never })).rejects.toMatchObject(invalid)
    expect(posts).toBe(0)
    // dealOf makes a deal from the offer itself.
    await wallet.counter(offer, dealOf(offer.proposal.payload))
    expect(posts).toBe(1)

    // The vendor's 409 to a second acceptance of the same offer comes back as its code.
    await wallet.accept(offer)
    await expect(wallet.accept(offer)).rejects.toMatchObject({ code: 'ERR_ILLEGAL_MOVE' })
  })

  test('a bad target or option fails the cast before a cast key is taken or a request made', async () => {
    const wallet = Wallet.create()
    const invalid = { code: 'ERR_INVALID_ARGUMENT' }
    await expect(wallet.cast(intentBody(), ['https://[x'])).rejects.toMatchObject(invalid)
    await expect(
      wallet.cast(intentBody(), [{ origin: 'https://shop.example', endpoint: 'https://[x' }]),
    ).rejects.toMatchObject(invalid)
    await expect(wallet.cast(intentBody(), 'https://shop.example' as never)).rejects.toMatchObject(invalid)
    await expect(wallet.cast(intentBody(), [], { format: 'xml' as never })).rejects.toMatchObject(invalid)
    await expect(wallet.cast(intentBody(), [], { timeoutMs: Number.NaN })).rejects.toMatchObject(invalid)
    await expect(wallet.cast(intentBody(), [], { retries: -1 })).rejects.toMatchObject(invalid)
    expect(wallet.casts).toBe(0)
    // A body that cannot be signed is found once the key is taken: that index is skipped, never reused.
    await expect(wallet.cast({ want: {} } as never, [])).rejects.toMatchObject(invalid)
    expect(wallet.casts).toBe(1)
  })
})

describe('found in review: counter and accept check their options before signing or sending', () => {
  test('a bad option is ERR_INVALID_ARGUMENT, never a vendor blamed or an agreement lost', async () => {
    const vendor = track(await startVendor({ price: '1900.00', onCounter: () => 'agree' }))
    const wallet = Wallet.create()
    const { offers } = await wallet.cast(intentBody(), [vendor.origin])
    const offer = offers[0]!
    for (const bad of [{ fetch: 'nope' }, { maxBytes: 0 }, { timeoutMs: -1 }, { signal: {} }, { now: new Date(NaN) }]) {
      await expect(wallet.accept(offer, bad as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
      await expect(wallet.counter(offer, dealOf(offer.proposal.payload), bad as never)).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      })
    }
    // Had any refused call sent its acceptance, the vendor would now refuse this one as a second
    // acceptance (ERR_ILLEGAL_MOVE): the agreement is still there to be made.
    const { agreement } = await wallet.accept(offer)
    expect(agreement.signers).toHaveLength(2)
  })
})
