/**
 * The vendor at a relay (spec §Relay binding), against the real relay handler on loopback:
 * `connectRelay` feeds the vendor's own handler what its mailbox receives and posts the answers
 * back, reads again where it stopped, takes a few entries at a time; and `handler.offer` answers
 * an intent later through its `replyTo`, only at a relay the vendor trusts.
 */
import { afterEach, describe, expect, test } from 'vitest'
import {
  generateKeyPair,
  signAccess,
  signCounter,
  signIntent,
  verify,
  type KeyPair,
  type Verified,
} from '../../src/index.js'
import { MemoryRelayBackend } from '../../src/relay/index.js'
import {
  connectRelay,
  createVendorHandler,
  MemoryThreadStore,
  type VendorHandlerOptions,
  type VendorOutcome,
} from '../../src/vendor/index.js'
import { dealAt, intentBody, offerFor, serve, vendorTerms, type Running } from '../wallet/support.js'
import { countingFetch, eventually, startRelay, type TestRelay } from '../wallet/relay-support.js'

const running: Array<Running | { close(): Promise<void> }> = []
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.close()
})
const track = <T extends Running | { close(): Promise<void> }>(r: T): T => (running.push(r), r)

/** A vendor handler on `key`, offering 1900.00, with `extra` on top. */
async function handlerWith(extra: Partial<VendorHandlerOptions> = {}, key?: KeyPair) {
  const keyPair = key ?? (await generateKeyPair())
  const handler = createVendorHandler({
    keyPair,
    terms: vendorTerms,
    ...extra,
    on: { intent: offerFor('1900.00'), ...extra.on },
  })
  await handler.ready
  return { handler, key: keyPair }
}

/** A customer's intent cast to `relay`, its replyTo the cast key's mailbox there. */
async function castTo(relay: TestRelay, body = intentBody()) {
  const customer = await generateKeyPair()
  const mailbox = `${relay.url}/mailboxes/${customer.did}`
  const intent = await signIntent({ ...body, replyTo: mailbox }, customer)
  const response = await fetch(`${relay.url}/intents`, {
    method: 'POST',
    headers: { 'content-type': 'application/intentcast+jws' },
    body: intent,
  })
  expect(response.status, await response.clone().text()).toBe(202)
  const { delivered } = (await response.json()) as { delivered: number }
  return { customer, intent, mailbox, delivered, verified: await verify(intent, { expect: 'intent' }) }
}

/** The entries of `key`'s mailbox at `relay`, read as JSON with an access message. */
async function entries(relay: TestRelay, key: KeyPair): Promise<Array<{ seq: number; parts: string[] }>> {
  const url = `${relay.url}/mailboxes/${key.did}`
  const access = await signAccess(key, { audience: url })
  const response = await fetch(url, { headers: { authorization: `Intentcast ${access}` } })
  expect(response.status, await response.clone().text()).toBe(200)
  return ((await response.json()) as { entries: Array<{ seq: number; parts: string[] }> }).entries
}

