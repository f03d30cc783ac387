import { importedPublicKey, type PreparedPublicKey } from '../crypto/prepared.js'
import { IntentcastError } from '../errors.js'
import { BoundedCache } from '../lib/bounded-cache.js'
import { publicKeyFromDid, publicKeyFromJwk, type PublicJwk } from './did-key.js'

/** What a resolver returns: the raw 32-byte key, or an Ed25519 JWK. */
export type ResolvedKey = Uint8Array | PublicJwk

/**
 * Resolves a signer's key for DID methods other than did:key (did:web, a JWKS URL, a registry).
 * Gets the `kid` (a DID URL) and its DID; returns the key, or throws / returns undefined if unknown.
 */
export type KeyResolver = (kid: string, did: string) => ResolvedKey | undefined | Promise<ResolvedKey | undefined>

/**
 * Prepared keys, so verifying many messages from one signer imports the key once.
 * did:key kids map to one key forever, so they are cached by kid. Keys from a resolver are
 * cached by their bytes only: the resolver is asked every time, since it may rotate or revoke.
 */
const cache = new BoundedCache<string, PreparedPublicKey>(1024)

async function prepare(id: string, raw: () => Uint8Array): Promise<PreparedPublicKey> {
  const hit = cache.get(id)
  if (hit) return hit
  const prepared = await importedPublicKey(raw())
  cache.set(id, prepared)
  return prepared
}

/** The prepared public key that `kid` names. Throws ERR_KEY_UNRESOLVED if there is none. */
export async function resolvePublicKey(kid: string, did: string, resolveKey?: KeyResolver): Promise<PreparedPublicKey> {
  if (did.startsWith('did:key:')) return prepare(kid, () => publicKeyFromDid(did))
  if (!resolveKey)
    throw new IntentcastError(
      'ERR_KEY_UNRESOLVED',
      `no resolver for ${did.slice(0, 64)}; only did:key resolves locally`,
    )
  let found: ResolvedKey | undefined
  try {
    found = await resolveKey(kid, did)
  } catch (cause) {
    throw new IntentcastError('ERR_KEY_UNRESOLVED', `could not resolve ${kid.slice(0, 128)}`, { cause })
  }
  if (found === undefined) throw new IntentcastError('ERR_KEY_UNRESOLVED', `no key for ${kid.slice(0, 128)}`)
  const raw = found instanceof Uint8Array ? found : publicKeyFromJwk(found)
  return prepare('raw:' + String.fromCharCode(...raw), () => raw)
}
