import { IntentcastError } from '../errors.js'
import type { Signer } from '../keys/signer.js'
import type { PayloadOf } from '../model/kinds.js'

/**
 * The party that has not signed an agreement yet must be the one countersigning it. Returns
 * whether that is the customer, whose signature goes first in either envelope.
 */
export function countersignerIsCustomer(
  payload: PayloadOf<'agreement'>,
  signers: readonly string[],
  signer: Signer,
): boolean {
  const second = signers[0] === payload.parties.customer ? payload.parties.vendor : payload.parties.customer
  if (signer.did !== second)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the countersigner must be the party that has not signed yet')
  return second === payload.parties.customer
}
