/**
 * An acceptance costs the vendor one verification of the customer's agreement signature. The
 * handler used to verify it three times: to read the agreement, again inside `countersign`, and
 * once more in `verify` of the countersigned result.
 *
 * Counted at the bottom: every Ed25519 verification in the SDK, JWS and COSE alike, goes
 * through `verifyPrepared` (src/crypto/prepared.ts; `verifyEd25519`, which COSE uses, calls it
 * too). The module is replaced by one whose `verifyPrepared` is a spy around the real one, so
 * the signatures are still checked, and each call is matched by the signature bytes it checks:
 * the customer's agreement signature, taken from the bytes the customer posted.
 */
import { describe, expect, test, vi } from 'vitest'
import { decodeCoseMessage } from '../../src/cose/message.js'
import { verifyPrepared } from '../../src/crypto/prepared.js'
import { joinMessages } from '../../src/http/media-type.js'
import { dealOf, generateKeyPair, signAcceptance, signAgreement, signIntent, verify, Thread } from '../../src/index.js'
import { decodeBase64url } from '../../src/lib/base64url.js'
import { createVendorHandler } from '../../src/vendor/index.js'
import { intentBody, request, vendorOptions } from './support.js'

// Hoisted above the imports by vitest: every importer of the module, the SDK included, gets this one.
vi.mock('../../src/crypto/prepared.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/crypto/prepared.js')>()
  return { ...original, verifyPrepared: vi.fn(original.verifyPrepared) }
})

const spy = vi.mocked(verifyPrepared)
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])

/** The one signature of a customer-signed agreement, in either envelope. */
function customerSignature(agreement: string | Uint8Array): Uint8Array {
  if (typeof agreement === 'string')
    return decodeBase64url(
      (JSON.parse(agreement) as { signatures: [{ signature: string }] }).signatures[0].signature,
      'signature',
    )
  const [, , , signatures] = decodeCoseMessage(agreement, 'COSE_Sign', {}) as [
    unknown,
    unknown,
    unknown,
    [[unknown, unknown, Uint8Array]],
  ]
  return signatures[0][2]
}

describe('the acceptance path verifies the customer’s agreement signature once', () => {
  for (const format of ['jws', 'cose'] as const) {
    test(format, async () => {
      const key = await generateKeyPair()
      const handler = createVendorHandler(vendorOptions(key))
      await handler.ready
      const post = (body: string | Uint8Array) =>
        handler(
          request('/intentcast/messages', {
            method: 'POST',
            headers: { 'content-type': `application/intentcast+${format}` },
            body: typeof body === 'string' ? body : new Uint8Array(body),
          }),
        )
      const customer = await generateKeyPair()
      const intent = await verify(await signIntent(intentBody(), customer, { format }), { expect: 'intent' })
      const answer = await post(intent.message)
      expect(answer.status).toBe(200)
      const offer = await verify(format === 'jws' ? await answer.text() : new Uint8Array(await answer.arrayBuffer()), {
        expect: 'offer',
      })
      const acceptance = await signAcceptance(
        { inReplyTo: offer.digest, intent: intent.digest, ...dealOf(offer.payload) },
        customer,
        { audience: key.did, format },
      )
      const body = new Thread(intent)
        .add(offer)
        .add(await verify(acceptance))
        .agreementBody()
      const agreement = await signAgreement(body, customer, { format })
      const signature = customerSignature(agreement)

      spy.mockClear()
      const response = await post(joinMessages(acceptance, agreement))
      expect(response.status).toBe(200)
      const checksOfTheAgreementSignature = spy.mock.calls.filter(([, , sig]) => same(sig, signature))
      expect(checksOfTheAgreementSignature).toHaveLength(1)
      // And nothing else was verified but the acceptance: not the customer's signature again,
      // not the vendor's own fresh one.
      expect(spy).toHaveBeenCalledTimes(2)

      // The answer is the full agreement, valid for anyone who verifies it.
      const full = await verify(
        format === 'jws' ? await response.text() : new Uint8Array(await response.arrayBuffer()),
        { expect: 'agreement' },
      )
      expect(full.signers).toEqual([customer.did, key.did])
    })
  }
})
