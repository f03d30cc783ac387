/**
 * The cost of sealing (spec §Encrypted envelopes): open + verify of an encrypted offer against
 * verify of the same offer in the clear, and the bytes sealing adds.
 */
import { keyPairFromSeed, verify } from '../src/index.js'
import { openAndVerify, seal, sealKeyPairFromSeed } from '../src/seal/index.js'
import { typicalMessages } from './cose.js'
import type { measure as Measure } from './harness.js'

export async function sealBench(measure: typeof Measure) {
  const { offer } = await typicalMessages()
  const customer = await keyPairFromSeed(new Uint8Array(32).fill(1))
  const replyKeys = await sealKeyPairFromSeed(new Uint8Array(32).fill(0x11))
  const sealed = await seal(offer.jws, replyKeys.publicJwk)
  const options = { now: new Date('2030-01-01T00:00:00Z'), expect: 'offer', audience: customer.did } as const
  const plain = await measure('verify(offer), sequential', 1, () => verify(offer.jws, options))
  const opened = await measure('open + verify an encrypted offer, sequential', 1, () =>
    openAndVerify(sealed, replyKeys, options),
  )
  return {
    results: [plain, opened],
    sizes: { offer: offer.jws.length, sealedOffer: sealed.length },
    openOverVerify: Number((opened.opsPerSec / plain.opsPerSec).toFixed(3)),
  }
}
