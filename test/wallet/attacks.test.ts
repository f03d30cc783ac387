/**
 * Attacks on the wallet's stored negotiations, from a hostile review (issue 9): a record whose
 * vendor endpoint was rewritten, and an acceptance in flight deleted while the vendor would still
 * answer it. Both failed before their fix.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { MemoryAgreementStore } from '../../src/index.js'
import { MemoryNegotiationStore, Wallet, type FetchLike } from '../../src/wallet/index.js'
import { intentBody, listen, startVendor, type Running } from './support.js'

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})

describe('a record read back from the store', () => {
  // The thread is re-verified, but the vendor's endpoint carries no signature: discovery's rule
  // (the endpoint is on the vendor's origin) is what keeps a rewritten one from being used.
  test('a record whose endpoint was rewritten does not send the acceptance to another origin', async () => {
    const shop = await startVendor({ price: '1900.00' })
    running.push(shop)
    const seen: string[] = []
    const attacker = await listen((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      res.statusCode = 503
      res.end()
    })
    running.push(attacker)
    const negotiations = new MemoryNegotiationStore()
    const wallet = Wallet.create({ stores: { negotiations, agreements: new MemoryAgreementStore() } })
    await wallet.cast(intentBody(), [shop.origin])
    const [[id, record]] = negotiations.list() as [[string, string]]
    const parsed = JSON.parse(record) as { vendor: { endpoint: string } }
    parsed.vendor.endpoint = `${attacker.origin}/collect`
    negotiations.put(id, JSON.stringify(parsed))

    const resumed = Wallet.fromSecret(wallet.exportSecret(), { casts: wallet.casts }, { stores: { negotiations } })
    const open = await resumed.negotiations()
    if (open.length > 0) await resumed.accept(open[0]!, { retries: 0 }).catch(() => {})
    expect(seen).toEqual([])
  })
})

describe('an acceptance in flight', () => {
  // negotiations() deletes an in-flight acceptance's record an hour after the intent's end, but
  // the vendor's AgreementStore answers those bytes with the agreement for ever (retry.ts). The
  // record is the customer's only way to its half of an agreement the vendor holds as binding.
  test('is not deleted while the vendor still answers it with the agreement', async () => {
    const vendorAgreements = new MemoryAgreementStore()
    const shop = await startVendor({ price: '1900.00', agreements: vendorAgreements })
    running.push(shop)
    const negotiations = new MemoryNegotiationStore()
    const wallet = Wallet.create({ stores: { negotiations } })
    const { offers } = await wallet.cast(intentBody(), [shop.origin], { expiresIn: 120 })
    let sent: { url: string; type: string; body: string } | undefined
    const losesAnswer: FetchLike = async (url, init) => {
      const request = new Request(url, init)
      sent = { url: String(url), type: request.headers.get('content-type')!, body: await request.clone().text() }
      await fetch(request)
      throw new TypeError('fetch failed: connection reset')
    }
    await expect(wallet.accept(offers[0]!, { fetch: losesAnswer, retries: 0 })).rejects.toThrow(
      /connection reset|reach/,
    )
    expect(vendorAgreements.list().digests).toHaveLength(1) // the vendor agreed

    const later = new Date((offers[0]!.thread.intent.payload.exp + 2 * 3_600) * 1000)
    await wallet.negotiations({ now: later })
    expect(negotiations.size).toBe(1)
    // …although the vendor still answers the very same bytes with its agreement:
    const again = await fetch(sent!.url, {
      method: 'POST',
      headers: { 'content-type': sent!.type },
      body: sent!.body,
    })
    expect(again.status).toBe(200)
  })
})
