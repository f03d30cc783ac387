import { IntentcastError } from '../errors.js'
import type { CounterPayload } from '../model/counter.js'
import type { IntentPayload } from '../model/intent.js'
import type { DealTerms, Term } from '../model/term-set.js'
import { assess, brokenLink, type Assessment, type ProposalInput } from './assess.js'
import { canonicalTerm, sortTerms } from './canonical.js'
import { AGREEMENT, type Conflict } from './conflict.js'
import { payloadOf, type Input } from './input.js'
import { forEachTerm } from './judge.js'
import { customerFromIntent, DELIVER_BY, PRICE, statement, type CustomerSide } from './side.js'

export type Outcome = 'agreed' | 'counter' | 'rejected'

/** The body of a counter: pass it, with `inReplyTo` and `intent`, to `signCounter`. */
export type Proposal = Pick<CounterPayload, 'quantity' | 'price' | 'deliverBy' | 'terms'>

export interface NegotiationResult {
  readonly outcome: Outcome
  /**
   * `agreed`: the proposal's own terms, unchanged, to repeat in the acceptance; `counter`: the
   * counter's terms; `rejected`: the proposal's terms that were rejected.
   */
  readonly terms: DealTerms
  /** Every term where the proposal departs from the customer's position, sorted by term. */
  readonly conflicts: Conflict[]
  /** For `counter` only. */
  readonly proposal?: Proposal
}

/**
 * The customer's answer to an offer or a counter from the vendor:
 * - `rejected` when a conflict is one no counter can settle (see `Fate`);
 * - else `counter` when a term can move to the customer's position, with a proposal that
 *   moves every such term there and keeps the rest of the vendor's proposal as it is, so it is
 *   never worse for the customer on any term and never crosses a hard limit;
 * - else `agreed`, perhaps having yielded negotiable terms the vendor marks required.
 * Throws ERR_BROKEN_LINK when the proposal does not answer this intent.
 */
export function negotiate(intent: Input<IntentPayload>, proposal: ProposalInput): NegotiationResult {
  const reason = brokenLink(intent, proposal)
  if (reason) throw new IntentcastError('ERR_BROKEN_LINK', reason)
  const customer = customerFromIntent(payloadOf(intent))
  const a = assess(customer, payloadOf(proposal))
  if (a.blocked) return { outcome: 'rejected', terms: a.proposal.terms, conflicts: a.conflicts }
  if (!a.movable) return { outcome: 'agreed', terms: a.proposal.terms, conflicts: a.conflicts }
  const counter = counterOf(customer, a)
  return { outcome: 'counter', terms: counter.terms, conflicts: a.conflicts, proposal: counter }
}

function counterOf(customer: CustomerSide, a: Assessment): Proposal {
  const moved = (id: string) => a.fates.get(id) === 'move'
  const conditions: Term[] = []
  forEachTerm(customer.terms, a.vendor.terms, (id, c, v) => {
    // The counter's own fields carry price and delivery.
    if (id === PRICE || id === DELIVER_BY) return
    const t = moved(id) ? c : v
    if (t) conditions.push(canonicalTerm(t, false))
  })
  sortTerms(conditions)
  const price = moved(PRICE) ? customer.terms.get(PRICE)! : statement(a.vendor, PRICE)!
  const date = (moved(DELIVER_BY) ? customer.terms.get(DELIVER_BY) : statement(a.vendor, DELIVER_BY))?.value as string | undefined
  const terms: DealTerms = {
    agreement: moved(AGREEMENT) ? customer.agreements[0]! : a.vendor.agreements[0]!,
    ...(conditions.length > 0 && { conditions }),
  }
  return {
    quantity: a.proposal.quantity,
    price: { amount: price.value as string, currency: price.unit! },
    ...(date !== undefined && { deliverBy: date }),
    terms,
  }
}
