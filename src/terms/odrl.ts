// Over 250 lines on purpose: one mapping (terms to ODRL), rule by rule, each with the DPV concept
// it names; splitting it would separate a rule from the vocabulary it uses.
import type { Term } from '../model/term-set.js'
import { allowancesOf } from './allowances.js'
import { getTermDefinition } from '../model/catalog.js'
import type { AgreementFacts } from './facts.js'
import {
  COMMUNICATION,
  JURISDICTION_PROPERTY,
  ODRL_CONTEXT,
  PORTABILITY,
  PROCESSING,
  QUDT_CURRENCY,
  QUDT_UNIT,
  TERM_URN,
  UNIT_URN,
  XSD,
} from './vocab.js'

/**
 * The ODRL 2.2 constraint operators; an export uses these and no others.
 *
 * @example
 * ```ts
 * import { ODRL_OPERATORS, type OdrlOperator } from 'intentcast/terms'
 *
 * const isOperator = (op: string): op is OdrlOperator => (ODRL_OPERATORS as readonly string[]).includes(op)
 * ```
 */
export const ODRL_OPERATORS = ['eq', 'neq', 'gt', 'gteq', 'lt', 'lteq', 'isAnyOf', 'isAllOf', 'isNoneOf'] as const
/**
 * One of ODRL_OPERATORS.
 *
 * @example
 * ```ts
 * const at: OdrlOperator = 'lteq'
 * ```
 */
export type OdrlOperator = (typeof ODRL_OPERATORS)[number]

/**
 * One ODRL constraint of a rule: `leftOperand operator rightOperand`, with a unit where the
 * operand is a quantity.
 *
 * @example
 * ```ts
 * const c: OdrlConstraint = { leftOperand: 'elapsedTime', operator: 'lteq', rightOperand: { '@value': 'P30D', '@type': 'http://www.w3.org/2001/XMLSchema#duration' } }
 * ```
 */
export interface OdrlConstraint {
  readonly leftOperand: string
  readonly operator: OdrlOperator
  readonly rightOperand: unknown
  readonly unit?: string
}

/**
 * One ODRL permission, prohibition or obligation: who (`assignee`) may, may not or must do what
 * (`action`) to what (`target`), towards whom (`assigner`).
 *
 * @example
 * ```ts
 * const prohibited = exportAgreement(agreement, 'odrl').prohibition.map((rule: OdrlRule) => rule.action)
 * ```
 */
export interface OdrlRule {
  readonly target: string
  readonly assigner: string
  readonly assignee: string
  readonly action: string
  readonly constraint?: OdrlConstraint[]
  readonly duty?: Array<{ readonly action: string }>
}

/**
 * An agreement as an ODRL 2.2 `Agreement` in JSON-LD (`exportAgreement(…, 'odrl')`).
 *
 * @example
 * ```ts
 * const odrl: OdrlAgreement = exportAgreement(agreement, 'odrl')
 * odrl.uid // 'urn:intentcast:agreement:…'
 * ```
 */
export interface OdrlAgreement {
  readonly '@context': string
  readonly '@type': 'Agreement'
  readonly uid: string
  readonly permission: OdrlRule[]
  readonly prohibition: OdrlRule[]
  readonly obligation: OdrlRule[]
  readonly [JURISDICTION_PROPERTY]?: string[]
}

const typed = (value: string, type: string) => ({ '@value': value, '@type': XSD + type })
const ref = (iri: string) => ({ '@id': iri })
const INTEGER = /^[0-9]+$/

/** A whole number of days or months as an xsd:duration; a fraction as a decimal with its unit. */
function period(value: string, unit: 'day' | 'month'): Pick<OdrlConstraint, 'rightOperand' | 'unit'> {
  if (INTEGER.test(value)) return { rightOperand: typed(`P${value}${unit === 'day' ? 'D' : 'M'}`, 'duration') }
  return { rightOperand: typed(value, 'decimal'), unit: QUDT_UNIT[unit]! }
}

/**
 * The agreement as an ODRL 2.2 `Agreement`. Parties are stated per rule, because they point
 * both ways: rules on the customer's personal data bind the vendor (assignee) to the customer
 * (assigner), since an ODRL prohibition or duty binds its assignee; the duty to pay binds the
 * customer to the vendor. Targets are the agreement's personal data and its item.
 */
