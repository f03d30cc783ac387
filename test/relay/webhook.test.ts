/**
 * Webhooks (spec §Relay binding, Webhooks): the vendor document check at subscription, and
 * delivery of mailbox entries to a vendor's own origin, with retries, and its answers posted on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterEach, expect, test, vi } from 'vitest'
import { generateKeyPair, signSubscription, type KeyPair } from '../../src/index.js'
import { createVendorHandler, toNodeListener, type VendorHandler } from '../../src/vendor/index.js'
import { listen, vendorOptions, type Running } from '../vendor/support.js'
import { cast, castable, expectProblem, JWS, post, read, relayInProcess, type TestRelay } from './support.js'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

interface Hooked extends Running {
  readonly key: KeyPair
  readonly handler: VendorHandler
  /** Each POST to /hook: its headers and body. */
  readonly hits: { headers: IncomingMessage['headers']; body: string }[]
}

/**
 * A vendor on loopback: its handler serves the vendor document (and, unless `hook` is given, is
 * the webhook at /intentcast/messages); `hook` answers POSTs to /hook.
 */
async function vendorSite(
  hook?: (n: number) => number,
  extra: Parameters<typeof vendorOptions>[2] = {},
): Promise<Hooked> {
  const key = await generateKeyPair()
  const handler = createVendorHandler(vendorOptions(key, '1900.00', extra))
  await handler.ready
  const node = toNodeListener(handler)
  const hits: Hooked['hits'] = []
  const running = await listen((req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/hook') return void node(req, res)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString() })
      res.statusCode = hook!(hits.length)
      res.end()
    })
  })
  cleanup.push(() => running.close())
  return { ...running, key, handler, hits }
}

async function subscribeWith(relay: TestRelay, key: KeyPair, webhook: string): Promise<Response> {
  return post(relay, '/subscriptions', await signSubscription({ filters: {}, webhook }, key, { audience: relay.url }))
}

async function relay(): Promise<TestRelay> {
  const r = await relayInProcess()
  cleanup.push(() => r.close())
  return r
}

test('a webhook whose origin does not list the subscribing key is refused', async () => {
  const r = await relay()
  const site = await vendorSite()
  const stranger = await generateKeyPair()
  await expectProblem(subscribeWith(r, stranger, `${site.origin}/intentcast/messages`), 401, 'ERR_KEY_UNRESOLVED')
})

test('a webhook on another origin than its vendor document names is refused', async () => {
  const r = await relay()
  // The document here advertises https://shop.example: this loopback origin is not the vendor's.
  const site = await vendorSite(undefined, { http: { origin: 'https://shop.example' } })
  await expectProblem(subscribeWith(r, site.key, `${site.origin}/intentcast/messages`), 422, 'ERR_BROKEN_LINK')
})

test('a webhook whose origin cannot be reached is ERR_UNREACHABLE, and opens no mailbox', async () => {
  const r = await relay()
  const site = await vendorSite()
  await site.close()
  await expectProblem(subscribeWith(r, site.key, `${site.origin}/intentcast/messages`), 502, 'ERR_UNREACHABLE')
  expect((await cast(r, (await castable(r)).intent)).delivered).toBe(0)
})

test('a fanned-out intent reaches a vendor handler as its webhook, and its offer the cast mailbox', async () => {
  const r = await relay()
  const site = await vendorSite()
  expect((await subscribeWith(r, site.key, `${site.origin}/intentcast/messages`)).status).toBe(201)
  const customer = await castable(r)
  expect((await cast(r, customer.intent)).delivered).toBe(1)
  const inbox = await vi.waitFor(
    async () => {
      const { entries } = await read(r, customer.key)
      expect(entries).toHaveLength(1)
      return entries
    },
    { timeout: 10_000, interval: 50 },
  )
  expect(inbox[0]!.type).toBe(JWS)
})

test('a webhook answering 503 is tried again until it takes the entry, with the mailbox headers', async () => {
  const r = await relay()
  const site = await vendorSite((n) => (n === 1 ? 503 : 204))
  expect((await subscribeWith(r, site.key, `${site.origin}/hook`)).status).toBe(201)
  const customer = await castable(r)
  await cast(r, customer.intent)
  await vi.waitFor(() => expect(site.hits).toHaveLength(2), { timeout: 10_000, interval: 50 })
  for (const hit of site.hits) {
    expect(hit.body).toBe(customer.intent)
    expect(hit.headers['content-type']).toBe(JWS)
    expect(hit.headers['intentcast-mailbox']).toBe(`${r.url}/mailboxes/${site.key.did}`)
    expect(hit.headers['intentcast-seq']).toBe('1')
  }
})

test('a webhook answering 4xx is not tried again', async () => {
  const r = await relay()
  const site = await vendorSite(() => 400)
  const other = await vendorSite(() => 204)
  expect((await subscribeWith(r, site.key, `${site.origin}/hook`)).status).toBe(201)
  await cast(r, (await castable(r)).intent)
  await vi.waitFor(() => expect(site.hits).toHaveLength(1), { timeout: 10_000, interval: 50 })
  // A second entry, to a webhook taken after the first: by then a retry of the 400 would have come
  // before it had there been one (the first retry waits at most 250 ms; this takes a subscription, a
  // document fetch and a cast, and is awaited for a full second).
  expect((await subscribeWith(r, other.key, `${other.origin}/hook`)).status).toBe(201)
  await cast(r, (await castable(r)).intent)
  await vi.waitFor(() => expect(other.hits).toHaveLength(1), { timeout: 10_000, interval: 50 })
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  expect(site.hits.map((h) => h.body)).toHaveLength(2)
})

test('a dead webhook does not hold up the others, and its entries stay in the mailbox', async () => {
  const r = await relay()
  const dead = await vendorSite(() => 204)
  const live = await vendorSite(() => 204)
  expect((await subscribeWith(r, dead.key, `${dead.origin}/hook`)).status).toBe(201)
  expect((await subscribeWith(r, live.key, `${live.origin}/hook`)).status).toBe(201)
  await dead.close()
  const intents: string[] = []
  for (let i = 0; i < 3; i++) {
    const { intent } = await castable(r)
    intents.push(intent)
    expect((await cast(r, intent)).delivered).toBe(2)
  }
  await vi.waitFor(() => expect(live.hits.map((h) => h.body).sort()).toEqual([...intents].sort()), {
    timeout: 10_000,
    interval: 50,
  })
  expect((await read(r, dead.key)).entries.map((e) => e.parts[0])).toEqual(intents)
})
