/**
 * The cost of sealing (spec §Encrypted envelopes), in each binding: open + verify of an encrypted
 * offer against verify of the same offer in the clear, and the bytes sealing adds. And of
 * selective disclosure (spec §Selective disclosure): checking disclosures against their digests,
 * and a third party's verification of an agreement shown with one disclosure.
 */
import { keyPairFromSeed, verify } from '../src/index.js'
import { checkDisclosures, discloseClaims, presentAgreement, verifyPresentation } from '../src/disclose/index.js'
import { openAndVerify, seal, sealKeyPairFromSeed } from '../src/seal/index.js'
import { typicalMessages } from './cose.js'
import type { measure as Measure } from './harness.js'

export async function sealBench(measure: typeof Measure) {
  const { offer } = await typicalMessages()
  const customer = await keyPairFromSeed(new Uint8Array(32).fill(1))
  const replyKeys = await sealKeyPairFromSeed(new Uint8Array(32).fill(0x11))
  const sealed = { jws: await seal(offer.jws, replyKeys.publicJwk), cose: await seal(offer.cose, replyKeys.publicJwk) }
  const options = { now: new Date('2030-01-01T00:00:00Z'), expect: 'offer', audience: customer.did } as const
  const plain = await measure('verify(offer), sequential', 1, () => verify(offer.jws, options))
  const opened = await measure('open + verify an encrypted offer, sequential', 1, () =>
    openAndVerify(sealed.jws, replyKeys, options),
  )
  const plainCose = await measure('verify(offer) in COSE, sequential', 1, () => verify(offer.cose, options))
  const openedCose = await measure('open + verify an encrypted offer in COSE, sequential', 1, () =>
    openAndVerify(sealed.cose, replyKeys, options),
  )
  const ratio = (a: { opsPerSec: number }, b: { opsPerSec: number }) => Number((a.opsPerSec / b.opsPerSec).toFixed(3))
  const size = (plainBytes: number, sealedBytes: number) => ({
    offer: plainBytes,
    sealedOffer: sealedBytes,
    added: sealedBytes - plainBytes,
  })
  // Three details behind their digests, as an acceptance carries them; the agreement commits to them.
  const details = await discloseClaims({
    address: { street: 'Invalidenstr. 1', postalCode: '10115', locality: 'Berlin', country: 'DE' },
    email: 'ada@example.org',
    phone: '+49 30 1234567',
  })
  const { agreement } = await typicalMessages(undefined, customer, details.claim)
  const checked = await measure('checkDisclosures: 3 disclosures against their digest set', 1, () =>
    checkDisclosures(details.claim, details.disclosures),
  )
  const shown = presentAgreement(agreement.jws, [details.disclosures[0]!])
  const presented = await measure('verifyPresentation: an agreement (two signatures) and one disclosure', 1, () =>
    verifyPresentation(shown, { now: options.now }),
  )
  return {
    results: [plain, opened, plainCose, openedCose, checked, presented],
    // Bytes on the wire: the JWE is text (one byte a character), the COSE_Encrypt bytes.
    sizes: { jws: size(offer.jws.length, sealed.jws.length), cose: size(offer.cose.length, sealed.cose.length) },
    openOverVerify: { jws: ratio(opened, plain), cose: ratio(openedCose, plainCose) },
  }
}
