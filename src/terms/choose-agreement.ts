import { getAgreement } from '../model/roster.js'

/**
 * Where the 7012 agreement two parties would stand on sits in the customer's terms:
 * - `first`: the agreement the customer proffers;
 * - `listed`: an alternative the customer lists as acceptable;
 * - `covered`: outside the list, but an SD agreement that permits the vendor no more than an SD
 *   agreement in the list (the SD chain orders them), so it is at least as protective;
 * - `outside`: outside the list, which is not strict: acceptable only if the customer yields;
 * - `refused`: outside a strict list. Nothing outside it is acceptable.
 */
export type AgreementFit = 'first' | 'listed' | 'covered' | 'outside' | 'refused'

export interface AgreementVerdict {
  /** The agreement (short ID) both stand on or the vendor proposes; absent when none is possible. */
  readonly agreement: string | undefined
  readonly fit: AgreementFit
}

interface CustomerAgreements {
  readonly agreements: readonly string[]
  readonly strict: boolean
}

const permissiveness = (id: string): number | undefined => getAgreement(id)?.permissiveness

/** True when `x` is an SD agreement permitting the vendor no more than some SD agreement in `list`. */
function covered(x: string, list: readonly string[]): boolean {
  const px = permissiveness(x)
  return (
    px !== undefined &&
    list.some((c) => {
      const pc = permissiveness(c)
      return pc !== undefined && px <= pc
    })
  )
}

function outsideFit(customer: CustomerAgreements, x: string): AgreementFit {
  if (customer.strict) return 'refused'
  return covered(x, customer.agreements) ? 'covered' : 'outside'
}

/** Judges the one agreement an offer or counter names. */
export function judgeOffered(customer: CustomerAgreements, offered: string): AgreementVerdict {
  const i = customer.agreements.indexOf(offered)
  const fit = i === 0 ? 'first' : i > 0 ? 'listed' : outsideFit(customer, offered)
  return { agreement: fit === 'refused' ? undefined : offered, fit }
}

/**
 * Picks the agreement for two declarations, as IEEE 7012 lets the vendor answer: accept the
 * proffered agreement, accept one the customer lists (the customer's earliest), or offer one
 * alternative. The alternative is chosen for the customer: the least permissive SD agreement
 * the vendor takes when both sides use the SD chain, else the vendor's most preferred.
 */
export function chooseAgreement(customer: CustomerAgreements, vendorTakes: readonly string[]): AgreementVerdict {
  const taken = new Set(vendorTakes)
  const i = customer.agreements.findIndex((a) => taken.has(a))
  if (i >= 0) return { agreement: customer.agreements[i], fit: i === 0 ? 'first' : 'listed' }
  if (customer.strict) return { agreement: undefined, fit: 'refused' }
  const customerUsesSd = customer.agreements.some((a) => permissiveness(a) !== undefined)
  let pick = vendorTakes[0]!
  if (customerUsesSd) {
    for (const v of vendorTakes) {
      const pv = permissiveness(v)
      const pp = permissiveness(pick)
      if (pv !== undefined && (pp === undefined || pv < pp)) pick = v
    }
  }
  return { agreement: pick, fit: outsideFit(customer, pick) }
}

function named(id: string): string {
  return `${id} (${getAgreement(id)!.label})`
}

/**
 * The sentence for a verdict other than `first`. `vendorTakes` is what a vendor's declaration
 * takes or, when `offered`, the one agreement its proposal names.
 */
export function explainAgreement(
  customer: CustomerAgreements,
  verdict: AgreementVerdict,
  vendorTakes: readonly string[],
  offered: boolean,
): string {
  const first = customer.agreements[0]!
  const yours = customer.agreements.join(', ')
  const x = verdict.agreement
  switch (verdict.fit) {
    case 'listed':
      return `The vendor does not take ${first}, your first choice; it takes ${x}, which you also accept.`
    case 'covered':
      return `The vendor does not take ${first}; it offers ${named(x!)}, which permits it no more than an agreement you accept.`
    case 'outside':
      return `The vendor takes none of your agreements (${yours}); it offers ${named(x!)} instead.`
    default:
      return offered
        ? `The vendor offers ${named(vendorTakes[0]!)}; you accept only ${yours}.`
        : `The vendor takes none of ${yours}, and you accept no others.`
  }
}
