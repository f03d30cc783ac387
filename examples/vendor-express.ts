/**
 * The same vendor handler in Express 5: `npx tsx examples/vendor-express.ts`.
 * toNodeListener works on Express's req/res (they are node's). Mount it at the root, before
 * express.json() or any body parser: the handler reads the body itself, with its limits.
 */
import express from 'express'
import type { AddressInfo } from 'node:net'
import { Wallet } from '../src/wallet/index.js'
import { createVendorHandler, toNodeListener } from '../src/vendor/index.js'
import { generateKeyPair } from '../src/index.js'

const intentcast = createVendorHandler({
  keyPair: await generateKeyPair(),
  terms: { role: 'vendor', name: 'Express Cycles', terms: { agreements: ['SD-BASE', 'SD-BASE-A'] } },
  on: {
    intent: (intent) => ({
      item: intent.payload.want.item,
      quantity: 1,
      price: { amount: '1799.00', currency: 'EUR' },
      terms: { agreement: 'SD-BASE' },
    }),
  },
})
await intentcast.ready
const listener = toNodeListener(intentcast)

const app = express()
app.get('/', (_req, res) => {
  res.send('Express Cycles')
})
app.all(['/.well-known/intentcast', '/intentcast/messages'], (req, res) => listener(req, res))

const server = app.listen(0, '127.0.0.1')
await new Promise<void>((resolve) => server.once('listening', resolve))
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
console.log(`express vendor listening on ${origin}`)

const { offers, failures } = await Wallet.create().cast(
  { want: { item: { name: 'road bike' } }, terms: { agreements: ['SD-BASE'] } },
  [origin],
)
if (offers.length !== 1 || failures.length > 0) throw new Error(`expected one offer, got ${JSON.stringify(failures)}`)
console.log(`offer: ${offers[0]!.proposal.payload.price.amount} EUR`)

server.closeAllConnections()
server.close()
