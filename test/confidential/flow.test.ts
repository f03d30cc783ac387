/**
 * Confidential replies and minimal disclosure, end to end on loopback (spec §Encrypted
 * envelopes, §Selective disclosure): the vendor's answers sealed to the cast's reply key, the
 * customer's moves sealed to the vendor, precise wants and contact details disclosed to the
 * chosen vendor only, and a third party verifying the agreement with one disclosure.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { generateKeyPair, signAcceptance, signIntent, Thread, verify, type Verified } from '../../src/index.js'
import { headerFor, intentPayload, signCompact } from '../helpers/fixtures.js'
import { discloseClaims, presentAgreement, parseDisclosure, verifyPresentation } from '../../src/disclose/index.js'
import { generateSealKeyPair, open, seal } from '../../src/seal/index.js'
import { sealKeyPairOf } from '../../src/seal/keys.js'
import { Wallet, type FetchLike } from '../../src/wallet/index.js'
import type { AcceptanceContext, CounterContext } from '../../src/vendor/index.js'
import { dealAt, intentBody, startVendor, type Running } from '../wallet/support.js'

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})

const ADDRESS = { street: 'Invalidenstr. 1', postalCode: '10115', locality: 'Berlin', country: 'DE' }

/** Every body the wallet sent and every answer it read, by media type, as the network saw them. */
function wiretap(): { fetch: FetchLike; seen: Array<{ sent: string; answered: string; body: string }> } {
  const seen: Array<{ sent: string; answered: string; body: string }> = []
  return {
    seen,
    fetch: async (url, init) => {
      const response = await fetch(url, init)
      if (init.method === 'POST') {
        const sent = new Headers(init.headers).get('content-type')!
        const body = await response.clone().text()
        seen.push({ sent, answered: response.headers.get('content-type') ?? '', body })
      }
      return response
    },
  }
}

