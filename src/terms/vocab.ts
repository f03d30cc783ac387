import { P7012_NAMESPACE } from '../model/roster.js'

/** The IRIs the exports use, in one place so a reviewer can check them against their sources. */

export const ODRL_CONTEXT = 'http://www.w3.org/ns/odrl.jsonld'
export const DPV = 'https://w3id.org/dpv#'
export const XSD = 'http://www.w3.org/2001/XMLSchema#'

/** The processing a 7012 SD agreement allows or prohibits, as DPV concepts. */
export const PROCESSING = Object.freeze({
  serviceDelivery: { iri: `${DPV}ServiceProvision`, label: 'service delivery' },
  analytics: { iri: `${DPV}Analyse`, label: 'analytics by the vendor' },
  tracking: { iri: `${DPV}Monitor`, label: 'tracking by the vendor' },
  profiling: { iri: `${DPV}Profiling`, label: 'profiling by the vendor' },
  sharing: { iri: `${DPV}Share`, label: 'sharing with third parties' },
})

/** The obligation a `-DP` agreement adds. */
export const PORTABILITY = `${P7012_NAMESPACE}PortabilityRequired`

/** Contact with the customer, which `contact-via-agent` confines to the customer's agent. */
export const COMMUNICATION = `${DPV}CommunicationManagement`

export const JURISDICTION_PROPERTY = `${DPV}hasJurisdiction`

/**
 * Catalog terms have short IDs, not IRIs; where an export needs an IRI for one it uses this URN
 * prefix (`urn:intentcast:term:warranty-months`). Extension terms are IRIs already.
 */
export const TERM_URN = 'urn:intentcast:term:'

/** Units of extension number terms, which are bare tokens (`mAh`). */
export const UNIT_URN = 'urn:intentcast:unit:'

export const AGREEMENT_URN = 'urn:intentcast:agreement:'

/** QUDT units for the catalog's fixed units and for ISO 4217 currencies. */
export const QUDT_UNIT: Readonly<Record<string, string>> = Object.freeze({
  day: 'http://qudt.org/vocab/unit/DAY',
  month: 'http://qudt.org/vocab/unit/MO',
})
export const QUDT_CURRENCY = 'http://qudt.org/vocab/currency/'
