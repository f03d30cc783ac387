import type { CounterPayload } from '../model/counter.js'
import type { IntentPayload } from '../model/intent.js'
import type { OfferPayload } from '../model/offer.js'
import { explainAgreement, judgeOffered, type AgreementVerdict } from './choose-agreement.js'
import { AGREEMENT, positionOf, QUANTITY, sortConflicts, type Conflict } from './conflict.js'
import { explainGap } from './explain.js'
import type { Read } from './input.js'
import { asks, forEachTerm, gapOf } from './judge.js'
import { vendorFromOffer, type CustomerSide, type VendorSide } from './side.js'

/**
 * What becomes of one differing term when the customer answers an offer or a counter:
 * - `move`: a counter moves it to the customer's position (the vendor did not mark it required);
 * - `yield`: the customer gives way (the vendor marked it required, the customer did not);
 * - `block`: no counter settles it (both marked it required, the vendor requires a term the
 *   customer does not declare, a strict agreement list, a different quantity).
 */
export type Fate = 'move' | 'yield' | 'block'

/** The customer's view of one offer or counter, computed once for negotiate and rankOffers. */
export interface Assessment {
  readonly offer: OfferPayload | CounterPayload
  readonly vendor: VendorSide
  readonly agreement: AgreementVerdict
  /** The fate of each term with a gap, and of the agreement and quantity (under those names). */
  readonly fates: ReadonlyMap<string, Fate>
  /** Some fate is `block`; some is `move`. */
  readonly blocked: boolean
  readonly movable: boolean
  readonly conflicts: Conflict[]
  /** How many of the customer's asks (agreement, terms) the offer meets, out of `asked`. */
  readonly met: number
  readonly asked: number
}

const SUFFIX: Readonly<Record<Exclude<Fate, 'move'>, string>> = {
  yield: ' The vendor marks it required and you do not, so its value stands.',
  block: ' Both sides mark it required, so no counter can settle it.',
}

export function assess(customer: CustomerSide, p: OfferPayload | CounterPayload): Assessment {
  const vendor = vendorFromOffer(p)
  const fates = new Map<string, Fate>()
  const conflicts: Conflict[] = []
  const offered = vendor.agreements[0]!
  const agreement = judgeOffered(customer, offered)
  let met = 0
  let asked = 1
  if (agreement.fit === 'first') met++
  else if (agreement.fit === 'outside' || agreement.fit === 'refused') {
    const fate: Fate = agreement.fit === 'refused' ? 'block' : 'move'
    fates.set(AGREEMENT, fate)
    conflicts.push({
      term: AGREEMENT,
      customer: customer.agreements,
      vendor: [offered],
      required: fate === 'block',
      message: explainAgreement(customer, agreement, [offered], true),
    })
  }
  if (customer.quantity !== undefined && customer.quantity !== p.quantity) {
    fates.set(QUANTITY, 'block')
    conflicts.push({
      term: QUANTITY,
      customer: customer.quantity,
      vendor: p.quantity,
      required: true,
      message: `The vendor offers a quantity of ${p.quantity}; you want ${customer.quantity}. A counter keeps the quantity the vendor priced.`,
    })
  }
  forEachTerm(customer.terms, vendor.terms, (id, c, v) => {
    const isAsk = c !== undefined && asks(c)
    if (isAsk) asked++
    const gap = gapOf(id, c, v)
    if (!gap) {
      if (isAsk) met++
      return
    }
    const customerHard = c?.required === true
    const vendorFirm = v?.required === true
    const fate: Fate = gap === 'unknown' || (customerHard && vendorFirm) ? 'block' : vendorFirm ? 'yield' : 'move'
    fates.set(id, fate)
    const message = explainGap(id, gap, c, v) + (fate === 'move' || gap === 'unknown' ? '' : SUFFIX[fate])
    conflicts.push({
      term: id,
      customer: positionOf(c),
      vendor: positionOf(v),
      required: gap === 'unknown' || customerHard,
      message,
    })
  })
  let blocked = false
  let movable = false
  for (const f of fates.values()) {
    blocked ||= f === 'block'
    movable ||= f === 'move'
  }
  return { offer: p, vendor, agreement, fates, blocked, movable, conflicts: sortConflicts(conflicts), met, asked }
}

/**
 * Why an offer or counter (a proposal, in the spec's words) cannot belong to this intent, or
 * undefined. It must be addressed to the intent's issuer and, when the intent's digest is known,
 * reference it.
 */
export function brokenLink(intent: Read<IntentPayload>, p: OfferPayload | CounterPayload): string | undefined {
  if (p.aud !== intent.payload.iss) return "the proposal is not addressed to the intent's issuer"
  const ref = 'intent' in p ? p.intent : p.inReplyTo
  if (intent.digest !== undefined && ref !== intent.digest) return 'the proposal answers a different intent'
  return undefined
}
