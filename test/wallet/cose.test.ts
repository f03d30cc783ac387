/**
 * The wallet with a COSE intent against real vendors on loopback: cast → offer → counter →
 * accept, every move in COSE, and an agreement both sides hold byte for byte.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { castIntent, discover, Wallet } from '../../src/wallet/index.js'
import { MemoryThreadStore } from '../../src/vendor/index.js'
import {
  countersign,
  generateKeyPair,
  signAgreement,
  signIntent,
  verify,
  verifyThread,
  type Verified,
} from '../../src/index.js'
import { open } from '../../src/seal/index.js'
import { sealKeyPairOf } from '../../src/seal/keys.js'
import { dealAt, intentBody, serve, startVendor, vendorHandler, type Running } from './support.js'

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})
const track = <T extends Running>(r: T): T => (running.push(r), r)

/** Every POST a vendor received, by media type, and the media type of its answer. */
function recording(handler: (r: Request) => Promise<Response>) {
  const seen: Array<{ sent: string | null; answered: string | null }> = []
  const wrapped = async (r: Request) => {
    const response = await handler(r)
    if (r.method === 'POST')
      seen.push({ sent: r.headers.get('content-type'), answered: response.headers.get('content-type') })
    return response
  }
  return { seen, wrapped }
}

describe('a COSE cast over HTTP', () => {
  test('cast → COSE offer → counter → accept: every message COSE, identical agreement bytes on both sides', async () => {
    const threads = new MemoryThreadStore()
    let vendorAgreement: Verified<'agreement'> | undefined
    const { handler, key } = await vendorHandler({
      onCounter: () => 'agree',
      onAcceptance: (_a, { agreement }) => {
        vendorAgreement = agreement
      },
      threads,
    })
    const { seen, wrapped } = recording(handler)
    const best = track(await serve(wrapped))
    const second = track(await startVendor({ price: '1950.00' }))

    const wallet = Wallet.create()
    const result = await wallet.cast(intentBody(), [await discover(best.origin), second.origin], { format: 'cose' })
    const castKey = await wallet.castKey(result.castIndex)
    expect(result.intent.format).toBe('cose')
    expect(result.intent.message).toBeInstanceOf(Uint8Array)
    expect(result.failures).toEqual([])
    expect(result.offers.map((o) => o.vendor.origin)).toEqual([best.origin, second.origin])
    for (const o of result.offers) {
      expect(o.proposal.format).toBe('cose')
      expect(o.proposal.message).toBeInstanceOf(Uint8Array)
      expect(o.proposal.payload.aud).toBe(castKey.did)
    }

    const top = result.offers[0]!
    const { reply, thread } = await wallet.counter(top, dealAt('1850.00'))
    expect(thread.messages.map((m) => [m.kind, m.format])).toEqual([
      ['intent', 'cose'],
      ['offer', 'cose'],
      ['counter', 'cose'],
      ['counter', 'cose'],
    ])
    expect(reply!.proposal.payload.price.amount).toBe('1850.00')

    const vendorKey = await wallet.vendorKey(best.origin)
    const { agreement, thread: done } = await wallet.accept(reply!)
    expect(agreement.format).toBe('cose')
    expect(agreement.signers).toEqual([vendorKey.did, key.did])
    expect(done.state()).toBe('agreed')
    expect(done.messages.every((m) => m.format === 'cose')).toBe(true)

    // Both parties hold the same bytes: what the vendor's callback saw, what it stored, what the wallet got.
    const walletBytes = Buffer.from(agreement.message as Uint8Array)
    expect(walletBytes.equals(Buffer.from(vendorAgreement!.message as Uint8Array))).toBe(true)
    expect(
      walletBytes.equals(Buffer.from(threads.get(agreement.payload.refs.intent)!.agreement!.message as Uint8Array)),
    ).toBe(true)

    // Each side's record re-verifies from its bytes alone.
    const mine = await verifyThread(done.messages.map((m) => m.message))
    expect(mine.state()).toBe('agreed')
    const theirs = await verifyThread(threads.get(agreement.payload.refs.intent)!.messages.map((m) => m.message))
    expect(theirs.agreement!.digest).toBe(mine.agreement!.digest)

    // Every request went, and every answer came, in COSE: the intent in the clear, for the market
    // to read; the vendor's answers sealed to the cast's reply key, and the customer's moves to
    // the vendor's encryption key (spec §Encrypted envelopes).
    expect(seen).toEqual([
      { sent: 'application/intentcast+cose', answered: 'application/intentcast-sealed+cose' },
      { sent: 'application/intentcast-sealed+cose', answered: 'application/intentcast-sealed+cose' },
      { sent: 'application/intentcast-sealed+cose', answered: 'application/intentcast-sealed+cose' },
    ])
  })

  test('a vendor that does not list the COSE media type fails without a request; a JWS answer to COSE is refused', async () => {
    const { handler: honest } = await vendorHandler({ price: '1800.00' })
    let posts = 0
    // Its document lists JWS only.
    const jwsOnly = track(
      await serve(async (r) => {
        if (r.method !== 'GET') {
          posts++
          return honest(r)
        }
        const response = await honest(r)
        if (!r.url.endsWith('/.well-known/intentcast')) return response
        const doc = (await response.json()) as { mediaTypes: string[] }
        return Response.json({ ...doc, mediaTypes: ['application/intentcast+jws'] })
      }),
    )
    // Answers every COSE message with a JWS one.
    const jwsAnswers = track(
      await serve(async (r) =>
        r.method === 'GET'
          ? honest(r)
          : new Response('a.b.c', { headers: { 'content-type': 'application/intentcast+jws' } }),
      ),
    )
    const good = track(await startVendor())
    // An intent signed elsewhere, in COSE.
    const intent = await signIntent(intentBody(), await generateKeyPair(), { format: 'cose' })
    const result = await castIntent(intent, [jwsOnly.origin, jwsAnswers.origin, good.origin])
    expect(result.offers.map((o) => o.vendor.origin)).toEqual([good.origin])
    const failures = Object.fromEntries(result.failures.map((f) => [f.vendor, f]))
    expect(failures[jwsOnly.origin]!.code).toBe('ERR_MALFORMED')
    expect(failures[jwsOnly.origin]!.message).toMatch(/does not take application\/intentcast\+cose/)
    expect(posts).toBe(0)
    expect(failures[jwsAnswers.origin]!.code).toBe('ERR_MALFORMED')
    expect(failures[jwsAnswers.origin]!.message).toMatch(/not application\/intentcast\+cose/)
  })

  test('a countersigned agreement that is not the one the wallet sent is refused', async () => {
    const { handler, key } = await vendorHandler()
    const wallet = Wallet.create()
    // The test holds the wallet's secret, so it can forge what a dishonest vendor could only get
    // by replaying: a fully signed agreement of the same deal, under the wallet's key for this
    // vendor, but other bytes than those the wallet just sent.
    const dishonest: Running = track(
      await serve(async (r): Promise<Response> => {
        // The customer's moves come sealed to the vendor: the test opens them with the vendor's key.
        const sealed = r.method === 'POST' && r.headers.get('content-type') === 'application/intentcast-sealed+cose'
        const inside = sealed && (await open(new Uint8Array(await r.clone().arrayBuffer()), await sealKeyPairOf(key)))
        const response = await handler(r)
        if (!(inside instanceof Uint8Array) || inside[0] !== 0x82) return response
        const answer = await open(
          new Uint8Array(await response.arrayBuffer()),
          await sealKeyPairOf(await wallet.castKey(0)),
        )
        const { v: _v, iat: _iat, jti: _jti, ...body } = (await verify(answer, { expect: 'agreement' })).payload
        const other: Uint8Array = await countersign(
          await signAgreement(body, await wallet.vendorKey(dishonest.origin), { format: 'cose' }),
          key,
        )
        return new Response(new Uint8Array(other), { headers: { 'content-type': 'application/intentcast+cose' } })
      }),
    )
    const [offer] = (await wallet.cast(intentBody(), [dishonest.origin], { format: 'cose' })).offers
    await expect(wallet.accept(offer!)).rejects.toMatchObject({ code: 'ERR_BROKEN_LINK' })
  })
})
