/**
 * The same vendor handler mounted in Hono: `npx tsx examples/vendor-hono.ts`.
 * The handler is fetch-standard, so Hono passes it the raw Request. Mount it before any body
 * parsing middleware: the handler reads the body itself, with its size limit and deadline.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'
import { Wallet } from '../src/wallet/index.js'
import { createVendorHandler } from '../src/vendor/index.js'
import { WELL_KNOWN_PATH } from '../src/index.js'
import { generateKeyPair } from '../src/index.js'

const intentcast = createVendorHandler({
  keyPair: await generateKeyPair(),
  terms: { role: 'vendor', name: 'Hono Bikes', terms: { agreements: ['SD-BASE'] } },
  on: {
    intent: (intent) => ({
      item: intent.payload.want.item,
      quantity: 1,
      price: { amount: '1750.00', currency: 'EUR' },
      terms: { agreement: 'SD-BASE' },
    }),
  },
  http: { cors: ['https://wallet.example'] },
})
await intentcast.ready

const app = new Hono()
app.get('/', (c) => c.text('Hono Bikes'))
app.on(['GET', 'OPTIONS'], WELL_KNOWN_PATH, (c) => intentcast(c.req.raw))
app.on(['POST', 'OPTIONS'], '/intentcast/messages', (c) => intentcast(c.req.raw))

const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
})
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
console.log(`hono vendor listening on ${origin}`)

const { offers, failures } = await Wallet.create().cast(
  { want: { item: { name: 'city bike' } }, terms: { agreements: ['SD-BASE'] } },
  [origin],
)
if (offers.length !== 1 || failures.length > 0) throw new Error(`expected one offer, got ${JSON.stringify(failures)}`)
console.log(`offer: ${offers[0]!.proposal.payload.price.amount} EUR from ${offers[0]!.proposal.issuer.slice(0, 24)}…`)

server.close()
