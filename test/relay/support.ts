/**
 * Shared pieces for the relay tests: a handler in-process at https://relay.example/relay, or on
 * loopback at its real URL; signed subscriptions, intents and access messages made now (the relay
 * checks against the real clock); and small readers of its answers.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'
import {
  generateKeyPair,
  signAccess,
  signIntent,
  signSubscription,
  type IntentBody,
  type KeyPair,
  type SubscriptionFilters,
} from '../../src/index.js'
import {
  createRelayHandler,
  toNodeListener,
  type RelayHandler,
  type RelayHandlerOptions,
} from '../../src/relay/index.js'

export const URL_ = 'https://relay.example/relay'
export const JWS = 'application/intentcast+jws'

export interface TestRelay {
  readonly url: string
  readonly handler: RelayHandler
  /** A request to the handler (in-process) or to the server (loopback), by path under the relay's URL. */
  call(path: string, init?: RequestInit): Promise<Response>
  close(): Promise<void>
}

/** A relay handler called in-process. */
export async function relayInProcess(options: Partial<RelayHandlerOptions> = {}): Promise<TestRelay> {
  const url = options.url ?? URL_
  const handler = createRelayHandler({ ...options, url })
  await handler.ready
  return {
    url,
    handler,
    call: (path, init) => handler(new Request(url + path, init)),
    close: () => handler.close(),
  }
}

/** A relay handler behind toNodeListener on an ephemeral loopback port, its URL the server's own. */
export async function relayOnLoopback(
  options: Omit<Partial<RelayHandlerOptions>, 'url'> = {},
): Promise<TestRelay & { readonly server: Server }> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/relay`
  const handler = createRelayHandler({ ...options, url })
  await handler.ready
  server.on('request', toNodeListener(handler))
  return {
    url,
    handler,
    server,
    call: (path, init) => fetch(url + path, init),
    close: async () => {
      await handler.close()
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    },
  }
}

export const intentBody = (category = 'bicycles', extra: Partial<IntentBody['want']> = {}): IntentBody => ({
  want: {
    item: { name: 'cargo bike', category },
    quantity: 1,
    maxPrice: { amount: '2000.00', currency: 'EUR' },
    region: 'DE-BE',
    ...extra,
  },
  terms: { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '30', unit: 'day', required: true }] },
})

/** A fresh cast key and an intent it signs, `replyTo` its mailbox at `relay`. */
export async function castable(
  relay: TestRelay,
  body: IntentBody = intentBody(),
): Promise<{ key: KeyPair; intent: string; mailbox: string }> {
  const key = await generateKeyPair()
  const mailbox = `${relay.url}/mailboxes/${key.did}`
  return { key, intent: await signIntent({ ...body, replyTo: mailbox }, key), mailbox }
}

export const post = (
  relay: TestRelay,
  path: string,
  body: string | Uint8Array<ArrayBuffer>,
  type = JWS,
  headers: Record<string, string> = {},
) => relay.call(path, { method: 'POST', headers: { 'content-type': type, ...headers }, body })

/** Subscribes a (fresh, unless given) vendor key with `filters`; expects 201. */
export async function subscribe(
  relay: TestRelay,
  filters: SubscriptionFilters = {},
  key?: KeyPair,
  expiresIn: number | string = '1h',
): Promise<KeyPair> {
  const k = key ?? (await generateKeyPair())
  const response = await post(
    relay,
    '/subscriptions',
    await signSubscription({ filters }, k, { audience: relay.url, expiresIn }),
  )
  expect(response.status, await response.clone().text()).toBe(201)
  return k
}

/** Casts an intent; expects 202 and returns what the relay said. */
export async function cast(relay: TestRelay, intent: string): Promise<{ mailbox: string; delivered: number }> {
  const response = await post(relay, '/intents', intent)
  expect(response.status, await response.clone().text()).toBe(202)
  return (await response.json()) as { mailbox: string; delivered: number }
}

/** `Authorization: Intentcast <access>` for `key`'s mailbox at `relay`. */
export async function authorization(
  relay: TestRelay,
  key: KeyPair,
  options: { expiresIn?: number; audience?: string } = {},
): Promise<string> {
  const token = await signAccess(key, {
    audience: options.audience ?? `${relay.url}/mailboxes/${key.did}`,
    ...(options.expiresIn !== undefined && { expiresIn: options.expiresIn }),
  })
  return `Intentcast ${token}`
}

export interface Entry {
  seq: number
  type: string
  parts: string[]
}

/** Reads `key`'s mailbox as JSON; expects 200. */
export async function read(relay: TestRelay, key: KeyPair, query = ''): Promise<{ entries: Entry[]; next: number }> {
  const response = await relay.call(`/mailboxes/${key.did}${query}`, {
    headers: { authorization: await authorization(relay, key) },
  })
  expect(response.status, await response.clone().text()).toBe(200)
  expect(response.headers.get('cache-control')).toBe('no-store')
  return (await response.json()) as { entries: Entry[]; next: number }
}

/** Reads a problem answer and checks its shape (RFC 9457 plus `code`). */
export async function problemOf(response: Response): Promise<{ status: number; code: string; detail: string }> {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  const p = (await response.json()) as { status: number; code: string; detail: string; type: string }
  expect(p.status).toBe(response.status)
  expect(p.type).toBe(`https://intentcast.dev/errors#${p.code}`)
  return p
}

/** Expects `response` to be the problem `status` with `code`. */
export async function expectProblem(response: Response | Promise<Response>, status: number, code: string) {
  const r = await response
  const p = await problemOf(r)
  expect([r.status, p.code], p.detail).toEqual([status, code])
  return p
}

/** Server-Sent Events parsed from a stream as they come. */
export class EventReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>
  readonly #decoder = new TextDecoder()
  #buffer = ''
  /** Comment lines seen so far. */
  comments = 0

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader()
  }

  /** The next event, or undefined when the stream ends. Rejects when the stream breaks. */
  async next(): Promise<{ id: string; event: string; data: Entry } | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n')
      if (end >= 0) {
        const block = this.#buffer.slice(0, end)
        this.#buffer = this.#buffer.slice(end + 2)
        const fields: Record<string, string> = {}
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) {
            this.comments++
            continue
          }
          const colon = line.indexOf(':')
          fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart()
        }
        if (fields.data === undefined) continue
        return { id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) as Entry }
      }
      const { done, value } = await this.#reader.read()
      if (done) return undefined
      this.#buffer += this.#decoder.decode(value, { stream: true })
    }
  }

  cancel(): Promise<void> {
    return this.#reader.cancel()
  }
}
