import { afterEach, describe, expect, it } from 'vitest'
import { createWalletConformance, type WalletConformance } from '../../src/conformance/wallet.js'
import { formatReport } from '../../src/conformance/report.js'
import { joinMessages } from '../../src/http/media-type.js'
import { sealKeyPairOf } from '../../src/seal/keys.js'
import { castIntent, Wallet, type Negotiation } from '../../src/wallet/index.js'
import { dealOf, generateKeyPair, signAcceptance, signAgreement, signIntent, verify } from '../../src/index.js'
import { intentBody, post, serve, type Running } from '../vendor/support.js'
import { idsOf } from './support.js'

let servers: Running[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

/** The kit, its two sites on loopback ports. */
async function start(): Promise<{ kit: WalletConformance; vendor: string; decoy: string }> {
  const kit = await createWalletConformance()
  const vendor = await serve(kit.vendor)
  const decoy = await serve(kit.decoy)
  servers.push(vendor, decoy)
  return { kit, vendor: vendor.origin, decoy: decoy.origin }
}

/** What a person does with a wallet under test (WALLET_STEPS): cast to both, counter, accept, cast again. */
async function walkThrough(wallet: Wallet, sites: { vendor: string; decoy: string }, second: Wallet = wallet) {
  const first = await wallet.cast(intentBody(), [sites.vendor, sites.decoy])
  expect(first.failures).toMatchObject([{ vendor: sites.decoy, code: 'ERR_UNREACHABLE' }])
  const offer = first.offers[0]!
  const { reply } = await wallet.counter(offer, dealOf(offer.proposal.payload))
  await wallet.accept(reply ?? offer)
  await second.cast(intentBody(), [sites.vendor])
  return offer
}

describe('conformance wallet: our own Wallet', () => {
  it('passes every check, and the kit knows when the wallet is done', async () => {
    const { kit, ...sites } = await start()
    await walkThrough(Wallet.create(), sites)
    await kit.done
    const report = await kit.report()
    expect(idsOf(report, 'fail')).toEqual([])
    expect(idsOf(report, 'skip')).toEqual([])
    expect(idsOf(report, 'pass')).toEqual([
      'wallet.discovery',
      'wallet.endpoint',
      'wallet.verifies',
      'wallet.intent',
      'wallet.fresh-key',
      'wallet.counter',
      'wallet.acceptance',
      'wallet.acceptance-sealed',
      'wallet.redirect',
      'wallet.credentials',
    ])
    expect(report).toMatchObject({ mode: 'wallet', target: sites.vendor, passed: true })
    expect(formatReport(report).join('\n')).toMatch(/✓ wallet\.fresh-key +§HTTP binding, Wallet keys/)
  })

  it('reports a wallet that did nothing: what it never did fails, what needs it is skipped', async () => {
    const { kit } = await start()
    const report = await kit.report()
    expect(report.target).toBe('no request reached the conformance vendor')
    expect(idsOf(report, 'fail')).toEqual([
      'wallet.discovery',
      'wallet.endpoint',
      'wallet.intent',
      'wallet.fresh-key',
      'wallet.acceptance',
      'wallet.redirect',
    ])
    expect(idsOf(report, 'skip')).toEqual(['wallet.counter', 'wallet.acceptance-sealed'])
  })

  it('refuses fewer than two casts: one cast cannot show a fresh key', async () => {
    await expect(createWalletConformance({ casts: 1 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
  })
})

describe('conformance wallet: each broken wallet fails exactly the checks it breaks', () => {
  it('a wallet restored with a lower cast count reuses a cast key: wallet.fresh-key', async () => {
    const { kit, ...sites } = await start()
    const secret = Wallet.create().exportSecret()
    // Both start at cast 0: the second cast is signed by the first cast's key.
    await walkThrough(Wallet.fromSecret(secret), sites, Wallet.fromSecret(secret))
    await kit.done
    const report = await kit.report()
    expect(idsOf(report, 'fail')).toEqual(['wallet.fresh-key'])
    expect(report.checks.find((c) => c.id === 'wallet.fresh-key')!.detail).toContain('linkable')
  })

  it('a wallet that sends its acceptance in the clear: wallet.acceptance-sealed', async () => {
    const { kit, ...sites } = await start()
    const wallet = Wallet.create()
    const first = await wallet.cast(intentBody(), [sites.vendor, sites.decoy])
    const offer: Negotiation = first.offers[0]!
    const castKey = await wallet.castKey(first.castIndex)
    const vendorKey = await wallet.vendorKey(offer.vendor)
    const acceptance = await signAcceptance(
      {
        inReplyTo: offer.proposal.digest,
        intent: first.intent.digest,
        ...dealOf(offer.proposal.payload),
        party: vendorKey.did,
      },
      castKey,
      { audience: offer.proposal.issuer },
    )
    const thread = offer.thread.with(await verify(acceptance, { expect: 'acceptance' }))
    const agreement = await signAgreement(thread.agreementBody(), vendorKey)
    expect((await post(offer.vendor.endpoint, joinMessages(acceptance, agreement))).status).toBe(200)
    await wallet.cast(intentBody(), [sites.vendor])
    await kit.done
    const report = await kit.report()
    expect(idsOf(report, 'fail')).toEqual(['wallet.acceptance-sealed'])
  })

  it('a wallet that follows redirects: wallet.redirect', async () => {
    const { kit, ...sites } = await start()
    const following = (url: string, init: RequestInit) => fetch(url, { ...init, redirect: 'follow' })
    const wallet = Wallet.create()
    const first = await wallet.cast(intentBody(), [sites.vendor, sites.decoy], { fetch: following })
    const offer = first.offers[0]!
    await wallet.accept(offer)
    await wallet.cast(intentBody(), [sites.vendor])
    await kit.done
    const report = await kit.report()
    expect(idsOf(report, 'fail')).toEqual(['wallet.redirect'])
    expect(report.checks.find((c) => c.id === 'wallet.redirect')!.detail).toContain('followed the redirect')
    expect(idsOf(report, 'skip')).toEqual(['wallet.counter'])
  })

  it('a wallet that builds the endpoint itself: wallet.endpoint', async () => {
    const { kit, ...sites } = await start()
    await walkThrough(Wallet.create(), sites)
    const key = await generateKeyPair()
    const replyKey = (await sealKeyPairOf(key)).publicJwk
    const guessed = { origin: sites.vendor, endpoint: `${sites.vendor}/intentcast/messages`, keys: [] }
    await castIntent(await signIntent({ ...intentBody(), replyKey }, key), [guessed], { castKey: key })
    const report = await kit.report()
    expect(idsOf(report, 'fail')).toEqual(['wallet.endpoint'])
    expect(report.checks.find((c) => c.id === 'wallet.endpoint')!.detail).toContain('/intentcast/messages')
  })

  it('a wallet whose intent names no replyKey: wallet.intent', async () => {
    const { kit, ...sites } = await start()
    await walkThrough(Wallet.create(), sites)
    const key = await generateKeyPair()
    await castIntent(await signIntent(intentBody(), key), [sites.vendor])
    const report = await kit.report()
    expect(idsOf(report, 'fail')).toEqual(['wallet.intent'])
    expect(report.checks.find((c) => c.id === 'wallet.intent')!.detail).toContain('replyKey')
  })
})
