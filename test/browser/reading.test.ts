/** What <r-button> shows, worked out in Node: the states, the agreed lines, the failures. */
import { describe, expect, it } from 'vitest'
import { VENDOR_TERMS } from '../../examples/browser/serve.js'
import { IntentcastError, type TermSet } from '../../src/index.js'
import { readTermSet } from '../../src/r-button/input.js'
import { readFailure, readMatch, UNKNOWN } from '../../src/r-button/reading.js'

const vendor = { terms: VENDOR_TERMS, name: 'Glasgow Prams' }

describe('readMatch', () => {
  it('lists the agreement and every condition as agreed when the terms match', () => {
    const r = readMatch(
      { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '90', unit: 'day', required: true }] },
      vendor,
    )
    expect(r.state).toBe('lit')
    expect(r.label).toBe('Terms match')
    expect(r.summary).toBe('Glasgow Prams takes your terms as they are.')
    expect(r.agreed).toEqual([
      'Service delivery only (SD-BASE)',
      'Deletion on request: yes',
      'Payment methods: card, paypal',
      'Data retention: 30 days',
      'Returns window: 30 days',
    ])
    expect(r.conflicts).toEqual([])
  })

  it('keeps disputed terms out of the agreed lines', () => {
    const customer: TermSet = {
      agreements: ['SD-BASE-DP'],
      conditions: [{ id: 'returns-days', value: '60', unit: 'day' }],
    }
    const r = readMatch(customer, { terms: VENDOR_TERMS })
    expect(r.state).toBe('partial')
    expect(r.summary).toMatch(/^This vendor meets every term you require/)
    expect(r.conflicts.map((c) => c.term)).toEqual(['agreement', 'returns-days'])
    expect(r.agreed.some((line) => line.includes('SD-BASE') || line.startsWith('Returns'))).toBe(false)
  })

  it('is dark when a required term is not met', () => {
    const r = readMatch(
      { agreements: ['SD-BASE'], conditions: [{ id: 'retention-days', value: '7', unit: 'day', required: true }] },
      vendor,
    )
    expect(r.state).toBe('dark')
    expect(r.label).toBe("Terms don't match")
    expect(r.conflicts).toEqual([
      expect.objectContaining({
        term: 'retention-days',
        required: true,
        message: 'The vendor states data retention of 30 days; you allow at most 7 days.',
      }),
    ])
  })
})

describe('readFailure', () => {
  it('is the unknown state, with the reason and the error code', () => {
    const r = readFailure(
      "The vendor's terms",
      new IntentcastError('ERR_SIGNATURE_INVALID', 'signature does not verify'),
    )
    expect(r).toMatchObject({ state: 'unknown', label: 'Terms unknown', agreed: [], conflicts: [] })
    expect(r.error).toBe("The vendor's terms: signature does not verify (ERR_SIGNATURE_INVALID)")
    expect(readFailure('Your terms', 'odd').error).toBe('Your terms: odd')
    expect(UNKNOWN.error).toBeUndefined()
  })
})

describe('readTermSet', () => {
  it('reads JSON text and objects alike, and names the input in its errors', () => {
    expect(readTermSet('{"agreements":["SD-BASE"]}', 'customer-terms')).toEqual({ agreements: ['SD-BASE'] })
    expect(readTermSet({ agreements: ['SD-BASE'], strict: true }, 'customerTerms')).toEqual({
      agreements: ['SD-BASE'],
      strict: true,
    })
    expect(() => readTermSet('{"agreements":', 'customer-terms')).toThrow('customer-terms is not valid JSON')
    expect(() => readTermSet('{"agreements":["SD-BASE"],"agreements":["PDC"]}', 'vendor-terms')).toThrow(/vendor-terms/)
    expect(() => readTermSet({ agreements: [] }, 'vendorTerms')).toThrow(
      /^vendorTerms is not a valid TermSet: agreements: /,
    )
    expect(() => readTermSet(null, 'vendorTerms')).toThrow(/^vendorTerms is not a valid TermSet: \(root\)/)
    expect(() => readTermSet(null, 'vendorTerms')).toThrow(
      expect.objectContaining({ name: 'IntentcastError', code: 'ERR_INVALID_ARGUMENT' }),
    )
  })
})
