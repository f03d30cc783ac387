/**
 * What an SD agreement allows the vendor, read from its definition in the roster: each step up
 * the chain adds one allowance, and a `-DP` variant adds the portability obligation.
 */
export interface Allowances {
  readonly analytics: boolean
  readonly tracking: boolean
  readonly profiling: boolean
  /** Sharing fully anonymised data with third parties. */
  readonly anonymisedSharing: boolean
  /** The vendor must provide data portability. */
  readonly portability: boolean
}

const CHAIN = ['SD-BASE', 'SD-BASE-A', 'SD-BASE-AT', 'SD-BASE-ATP', 'SD-BASE-ATP-S3P'] as const

/** The allowances of an SD agreement (short ID); undefined for PDC and TPR agreements. */
export function allowancesOf(id: string): Allowances | undefined {
  const portability = id.endsWith('-DP')
  const level = CHAIN.indexOf((portability ? id.slice(0, -3) : id) as (typeof CHAIN)[number])
  if (level < 0) return undefined
  return {
    analytics: level >= 1,
    tracking: level >= 2,
    profiling: level >= 3,
    anonymisedSharing: level >= 4,
    portability,
  }
}
