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
 *
 * Everything is verified on the way; in-memory stores only (no Redis); every server is closed at
 * the end, so the process exits by itself.
 */
import { shortDid } from '../src/keys/did-key.js'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { discover, Wallet, type DiscoveredVendor } from '../src/wallet/index.js'
import { createVendorHandler, toNodeListener, type OfferReply } from '../src/vendor/index.js'
import { generateKeyPair, verify, verifyThread, type IntentBody, type TermSet } from '../src/index.js'
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

async function closeAll(sites: readonly Site[]): Promise<void> {
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
} catch (e) {
  failed = true
  console.error(`\ndemo failed: ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`)
  process.exitCode = 1
} finally {
  await closeAll(sites)
}
if (!failed)
  console.log(
    `\n${bold('done')} in ${((performance.now() - t0) / 1000).toFixed(1)} s: one intent, three vendors, one countersigned agreement, all verified; servers closed.`,
  )
