import type { AgreementPayload } from '../model/agreement.js'
import { factsOf } from './facts.js'
import { invalidArgument, readArg, type Input } from './input.js'
import { toOdrl, type OdrlAgreement } from './odrl.js'
import { toReceipt, type ConsentReceipt } from './receipt.js'
import { toRecord, type AgreementRecord } from './record.js'

/** What each format of `exportAgreement` gives. */
export interface AgreementExports {
  /** Our own record, with the fields IEEE 7012 asks both parties keep. */
  readonly json: AgreementRecord
  /** An ODRL 2.2 `Agreement` in JSON-LD. */
  readonly odrl: OdrlAgreement
  /** A consent-receipt summary under the ISO/IEC TS 27560 headings. */
  readonly receipt: ConsentReceipt
}

/**
 * The formats `exportAgreement` writes: `json`, `odrl` or `receipt`.
 *
 * @example
 * ```ts
 * for (const format of ['json', 'odrl', 'receipt'] satisfies ExportFormat[]) writeFileSync(`agreement.${format}.json`, agreementJson(agreement, format))
 * ```
 */
export type ExportFormat = keyof AgreementExports

const BUILD: { readonly [F in ExportFormat]: (f: ReturnType<typeof factsOf>) => AgreementExports[F] } = {
  json: toRecord,
  odrl: toOdrl,
  receipt: toReceipt,
}

/**
 * Exports an agreement (spec §Records) as a plain JSON value: `json` an AgreementRecord, `odrl`
 * an OdrlAgreement, `receipt` a ConsentReceipt. A verified agreement's export carries its digest
 * and both signatures; a bare payload's has neither, as nothing vouches for them. The same
 * agreement always gives an equal object, which shares nothing with the agreement: changing it
 * cannot change the message.
 *
 * @example
 * ```ts
 * import { exportAgreement } from 'intentcast/terms'
 *
 * const agreement = await verify(bytes, { expect: 'agreement' })
 * const odrl = exportAgreement(agreement, 'odrl') // OdrlAgreement
 * const record = exportAgreement(agreement, 'json') // AgreementRecord
 * record.signatures.map((s) => s.party) // ['customer', 'vendor']
 * ```
 */
export function exportAgreement(agreement: Input<AgreementPayload>, format: 'json'): AgreementRecord
export function exportAgreement(agreement: Input<AgreementPayload>, format: 'odrl'): OdrlAgreement
export function exportAgreement(agreement: Input<AgreementPayload>, format: 'receipt'): ConsentReceipt
export function exportAgreement<F extends ExportFormat>(
  agreement: Input<AgreementPayload>,
  format: F,
): AgreementExports[F]
export function exportAgreement(
  agreement: Input<AgreementPayload>,
  format: ExportFormat,
): AgreementExports[ExportFormat] {
  const build = typeof format === 'string' && Object.hasOwn(BUILD, format) ? BUILD[format] : undefined
  if (!build) throw invalidArgument('exportAgreement: format must be json, odrl or receipt')
  // A deep copy: the builders reuse the payload's own arrays and objects (its conditions, item,
  // set values), which the caller must not be able to change through the export.
  return structuredClone(build(factsOf(readArg(agreement, ['agreement'], 'exportAgreement: agreement'))))
}

/**
 * The export as JSON text, two-space indented: what a party files or sends. The same agreement
 * always gives the same text, byte for byte.
 *
 * @example
 * ```ts
 * import { agreementJson } from 'intentcast/terms'
 *
 * writeFileSync('agreement.odrl.json', agreementJson(agreement, 'odrl') + '\n')
 * ```
 */
export function agreementJson(agreement: Input<AgreementPayload>, format: ExportFormat): string {
  return JSON.stringify(exportAgreement(agreement, format), null, 2)
}
