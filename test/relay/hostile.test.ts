/**
 * Hostile input over real HTTP on loopback: whatever a client sends to any endpoint, the answer
 * is a 4xx (never a 5xx), nothing reaches on.error, and the relay serves normally afterwards.
 */
import { request as httpRequest } from 'node:http'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { generateKeyPair } from '../../src/index.js'
import { cast, castable, JWS, read, relayOnLoopback, subscribe, type TestRelay } from './support.js'

const LIMIT = 4_096
let relay: TestRelay
const errors: unknown[] = []

beforeAll(async () => {
  relay = await relayOnLoopback({
    limits: { maxBodyBytes: LIMIT, bodyTimeoutMs: 300 },
    on: { error: (e) => errors.push(e) },
  })
})
afterAll(async () => {
  await relay.close()
  expect(errors).toEqual([])
})

async function stillServes(): Promise<void> {
  const vendor = await subscribe(relay)
  expect((await cast(relay, (await castable(relay)).intent)).delivered).toBeGreaterThanOrEqual(1)
  expect((await read(relay, vendor)).entries.length).toBeGreaterThanOrEqual(1)
}

/** A POST through node:http whose body `write` writes (chunked unless a length is set). */
function raw(
  path: string,
  headers: Record<string, string | number>,
  write: (req: ReturnType<typeof httpRequest>) => void,
): Promise<number> {
  const { hostname, port } = new URL(relay.url)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: `/relay${path}`, method: 'POST', headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode!))
    })
    req.on('error', (e) => setTimeout(() => reject(e), 500))
    write(req)
  })
}

describe('hostile bodies never cause a 5xx', () => {
  test('garbage of every kind, to every endpoint', async () => {
    const did = (await generateKeyPair()).did
    const { intent } = await castable(relay)
    const bodies: Array<string | Uint8Array<ArrayBuffer>> = [
      'garbage',
      '',
      'a.b.c',
      'eyJhbGciOiJub25lIn0.e30.',
      '{"payload":"x","signatures":[]}',
      `${intent}\n`,
      `${intent}\n${intent}\n${intent}`,
      new Uint8Array([0xff, 0xfe, 0x00, 0x80]),
      new Uint8Array([0xd2, 0x84, 0x40]),
      new Uint8Array([0x82, 0x41, 0x00, 0x41, 0x00]),
    ]
    for (const path of ['/intents', '/subscriptions', `/mailboxes/${did}`]) {
      for (const body of bodies) {
        for (const type of [JWS, 'application/intentcast+cose', 'text/plain', 'application/json; charset=utf-8']) {
          const response = await fetch(relay.url + path, { method: 'POST', headers: { 'content-type': type }, body })
          const status = response.status
          expect(status >= 400 && status < 500, `${path} ${type} ${String(body).slice(0, 20)}: ${status}`).toBe(true)
          await response.arrayBuffer()
        }
      }
    }
    await stillServes()
  })

  test('random bytes and random text, by fast-check', async () => {
    const did = (await generateKeyPair()).did
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.string({ maxLength: 600 })),
        fc.constantFrom('/intents', '/subscriptions', `/mailboxes/${did}`),
        fc.constantFrom(JWS, 'application/intentcast+cose'),
        async (body, path, type) => {
          const response = await fetch(relay.url + path, {
            method: 'POST',
            headers: { 'content-type': type },
            body: typeof body === 'string' ? body : new Uint8Array(body),
          })
          await response.arrayBuffer()
          expect(response.status).toBeGreaterThanOrEqual(400)
          expect(response.status).toBeLessThan(500)
        },
      ),
      { numRuns: 60 },
    )
  })

  test('huge bodies: refused by Content-Length unread, or as they arrive; a trickle times out', async () => {
    const huge = await raw('/intents', { 'content-type': JWS, 'content-length': 10_000_000 }, (req) => {
      req.write('x'.repeat(1_000))
    })
    expect(huge).toBe(413)
    const chunked = await raw('/subscriptions', { 'content-type': JWS }, (req) => {
      for (let i = 0; i < 20; i++) req.write('x'.repeat(1_000))
      req.end()
    })
    expect(chunked).toBe(413)
    const trickle = await raw('/intents', { 'content-type': JWS }, (req) => {
      req.write('e')
      const timer = setInterval(() => req.write('y'), 50)
      setTimeout(() => {
        clearInterval(timer)
        req.end()
      }, 800)
    })
    expect(trickle).toBe(408)
    await stillServes()
  })

  test('hostile reads: tokens, queries, Last-Event-ID and paths', async () => {
    const vendor = await subscribe(relay)
    const path = `${relay.url}/mailboxes/${vendor.did}`
    const cases: Array<[string, Record<string, string>]> = [
      [path, { authorization: 'Intentcast ' + 'A'.repeat(10_000) }],
      [path, { authorization: 'Intentcast a.b.c' }],
      [path, { authorization: 'Intentcast eyJhbGciOiJub25lIn0.e30.' }],
      [`${path}?after=99999999999999999999`, {}],
      [`${relay.url}/mailboxes/did:key:%00`, {}],
      [`${relay.url}/mailboxes/${'did:key:z'.padEnd(600, 'x')}`, {}],
      [`${relay.url}/mailboxes/`, {}],
    ]
    for (const [url, headers] of cases) {
      const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } })
      await response.arrayBuffer()
      expect(response.status >= 400 && response.status < 500, `${url.slice(-30)}: ${response.status}`).toBe(true)
    }
    await stillServes()
  })
})
