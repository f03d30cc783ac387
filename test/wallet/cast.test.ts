/**
 * The wallet against real vendors on loopback: the whole flow from discovery to an agreement
 * both sides hold byte for byte, and a cast that survives vendors that hang, talk nonsense or
 * sign with the wrong key.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { accept, castIntent, counter, discover, Wallet, type CastProgress, type FetchLike } from '../../src/wallet/index.js'
import { createVendorHandler, MemoryThreadStore } from '../../src/vendor/index.js'
import { generateKeyPair, signIntent, verify, verifyThread } from '../../src/index.js'
import { intentBody, listen, offerFor, serve, startVendor, vendorTerms, type Running } from '../http/support.js'

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})
const track = <T extends Running>(r: T): T => (running.push(r), r)

async function castKeyAndIntent(wallet = Wallet.create()) {
  const { keyPair: castKey } = await wallet.nextCastKey()
  return { wallet, castKey, intent: await signIntent(intentBody(), castKey) }
}

describe('the whole flow over HTTP', () => {
  test('discover → cast to 3 vendors → ranked offers → counter → accept → identical agreement bytes on both sides', async () => {
    const threads = new MemoryThreadStore()
    const best = track(await startVendor('1900.00', { threads, onCounter: () => 'agree' }))
    const second = track(await startVendor('1950.00'))
    const tooDear = track(await startVendor('2500.00'))
    const { wallet, castKey, intent } = await castKeyAndIntent()

    const found = await discover(best.origin)
    const events: CastProgress[] = []
    const result = await castIntent(intent, [found, second.origin, tooDear.origin], { onProgress: (e) => events.push(e) })

    expect(result.failures).toEqual([])
    expect(result.offers.map((o) => o.vendor.origin)).toEqual([best.origin, second.origin])
    expect(result.offers[0]!.score).toBeGreaterThanOrEqual(result.offers[1]!.score)
    expect(result.excluded.map((o) => o.vendor.origin)).toEqual([tooDear.origin])
    expect(result.excluded[0]!.reasons.join(' ')).toMatch(/2500/)
    for (const o of result.offers) {
      expect(o.proposal.payload.aud).toBe(castKey.did)
      expect(o.thread.state()).toBe('open')
    }
    expect(events.filter((e) => e.type === 'offer')).toHaveLength(3)
    expect(events.filter((e) => e.type === 'discovering').map((e) => e.vendor).sort()).toEqual([second.origin, tooDear.origin].sort())

    const top = result.offers[0]!
    const { reply, thread } = await counter(top, { quantity: 1, price: { amount: '1850.00', currency: 'EUR' }, terms: top.proposal.payload.terms }, { castKey })
    expect(thread.messages.map((m) => m.kind)).toEqual(['intent', 'offer', 'counter', 'counter'])
    expect(reply!.proposal.payload.price.amount).toBe('1850.00')
    expect(reply!.proposal.issuer).toBe(best.key.did)

    const vendorKey = await wallet.vendorKey(best.origin)
    const { agreement, thread: done } = await accept(reply!, { castKey, vendorKey })
    expect(agreement.signers).toEqual([vendorKey.did, best.key.did])
    expect(agreement.payload.price.amount).toBe('1850.00')
    expect(done.state()).toBe('agreed')

    // Both parties hold the same bytes.
    const vendorCopy = threads.get(agreement.payload.refs.intent)!.agreement!
    expect(vendorCopy.message).toBe(agreement.message)
    expect(Buffer.from(vendorCopy.message).equals(Buffer.from(agreement.message))).toBe(true)

    // The wallet's record re-verifies from its bytes alone, and so does the vendor's.
    const mine = await verifyThread(done.messages.map((m) => m.message))
    expect(mine.state()).toBe('agreed')
    const theirs = await verifyThread(threads.get(agreement.payload.refs.intent)!.messages.map((m) => m.message))
    expect(theirs.agreement!.message).toBe(mine.agreement!.message)

    // The per-vendor key is stable and is not the cast key.
    expect(vendorKey.did).not.toBe(castKey.did)
    expect((await Wallet.fromSecret(wallet.exportSecret()).vendorKey(best.origin)).did).toBe(vendorKey.did)
  })

  test('a vendor that answers 202 is pending, not failed, and hears Sec-GPC; a counter it does not answer returns no reply', async () => {
    const gpcSeen: boolean[] = []
    const quiet = track(await startVendor('1900.00', { onIntent: (_i, context) => (gpcSeen.push(context.gpc), null) }))
    const plain = track(await startVendor('1900.00'))
    const { castKey, intent } = await castKeyAndIntent()
    const result = await castIntent(intent, [quiet.origin, plain.origin], { gpc: true })
    expect(result.pending).toEqual([quiet.origin])
    expect(gpcSeen).toEqual([true])
    expect(result.offers).toHaveLength(1)
    const answered = await counter(result.offers[0]!, { quantity: 1, price: { amount: '1.00', currency: 'EUR' }, terms: result.offers[0]!.proposal.payload.terms }, { castKey })
    expect(answered.reply).toBeUndefined()
    expect(answered.thread.messages).toHaveLength(3)
  })

  test('accept refuses a cast key that did not sign the intent, and reports the vendor\'s problem by its code', async () => {
    const vendor = track(await startVendor())
    const { wallet, castKey, intent } = await castKeyAndIntent()
    const [offer] = (await castIntent(intent, [vendor.origin])).offers
    const vendorKey = await wallet.vendorKey(vendor.origin)
    await expect(accept(offer!, { castKey: await generateKeyPair(), vendorKey })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    await accept(offer!, { castKey, vendorKey })
    // A second acceptance of the same offer: the vendor's 409 comes back as its code.
    await expect(accept(offer!, { castKey, vendorKey })).rejects.toMatchObject({ code: 'ERR_ILLEGAL_MOVE' })
  })
})

describe('a failing vendor set', () => {
  test('one hangs, one returns garbage, one signs with the wrong key, one is good: one offer, three failures', async () => {
    const good = track(await startVendor('1900.00'))
    const hangs = track(await listen(() => {}))
    // A real vendor document, but the messages endpoint answers nonsense.
    const honest = createVendorHandler({ keyPair: await generateKeyPair(), terms: vendorTerms, onIntent: offerFor('1800.00') })
    const garbage = track(
      await serve(async (r) => (r.method === 'GET' ? honest(r) : new Response('this is not an offer', { headers: { 'content-type': 'application/intentcast+jws' } }))),
    )
    // Its document lists one key; its offers come signed by another.
    const listed = createVendorHandler({ keyPair: await generateKeyPair(), terms: vendorTerms, onIntent: offerFor('1700.00') })
    const impostor = createVendorHandler({ keyPair: await generateKeyPair(), terms: vendorTerms, onIntent: offerFor('1700.00') })
    const wrongKey = track(await serve(async (r) => (r.method === 'GET' ? listed(r) : impostor(r))))

    const { intent } = await castKeyAndIntent()
    const events: CastProgress[] = []
    const started = Date.now()
    const result = await castIntent(intent, [hangs.origin, garbage.origin, wrongKey.origin, good.origin], { timeoutMs: 500, onProgress: (e) => events.push(e) })
    expect(Date.now() - started).toBeLessThan(5_000)

    expect(result.offers).toHaveLength(1)
    expect(result.offers[0]!.vendor.origin).toBe(good.origin)
    const byVendor = Object.fromEntries(result.failures.map((f) => [f.vendor, f.code]))
    expect(byVendor).toEqual({ [hangs.origin]: 'ERR_TIMEOUT', [garbage.origin]: 'ERR_MALFORMED', [wrongKey.origin]: 'ERR_KEY_UNRESOLVED' })
    for (const f of result.failures) expect(f.message.length).toBeGreaterThan(0)
    expect(events.filter((e) => e.type === 'failed')).toHaveLength(3)
  })

  test('an offer addressed to someone else, or answering another intent, is refused', async () => {
    const other = await generateKeyPair()
    const misaddressed = track(await startVendor('1900.00'))
    const { intent } = await castKeyAndIntent()
    // Cast someone else's intent through this vendor and replay its answer to ours.
    const foreign = await signIntent(intentBody(), other)
    const foreignOffer = await (await fetch(`${misaddressed.origin}/intentcast/messages`, { method: 'POST', headers: { 'content-type': 'application/intentcast+jws' }, body: foreign })).text()
    const replayer = track(await serve(async (r) => (r.method === 'GET' ? misaddressed.handler(r) : new Response(foreignOffer, { headers: { 'content-type': 'application/intentcast+jws' } }))))
    const doc = await (await fetch(`${replayer.origin}/.well-known/intentcast`)).json()
    const result = await castIntent(intent, [{ origin: replayer.origin, endpoint: doc.endpoint, keys: doc.keys.keys }])
    expect(result.failures.map((f) => f.code)).toEqual(['ERR_AUDIENCE'])
    expect((await verify(foreignOffer, { expect: 'offer' })).payload.aud).toBe(other.did)
  })
})

describe('fan-out mechanics', () => {
  test('network failures are retried with backoff; problems are not', async () => {
    const vendor = track(await startVendor())
    const doc = await discover(vendor.origin)
    let posts = 0
    const flaky: FetchLike = async (url, init) => {
      if (init.method === 'POST' && ++posts <= 2) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })
      return fetch(url, init)
    }
    const events: CastProgress[] = []
    const { intent } = await castKeyAndIntent()
    const result = await castIntent(intent, [doc], { fetch: flaky, backoffMs: 10, onProgress: (e) => events.push(e) })
    expect(result.offers).toHaveLength(1)
    expect(posts).toBe(3)
    expect(events.filter((e) => e.type === 'sending').map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2, 3])

    // The same intent again: the vendor's 409 is its answer, asked once.
    posts = 10
    const again = await castIntent(intent, [doc], { fetch: flaky, backoffMs: 10 })
    expect(posts).toBe(11)
    expect(again.failures.map((f) => f.code)).toEqual(['ERR_REPLAY'])

    // A vendor that cannot be reached at all: retried, then recorded.
    const closed = track(await listen(() => {}))
    const origin = closed.origin
    await closed.close()
    const gone = await castIntent(intent, [{ origin, endpoint: `${origin}/intentcast/messages` }], { backoffMs: 10, retries: 1 })
    expect(gone.failures.map((f) => f.code)).toEqual(['ERR_UNREACHABLE'])
  })

  test('concurrency is bounded', async () => {
    const vendors = await Promise.all(Array.from({ length: 6 }, () => startVendor()))
    vendors.forEach(track)
    let inFlight = 0
    let peak = 0
    const counting: FetchLike = async (url, init) => {
      peak = Math.max(peak, ++inFlight)
      try {
        await new Promise((r) => setTimeout(r, 30))
        return await fetch(url, init)
      } finally {
        inFlight--
      }
    }
    const { intent } = await castKeyAndIntent()
    const targets = await Promise.all(vendors.map((v) => discover(v.origin)))
    const result = await castIntent(intent, targets, { fetch: counting, concurrency: 2 })
    expect(result.offers).toHaveLength(6)
    expect(peak).toBe(2)
    await expect(castIntent(intent, targets, { concurrency: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
  })

  test('an abort stops the cast and rejects with the reason', async () => {
    const hangs = track(await listen(() => {}))
    const { intent } = await castKeyAndIntent()
    const controller = new AbortController()
    const reason = new Error('user cancelled')
    setTimeout(() => controller.abort(reason), 50)
    await expect(castIntent(intent, [hangs.origin, hangs.origin], { signal: controller.signal, timeoutMs: 5_000 })).rejects.toBe(reason)
  })

  test('a cast with an invalid intent fails at once', async () => {
    await expect(castIntent('nonsense', [])).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })
})