export function toOdrl(f: AgreementFacts): OdrlAgreement {
  const p = f.payload
  const { customer, vendor } = p.parties
  const data = `${f.uid}:personal-data`
  const item = `${f.uid}:item`
  const onData = { target: data, assigner: customer, assignee: vendor }
  const onItem = { target: item, assigner: customer, assignee: vendor }
  const permission: OdrlRule[] = []
  const prohibition: OdrlRule[] = []
  const obligation: OdrlRule[] = []

  // The 7012 agreement: what the vendor may do with the customer's data.
  const allows = allowancesOf(f.agreement.id)
  if (allows) {
    permission.push({
      ...onData,
      action: 'use',
      constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: ref(PROCESSING.serviceDelivery.iri) }],
    })
    for (const k of ['analytics', 'tracking', 'profiling'] as const)
      (allows[k] ? permission : prohibition).push({ ...onData, action: PROCESSING[k].iri })
    if (allows.anonymisedSharing)
      permission.push({ ...onData, action: PROCESSING.sharing.iri, duty: [{ action: 'anonymize' }] })
    else prohibition.push({ ...onData, action: PROCESSING.sharing.iri })
    if (allows.portability) obligation.push({ ...onData, action: PORTABILITY })
  } else {
    // PDC and TPR agreements define their purpose themselves: the agreement's IRI names it.
    permission.push({
      ...onData,
      action: 'use',
      constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: ref(f.agreement.iri) }],
    })
  }

  // The deal: the vendor transfers the item, by the delivery date; the customer pays.
  obligation.push({
    ...onItem,
    action: 'transfer',
    ...(p.deliverBy !== undefined && {
      constraint: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: typed(p.deliverBy, 'dateTime') }],
    }),
  })
  const pay: OdrlConstraint[] = [
    {
      leftOperand: 'payAmount',
      operator: 'eq',
      rightOperand: typed(p.price.amount, 'decimal'),
      unit: QUDT_CURRENCY + p.price.currency,
    },
  ]
  const methods = f.conditions.get('payment-methods')
  if (methods) pay.push({ leftOperand: 'deliveryChannel', operator: 'isAnyOf', rightOperand: methods.value })
  obligation.push({ target: item, assigner: vendor, assignee: customer, action: 'compensate', constraint: pay })

  let jurisdiction: string[] | undefined
  for (const t of f.conditions.values()) {
    switch (t.id) {
      case 'retention-days':
        obligation.push({
          ...onData,
          action: 'delete',
          constraint: [{ leftOperand: 'elapsedTime', operator: 'lteq', ...period(t.value as string, 'day') }],
        })
        break
      case 'deletion-on-request':
        if (t.value === true)
          obligation.push({
            ...onData,
            action: 'delete',
            constraint: [{ leftOperand: 'event', operator: 'eq', rightOperand: ref(getTermDefinition(t.id)!.dpv!) }],
          })
        break
      case 'no-resale':
        if (t.value === true) prohibition.push({ ...onData, action: 'sell' })
        break
      case 'contact-via-agent':
        if (t.value === true) {
          prohibition.push({
            ...onData,
            action: 'use',
            constraint: [
              { leftOperand: 'purpose', operator: 'eq', rightOperand: ref(COMMUNICATION) },
              { leftOperand: 'deliveryChannel', operator: 'neq', rightOperand: ref(customer) },
            ],
          })
        }
        break
      case 'jurisdiction':
        jurisdiction = t.value as string[]
        break
      case 'returns-days':
        // The customer may give the item back to the vendor within the window.
        permission.push({
          target: item,
          assigner: vendor,
          assignee: customer,
          action: 'transfer',
          constraint: [
            { leftOperand: 'elapsedTime', operator: 'lteq', ...period(t.value as string, 'day') },
            { leftOperand: 'recipient', operator: 'eq', rightOperand: ref(vendor) },
          ],
        })
        break
      case 'warranty-months':
        obligation.push({
          ...onItem,
          action: TERM_URN + t.id,
          constraint: [{ leftOperand: 'elapsedTime', operator: 'lteq', ...period(t.value as string, 'month') }],
        })
        break
      case 'price':
      case 'deliver-by':
      case 'payment-methods':
        break // stated by the compensate and transfer duties above
      default:
        extension(t, onItem, obligation)
    }
  }
  return {
    '@context': ODRL_CONTEXT,
    '@type': 'Agreement',
    uid: f.uid,
    permission,
    prohibition,
    obligation,
    ...(jurisdiction && { [JURISDICTION_PROPERTY]: jurisdiction }),
  }
}

/**
 * An extension term becomes a duty of the vendor named by the term's IRI, its value a
 * constraint on that same IRI as left operand (ODRL lets a profile define both).
 */
function extension(t: Term, parties: Omit<OdrlRule, 'action'>, obligation: OdrlRule[]): void {
  switch (t.type) {
    case 'obligation':
      if (t.value === true) obligation.push({ ...parties, action: t.id })
      return
    case 'set':
      obligation.push({
        ...parties,
        action: t.id,
        constraint: [{ leftOperand: t.id, operator: 'isAnyOf', rightOperand: t.value }],
      })
      return
    case 'date':
      obligation.push({
        ...parties,
        action: t.id,
        constraint: [{ leftOperand: t.id, operator: 'eq', rightOperand: typed(t.value as string, 'dateTime') }],
      })
      return
    default:
      obligation.push({
        ...parties,
        action: t.id,
        constraint: [
          {
            leftOperand: t.id,
            operator: 'eq',
            rightOperand: typed(t.value as string, 'decimal'),
            unit: UNIT_URN + t.unit!,
          },
        ],
      })
  }
}