describe('connectRelay: the same handler takes what comes through the relay', () => {
  test('an intent the relay delivers reaches on.intent; the offer goes to the cast mailbox', async () => {
    const relay = track(await startRelay())
    const seen: Array<Verified<'intent'>> = []
    const outcomes: VendorOutcome[] = []
    const { handler, key } = await handlerWith({
      on: { intent: (i) => (seen.push(i), offerFor('1900.00')(i)), outcome: (e) => void outcomes.push(e) },
    })
    const { fetch: counted, requests } = countingFetch()
    const connection = track(connectRelay(handler, { relay: relay.url, fetch: counted }))
    expect(connection.mailbox).toBe(`${relay.url}/mailboxes/${key.did}`)
    await connection.ready

    const cast = await castTo(relay)
    expect(cast.delivered).toBe(1)
    await eventually(async () => (await entries(relay, cast.customer)).length === 1)
    expect(seen.map((i) => i.message)).toEqual([cast.intent])
    const [entry] = await entries(relay, cast.customer)
    const offer = await verify(entry!.parts[0]!, { expect: 'offer', audience: cast.customer.did })
    expect([offer.issuer, offer.payload.inReplyTo]).toEqual([key.did, cast.verified.digest])
    // As if POSTed to the message endpoint: on.outcome heard it.
    expect(outcomes).toEqual([expect.objectContaining({ method: 'POST', path: '/intentcast/messages', status: 200 })])
    expect(requests.map((r) => [r.method, r.url.split('?')[0]])).toEqual([
      ['POST', `${relay.url}/subscriptions`],
      ['GET', connection.mailbox],
      ['POST', cast.mailbox],
    ])
  })

  test('filters: a vendor of books is not sent an intent for a bike', async () => {
    const relay = track(await startRelay())
    const { handler } = await handlerWith()
    await track(connectRelay(handler, { relay: relay.url, filters: { categories: ['books'] } })).ready
    expect((await castTo(relay)).delivered).toBe(0)
  })

  test('a stream the relay ends is read again after the last entry: nothing is taken twice or missed', async () => {
    const backend = new MemoryRelayBackend()
    track({ close: () => backend.close() })
    const relay = track(await startRelay({ backend }))
    let intents = 0
    const { handler } = await handlerWith({ on: { intent: (i) => (intents++, offerFor('1900.00')(i)) } })
    await track(connectRelay(handler, { relay: relay.url })).ready
    const first = await castTo(relay)
    await eventually(async () => (await entries(relay, first.customer)).length === 1)
    // Ends every open stream; the backend, not the handler's, keeps the mailboxes.
    await relay.handler.close()
    const second = await castTo(relay)
    await eventually(async () => (await entries(relay, second.customer)).length === 1)
    expect(intents).toBe(2)
  })

  test('the subscription is renewed before it ends, while the stream is open', async () => {
    const relay = track(await startRelay())
    const { handler } = await handlerWith()
    const { fetch: counted, requests } = countingFetch()
    const errors: unknown[] = []
    const connection = connectRelay(handler, {
      relay: relay.url,
      fetch: counted,
      expiresIn: 3,
      onError: (e) => void errors.push(e),
    })
    await track(connection).ready
    await eventually(() => requests.filter((r) => r.url.endsWith('/subscriptions')).length >= 2, 8_000)
    // Still subscribed: an intent cast now is delivered; the mailbox never lapsed.
    expect((await castTo(relay)).delivered).toBe(1)
    expect(errors).toEqual([])
  })

  test('a counter posted to the vendor mailbox is answered into the cast mailbox', async () => {
    const relay = track(await startRelay())
    const { handler, key } = await handlerWith({ on: { intent: offerFor('1900.00'), counter: () => 'agree' } })
    await track(connectRelay(handler, { relay: relay.url })).ready
    const cast = await castTo(relay)
    await eventually(async () => (await entries(relay, cast.customer)).length === 1)
    const offer = await verify((await entries(relay, cast.customer))[0]!.parts[0]!, { expect: 'offer' })
    const counter = await signCounter(
      { ...dealAt('1850.00'), inReplyTo: offer.digest, intent: cast.verified.digest },
      cast.customer,
      { audience: key.did },
    )
    const posted = await fetch(`${relay.url}/mailboxes/${key.did}`, {
      method: 'POST',
      headers: { 'content-type': 'application/intentcast+jws' },
      body: counter,
    })
    expect(posted.status).toBe(202)
    await eventually(async () => (await entries(relay, cast.customer)).length === 2)
    const reply = await verify((await entries(relay, cast.customer))[1]!.parts[0]!, { expect: 'counter' })
    expect(reply.payload.price.amount).toBe('1850.00')
    expect(reply.payload.inReplyTo).toBe((await verify(counter)).digest)
  })

  test('at most `concurrency` entries are taken at once', async () => {
    const relay = track(await startRelay())
    let now = 0
    let most = 0
    let done = 0
    const { handler } = await handlerWith({
      on: {
        intent: async (i) => {
          most = Math.max(most, ++now)
          await new Promise((resolve) => setTimeout(resolve, 100))
          now--
          done++
          return offerFor('1900.00')(i)
        },
      },
    })
    await track(connectRelay(handler, { relay: relay.url, concurrency: 2 })).ready
    await Promise.all(Array.from({ length: 5 }, () => castTo(relay)))
    await eventually(() => done === 5)
    expect(most).toBe(2)
  })

  test('close waits for the entries being taken', async () => {
    const relay = track(await startRelay())
    let started = false
    let finished = false
    const { handler } = await handlerWith({
      on: {
        intent: async () => {
          started = true
          await new Promise((resolve) => setTimeout(resolve, 300))
          finished = true
          return null
        },
      },
    })
    const connection = connectRelay(handler, { relay: relay.url })
    await connection.ready
    await castTo(relay)
    await eventually(() => started)
    await connection.close()
    expect(finished).toBe(true)
    await expect(connection.ready).resolves.toBeUndefined()
  })

  test('ready rejects with the code of a relay that refuses the subscription', async () => {
    // The relay names itself http://localhost:<port>/relay; the vendor addresses 127.0.0.1.
    const relay = track(await startRelay({ host: 'localhost' }))
    const { handler } = await handlerWith()
    const errors: unknown[] = []
    const connection = connectRelay(handler, {
      relay: `${relay.origin}/relay`,
      onError: (e) => void errors.push(e),
    })
    await expect(connection.ready).rejects.toMatchObject({ code: 'ERR_AUDIENCE' })
    await connection.close()
  })

  test('closed before the relay answers: ready rejects', async () => {
    const relay = await startRelay()
    await relay.close()
    const { handler } = await handlerWith()
    const connection = connectRelay(handler, { relay: relay.url, onError: () => {} })
    await connection.close()
    await expect(connection.ready).rejects.toMatchObject({ code: 'ERR_UNREACHABLE' })
  })

  test("the caller's mistakes: a handler it did not make, an option it does not take", async () => {
    const { handler } = await handlerWith()
    const relay = 'https://relay.example/relay'
    const wrapped = Object.assign((r: Request) => handler(r), { ready: handler.ready, offer: handler.offer })
    expect(() => connectRelay(wrapped, { relay })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
    for (const options of [
      { relay, filter: {} },
      { relay: 'http://relay.example/relay' },
      { relay, expiresIn: '31d' },
      { relay, concurrency: 0 },
      { relay, filters: { categories: [] } },
    ]) {
      expect(() => connectRelay(handler, options as never), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      )
    }
  })
})

describe('handler.offer: answering later through replyTo', () => {
  /** A vendor that answers 202 and keeps the intents, trusting `relays`, served directly. */
  async function waitingVendor(relays: readonly string[], threads = new MemoryThreadStore()) {
    const waiting: Array<Verified<'intent'>> = []
    const { handler, key } = await handlerWith({
      on: { intent: (i) => (waiting.push(i), null), counter: () => 'agree' },
      http: { relays },
      stores: { threads },
    })
    const served = track(await serve(handler))
    return { handler, key, waiting, served, threads }
  }

  /** Sends the intent of a cast straight to the vendor (202), and returns it as the vendor kept it. */
  async function sendDirect(vendor: Awaited<ReturnType<typeof waitingVendor>>, intent: string) {
    const response = await fetch(`${vendor.served.origin}/intentcast/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/intentcast+jws' },
      body: intent,
    })
    expect(response.status).toBe(202)
    return vendor.waiting.at(-1)!
  }

  test('at a trusted relay: the offer is posted to the cast mailbox, stored, and the thread goes on', async () => {
    const relay = track(await startRelay())
    const vendor = await waitingVendor([relay.url])
    const cast = await castTo(relay)
    const intent = await sendDirect(vendor, cast.intent)
    const offer = await vendor.handler.offer(intent, offerFor('1700.00')(intent))
    const [entry] = await entries(relay, cast.customer)
    expect(entry!.parts).toEqual([offer])
    const thread = vendor.threads.get(intent.digest)
    expect(thread!.messages.map((m) => m.message)).toEqual([cast.intent, offer])
    // Called again: the same offer, delivered again; the relay keeps it once.
    expect(await vendor.handler.offer(intent, offerFor('1.00')(intent))).toBe(offer)
    expect(await entries(relay, cast.customer)).toHaveLength(1)
    // Once the customer has answered it, there is nothing to offer.
    const verified = await verify(offer, { expect: 'offer' })
    const counter = await signCounter(
      { ...dealAt('1650.00'), inReplyTo: verified.digest, intent: intent.digest },
      cast.customer,
      { audience: vendor.key.did },
    )
    const answered = await fetch(`${vendor.served.origin}/intentcast/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/intentcast+jws' },
      body: counter,
    })
    expect(answered.status).toBe(200)
    await expect(vendor.handler.offer(intent, offerFor('1700.00')(intent))).rejects.toMatchObject({
      code: 'ERR_ILLEGAL_MOVE',
    })
  })

  test('an untrusted replyTo is refused: no request is sent, nothing is stored', async () => {
    const relay = track(await startRelay())
    const vendor = await waitingVendor(['https://trusted.example/relay'])
    const cast = await castTo(relay)
    const intent = await sendDirect(vendor, cast.intent)
    const { fetch: counted, requests } = countingFetch()
    await expect(vendor.handler.offer(intent, offerFor('1700.00')(intent), { fetch: counted })).rejects.toMatchObject({
      code: 'ERR_UNREACHABLE',
    })
    expect(requests).toEqual([])
    expect(vendor.threads.get(intent.digest)).toBeUndefined()
    expect(await entries(relay, cast.customer)).toEqual([])
  })

  test("a replyTo on the trusted relay's origin that is not the issuer's mailbox there is refused", async () => {
    const relay = track(await startRelay())
    const vendor = await waitingVendor([relay.url])
    const customer = await generateKeyPair()
    const stranger = await generateKeyPair()
    for (const replyTo of [`${relay.url}/mailboxes/${stranger.did}`, `${relay.origin}/elsewhere`]) {
      const intent = await verify(await signIntent({ ...intentBody(), replyTo }, customer), { expect: 'intent' })
      const { fetch: counted, requests } = countingFetch()
      await expect(vendor.handler.offer(intent, offerFor('1700.00')(intent), { fetch: counted })).rejects.toMatchObject(
        { code: 'ERR_UNREACHABLE' },
      )
      expect(requests).toEqual([])
    }
  })

  test('an intent without replyTo cannot be answered later', async () => {
    const vendor = await waitingVendor([])
    const intent = await verify(await signIntent(intentBody(), await generateKeyPair()), { expect: 'intent' })
    await expect(vendor.handler.offer(intent, offerFor('1700.00')(intent))).rejects.toMatchObject({
      code: 'ERR_UNREACHABLE',
    })
  })

  test('an intent expired by the vendor’s clock is not answered', async () => {
    const relay = track(await startRelay())
    const vendor = await waitingVendor([relay.url])
    const customer = await generateKeyPair()
    const then = new Date(Date.now() - 3_600_000)
    const signed = await signIntent({ ...intentBody(), replyTo: `${relay.url}/mailboxes/${customer.did}` }, customer, {
      now: then,
      expiresIn: 60,
    })
    const intent = await verify(signed, { expect: 'intent', now: then })
    await expect(vendor.handler.offer(intent, offerFor('1700.00')(intent))).rejects.toMatchObject({
      code: 'ERR_ILLEGAL_MOVE',
    })
    expect(vendor.threads.get(intent.digest)).toBeUndefined()
  })

  test('a relay the handler is connected to is trusted without http.relays', async () => {
    const relay = track(await startRelay())
    const waiting: Array<Verified<'intent'>> = []
    const { handler } = await handlerWith({ on: { intent: (i) => (waiting.push(i), null) } })
    await track(connectRelay(handler, { relay: relay.url })).ready
    const cast = await castTo(relay)
    await eventually(() => waiting.length === 1)
    const offer = await handler.offer(waiting[0]!, offerFor('1700.00')(waiting[0]!))
    expect((await entries(relay, cast.customer)).map((e) => e.parts[0])).toEqual([offer])
  })

  test("the caller's mistakes: not an intent, an unknown option, an untrusted relay URL", async () => {
    const { handler } = await handlerWith()
    const intent = await verify(await signIntent(intentBody(), await generateKeyPair()), { expect: 'intent' })
    await expect(handler.offer({} as never, offerFor('1.00')(intent))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    })
    await expect(handler.offer(intent, offerFor('1.00')(intent), { timeout: 1 } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    })
    expect(() =>
      createVendorHandler({ keyPair: intent as never, terms: vendorTerms, on: { intent: () => null } }),
    ).toThrow()
    const key = await generateKeyPair()
    for (const relays of [['http://relay.example/relay'], ['https://relay.example/relay#x'], 'x']) {
      expect(() =>
        createVendorHandler({
          keyPair: key,
          terms: vendorTerms,
          on: { intent: () => null },
          http: { relays } as never,
        }),
      ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
    }
  })
})