describe('a cast whose answers and moves travel sealed', () => {
  test('offer, counter and agreement are ciphertext on the wire; the vendor reads what was disclosed to it', async () => {
    const counters: CounterContext['disclosed'][] = []
    const acceptances: AcceptanceContext['disclosed'][] = []
    const shop = await startVendor({
      onCounter: (_c, { disclosed }) => (counters.push(disclosed), 'agree'),
      onAcceptance: (_a, { disclosed }) => void acceptances.push(disclosed),
    })
    running.push(shop)
    const wallet = Wallet.create()
    const tap = wiretap()
    const cast = await wallet.cast(intentBody(), [shop.origin], {
      fetch: tap.fetch,
      precise: { region: '10115 Berlin, Invalidenstr. 1' },
    })
    const [offer] = cast.offers
    // The intent names its reply key and hides the precise region behind one digest.
    const replyKey = cast.intent.payload.replyKey!
    expect(replyKey).toEqual((await sealKeyPairOf(await wallet.castKey(cast.castIndex))).publicJwk)
    expect(cast.intent.payload.want.region).toBe('DE-BE')
    expect(cast.intent.payload.want.precise!._sd).toHaveLength(1)
    // The offer names the vendor's encryption key, the one its document lists.
    expect(offer!.proposal.payload.replyKey).toEqual((await sealKeyPairOf(shop.key)).publicJwk)

    const { reply } = await wallet.counter(offer!, dealAt('1850.00'), { fetch: tap.fetch, disclose: ['region'] })
    expect(counters).toEqual([{ precise: { region: '10115 Berlin, Invalidenstr. 1' } }])
    const { agreement, thread } = await wallet.accept(reply!, {
      fetch: tap.fetch,
      details: { address: ADDRESS, email: 'ada@example.org' },
    })
    expect(acceptances).toEqual([{ details: { address: ADDRESS, email: 'ada@example.org' } }])
    expect(thread.state()).toBe('agreed')

    // On the wire: the intent in the clear (it is for the market); everything after it sealed,
    // and no price, address or DID readable in any sealed body.
    expect(tap.seen.map((s) => [s.sent, s.answered])).toEqual([
      ['application/intentcast+jws', 'application/intentcast+jwe'],
      ['application/intentcast+jwe', 'application/intentcast+jwe'],
      ['application/intentcast+jwe', 'application/intentcast+jwe'],
    ])
    for (const { body } of tap.seen) {
      expect(body.split('.')).toHaveLength(5)
      for (const secret of ['1850', 'Invalidenstr', 'ada@example.org', shop.key.did]) expect(body).not.toContain(secret)
    }
    // Both sign the details' digests, which the acceptance alone opens.
    expect(agreement.payload.details).toEqual(thread.acceptance!.payload.details)
  })

  test('a third party verifies the agreement with one disclosure, and learns that field only', async () => {
    const shop = await startVendor()
    running.push(shop)
    const wallet = Wallet.create()
    const [offer] = (await wallet.cast(intentBody(), [shop.origin])).offers
    const { agreement, thread } = await wallet.accept(offer!, {
      details: { address: ADDRESS, email: 'ada@example.org', phone: '+49 30 1234567' },
    })
    const mine = thread.acceptance!.payload.disclosures!
    const email = mine.filter((d) => parseDisclosure(d).name === 'email')
    const shown = presentAgreement(agreement.message, email)
    const { agreement: checked, disclosed } = await verifyPresentation(shown)
    expect(disclosed).toEqual({ email: 'ada@example.org' })
    expect(checked.digest).toBe(agreement.digest)
    expect(shown).not.toContain('Invalidenstr')
    expect(shown).not.toContain('1234567')
    // A disclosure the agreement does not commit to, however well made, is refused.
    const foreign = (await discloseClaims({ email: 'mallory@example.org' })).disclosures
    await expect(verifyPresentation(presentAgreement(agreement.message, foreign))).rejects.toMatchObject({
      code: 'ERR_DISCLOSURE_UNKNOWN',
    })
    await expect(verifyPresentation(presentAgreement(agreement.message, [...email, ...email]))).rejects.toMatchObject({
      code: 'ERR_DISCLOSURE_DUPLICATE',
    })
    await expect(verifyPresentation(presentAgreement(agreement.message, [...mine].reverse()))).rejects.toMatchObject({
      code: 'ERR_DISCLOSURE_ORDER',
    })
  })
})

