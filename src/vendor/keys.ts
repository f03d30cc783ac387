/**
 * Which of the vendor's keys a message is for. A vendor that rotates keeps its previous keys
 * working until they expire, so a thread opened under an old key is answered, and its
 * agreement countersigned, with that key: the thread requires the vendor's moves to come from
 * the DID the customer addressed. A message to any other DID is not ours (ERR_AUDIENCE).
 */
import { IntentcastError } from '../errors.js'
import type { Verified } from '../envelope/verify.js'
import type { KeyPair } from '../keys/key-pair.js'
import { liveKeys, vendorKey, type VendorKey } from '../model/vendor-document.js'
import type { PreviousKey } from './options.js'

export class VendorKeys {
  readonly current: KeyPair
  readonly #previous: readonly PreviousKey[]

  constructor(current: KeyPair, previous: readonly PreviousKey[]) {
    this.current = current
    this.#previous = previous
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
}
