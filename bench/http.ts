/**
 * The vendor handler's throughput over real HTTP on loopback: a node:http server in this
 * process, 50 clients posting distinct signed intents with fetch (no load tool is needed for a
 * figure that is then divided by in-process verify throughput from the same run).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createVendorHandler, toNodeListener } from '../src/vendor/index.js'
import { MEDIA_TYPE_JWS } from '../src/index.js'
import { generateKeyPair, signIntent } from '../src/index.js'
import type { Result } from './harness.js'

export async function httpBench(requests = 2000, clients = 50): Promise<Result> {
  const vendor = await generateKeyPair()
  const handler = createVendorHandler({
    keyPair: vendor,
    terms: { role: 'vendor', terms: { agreements: ['SD-BASE'] } },
    on: {
      intent: (intent) => ({
        item: intent.payload.want.item,
        quantity: 1,
        price: { amount: '1000.00', currency: 'EUR' },
        terms: { agreement: 'SD-BASE' },
      }),
    },
  })
  await handler.ready
  const server = createServer(toNodeListener(handler))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intentcast/messages`
  const customer = await generateKeyPair()
  const intents: string[] = []
  for (let i = 0; i < requests; i++)
    intents.push(
      await signIntent({ want: { item: { name: 'cargo bike' } }, terms: { agreements: ['SD-BASE'] } }, customer),
    )
  let next = 0
  let failed = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < intents.length) {
        const body = intents[next++]!
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': MEDIA_TYPE_JWS }, body })
        await res.arrayBuffer()
        if (res.status !== 200) failed++
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  await new Promise((resolve) => server.close(resolve))
  if (failed > 0) throw new Error(`${failed} of ${requests} requests failed`)
  return {
    name: `vendor handler over HTTP on loopback (${clients} clients, offer signed per intent)`,
    opsPerSec: Math.round(requests / seconds),
  }
}