describe('what a vendor refuses', () => {
  /** An intent cast by hand with a reply key, and the vendor's sealed offer opened. */
  async function opened(shop: Awaited<ReturnType<typeof startVendor>>) {
    const wallet = Wallet.create()
    const castKey = await wallet.castKey(0)
    const replyKeys = await sealKeyPairOf(castKey)
    const intent = await signIntent({ ...intentBody(), replyKey: replyKeys.publicJwk }, castKey)
    const response = await fetch(`${shop.origin}/intentcast/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/intentcast+jws' },
      body: intent,
    })
    expect(response.headers.get('content-type')).toBe('application/intentcast+jwe')
    const offer = await verify(await open(await response.text(), replyKeys), { expect: 'offer' })
    return { castKey, intent: await verify(intent, { expect: 'intent' }), offer }
  }

  test('an acceptance with disclosures that comes in the clear: ERR_SCHEMA, nothing stored', async () => {
    const seen: Verified<'acceptance'>[] = []
    const shop = await startVendor({ onAcceptance: (a) => void seen.push(a) })
    running.push(shop)
    const { castKey, intent, offer } = await opened(shop)
    const { claim, disclosures } = await discloseClaims({ email: 'ada@example.org' })
    const acceptance = await signAcceptance(
      {
        inReplyTo: offer.digest,
        intent: intent.digest,
        ...dealAt('1900.00'),
        details: claim,
        disclosures: [...disclosures],
      },
      castKey,
      { audience: offer.issuer },
    )
    const response = await fetch(`${shop.origin}/intentcast/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/intentcast+jws' },
      body: `${acceptance}\n${acceptance}`,
    })
    expect(response.status).toBe(422)
    expect(((await response.json()) as { code: string }).code).toBe('ERR_SCHEMA')
    expect(seen).toEqual([])
  })

  test('sealed, with a disclosure the acceptance does not commit to: ERR_DISCLOSURE_UNKNOWN, before any callback', async () => {
    const seen: Verified<'acceptance'>[] = []
    const shop = await startVendor({ onAcceptance: (a) => void seen.push(a) })
    running.push(shop)
    const { castKey, intent, offer } = await opened(shop)
    const { claim } = await discloseClaims({ email: 'ada@example.org' })
    const other = await discloseClaims({ email: 'someone@example.org' })
    const acceptance = await signAcceptance(
      {
        inReplyTo: offer.digest,
        intent: intent.digest,
        ...dealAt('1900.00'),
        details: claim,
        disclosures: [...other.disclosures],
      },
      castKey,
      { audience: offer.issuer },
    )
    const body = await seal(`${acceptance}\n${acceptance}`, offer.payload.replyKey!)
    const response = await post(shop, 'application/intentcast+jwe', body)
    expect(response.status).toBe(422)
    expect(((await response.json()) as { code: string }).code).toBe('ERR_DISCLOSURE_UNKNOWN')
    expect(seen).toEqual([])
  })

  test('an intent naming a reply key nothing can be sealed to: 422 ERR_SCHEMA, before on.intent', async () => {
    const seen: Verified<'intent'>[] = []
    const shop = await startVendor({ onIntent: (i) => (seen.push(i), null) })
    running.push(shop)
    const castKey = await generateKeyPair()
    // Small order (all zeros: any agreement with it is all zeros), and non-canonical base64url.
    for (const x of ['A'.repeat(43), 'A'.repeat(42) + 'B']) {
      const payload = { ...intentPayload(castKey), replyKey: { kty: 'OKP', crv: 'X25519', x } }
      const intent = await signCompact(headerFor('intent', castKey), payload, castKey)
      const response = await post(shop, 'application/intentcast+jws', intent)
      expect(response.status).toBe(422)
      expect(((await response.json()) as { code: string }).code).toBe('ERR_SCHEMA')
    }
    expect(seen).toEqual([])
  })

  test('a body sealed to another key, or altered: 400 ERR_DECRYPT', async () => {
    const shop = await startVendor()
    running.push(shop)
    const { offer } = await opened(shop)
    const stranger = await generateSealKeyPair()
    const toStranger = await seal('x.y.z', stranger.publicJwk)
    expect((await post(shop, 'application/intentcast+jwe', toStranger)).status).toBe(400)
    const toShop = await seal('x.y.z', offer.payload.replyKey!)
    const altered = toShop.slice(0, -2) + (toShop.endsWith('AA') ? 'BA' : 'AA')
    const response = await post(shop, 'application/intentcast+jwe', altered)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { code: string }).code).toMatch(/ERR_DECRYPT|ERR_MALFORMED/)
  })

  test('a wallet discloses nothing to a vendor that named no encryption key', async () => {
    const shop = await startVendor()
    running.push(shop)
    const wallet = Wallet.create()
    const [offer] = (await wallet.cast(intentBody(), [shop.origin])).offers
    // As an offer from a vendor that does not seal: no replyKey anywhere in the thread.
    const { replyKey: _dropped, ...payload } = offer!.proposal.payload
    const proposal = { ...offer!.proposal, payload }
    const unsealed = { ...offer!, proposal, thread: new Thread(offer!.thread.intent).add(proposal) }
    await expect(wallet.accept(unsealed, { details: { email: 'ada@example.org' } })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    })
  })
})

function post(shop: Running, type: string, body: string): Promise<Response> {
  return fetch(`${shop.origin}/intentcast/messages`, { method: 'POST', headers: { 'content-type': type }, body })
}
