/**
 * Unlinkability, as properties over many casts (spec §Encrypted envelopes, Privacy properties):
 * no two casts share a key, a reply key, a `jti`, a digest or a connection that a vendor sees,
 * and the wallet's key for the vendor appears only from the acceptance on.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Socket } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { toNodeListener } from '../../src/vendor/index.js'
import { Wallet, type Negotiation } from '../../src/wallet/index.js'
import { dealAt, intentBody, vendorHandler } from '../wallet/support.js'

/** A vendor on loopback that notes which connection carried each request, and for which cast. */
let server: Server
let origin: string
const sockets = new WeakMap<Socket, number>()
let nextSocket = 0
/** The connection of each request, and the cast the test was running when it came. */
const carried: Array<{ socket: number; cast: number }> = []
let currentCast = -1

beforeAll(async () => {
  const { handler } = await vendorHandler({ onCounter: () => 'agree' })
  const listener = toNodeListener(handler)
  server = createServer((req, res) => {
    if (!sockets.has(req.socket)) sockets.set(req.socket, nextSocket++)
    carried.push({ socket: sockets.get(req.socket)!, cast: currentCast })
    listener(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

test('casts share no key, reply key, jti, digest or connection; the relationship key appears only at acceptance', async () => {
  let castNumber = 0
  await fc.assert(
    fc.asyncProperty(
      // Per cast: whether the customer counters first, and whether it accepts.
      fc.array(fc.record({ counter: fc.boolean(), accept: fc.boolean() }), { minLength: 2, maxLength: 4 }),
      async (plans) => {
        const wallet = Wallet.create()
        const relationship = (await wallet.vendorKey(origin)).did
        const seen = { iss: new Set<string>(), replyKey: new Set<string>(), jti: new Set<string>() }
        for (const plan of plans) {
          currentCast = castNumber++
          const cast = await wallet.cast(intentBody(), [origin])
          const { intent } = cast
          // Fresh per cast: the key, its reply key, the jti, and so the digest.
          for (const [set, value] of [
            [seen.iss, intent.issuer],
            [seen.replyKey, intent.payload.replyKey!.x],
            [seen.jti, intent.payload.jti],
          ] as const) {
            expect(set.has(value)).toBe(false)
            set.add(value)
          }
          let negotiation: Negotiation = cast.offers[0]!
          if (plan.counter) negotiation = (await wallet.counter(negotiation, dealAt('1850.00'))).reply!
          // Before the acceptance, nothing the vendor got names the wallet's key for it.
          for (const m of negotiation.thread.messages) expect(JSON.stringify(m.payload)).not.toContain(relationship)
          if (!plan.accept) continue
          const { thread } = await wallet.accept(negotiation)
          expect(thread.acceptance!.payload.party).toBe(relationship)
          expect(thread.agreement!.payload.parties.customer).toBe(relationship)
        }
      },
    ),
    { numRuns: 6 },
  )
  // No connection carried requests of two casts.
  const castsBySocket = new Map<number, Set<number>>()
  for (const { socket, cast } of carried) castsBySocket.set(socket, (castsBySocket.get(socket) ?? new Set()).add(cast))
  expect(carried.length).toBeGreaterThan(castNumber)
  for (const casts of castsBySocket.values()) expect(casts.size).toBe(1)
})
