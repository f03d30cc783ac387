/**
 * Wallet key derivation vectors (spec §HTTP binding, Wallet keys), written to
 * spec/vectors/wallet.json: from a fixed master secret, the HKDF-SHA256 seed, DID and reply key
 * of cast keys (the first, the next, the last index) and of relationship keys for vendors named
 * by origin (in several spellings of one origin) or by DID. Nothing here is random.
 */
import { deriveSealKeyPair } from '../src/seal/index.js'
import { keyPairFromSeed } from '../src/index.js'
import { castSeed, vendorIdentity, vendorSeed, WALLET_SALT } from '../src/wallet/derive.js'
import { hex, seedOf } from './vectors-core.js'

/** The master secret of the vectors: 0x41 × 32. A wallet draws its own from a CSPRNG. */
const MASTER = seedOf(0x41)

const CAST_INDEXES = [0, 1, 2 ** 32 - 1] as const

/** Vendors as a caller may name them: spellings of one origin share one key, and a DID its own. */
const VENDORS = [
  'https://bikes.example',
  'https://Bikes.Example:443/intentcast/messages',
  'http://localhost:8080',
  'https://bikes.example:8443',
  // The vendor key of keys.json, met through a relay (a DID is never an origin).
  'did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH',
] as const

export async function walletVectors() {
  const casts = await Promise.all(
    CAST_INDEXES.map(async (index) => {
      const seed = castSeed(MASTER, index)
      const pair = await keyPairFromSeed(seed)
      const reply = await deriveSealKeyPair(seed)
      return { index, info: `cast/${index}`, seed: hex(seed), did: pair.did, replyKey: reply.publicJwk }
    }),
  )
  const vendors = await Promise.all(
    VENDORS.map(async (vendor) => {
      const seed = vendorSeed(MASTER, vendor)
      return {
        vendor,
        info: `vendor/${vendorIdentity(vendor)}`,
        seed: hex(seed),
        did: (await keyPairFromSeed(seed)).did,
      }
    }),
  )
  return { master: hex(MASTER), salt: WALLET_SALT, casts, vendors }
}
