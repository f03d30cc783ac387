/**
 * The IEEE Std 7012-2025 (MyTerms) agreement roster, as published in the W3C DPV extension.
 * A customer proffers one of these; a vendor accepts it, offers one alternative, or rejects.
 */

/**
 * The namespace of the roster's DPV IRIs: an agreement's IRI is this plus its short ID.
 *
 * @example
 * ```ts
 * import { P7012_NAMESPACE } from 'intentcast'
 *
 * P7012_NAMESPACE + 'SD-BASE' // 'https://w3id.org/dpv/standards/p7012#SD-BASE', the agreement's iri
 * ```
 */
export const P7012_NAMESPACE = 'https://w3id.org/dpv/standards/p7012#'

/**
 * The roster's families: `SD` service delivery (one chain, from least to most permissive for
 * the vendor), `PDC` personal data contribution, `TPR` person-to-person relationship.
 *
 * @example
 * ```ts
 * const family: AgreementFamily = getAgreement('PDC-INTENT')!.family // 'PDC'
 * ```
 */
export type AgreementFamily = 'SD' | 'PDC' | 'TPR'

/**
 * One agreement of the roster, as `ROSTER` lists it and `getAgreement` finds it.
 *
 * @example
 * ```ts
 * const agreement: RosterAgreement | undefined = getAgreement('SD-BASE-A')
 * agreement?.label // 'Service delivery and analytics'
 * ```
 */
export interface RosterAgreement {
  /** Short ID, e.g. `SD-BASE`. */
  readonly id: string
  /** The DPV IRI, e.g. `https://w3id.org/dpv/standards/p7012#SD-BASE`. */
  readonly iri: string
  /** A short name for people, e.g. `Service delivery only`. */
  readonly label: string
  /** What the agreement allows and forbids, in a sentence or two. */
  readonly definition: string
  /** The family it belongs to. */
  readonly family: AgreementFamily
  /**
   * SD family only: position in the chain from least to most permissive for the vendor.
   * A `-DP` variant sits just below its base (it adds an obligation on the vendor), so the
   * chain is SD-BASE-DP < SD-BASE < SD-BASE-A-DP < SD-BASE-A < … < SD-BASE-ATP-S3P.
   */
  readonly permissiveness?: number
}

const SD_LEVELS = [
  [
    'SD-BASE',
    'Service delivery only',
    'Data may be used only to deliver the service. Analytics, tracking and profiling by the vendor or a third party are prohibited, and so is sharing with third parties.',
  ],
  ['SD-BASE-A', 'Service delivery and analytics', 'As SD-BASE, but the vendor may perform analytics.'],
  ['SD-BASE-AT', 'Service delivery, analytics and tracking', 'As SD-BASE-A, plus tracking by the vendor.'],
  [
    'SD-BASE-ATP',
    'Service delivery, analytics, tracking and profiling',
    'As SD-BASE-AT, plus profiling by the vendor.',
  ],
  [
    'SD-BASE-ATP-S3P',
    'As SD-BASE-ATP, plus anonymised sharing',
    'As SD-BASE-ATP, plus sharing of fully anonymised data with third parties.',
  ],
] as const

const OTHERS: ReadonlyArray<readonly [string, AgreementFamily, string, string]> = [
  ['PDC', 'PDC', 'Personal data contribution', 'The person contributes personal data for a stated purpose.'],
  [
    'PDC-INTENT',
    'PDC',
    'Personal data contribution for intent casting',
    'The person contributes personal data so that vendors can answer their intent.',
  ],
  [
    'PDC-GOOD',
    'PDC',
    'Personal data contribution for the public good',
    'The person contributes personal data for a public-good purpose.',
  ],
  [
    'PDC-AI',
    'PDC',
    'Personal data contribution for AI training',
    'The person contributes personal data for training AI systems.',
  ],
  ['TPR', 'TPR', 'Person-to-person relationship', 'Terms for a relationship between two persons.'],
  [
    'TPR-IDENTITY-REF',
    'TPR',
    'Person-to-person relationship with identity reference',
    'A person-to-person relationship that refers to a verified identity.',
  ],
]

function build(): ReadonlyArray<RosterAgreement> {
  const out: RosterAgreement[] = []
  SD_LEVELS.forEach(([id, label, definition], level) => {
    out.push(
      Object.freeze({
        id: `${id}-DP`,
        iri: P7012_NAMESPACE + `${id}-DP`,
        label: `${label}, with data portability`,
        definition: `${definition} The vendor must also provide data portability.`,
        family: 'SD',
        permissiveness: level * 2,
      }),
      Object.freeze({ id, iri: P7012_NAMESPACE + id, label, definition, family: 'SD', permissiveness: level * 2 + 1 }),
    )
  })
  for (const [id, family, label, definition] of OTHERS) {
    out.push(Object.freeze({ id, iri: P7012_NAMESPACE + id, label, definition, family }))
  }
  return Object.freeze(out)
}

/**
 * Every agreement in the roster: the SD chain in permissiveness order, then PDC and TPR.
 *
 * @example
 * ```ts
 * import { ROSTER } from 'intentcast'
 *
 * ROSTER.filter((a) => a.family === 'SD').map((a) => a.id) // ['SD-BASE-DP', 'SD-BASE', 'SD-BASE-A-DP', …, 'SD-BASE-ATP-S3P']
 * ```
 */
export const ROSTER: ReadonlyArray<RosterAgreement> = build()

const BY_ID: ReadonlyMap<string, RosterAgreement> = new Map(
  ROSTER.flatMap((a) => [[a.id, a] as const, [a.iri, a] as const]),
)

/**
 * Looks up an agreement by short ID or full IRI.
 *
 * @example
 * ```ts
 * import { getAgreement } from 'intentcast'
 *
 * getAgreement('SD-BASE')?.label // 'Service delivery only'
 * ```
 */
export function getAgreement(idOrIri: string): RosterAgreement | undefined {
  return BY_ID.get(idOrIri)
}

/**
 * The short ID for a short ID or IRI, or undefined when it is not in the roster.
 *
 * @example
 * ```ts
 * import { normalizeAgreementId } from 'intentcast'
 *
 * normalizeAgreementId('https://w3id.org/dpv/standards/p7012#SD-BASE-A') // 'SD-BASE-A'
 * normalizeAgreementId('SD-EVERYTHING') // undefined
 * ```
 */
export function normalizeAgreementId(idOrIri: string): string | undefined {
  return BY_ID.get(idOrIri)?.id
}
