import { IntentcastError } from '../errors.js'
import type { AgreementPayload } from '../model/agreement.js'
import { factsOf } from './facts.js'
import type { Input } from './input.js'
import { toOdrl } from './odrl.js'
import { toReceipt } from './receipt.js'
import { toRecord } from './record.js'

/**
 * - `json`: our own record (AgreementRecord), with the fields IEEE 7012 asks both parties keep;
 * - `odrl`: an ODRL 2.2 `Agreement` in JSON-LD (OdrlAgreement);
 * - `receipt`: a consent-receipt summary under the ISO/IEC TS 27560 headings (ConsentReceipt).
 */
export type ExportFormat = 'json' | 'odrl' | 'receipt'

const BUILD = { json: toRecord, odrl: toOdrl, receipt: toReceipt } as const

/**
 * Exports an agreement, verified (its two signatures are then included) or as a bare payload,
 * as JSON text. The same agreement always gives the same text.
 */
export function exportAgreement(agreement: Input<AgreementPayload>, format: ExportFormat): string {
  const build = Object.hasOwn(BUILD, format) ? BUILD[format] : undefined
  if (!build) throw new IntentcastError('ERR_INVALID_ARGUMENT', `export format must be json, odrl or receipt`)
  return JSON.stringify(build(factsOf(agreement)), null, 2)
}
