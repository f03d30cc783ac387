import { IntentcastError } from '../errors.js'
import { keyPairFromSeed, type KeyPair } from '../keys/key-pair.js'
import { castSeed, vendorSeed } from './derive.js'

export interface WalletState {
  /** How many cast keys were handed out. Default 0. */
  readonly casts?: number
}

/**
 * A customer's keys, all derived from one 32-byte master secret (spec §HTTP binding, Wallet
 * keys): a fresh key for every cast, so vendors cannot link casts by key, and one stable key per
 * vendor for acceptances and agreements. Persist the secret and `casts` together: a wallet
 * restored with a lower count would hand out cast keys again, and a reused cast key links casts.
 */
export class Wallet {
  readonly #secret: Uint8Array
  #casts: number

  private constructor(secret: Uint8Array, casts: number) {
    this.#secret = secret
    this.#casts = casts
  }

  /** A new wallet with a random master secret. */
  static create(): Wallet {
    return new Wallet(globalThis.crypto.getRandomValues(new Uint8Array(32)), 0)
  }

  /** Restores a wallet from its master secret (and the cast count it had reached). */
  static fromSecret(secret: Uint8Array, state: WalletState = {}): Wallet {
    if (!(secret instanceof Uint8Array) || secret.length !== 32) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'a wallet master secret is 32 bytes')
    const casts = state.casts ?? 0
    if (!Number.isSafeInteger(casts) || casts < 0) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'casts is a count: a non-negative integer')
    return new Wallet(secret.slice(), casts)
  }

  /** A copy of the master secret: everything the wallet signs with derives from it. */
  exportSecret(): Uint8Array {
    return this.#secret.slice()
  }

  /** How many cast keys were handed out: persist it with the secret. */
  get casts(): number {
    return this.#casts
  }

  /** The next unused cast key. Sign one intent with it, and nothing else. */
  async nextCastKey(): Promise<{ index: number; keyPair: KeyPair }> {
    const index = this.#casts
    const keyPair = await this.castKey(index)
    this.#casts = index + 1
    return { index, keyPair }
  }

  /** Cast key `index`, derived again. */
  castKey(index: number): Promise<KeyPair> {
    return keyPairFromSeed(castSeed(this.#secret, index))
  }

  /** The relationship key for the vendor at `origin`: it signs agreements and is named as `party` in acceptances. */
  vendorKey(origin: string): Promise<KeyPair> {
    return keyPairFromSeed(vendorSeed(this.#secret, origin))
  }
}
