import { P7012_NAMESPACE } from './roster.js'

const NS = P7012_NAMESPACE

/**
 * The DPV agreement and negotiation statuses intentcast reports, in the IEEE 7012 extension's
 * namespace: one table for the r-button's states and the thread's.
 *
 * @example
 * ```ts
 * import { DPV_STATUS } from 'intentcast'
 *
 * DPV_STATUS.accepted // 'https://w3id.org/dpv/standards/p7012#AgreementAccepted'
 * thread.status() === DPV_STATUS.counterOfferMade // true while a counter is the last word
 * ```
 */
export const DPV_STATUS = Object.freeze({
  initiated: `${NS}AgreementNegotiationInitiated`,
  pendingResponse: `${NS}AgreementNegotiationPendingResponse`,
  counterOfferMade: `${NS}AgreementNegotiationCounterOfferMade`,
  confirmationRequired: `${NS}AgreementNegotiationConfirmationRequired`,
  accepted: `${NS}AgreementAccepted`,
  refused: `${NS}AgreementRefused`,
  terminated: `${NS}AgreementNegotiationTerminated`,
  expired: `${NS}AgreementNegotiationExpired`,
})
