/**
 * Casting against real vendors on loopback: a cast that survives vendors that hang, talk
 * nonsense or sign with the wrong key, and the fan-out mechanics (retries, concurrency, abort).
 * castIntent is the cast of an intent signed elsewhere; wallet.cast goes through it.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { castIntent, discover, type CastProgress, type FetchLike } from '../../src/wallet/index.js'
import { generateKeyPair, signIntent, verify } from '../../src/index.js'
import { intentBody, listen, serve, startVendor, vendorHandler, type Running } from './support.js'

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})
const track = <T extends Running>(r: T): T => (running.push(r), r)

/** An intent signed elsewhere, which is what castIntent is for. */
const signedElsewhere = async () => ({ intent: await signIntent(intentBody(), await generateKeyPair()) })

describe('a failing vendor set', () => {
  test('one hangs, one returns garbage, one signs with the wrong key, one is good: one offer, three failures', async () => {
    const good = track(await startVendor())
    const hangs = track(await listen(() => {}))
    // A real vendor document, but the messages endpoint answers nonsense.
    const { handler: honest } = await vendorHandler({ price: '1800.00' })
    const garbage = track(
      await serve(async (r) =>
        r.method === 'GET'
          ? honest(r)
          : new Response('this is not an offer', { headers: { 'content-type': 'application/intentcast+jws' } }),
      ),
    )
    // Its document lists one key; its offers come signed by another.
    const { handler: listed } = await vendorHandler({ price: '1700.00' })
    const { handler: impostor } = await vendorHandler({ price: '1700.00' })
    const wrongKey = track(await serve(async (r) => (r.method === 'GET' ? listed(r) : impostor(r))))

    const { intent } = await signedElsewhere()
    const events: CastProgress[] = []
    const started = Date.now()
    const result = await castIntent(intent, [hangs.origin, garbage.origin, wrongKey.origin, good.origin], {
      timeoutMs: 500,
      onProgress: (e) => events.push(e),
    })
    expect(Date.now() - started).toBeLessThan(5_000)

    expect(result.offers).toHaveLength(1)
    expect(result.offers[0]!.vendor.origin).toBe(good.origin)
    const byVendor = Object.fromEntries(result.failures.map((f) => [f.vendor, f.code]))
    expect(byVendor).toEqual({
      [hangs.origin]: 'ERR_TIMEOUT',
      [garbage.origin]: 'ERR_MALFORMED',
      [wrongKey.origin]: 'ERR_KEY_UNRESOLVED',
    })
    for (const f of result.failures) expect(f.message.length).toBeGreaterThan(0)
    expect(events.filter((e) => e.type === 'failed')).toHaveLength(3)
  })

  test('an offer addressed to someone else, or answering another intent, is refused', async () => {
    const other = await generateKeyPair()
    const misaddressed = track(await startVendor())
    const { intent } = await signedElsewhere()
    // Cast someone else's intent through this vendor and replay its answer to ours.
    const foreign = await signIntent(intentBody(), other)
    const foreignOffer = await (
      await fetch(`${misaddressed.origin}/intentcast/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/intentcast+jws' },
        body: foreign,
      })
    ).text()
    const replayer = track(
      await serve(async (r) =>
        r.method === 'GET'
          ? misaddressed.handler(r)
          : new Response(foreignOffer, { headers: { 'content-type': 'application/intentcast+jws' } }),
      ),
    )
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
      if (init.method === 'POST' && ++posts <= 2)
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        })
      return fetch(url, init)
    }
    const events: CastProgress[] = []
    const { intent } = await signedElsewhere()
    const result = await castIntent(intent, [doc], { fetch: flaky, backoffMs: 10, onProgress: (e) => events.push(e) })
    expect(result.offers).toHaveLength(1)
    expect(posts).toBe(3)
    expect(events.filter((e) => e.type === 'sending').map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2, 3])

    // The same intent again: the vendor answers with the offer it made the first time, asked once.
    posts = 10
    const again = await castIntent(intent, [doc], { fetch: flaky, backoffMs: 10 })
    expect(posts).toBe(11)
    expect(again.offers.map((o) => o.proposal.digest)).toEqual(result.offers.map((o) => o.proposal.digest))

    // A vendor that cannot be reached at all: retried, then recorded.
    const closed = track(await listen(() => {}))
    const origin = closed.origin
    await closed.close()
    const gone = await castIntent(intent, [{ origin, endpoint: `${origin}/intentcast/messages` }], {
      backoffMs: 10,
      retries: 1,
    })
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
    const { intent } = await signedElsewhere()
    const targets = await Promise.all(vendors.map((v) => discover(v.origin)))
    const result = await castIntent(intent, targets, { fetch: counting, concurrency: 2 })
    expect(result.offers).toHaveLength(6)
    expect(peak).toBe(2)
    await expect(castIntent(intent, targets, { concurrency: 0 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    })
  })

  test('an abort stops the cast and rejects with the reason', async () => {
    const hangs = track(await listen(() => {}))
    const { intent } = await signedElsewhere()
    const controller = new AbortController()
    const reason = new Error('user cancelled')
    setTimeout(() => controller.abort(reason), 50)
    await expect(
      castIntent(intent, [hangs.origin, hangs.origin], { signal: controller.signal, timeoutMs: 5_000 }),
    ).rejects.toBe(reason)
  })

  test('a cast with an invalid intent fails at once', async () => {
    await expect(castIntent('nonsense', [])).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })

  test('a target the caller got wrong is ERR_INVALID_ARGUMENT before any request, never a TypeError', async () => {
    const { intent } = await signedElsewhere()
    let requests = 0
    const counting: FetchLike = async (url, init) => (requests++, fetch(url, init))
    const good = track(await startVendor())
    for (const bad of [
      'https://[x',
      'not a url',
      'http://shop.example',
      { origin: 'https://[x', endpoint: 'https://shop.example/m' },
      { origin: good.origin, endpoint: 'https://[x' },
      { origin: good.origin },
      null,
    ]) {
      const attempt = castIntent(intent, [good.origin, bad as never], { fetch: counting })
      await expect(attempt).rejects.toMatchObject({ name: 'IntentcastError', code: 'ERR_INVALID_ARGUMENT' })
    }
    expect(requests).toBe(0)
  })
})
