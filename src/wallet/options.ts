/**
 * What a Wallet is made with besides its secret, grouped by concern (only `stores` so far), and
 * checked when the wallet is made: a misspelt key or a store missing a method fails at once, not
 * in the middle of an acceptance.
 */
import { MemoryAgreementStore, type AgreementStore } from '../agreements/store.js'
import { IntentcastError } from '../errors.js'
import { checkStore, MemoryNegotiationStore, type NegotiationStore } from './negotiation-store.js'

/**
 * Where the wallet keeps what it negotiates and what it agrees. Both default to memory stores of
 * this wallet's own, which forget on restart; pass persistent ones (the same to every Wallet
 * over the same secret) to carry on after one.
 *
 * @example
 * ```ts
 * import { RedisAgreementStore } from 'intentcast'
 *
 * const stores: WalletStores = { negotiations: myNegotiationStore, agreements: new RedisAgreementStore(redis, { prefix: 'wallet:agreements:' }) }
 * ```
 */
export interface WalletStores {
  /** The negotiations in progress (`wallet.negotiations()`). Default: a MemoryNegotiationStore. */
  readonly negotiations?: NegotiationStore
  /** Every agreement the wallet gets back, with its thread (`wallet.agreements`). Default: a MemoryAgreementStore. */
  readonly agreements?: AgreementStore
}

/**
 * Everything `Wallet.create` and `Wallet.fromSecret` take beside the secret; nothing else is accepted.
 *
 * @example
 * ```ts
 * const options: WalletOptions = { stores: { negotiations, agreements } }
 * const wallet = Wallet.fromSecret(saved.secret, { casts: saved.casts }, options)
 * ```
 */
export interface WalletOptions {
  readonly stores?: WalletStores
}

/** The stores a wallet uses: the caller's, checked, or fresh memory ones. */
export function resolveWalletOptions(options: WalletOptions): Required<WalletStores> {
  const { stores = {} } = only(options, ['stores'], 'Wallet options') as WalletOptions
  const { negotiations, agreements } = only(stores, ['negotiations', 'agreements'], 'stores') as WalletStores
  if (negotiations !== undefined) checkStore(negotiations, ['get', 'put', 'delete', 'list'], 'stores.negotiations')
  if (agreements !== undefined) checkStore(agreements, ['put', 'get', 'list'], 'stores.agreements')
  return {
    negotiations: negotiations ?? new MemoryNegotiationStore(),
    agreements: agreements ?? new MemoryAgreementStore(),
  }
}

/** `value`, when it is an object whose keys are all in `known`. */
function only(value: unknown, known: readonly string[], what: string): object {
  if (typeof value !== 'object' || value === null) throw invalid(`${what} must be an object`)
  const extra = Object.keys(value).find((k) => !known.includes(k))
  if (extra !== undefined) throw invalid(`${what} have no "${extra.slice(0, 32)}"; they take ${known.join(', ')}`)
  return value
}

const invalid = (message: string): IntentcastError => new IntentcastError('ERR_INVALID_ARGUMENT', message)
