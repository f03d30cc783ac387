/**
 * Which of the vendor's keys a message is for. A vendor that rotates keeps its previous keys
 * working until they expire, so a thread opened under an old key is answered, and its
 * agreement countersigned, with that key: the thread requires the vendor's moves to come from
 * the DID the customer addressed. A message to any other DID is not ours (ERR_AUDIENCE).
 *
 * Each signing key has its encryption key, derived from its seed (spec §Encrypted envelopes,
 * Keys): a proposal signed by a key names that key's encryption key as its `replyKey`, and the
 * two are listed, and retired, together.
 */
import { IntentcastError } from '../errors.js'
import type { Verified } from '../envelope/verify.js'
import type { KeyPair } from '../keys/key-pair.js'
import { decodeBase64url } from '../lib/base64url.js'
import { liveKeys, vendorKey, type VendorKey, type VendorSealKey } from '../model/vendor-document.js'
import { sealKeyPairOf, type SealKeyPair, type SealPublicJwk } from '../seal/keys.js'
import type { PreviousKey } from './options.js'

export class VendorKeys {
  readonly current: KeyPair
  readonly #previous: readonly PreviousKey[]

  constructor(current: KeyPair, previous: readonly PreviousKey[]) {
    this.current = current
    this.#previous = previous
  }

  /** The encryption keys that open sealed bodies now: the current key's, then those of live previous keys. */
  sealKeys(now = Date.now()): Promise<SealKeyPair[]> {
    const live = [this.current, ...this.#previous.filter((k) => k.expiresAt.getTime() > now).map((k) => k.keyPair)]
    return Promise.all(live.map((k) => sealKeyPairOf(k)))
  }

  /** The key whose DID is `did`, if it may sign now. */
  find(did: string | undefined, now = Date.now()): KeyPair | undefined {
    if (did === this.current.did) return this.current
    return this.#previous.find((k) => k.keyPair.did === did && k.expiresAt.getTime() > now)?.keyPair
  }

  /**
   * The key a message is addressed to. A message without `aud` (a broadcast intent, a
   * withdrawal) is ours when `required` is false, and then has no key of its own (undefined).
   */
  addressedKey(m: Verified, required: boolean): KeyPair | undefined {
    const aud = 'aud' in m.payload ? m.payload.aud : undefined
    if (aud === undefined && !required) return undefined
    const key = this.find(aud)
    if (!key) throw new IntentcastError('ERR_AUDIENCE', `this ${m.kind} is not addressed to this vendor`)
    return key
  }

  /** The key a message that must name us in `aud` (a counter, an acceptance) is addressed to. */
  requiredKey(m: Verified): KeyPair {
    return this.addressedKey(m, true)!
  }

  /** The keys the vendor document lists: the current one, then previous ones until they expire. */
  listed(now = new Date()): VendorKey[] {
    const retired = this.#previous.map((k) => vendorKey(k.keyPair, 'retired', Math.floor(k.expiresAt.getTime() / 1000)))
    return liveKeys([vendorKey(this.current, 'current'), ...retired], now)
  }

  /**
   * The secret the vendor's answers are sealed again with, byte for byte (`sealOnce`): the
   * current encryption key's private bytes, which every process of the vendor shares.
   */
  async answerSecret(): Promise<Uint8Array> {
    return decodeBase64url((await sealKeyPairOf(this.current)).privateJwk.d, 'seal key d')
  }

  /** The encryption keys the vendor document lists, with the status and `exp` of their signing keys. */
  async listedSealKeys(now = new Date()): Promise<VendorSealKey[]> {
    const entry = async (keyPair: KeyPair, status: VendorSealKey['status'], exp?: Date): Promise<VendorSealKey> => {
      const { x, kid } = (await sealKeyPairOf(keyPair)).publicJwk
      return {
        kty: 'OKP',
        crv: 'X25519',
        x,
        kid: kid!,
        use: 'enc',
        status,
        ...(exp && { exp: Math.floor(exp.getTime() / 1000) }),
      }
    }
    const keys = [
      entry(this.current, 'current'),
      ...this.#previous.map((k) => entry(k.keyPair, 'retired', k.expiresAt)),
    ]
    return liveKeys(await Promise.all(keys), now)
  }
}

/**
 * The `replyKey` claim of an offer signed by `key`: that key's encryption key, for the customer
 * to seal its counters and acceptance to. Only for an intent that named a reply key of its own,
 * the customer's sign that it seals; to any other the offer is what it was before sealing.
 */
export async function replyKeyClaim(intent: Verified<'intent'>, key: KeyPair): Promise<{ replyKey?: SealPublicJwk }> {
  return intent.payload.replyKey === undefined ? {} : { replyKey: (await sealKeyPairOf(key)).publicJwk }
}
