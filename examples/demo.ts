/**
 * `npm run demo`: the whole story, for real, on loopback, in a few seconds.
 *
 *  1. Three vendor sites start on 127.0.0.1, each publishing its signed terms (its r-button).
 *  2. A customer's wallet discovers them and lights each r-button against the customer's terms:
 *     one lit, one partial, one dark.
 *  3. The wallet casts one intent, under a fresh key, to all three, and ranks the verified offers.
 *  4. It counters the best offer a counter can improve (the counter-proposal comes from
 *     `negotiate`), and the vendor agrees.
 *  5. It accepts; both sides sign one agreement and hold the same bytes.
 *  6. The agreement, exported as ODRL.
 *  7. A relay: the wallet casts a second intent to one of the sites, to a site that answers
 *     later, and to a relay. The relay reaches a vendor the wallet never discovered; the late
 *     site's offer comes through the intent's replyTo. The wallet counters and accepts the
 *     relay's vendor through the relay.
 *  8. What each one saw: the relay held only ciphertext for every offer, counter and acceptance;
 *     the delivery address went to the vendor accepted, and to no one else; a third party
 *     verifies the agreement with the email disclosed, and learns nothing more.
 *
 * Everything is verified on the way; in-memory stores only (no Redis, no NATS: the relay keeps
 * its mailboxes in a MemoryRelayBackend); every server and connection is closed at the end, so
 * the process exits by itself.
 */
import { shortDid } from '../src/keys/did-key.js'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { discover, Wallet, type DiscoveredVendor } from '../src/wallet/index.js'
import {
  connectRelay,
  createVendorHandler,
  toNodeListener,
  type OfferReply,
  type RelayConnection,
  type VendorHandler,
} from '../src/vendor/index.js'
import { createRelayHandler, MemoryRelayBackend, toNodeListener as relayListener } from '../src/relay/index.js'
import { parseDisclosure, presentAgreement, verifyPresentation, type Disclosed } from '../src/disclose/index.js'
import {
  dealOf,
  generateKeyPair,
  verify,
  verifyThread,
  type IntentBody,
  type TermSet,
  type Verified,
} from '../src/index.js'
import { agreementJson, exportAgreement, matchTerms, negotiate, type RButtonState } from '../src/terms/index.js'
// Plain words for terms (formatting only; the CLI prints terms the same way).
import { conflictText, dealTermsText, termSetText } from '../src/cli/text.js'

const t0 = performance.now()
const color = process.stdout.isTTY === true && !process.env.NO_COLOR
const paint = (code: number, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s)
const bold = (s: string): string => paint(1, s)
const dim = (s: string): string => paint(2, s)
const R_BUTTON: Record<RButtonState, string> = {
  lit: paint(32, '⊂⊃   lit    '),
  partial: paint(33, '⊂ ⊃  partial'),
  dark: paint(31, '⊂  ⊃ dark   '),
}
const step = (n: number, title: string): void => console.log(`\n${bold(`${n}. ${title}`)}`)
const say = (s = ''): void => console.log(s ? `   ${s}` : '')

// ---- 1. Three vendor sites, as three websites would run them -------------------------------------
interface Site {
  readonly name: string
  readonly origin: string
  readonly server: Server
  /** What the vendor's own store holds for each agreement it countersigned: the exact bytes sent. */
  readonly agreements: Map<string, string>
}

async function startSite(name: string, terms: TermSet, price: string): Promise<Site> {
  const agreements = new Map<string, string>()
  const handler = createVendorHandler({
    keyPair: await generateKeyPair(),
    terms: { role: 'vendor', name, terms },
    on: {
      // Every intent gets an offer: the wanted item, at this site's price, under its own terms.
      intent: (intent): OfferReply => ({
        item: intent.payload.want.item,
        quantity: intent.payload.want.quantity ?? 1,
        price: { amount: price, currency: 'EUR' },
        terms: { agreement: terms.agreements[0]!, ...(terms.conditions && { conditions: terms.conditions }) },
      }),
      // A counter that keeps at least 95% of the price is fine: the vendor restates it as its own.
      counter: (c) => (Number(c.payload.price.amount) >= Number(price) * 0.95 ? 'agree' : null),
      acceptance: (_acceptance, { agreement }) => void agreements.set(agreement.digest, agreement.message as string),
    },
  })
  const server = createServer(toNodeListener(handler))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { name, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, agreements }
}

