/**
 * RedisThreadStore and RedisAgreementStore against a real Redis (./support.ts): versions, the
 * lock, expiry, paging; and two handlers sharing them, taking turns on one thread.
 */
import { afterAll, describe, expect, test } from 'vitest'
import {
  encodeThread,
  generateKeyPair,
  IntentcastError,
  RedisAgreementStore,
  signCounter,
  dealOf,
  verify,
  verifyThread,
  type KeyPair,
} from '../../src/index.js'
import { createVendorHandler, RedisThreadStore } from '../../src/vendor/index.js'
import { acceptanceFor, freshIntent, postTo, vendorOptions } from '../vendor/support.js'
import { testRedis } from './support.js'

const redis = await testRedis('Redis thread and agreement store')
afterAll(() => redis?.close())
const prefix = (): string => `test:${Math.random()}:`

/** Two handlers, one vendor key, one Redis: two processes behind a load balancer, in one. */
async function twoVendors(key: KeyPair, p = prefix()) {
  const agreements = new RedisAgreementStore(await redis!.client(), { prefix: `${p}agreements:` })
  const threads = new RedisThreadStore(await redis!.client(), { prefix: `${p}threads:` })
  const handlers = await Promise.all(
    [0, 1].map(async () => {
      const connection = await redis!.client()
      const handler = createVendorHandler(
        vendorOptions(key, '1900.00', {
          on: { counter: () => 'agree' },
          stores: {
            threads: new RedisThreadStore(connection, { prefix: `${p}threads:` }),
            agreements: new RedisAgreementStore(connection, { prefix: `${p}agreements:` }),
          },
        }),
      )
      await handler.ready
      return handler
    }),
  )
  return { handlers: handlers as [(typeof handlers)[0], (typeof handlers)[0]], threads, agreements }
}

/** A customer's thread at one vendor: intent and offer, as the vendor answered. */
async function offered(handler: (r: Request) => Promise<Response>) {
  const { intent, customer } = await freshIntent()
  const response = await postTo(handler, intent)
  expect(response.status).toBe(200)
  return { intent, customer, offer: await response.text() }
}

