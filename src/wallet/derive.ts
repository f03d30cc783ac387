import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { IntentcastError } from '../errors.js'
import { didFromPublicKey, publicKeyFromDid } from '../keys/did-key.js'
import { utf8 } from '../lib/utf8.js'

/** HKDF salt for every wallet key (spec §HTTP binding, Wallet keys). */
export const WALLET_SALT = 'intentcast/0.1 wallet'

/** The largest cast index: indexes stay exact integers in every language. */
const MAX_CAST_INDEX = 2 ** 32 - 1

/** The 32-byte Ed25519 seed HKDF-SHA256 derives from the master secret for `info`. */
function derive(master: Uint8Array, info: string): Uint8Array {
  return hkdf(sha256, master, utf8(WALLET_SALT), utf8(info), 32)
}

/** The seed of cast key `index`: info `cast/<index>`, the index in decimal. */
export function castSeed(master: Uint8Array, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > MAX_CAST_INDEX) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `a cast index is an integer from 0 to ${MAX_CAST_INDEX}`)
  }
  return derive(master, `cast/${index}`)
}

/**
 * The seed of the relationship key for one vendor: info `vendor/<origin>`, the origin in RFC 6454
 * ASCII form, or, for a vendor the wallet met through a relay and knows by its key only,
 * `vendor/<did>`. A DID and an http(s) origin never spell the same string, so the two kinds of
 * vendor never share a key.
 */
export function vendorSeed(master: Uint8Array, vendor: string): Uint8Array {
  return derive(master, `vendor/${vendorIdentity(vendor)}`)
}

/** How a vendor is named in its key's derivation: its canonical origin, or its did:key as it is. */
export function vendorIdentity(vendor: string): string {
  if (typeof vendor !== 'string' || !vendor.startsWith('did:')) return canonicalOrigin(vendor)
  // A DID is the vendor's own spelling of its key: one vendor, one string, one relationship key.
  if (!isDidKey(vendor)) throw new IntentcastError('ERR_INVALID_ARGUMENT', `${vendor.slice(0, 64)} is not a did:key`)
  return vendor
}

function isDidKey(did: string): boolean {
  try {
    return didFromPublicKey(publicKeyFromDid(did)) === did
  } catch {
    return false
  }
}

/** `https://Shop.Example:443/x` → `https://shop.example`: one vendor, one spelling, one key. */
export function canonicalOrigin(origin: string): string {
  let url: URL
  try {
    url = new URL(origin)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${String(origin).slice(0, 64)} is not a URL`, { cause })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a vendor origin is http(s)')
  return url.origin
}
