/**
 * A wallet: `npx tsx examples/wallet.ts`.
 * Three vendor sites start on loopback, each with its own terms. The wallet discovers them and
 * shows each r-button, casts one intent under a fresh key, ranks the offers, counters the best
 * one where its terms fall short, accepts, and holds the agreement the vendor countersigned.
 * Then it shows that its keys are unlinkable and all come back from the master secret.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { discover, Wallet, type Negotiation } from '../src/wallet/index.js'
import { createVendorHandler, toNodeListener, type OfferReply } from '../src/vendor/index.js'
import { generateKeyPair, verifyThread, type IntentBody, type TermSet } from '../src/index.js'
import { matchTerms, negotiate } from '../src/terms/index.js'

// ---- Three vendors, as three websites would run them -------------------------------------------
const servers: Server[] = []
async function vendorSite(name: string, terms: TermSet, price: string, retention: string): Promise<string> {
  const handler = createVendorHandler({
    keyPair: await generateKeyPair(),
    terms: { role: 'vendor', name, terms },
    on: {
      intent: (intent): OfferReply => ({
        item: intent.payload.want.item,
        quantity: 1,
        price: { amount: price, currency: 'EUR' },
        terms: {
          agreement: terms.agreements[0]!,
          conditions: [{ id: 'retention-days', value: retention, unit: 'day' }],
        },
      }),
      // Restating the customer's counter makes it acceptable: this vendor takes any counter within 5%.
      counter: (c) => (Number(c.payload.price.amount) >= Number(price) * 0.95 ? 'agree' : null),
    },
  })
  const server = createServer(toNodeListener(handler))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}
const vendors = [
  await vendorSite(
    'Lit Cycles',
    { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '30', unit: 'day' }] },
    '1890.00',
    '30',
  ),
  await vendorSite(
    'Partial Bikes',
    { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '90', unit: 'day' }] },
    '1750.00',
    '90',
  ),
  await vendorSite('Dark Wheels', { agreements: ['SD-BASE-ATP'], strict: true }, '1500.00', '365'),
]

// ---- The wallet ---------------------------------------------------------------------------------
const wallet = Wallet.create()
// 30 days' retention is what this customer asks for, but not a deal breaker: a vendor keeping data longer is partial.
const myTerms: TermSet = {
  agreements: ['SD-BASE'],
  strict: true,
  conditions: [{ id: 'retention-days', value: '30', unit: 'day' }],
}

console.log('r-buttons:')
const found = await Promise.all(vendors.map((origin) => discover(origin)))
for (const v of found) console.log(`  ${v.terms!.payload.name!.padEnd(14)} ${matchTerms(myTerms, v.termSet!).state}`)

const want: IntentBody = {
  want: {
    item: { name: 'cargo bike', category: 'bicycles' },
    quantity: 1,
    maxPrice: { amount: '2000.00', currency: 'EUR' },
    region: 'DE-BE',
  },
  terms: myTerms,
}
// The wallet signs the intent with a fresh cast key (unlinkable to any other cast) and casts it.
const result = await wallet.cast(want, found, {
  expiresIn: '1h',
  timeoutMs: 5_000,
  onProgress: (e) => {
    if (e.type === 'offer') console.log(`  ${e.vendor}: offer ${e.offer.payload.price.amount} EUR`)
    if (e.type === 'failed') console.log(`  ${e.vendor}: ${e.failure.code} ${e.failure.message}`)
  },
})
const castKey = await wallet.castKey(result.castIndex)
console.log(`cast #${result.castIndex} as ${castKey.did.slice(0, 28)}… to ${vendors.length} vendors`)
console.log(
  `ranked: ${result.offers.map((o) => `${o.proposal.payload.price.amount} (score ${o.score.toFixed(2)})`).join(', ')}; excluded ${result.excluded.length}`,
)

// The best-ranked offer whose shortfalls a counter can fix gets one; failing that, take the best.
const fixable = result.offers.find((o) => negotiate(o.thread.intent, o.proposal).outcome === 'counter')
let chosen: Negotiation = fixable ?? result.offers[0]!
const decision = fixable && negotiate(fixable.thread.intent, fixable.proposal)
if (fixable && decision?.outcome === 'counter') {
  // The wallet signs the counter with the intent's cast key: user code never handles keys.
  const { reply } = await wallet.counter(fixable, decision.counter)
  console.log(
    `countered ${fixable.proposal.payload.price.amount} EUR on ${decision.conflicts.map((c) => c.term).join(', ')}: ${reply ? 'the vendor agreed' : 'no answer yet'}`,
  )
  if (reply) chosen = reply
}
const vendorKey = await wallet.vendorKey(chosen.vendor.origin)
const { agreement, thread } = await wallet.accept(chosen) // signed with the cast key and the vendor key
console.log(
  `\nagreement ${agreement.digest}: ${agreement.payload.item.name}, ${agreement.payload.price.amount} EUR, ${agreement.payload.terms.agreement}`,
)
console.log(`  signed by ${agreement.signers.map((s) => s.slice(0, 20) + '…').join(' and ')}`)
console.log(
  `  thread re-verifies from its bytes: ${(await verifyThread(thread.messages.map((m) => m.message))).state()}`,
)

// ---- Keys: unlinkable, and all from one secret ---------------------------------------------------
const next = await wallet.nextCastKey()
console.log(
  `\nnext cast key differs: ${next.keyPair.did !== castKey.did}; vendor key ≠ cast key: ${vendorKey.did !== castKey.did}`,
)
const restored = Wallet.fromSecret(wallet.exportSecret(), { casts: wallet.casts })
const again = [await restored.castKey(result.castIndex), await restored.vendorKey(chosen.vendor.origin)]
console.log(
  `re-derived from the master secret alone: ${again[0]!.did === castKey.did && again[1]!.did === vendorKey.did}`,
)

for (const s of servers) {
  s.closeAllConnections()
  s.close()
}
