/**
 * `intentcast/terms`: the r-button (`matchTerms`), negotiation (`negotiate` and `rankOffers` for
 * the customer, `answerCounter` for the vendor), the records both parties keep
 * (`exportAgreement`, `agreementJson`) and the check for a term set a program is handed
 * (`parseTermSet`, `safeParseTermSet`). The IEEE 7012 roster, the term catalog and the schemas
 * they draw on are protocol tables, exported by the main entry (`ROSTER`, `CATALOG`, `TermSet`,
 * `Deal`).
 * @module
 */
export { matchTerms, R_BUTTON_STATUS, type MatchResult, type RButtonState, type TermsInput } from './match.js'
export {
  negotiate,
  type AgreedAnswer,
  type CounterAnswer,
  type NegotiationResult,
  type Outcome,
  type RejectedAnswer,
} from './negotiate.js'
export {
  answerCounter,
  type AgreedVendorAnswer,
  type CounterVendorAnswer,
  type RejectedVendorAnswer,
  type VendorAnswer,
} from './answer-counter.js'
export type { VendorPosition } from './vendor-position.js'
export { rankOffers, type Ranking, type RankedOffer, type ExcludedOffer } from './rank.js'
export { agreementJson, exportAgreement, type AgreementExports, type ExportFormat } from './export.js'
export { parseTermSet, safeParseTermSet, type TermSetParseResult } from './parse.js'
export { ODRL_OPERATORS, type OdrlAgreement, type OdrlRule, type OdrlConstraint, type OdrlOperator } from './odrl.js'
export type { AgreementRecord } from './record.js'
export type { ConsentReceipt, Labelled } from './receipt.js'
export type { Envelope, Signature } from './facts.js'
export type { Conflict, Position } from './conflict.js'
export type { Input, OfferInput } from './input.js'
