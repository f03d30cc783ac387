/**
 * A vendor site on plain node:http: `npx tsx examples/vendor-node-http.ts`.
 * It serves /.well-known/intentcast and takes messages at /intentcast/messages, then a wallet in
 * the same process casts one intent to it, and the server closes. In production, keep the key
 * in a secret store and listen on a fixed port behind TLS.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Wallet } from '../src/wallet/index.js'
import { createVendorHandler, toNodeListener } from '../src/vendor/index.js'
import { generateKeyPair } from '../src/index.js'

const handler = createVendorHandler({
  keyPair: await generateKeyPair(),
  terms: { role: 'vendor', name: 'Velo Berlin', terms: { agreements: ['SD-BASE', 'SD-BASE-A'] } },
  // Decide on each verified intent: an offer, or null to answer 202 and stay silent.
  on: {
    intent: (intent) => ({
      item: intent.payload.want.item,
      quantity: intent.payload.want.quantity ?? 1,
      price: { amount: '1890.00', currency: 'EUR' },
      terms: { agreement: 'SD-BASE' },
    }),
  },
})
await handler.ready // fails here, not on the first request, if the terms are misconfigured

const server = createServer(toNodeListener(handler))
// node:http's own limits still matter: headers and whole requests get deadlines too.
server.headersTimeout = 10_000
server.requestTimeout = 30_000
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
console.log(`vendor listening on ${origin}`)

// One exchange, as a wallet would make it: it signs the intent with a fresh cast key and casts it.
const wallet = Wallet.create()
const body = {
  want: { item: { name: 'cargo bike' }, maxPrice: { amount: '2000.00', currency: 'EUR' } },
  terms: { agreements: ['SD-BASE'] },
}
const { offers, failures } = await wallet.cast(body, [origin])
if (offers.length !== 1 || failures.length > 0) throw new Error(`expected one offer, got ${JSON.stringify(failures)}`)
const offer = offers[0]!.proposal.payload
console.log(`offer: ${offer.item.name}, ${offer.price.amount} ${offer.price.currency} under ${offer.terms.agreement}`)

server.closeAllConnections()
server.close()