describe.skipIf(!redis)('RedisThreadStore', () => {
  test('finds a thread by any message, writes only over the version it read, and expires with the intent', async () => {
    const client = await redis!.client()
    const p = prefix()
    const threads = new RedisThreadStore(client, { prefix: p })
    const { handlers } = await twoVendors(await generateKeyPair())
    const { intent, offer } = await offered(handlers[0])
    const thread = await verifyThread([intent, offer])
    const opened = await verifyThread([intent])

    expect(await threads.set(opened, 0)).toBe(true)
    expect(await threads.set(thread, 0)).toBe(false) // another write came first: version 1 is stored
    expect(await threads.set(thread, 1)).toBe(true)
    expect(await threads.set(thread, 1)).toBe(false)
    for (const m of thread.messages) {
      const found = await threads.get(m.digest)
      expect(found?.messages.map((x) => x.message)).toEqual([intent, offer])
    }
    expect(await threads.get('no-such-digest')).toBeUndefined()
    // Kept an hour past the offer's end (no move can join it after), and not longer.
    const ttl = await client.pttl(`${p}t:${thread.intent.digest}`)
    const expected = ((thread.messages[1]!.payload as { exp: number }).exp + 3_600) * 1000 - Date.now()
    expect(Math.abs(ttl - expected)).toBeLessThan(5_000)
  })

  test('a record someone rewrote in Redis is verified again by a process reading it: a forged message is refused, not trusted', async () => {
    const client = await redis!.client()
    const p = prefix()
    const threads = new RedisThreadStore(client, { prefix: p })
    const { handlers } = await twoVendors(await generateKeyPair())
    const { intent, offer } = await offered(handlers[0])
    const thread = await verifyThread([intent, offer])
    await threads.set(thread, 0)
    const forged = offer.slice(0, -4) + (offer.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    await client.hset(`${p}t:${thread.intent.digest}`, 'r', encodeThread(thread).replace(offer, forged))
    // Another process, which has not decoded this version before, verifies it from its bytes.
    const other = (): RedisThreadStore => new RedisThreadStore(client, { prefix: p })
    await expect(other().get(thread.intent.digest)).rejects.toBeInstanceOf(IntentcastError)
    await client.hset(`${p}t:${thread.intent.digest}`, 'r', 'not json')
    await expect(other().get(thread.intent.digest)).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
    // The process that wrote it keeps the copy it verified, at that version.
    expect((await threads.get(thread.intent.digest))?.messages.map((m) => m.message)).toEqual([intent, offer])
  })

  test('the lock: one holder at a time across clients; other threads do not wait; a lock not freed in time rejects', async () => {
    const p = prefix()
    const a = new RedisThreadStore(await redis!.client(), { prefix: p })
    const b = new RedisThreadStore(await redis!.client(), { prefix: p, lock: { waitMs: 200 } })
    const events: string[] = []
    const hold = (store: RedisThreadStore, key: string, name: string, ms: number) =>
      store.lock(key, async () => {
        events.push(`${name} in`)
        await new Promise((r) => setTimeout(r, ms))
        events.push(`${name} out`)
        return name
      })
    const results = await Promise.all([hold(a, 'one', 'a1', 60), hold(a, 'one', 'a2', 10), hold(a, 'two', 'b1', 5)])
    expect(results).toEqual(['a1', 'a2', 'b1'])
    // b1, on another thread, ran while a1 held 'one'; a2 entered only after a1 left.
    expect(events.indexOf('b1 in')).toBeLessThan(events.indexOf('a1 out'))
    expect(events.indexOf('a2 in')).toBeGreaterThan(events.indexOf('a1 out'))

    const long = hold(a, 'three', 'long', 600)
    await new Promise((r) => setTimeout(r, 50))
    await expect(hold(b, 'three', 'late', 1)).rejects.toThrow(/not free within 200 ms/)
    expect(await long).toBe('long')
    expect(await hold(b, 'three', 'after', 1)).toBe('after') // released by its holder
  })

  test('a lease that runs out frees the lock for the next process, and the late holder cannot release it', async () => {
    const p = prefix()
    const short = new RedisThreadStore(await redis!.client(), { prefix: p, lock: { leaseMs: 100 } })
    const other = new RedisThreadStore(await redis!.client(), { prefix: p })
    let otherRan = false
    const slow = short.lock('t', async () => {
      await new Promise((r) => setTimeout(r, 400)) // past its lease
    })
    await new Promise((r) => setTimeout(r, 150))
    const second = other.lock('t', async () => {
      otherRan = true
      await new Promise((r) => setTimeout(r, 400))
    })
    await slow // releases with its own token: the second holder's lock stays
    await new Promise((r) => setTimeout(r, 20))
    const client = await redis!.client()
    expect(await client.exists(`${p}lock:t`)).toBe(1)
    await second
    expect(otherRan).toBe(true)
    expect(await client.exists(`${p}lock:t`)).toBe(0)
  })

  test('options are checked', async () => {
    const client = await redis!.client()
    expect(() => new RedisThreadStore({} as never)).toThrow(/Redis client/)
    expect(() => new RedisThreadStore(client, { prefix: '' })).toThrow(IntentcastError)
    expect(() => new RedisThreadStore(client, { lock: { leaseMs: 0 } })).toThrow(/lock.leaseMs/)
    expect(() => new RedisThreadStore(client, { keepAgreedSeconds: Number.NaN })).toThrow(/keepAgreedSeconds/)
  })
})

describe.skipIf(!redis)('RedisAgreementStore', () => {
  test('keeps an agreement once, finds it by any of its messages, and lists a page at a time', async () => {
    const key = await generateKeyPair()
    const { handlers, agreements } = await twoVendors(key)
    const made: string[] = []
    for (let i = 0; i < 5; i++) {
      const { intent, customer, offer } = await offered(handlers[i % 2]!)
      const agreed = await postTo(handlers[(i + 1) % 2]!, await acceptanceFor(customer, [intent, offer]))
      expect(agreed.status).toBe(200)
      made.push((await verify(await agreed.text(), { expect: 'agreement' })).digest)
    }
    const first = await agreements.list({ limit: 2 })
    const second = await agreements.list({ after: first.cursor!, limit: 2 })
    const last = await agreements.list({ after: second.cursor!, limit: 2 })
    expect([...first.digests, ...second.digests, ...last.digests]).toEqual(made)
    expect(last.cursor).toBeUndefined()
    const thread = (await agreements.get(made[0]!))!
    expect(thread.state()).toBe('agreed')
    expect((await agreements.get(thread.intent.digest))?.agreement?.digest).toBe(made[0])
    await agreements.put(thread) // again: nothing changes
    expect((await agreements.list()).digests).toEqual(made)
    await expect(agreements.list({ after: 'x' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    // A thread without an agreement is not one to keep as such.
    await expect(agreements.put(await verifyThread([thread.intent.message]))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    })
  })
})

describe.skipIf(!redis)('two handlers sharing the Redis stores', () => {
  test('a negotiation moves from one to the other and back; the agreement is in the shared record', async () => {
    const key = await generateKeyPair()
    const { handlers, threads, agreements } = await twoVendors(key)
    const { intent, customer, offer } = await offered(handlers[0])
    const o = await verify(offer, { expect: 'offer' })
    const counter = await signCounter(
      {
        ...dealOf(o.payload),
        price: { amount: '1850.00', currency: 'EUR' },
        inReplyTo: o.digest,
        intent: o.payload.inReplyTo,
      },
      customer,
      { audience: o.issuer },
    )
    const reply = await postTo(handlers[1], counter) // the other process continues the thread
    expect(reply.status).toBe(200)
    const body = await acceptanceFor(customer, [intent, offer, counter, await reply.text()])
    const agreed = await postTo(handlers[0], body)
    expect(agreed.status).toBe(200)
    const agreement = await agreed.text()
    // The answer lost: either process gives it again, from the shared stores.
    for (const h of handlers) expect(await (await postTo(h, body)).text()).toBe(agreement)
    const digest = (await verify(agreement, { expect: 'agreement' })).digest
    expect((await threads.get(digest))?.state()).toBe('agreed')
    expect((await agreements.list()).digests).toEqual([digest])
  })
})