async function closeAll(sites: readonly Pick<Site, 'server'>[]): Promise<void> {
  await Promise.all(
    sites.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.server.close(() => resolve())
          s.server.closeAllConnections()
        }),
    ),
  )
}

/** Serves a fetch-standard handler on an ephemeral loopback port. */
async function listen(listener: Parameters<typeof createServer>[1]): Promise<{ server: Server; origin: string }> {
  const server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

// ---- 7. A relay, a vendor only it knows, and a site that answers later -------------------------
interface Market {
  readonly relayUrl: string
  /** The vendor met only through the relay: not a website at all, just a handler connected to it. */
  readonly rides: {
    readonly connection: RelayConnection
    readonly did: string
    /** The agreements it countersigned, as it sent them. */
    readonly agreements: Map<string, string>
  }
  /** A site that takes intents without an offer, and makes one a moment later, through replyTo. */
  readonly slow: Site & { readonly later: Array<Promise<unknown>> }
  /** What the relay holds in a mailbox, as its backend keeps it. */
  entries(owner: string): Promise<ReadonlyArray<{ type: string; parts: readonly string[] }>>
  /** The details each acceptance disclosed to Relay Rides, as its on.acceptance was told. */
  readonly disclosed: Disclosed[]
  close(): Promise<void>
}

async function startMarket(terms: TermSet): Promise<Market> {
  // The relay: createRelayHandler over its own MemoryRelayBackend, served at <origin>/relay.
  const relayServer = createServer()
  await new Promise<void>((resolve) => relayServer.listen(0, '127.0.0.1', resolve))
  const relayUrl = `http://127.0.0.1:${(relayServer.address() as AddressInfo).port}/relay`
  const backend = new MemoryRelayBackend()
  const relay = createRelayHandler({ url: relayUrl, backend })
  await relay.ready
  relayServer.on('request', relayListener(relay))

  const offer =
    (price: string) =>
    (intent: Verified<'intent'>): OfferReply => ({
      item: intent.payload.want.item,
      quantity: intent.payload.want.quantity ?? 1,
      price: { amount: price, currency: 'EUR' },
      terms: { agreement: terms.agreements[0]!, ...(terms.conditions && { conditions: terms.conditions }) },
    })
  const ridesKey = await generateKeyPair()
  const ridesAgreements = new Map<string, string>()
  const disclosed: Disclosed[] = []
  // Its code is the same as a site's: connectRelay hands it what comes through the relay.
  const rides = createVendorHandler({
    keyPair: ridesKey,
    terms: { role: 'vendor', name: 'Relay Rides', terms },
    on: {
      intent: offer('1820.00'),
      counter: (c) => (Number(c.payload.price.amount) >= 1820 * 0.95 ? 'agree' : null),
      acceptance: (_a, { agreement, disclosed: given }) => {
        ridesAgreements.set(agreement.digest, agreement.message as string)
        disclosed.push(given)
      },
    },
  })
  const connection = connectRelay(rides, { relay: relayUrl, filters: { categories: ['bicycles'], regions: ['DE'] } })
  await connection.ready

  const later: Array<Promise<unknown>> = []
  const slow: VendorHandler = createVendorHandler({
    keyPair: await generateKeyPair(),
    terms: { role: 'vendor', name: 'Slow Spokes', terms },
    // The one relay this site posts to on its own: a replyTo anywhere else is refused.
    http: { relays: [relayUrl] },
    on: {
      // No offer now (202): the stock is checked first, and the offer follows through replyTo.
      intent: (intent) => {
        const offered = new Promise((resolve) => setTimeout(resolve, 300)).then(() =>
          slow.offer(intent, offer('1795.00')(intent)),
        )
        // Awaited by the demo once the cast is back; until then a failure must not go unhandled.
        offered.catch(() => {})
        later.push(offered)
        return null
      },
    },
  })
  const slowSite = await listen(toNodeListener(slow))
  return {
    relayUrl,
    rides: { connection, did: ridesKey.did, agreements: ridesAgreements },
    slow: { name: 'Slow Spokes', ...slowSite, agreements: new Map(), later },
    entries: (owner) => backend.read(owner, 0, 100),
    disclosed,
    async close() {
      await connection.close()
      await closeAll([slowSite])
      await relay.close()
      await closeAll([{ server: relayServer }])
    },
  }
}

const retention = (days: string) => ({ id: 'retention-days', value: days, unit: 'day' })
const deletion = { id: 'deletion-on-request', value: true }

console.log(bold('intentcast demo: one customer, three vendor sites, one agreement'))
console.log(dim('everything runs on 127.0.0.1 in this process; nothing leaves the machine'))

step(1, 'Three vendor sites start, each publishing its signed terms at /.well-known/intentcast')
const sites = await Promise.all([
  startSite('Lit Cycles', { agreements: ['SD-BASE'], conditions: [retention('30'), deletion] }, '1890.00'),
  startSite('Partial Bikes', { agreements: ['SD-BASE'], conditions: [retention('90'), deletion] }, '1750.00'),
  startSite('Dark Wheels', { agreements: ['SD-BASE-ATP'], conditions: [retention('365')] }, '1500.00'),
])
const nameOf = (origin: string): string => sites.find((s) => s.origin === origin)?.name ?? origin
let failed = false
let market: Market | undefined
try {
  for (const s of sites) say(`${s.name.padEnd(14)} ${s.origin}`)

  // ---- 2. The wallet discovers the sites and lights each r-button ----------------------------------
  step(2, "The customer's wallet discovers the sites and lights each r-button")
  const wallet = Wallet.create()
  // Service delivery only (SD-BASE) and nothing else; deletion on request is a must; 30 days'
  // retention is what the customer asks for, but negotiable.
  const myTerms: TermSet = {
    agreements: ['SD-BASE'],
    strict: true,
    conditions: [retention('30'), { ...deletion, required: true }],
  }
  say(`customer's terms: ${termSetText(myTerms, 'customer')}`)
  say(dim('(each vendor document is fetched and its terms declaration verified against the keys it lists)'))
  const found: DiscoveredVendor[] = await Promise.all(sites.map((s) => discover(s.origin)))
  const states = new Map<string, RButtonState>()
  for (const v of found) {
    const m = matchTerms(myTerms, v.termSet!)
    states.set(v.origin, m.state)
    say('')
    say(`${R_BUTTON[m.state]}  ${v.terms!.payload.name!.padEnd(14)} ${termSetText(v.termSet!, 'vendor')}`)
    if (m.conflicts.length === 0) say(`               meets every term the customer asks for`)
    for (const c of m.conflicts) say(`               ${conflictText(c)}`)
  }
  if (['lit', 'partial', 'dark'].some((s) => ![...states.values()].includes(s as RButtonState)))
    throw new Error('expected one lit, one partial and one dark r-button')

  // ---- 3. One intent, cast to all three ------------------------------------------------------------
  step(3, 'The wallet casts one intent to all three')
  const body: IntentBody = {
    want: {
      item: { name: 'cargo bike', category: 'bicycles' },
      quantity: 1,
      maxPrice: { amount: '2000.00', currency: 'EUR' },
      region: 'DE-BE',
    },
    terms: myTerms,
  }
  say(`want: 1 × cargo bike, at most 2000.00 EUR, delivered in DE-BE`)
  const result = await wallet.cast(body, found, {
    expiresIn: '1h',
    timeoutMs: 5_000,
    onProgress: (e) => {
      const who = nameOf(e.vendor).padEnd(14)
      if (e.type === 'offer')
        say(
          `→ ${who} offer ${e.offer.payload.price.amount} EUR under ${dealTermsText(e.offer.payload.terms)} ${dim('✓ verified')}`,
        )
      if (e.type === 'pending') say(`→ ${who} took the intent, no offer yet`)
      if (e.type === 'failed') say(`→ ${who} failed: ${e.failure.code} ${e.failure.message}`)
    },
  })
  const castKey = await wallet.castKey(result.castIndex)
  say(
    `signed with cast key #${result.castIndex}, ${shortDid(castKey.did)}: fresh for this cast, so vendors cannot link it to others`,
  )
  say(
    dim('(each offer: signature, signed by a key the vendor lists, addressed to the cast key, answering this intent)'),
  )
  say('')
  say('ranked, best first:')
  result.offers.forEach((o, i) =>
    say(
      `  ${i + 1}. ${nameOf(o.vendor.origin).padEnd(14)} ${o.proposal.payload.price.amount} EUR, meets ${Math.round(o.score * 100)}% of the customer's asks`,
    ),
  )
  for (const x of result.excluded) say(`  ✗  ${nameOf(x.vendor.origin).padEnd(14)} excluded: ${x.reasons.join(' ')}`)
  for (const f of result.failures) say(`  ✗  ${nameOf(f.vendor).padEnd(14)} ${f.code}: ${f.message}`)

  // ---- 4. Counter the best offer a counter can improve ---------------------------------------------
  step(4, 'The wallet counters the best partial offer with its own terms')
  const decisions = result.offers.map((o) => ({ offer: o, decision: negotiate(o.thread.intent, o.proposal) }))
  for (const { offer, decision } of decisions) say(`negotiate(${nameOf(offer.vendor.origin)}): ${decision.outcome}`)
  const fixable = decisions.find((d) => d.decision.outcome === 'counter')
  if (!fixable || fixable.decision.outcome !== 'counter') throw new Error('no offer can be improved by a counter')
  const { offer: partial, decision } = fixable
  const best = result.offers[0]!
  if (best !== partial) {
    say(
      `${nameOf(best.vendor.origin)} meets every term at ${best.proposal.payload.price.amount} EUR; ${nameOf(partial.vendor.origin)} asks ${partial.proposal.payload.price.amount} EUR but falls short on:`,
    )
  } else say(`${nameOf(partial.vendor.origin)} falls short on:`)
  for (const c of decision.conflicts) say(`  ${conflictText(c)}`)
  const deal = decision.counter
  say(
    `counter (from negotiate): ${deal.quantity} × ${body.want.item.name} for ${deal.price.amount} ${deal.price.currency}, ${dealTermsText(deal.terms)}`,
  )
  const countered = await wallet.counter(partial, deal)
  if (!countered.reply) throw new Error(`${nameOf(partial.vendor.origin)} did not answer the counter`)
  const reply = countered.reply
  const again = negotiate(reply.thread.intent, reply.proposal)
  say(
    `${nameOf(partial.vendor.origin)} agrees: it restates the counter as its own, signed ${dim('✓ verified')}; negotiate(its reply): ${again.outcome}`,
  )
  if (again.outcome !== 'agreed') throw new Error(`the vendor's reply is not acceptable: ${again.outcome}`)
  if (best !== partial) {
    const saved = (Number(best.proposal.payload.price.amount) - Number(reply.proposal.payload.price.amount)).toFixed(2)
    say(`so the customer gets its own terms for ${saved} EUR less than ${nameOf(best.vendor.origin)} asks`)
  }

  // ---- 5. Accept: one agreement, signed by both ----------------------------------------------------
  step(5, 'The wallet accepts; the vendor countersigns the agreement')
  const { agreement, thread } = await wallet.accept(reply)
  const a = agreement.payload
  const site = sites.find((s) => s.origin === reply.vendor.origin)!
  const theirs = site.agreements.get(agreement.digest)
  const identical = theirs === agreement.message
  const reread = await verify(agreement.message, { expect: 'agreement' })
  const replayed = await verifyThread(thread.messages.map((m) => m.message))
  say(`parties   customer ${a.parties.customer}`)
  say(`          ${dim("(the wallet's key for this vendor only: stable with it, unlinkable across vendors)")}`)
  say(`          vendor   ${a.parties.vendor} (${site.name})`)
  say(`deal      ${a.quantity} × ${a.item.name} for ${a.price.amount} ${a.price.currency}`)
  say(`terms     ${dealTermsText(a.terms)}`)
  say(`digest    ${agreement.digest}`)
  say(`signed    by both: ${reread.signers.map(shortDid).join(' (customer), ')} (vendor) ${dim('✓ verified')}`)
  say(
    `bytes     the wallet and ${site.name} hold identical bytes: ${identical ? 'yes' : 'NO'} (${agreement.message.length} bytes each)`,
  )
  say(
    `thread    ${thread.messages.map((m) => m.kind).join(' → ')}: re-verified from its bytes alone, state ${replayed.state()}`,
  )
  if (!identical || replayed.state() !== 'agreed') throw new Error('the agreement does not check out')

  // ---- 6. The agreement as ODRL --------------------------------------------------------------------
  step(6, "The agreement as ODRL 2.2 (exportAgreement(agreement, 'odrl'))")
  const doc = exportAgreement(agreement, 'odrl')
  // In short first (each rule's action, and its constraint's value), then the document itself.
  const short = (x: unknown): string => {
    const v =
      typeof x === 'object' && x !== null
        ? ((x as Record<string, unknown>)['@id'] ?? (x as Record<string, unknown>)['@value'])
        : x
    return String(v).replace(/^.*[#/]/, '')
  }
  for (const kind of ['permission', 'prohibition', 'obligation'] as const) {
    say(
      `${kind.padEnd(12)} ${doc[kind].map((r) => `${short(r.action)}${r.constraint ? ` (${r.constraint.map((c) => short(c.rightOperand)).join(', ')})` : ''}`).join(', ')}`,
    )
  }
  say('')
  console.log(agreementJson(agreement, 'odrl').replace(/^/gm, '   '))

  // ---- 7. A relay: a vendor the wallet never discovered, and a site that answers later ----------
  step(7, 'A relay: a vendor the wallet never discovered, and a site that answers later')
  market = await startMarket({ agreements: ['SD-BASE'], conditions: [retention('30'), deletion] })
  const { relayUrl, rides, slow } = market
  say(`relay          ${relayUrl} ${dim('(createRelayHandler over a MemoryRelayBackend)')}`)
  say(`Relay Rides    subscribed there to bicycles in DE; it has no website the wallet could discover`)
  say(`Slow Spokes    ${slow.origin}; answers 202, then makes its offer through the intent's replyTo`)
  const named = (vendor: string): string =>
    vendor === rides.did
      ? 'Relay Rides'
      : vendor === slow.origin
        ? slow.name
        : vendor === relayUrl
          ? 'the relay'
          : nameOf(vendor)
  const lit = found.find((v) => states.get(v.origin) === 'lit')!
  const second = await wallet.cast(body, [lit, slow.origin, { relay: relayUrl }], {
    expiresIn: '1h',
    timeoutMs: 5_000,
    onProgress: (e) => {
      const who = named(e.vendor).padEnd(14)
      if (e.type === 'relayed') say(`→ ${who} took the intent and delivered it to ${e.delivered} subscribed vendor`)
      if (e.type === 'pending') say(`→ ${who} took the intent, no offer yet`)
      if (e.type === 'offer')
        say(
          `→ ${who} offer ${e.offer.payload.price.amount} EUR ${e.relay ? (e.vendor === rides.did ? 'through the relay' : "later, through the intent's replyTo") : 'directly'} ${dim('✓ verified')}`,
        )
      if (e.type === 'failed') say(`→ ${who} failed: ${e.failure.code} ${e.failure.message}`)
    },
  })
  await Promise.all(slow.later)
  say(`replyTo   ${second.intent.payload.replyTo} ${dim("(the new cast key's mailbox at the relay)")}`)
  say('ranked, best first:')
  second.offers.forEach((o, i) =>
    say(
      `  ${i + 1}. ${named(o.vendor.did ?? o.vendor.origin).padEnd(14)} ${o.proposal.payload.price.amount} EUR${o.vendor.relay ? `, reached through the relay as ${shortDid(o.vendor.did!)}` : `, at ${o.vendor.origin}`}`,
    ),
  )
  for (const f of second.failures) say(`  ✗  ${named(f.vendor).padEnd(14)} ${f.code}: ${f.message}`)
  if (second.offers.length !== 3 || second.pending.length !== 0) throw new Error('expected three offers, none pending')
  const relayed = second.offers.find((o) => o.vendor.did === rides.did)
  if (!relayed) throw new Error('no offer came through the relay')
  const { reply: ridesReply } = await wallet.counter(relayed, {
    ...dealOf(relayed.proposal.payload),
    price: { amount: '1780.00', currency: 'EUR' },
  })
  if (!ridesReply) throw new Error('Relay Rides did not answer the counter')
  say(
    `counter   1780.00 EUR to Relay Rides, through its mailbox at the relay; it agrees, into the cast's mailbox ${dim('✓ verified')}`,
  )
  // Where to deliver, and how to reach the customer: for Relay Rides alone (step 8).
  const details = {
    address: { street: 'Invalidenstr. 1', postalCode: '10115', locality: 'Berlin', country: 'DE' },
    email: 'ada@example.org',
  }
  const relayedDeal = await wallet.accept(ridesReply, { details })
  const rp = relayedDeal.agreement.payload
  const same = rides.agreements.get(relayedDeal.agreement.digest) === relayedDeal.agreement.message
  say(
    `agreement ${rp.quantity} × ${rp.item.name} for ${rp.price.amount} ${rp.price.currency}, countersigned by Relay Rides through the relay`,
  )
  say(
    `          customer ${shortDid(rp.parties.customer)} ${dim("(the wallet's key for this vendor, named by its DID: it has no origin)")}`,
  )
  say(
    `          state ${relayedDeal.thread.state()}; the wallet and Relay Rides hold identical bytes: ${same ? 'yes' : 'NO'}`,
  )
  if (!same || relayedDeal.thread.state() !== 'agreed') throw new Error('the relayed agreement does not check out')

  // ---- 8. What each one saw --------------------------------------------------------------------------
  step(8, 'What each one saw: ciphertext at the relay, the address at the vendor accepted, one field for a third party')
  const held = [
    ...(await market.entries(second.intent.issuer)),
    ...(await market.entries(rides.did)).filter((e) => e.type !== 'application/intentcast+jws'),
  ]
  const plain = held.filter((e) => !e.type.includes('jwe') && !e.type.includes('sealed'))
  const readable = held.some((e) => e.parts.some((p) => /1820|1780|Invalidenstr|ada@/.test(p)))
  say(
    `the relay   holds ${held.length} answers and moves for this cast, ${held.length - plain.length} of them sealed (${[...new Set(held.map((e) => e.type))].join(', ')})`,
  )
  say(`            a price, the address or the email readable in any of them: ${readable ? 'YES' : 'no'}`)
  say(`            ${dim('(it relayed the intent itself in the clear: that is for the market to read)')}`)
  const given = market.disclosed.at(-1)?.details
  say(
    `Relay Rides was given, sealed to it: ${given?.address?.street}, ${given?.address?.postalCode} ${given?.address?.locality}; ${given?.email}`,
  )
  say(
    `            ${dim('checked against the digests the customer signed; the agreement commits to them:')} ${rp.details?._sd.length} digests`,
  )
  const email = relayedDeal.thread.acceptance!.payload.disclosures!.filter((d) => parseDisclosure(d).name === 'email')
  const shown = await verifyPresentation(presentAgreement(relayedDeal.agreement.message, email))
  say(
    `a third party, shown the agreement and one disclosure: both signatures ${dim('✓ verified')}; learns ${JSON.stringify(shown.disclosed)}, and no address`,
  )
  if (plain.length > 0 || readable || given?.email !== details.email || shown.disclosed.email !== details.email)
    throw new Error('confidentiality does not check out')
} catch (e) {
  failed = true
  console.error(`\ndemo failed: ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`)
  process.exitCode = 1
} finally {
  await market?.close()
  await closeAll(sites)
}
if (!failed)
  console.log(
    `\n${bold('done')} in ${((performance.now() - t0) / 1000).toFixed(1)} s: one intent, three vendors, one countersigned agreement; then a relay, a vendor only it knew, a late offer and a second agreement, all verified, every answer sealed, the address disclosed to one vendor; servers closed.`,
  )
