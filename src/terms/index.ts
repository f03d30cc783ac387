/**
 * `intentcast/terms`: the r-button (`matchTerms`), negotiation (`negotiate`, `rankOffers`) and
 * the records both parties keep (`exportAgreement`). The IEEE 7012 roster and the term catalog
 * they draw on are protocol tables, exported by the main entry (`ROSTER`, `CATALOG`).
 * @module
 */
export { matchTerms, R_BUTTON_STATUS, type MatchResult, type RButtonState, type TermsInput } from './match.js'
export { negotiate, type NegotiationResult, type Outcome, type Proposal } from './negotiate.js'
export { rankOffers, type Ranking, type RankedOffer, type ExcludedOffer } from './rank.js'
export { exportAgreement, type ExportFormat } from './export.js'
export { ODRL_OPERATORS, type OdrlAgreement, type OdrlRule, type OdrlConstraint, type OdrlOperator } from './odrl.js'
export type { AgreementRecord } from './record.js'
export type { ConsentReceipt } from './receipt.js'
export type { Envelope, Signature } from './facts.js'
export type { Conflict, Position } from './conflict.js'
export type { ProposalInput } from './assess.js'
export type { Input } from './input.js'
