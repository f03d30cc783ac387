/**
 * An acceptance whose `details` holds a digest it does not disclose is refused (ERR_BROKEN_LINK):
 * the agreement copies `details`, and a vendor must never countersign a commitment to a detail it
 * was not given, which the customer could later present as signed by both.
 */
import { describe, expect, test } from 'vitest'
import { signAcceptance, signAgreement, signIntent, Thread, verify } from '../../src/index.js'
import { discloseClaims, parseDisclosure } from '../../src/disclose/index.js'
import { open, seal } from '../../src/seal/index.js'
import { sealKeyPairOf } from '../../src/seal/keys.js'
import type { AcceptanceContext } from '../../src/vendor/index.js'
import { Wallet } from '../../src/wallet/index.js'
import { dealAt, intentBody, vendorHandler } from '../wallet/support.js'

const endpoint = 'https://shop.example/intentcast/messages'
const post = (type: string, body: string) =>
  new Request(endpoint, { method: 'POST', headers: { 'content-type': type }, body })

describe('details the vendor never saw, committed in the agreement it countersigned', () => {
  for (const withDisclosure of [true, false]) {
    test(`acceptance ${withDisclosure ? 'discloses email only' : 'discloses nothing'}; the note stays hidden from the vendor`, async () => {
      const seen: AcceptanceContext['disclosed'][] = []
      const { handler } = await vendorHandler({ onAcceptance: (_a, { disclosed }) => void seen.push(disclosed) })
      const castKey = await Wallet.create().castKey(0)
      const replyKeys = await sealKeyPairOf(castKey)
      const intentJws = await signIntent({ ...intentBody(), replyKey: replyKeys.publicJwk }, castKey)
      const offerRes = await handler(post('application/intentcast+jws', intentJws))
      const offer = await verify(await open(await offerRes.text(), replyKeys), { expect: 'offer' })
      const intent = await verify(intentJws, { expect: 'intent' })

      // Two details behind digests; only the email is given to the vendor.
      const details = await discloseClaims({
        email: 'ada@example.org',
        note: 'Vendor waives all fees and refunds on demand for 5 years',
      })
      const email = details.disclosures.filter((d) => parseDisclosure(d).name === 'email')
      const acceptance = await signAcceptance(
        {
          inReplyTo: offer.digest,
          intent: intent.digest,
          ...dealAt('1900.00'),
          details: details.claim,
          ...(withDisclosure && { disclosures: email }),
        },
        castKey,
        { audience: offer.issuer },
      )
      const thread = new Thread(intent).add(offer).add(await verify(acceptance, { expect: 'acceptance' }))
      const agreementJws = await signAgreement(thread.agreementBody(), castKey)
      const res = await handler(
        post('application/intentcast+jwe', await seal(`${acceptance}\n${agreementJws}`, offer.payload.replyKey!)),
      )
      // A vendor never countersigns a commitment to details it was not given, nor hears of them.
      expect(((await res.json()) as { code: string }).code).toBe('ERR_BROKEN_LINK')
      expect(seen).toEqual([])
      expect(res.status).toBe(422)
    })
  }
})
