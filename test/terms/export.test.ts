import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import {
  countersign,
  keyPairFromSeed,
  signAgreement,
  signIntent,
  verify,
  type AgreementBody,
  type Verified,
} from '../../src/index.js'
import {
  agreementJson,
  exportAgreement,
  ODRL_OPERATORS,
  type AgreementRecord,
  type ConsentReceipt,
  type ExportFormat,
  type OdrlAgreement,
  type OdrlRule,
} from '../../src/terms/index.js'
import { agreementSignatures } from '../../src/envelope/signatures.js'
import { ext, refusal, verified } from './support.js'

const NOW = new Date('2026-01-01T00:00:00Z')
const D = (c: string) => c.repeat(43)
let agreement: Verified<'agreement', 'jws'>
let customerDid: string
let vendorDid: string

const body = (customer: string, vendor: string, agreementId: string): AgreementBody => ({
  parties: { customer, vendor },
  refs: { intent: D('A'), offer: D('B'), acceptance: D('C') },
  item: { name: 'cargo bike' },
  quantity: 1,
  price: { amount: '1899.00', currency: 'EUR' },
  deliverBy: '2026-01-09T17:00:00Z',
  terms: {
    agreement: agreementId,
    conditions: [
      { id: 'retention-days', value: '30', unit: 'day' },
      { id: 'deletion-on-request', value: true },
      { id: 'no-resale', value: true },
      { id: 'contact-via-agent', value: true },
      { id: 'jurisdiction', value: ['DE'] },
      { id: 'returns-days', value: '14', unit: 'day' },
      { id: 'warranty-months', value: '24', unit: 'month' },
      { id: 'payment-methods', value: ['card', 'bank'] },
      { id: ext('gift-wrap'), type: 'obligation', value: true },
      { id: ext('battery'), type: 'number', better: 'higher', unit: 'Wh', value: '500.5' },
      { id: ext('colour'), type: 'set', value: ['red'] },
    ],
  },
})

async function keys() {
  const c = await keyPairFromSeed(new Uint8Array(32).fill(11))
  const v = await keyPairFromSeed(new Uint8Array(32).fill(12))
  customerDid = c.did
  vendorDid = v.did
  return [c, v] as const
}

async function signed(agreementId: string): Promise<Verified<'agreement', 'jws'>> {
  const [c, v] = await keys()
  const half = await signAgreement(body(c.did, v.did, agreementId), v, { now: NOW, jti: 'agreement-0001' })
  return verify(await countersign(half, c, { now: NOW }), { now: NOW, expect: 'agreement' })
}

beforeAll(async () => {
  agreement = await signed('SD-BASE-A-DP')
})

const rules = (o: OdrlAgreement): OdrlRule[] => [...o.permission, ...o.prohibition, ...o.obligation]
const constraintsOf = (r: OdrlRule & { duty?: object[] }): Array<Record<string, unknown>> =>
  (r.constraint ?? []) as never

describe('exportAgreement: json', () => {
  it('holds the 7012 record fields: parties, agreement ID, time and both signatures', () => {
    const rec = exportAgreement(agreement, 'json')
    expect(rec.type).toBe('intentcast-agreement-record')
    expect(rec.id).toBe('urn:intentcast:agreement:agreement-0001')
    expect(rec.parties).toEqual({ customer: customerDid, vendor: vendorDid })
    expect(rec.agreement).toEqual({
      id: 'SD-BASE-A-DP',
      iri: 'https://w3id.org/dpv/standards/p7012#SD-BASE-A-DP',
      label: 'Service delivery and analytics, with data portability',
    })
    expect(rec.time).toBe('2026-01-01T00:00:00Z')
    expect(rec.digest).toBe(agreement.digest)
    const jws = JSON.parse(agreement.message) as { signatures: Array<{ protected: string; signature: string }> }
    expect(rec.signatures).toEqual([
      { party: 'customer', signer: customerDid, ...jws.signatures[0]! },
      { party: 'vendor', signer: vendorDid, ...jws.signatures[1]! },
    ])
    expect(rec.conditions).toEqual(agreement.payload.terms.conditions)
    expect(rec.envelope).toEqual({ format: 'jws', message: agreement.message })
  })

  it('lets either party re-verify the agreement from the record alone', async () => {
    const rec = exportAgreement(agreement, 'json')
    const again = await verify(rec.envelope!.message, { now: NOW })
    expect(again.digest).toBe(rec.digest)
  })

  it('takes both signatures from a COSE_Sign agreement too', async () => {
    const [c, v] = await keys()
    const half = await signAgreement(body(c.did, v.did, 'SD-BASE'), c, {
      now: NOW,
      jti: 'agreement-0002',
      format: 'cose',
    })
    const cose = await verify(await countersign(half, v, { now: NOW }), { now: NOW, expect: 'agreement' })
    const rec = exportAgreement(cose, 'json')
    expect(rec.envelope).toEqual({ format: 'cose', message: Buffer.from(cose.message).toString('base64url') })
    expect(rec.signatures.map((s) => [s.party, s.signer])).toEqual([
      ['customer', customerDid],
      ['vendor', vendorDid],
    ])
    for (const s of rec.signatures) expect(Buffer.from(s.signature, 'base64url')).toHaveLength(64)
    const again = await verify(new Uint8Array(Buffer.from(rec.envelope!.message, 'base64url')), { now: NOW })
    expect(again.digest).toBe(rec.digest)
  })

  it('exports a bare payload without signatures', () => {
    const rec = exportAgreement(agreement.payload, 'json')
    expect(rec.signatures).toEqual([])
    expect(rec.digest).toBeUndefined()
    expect(rec.envelope).toBeUndefined()
  })

  it('gives an equal object, and the same text, for the same agreement', () => {
    for (const format of ['json', 'odrl', 'receipt'] as const) {
      expect(exportAgreement(agreement, format)).toEqual(exportAgreement(agreement, format))
      expect(agreementJson(agreement, format)).toBe(agreementJson(agreement, format))
      // The text is the object's two-space JSON, as exportAgreement wrote it before it returned objects.
      expect(agreementJson(agreement, format)).toBe(JSON.stringify(exportAgreement(agreement, format), null, 2))
      expect(JSON.parse(agreementJson(agreement, format))).toEqual(exportAgreement(agreement, format))
    }
  })

  it('returns a value typed by its format', () => {
    expectTypeOf(exportAgreement(agreement, 'json')).toEqualTypeOf<AgreementRecord>()
    expectTypeOf(exportAgreement(agreement, 'odrl')).toEqualTypeOf<OdrlAgreement>()
    expectTypeOf(exportAgreement(agreement, 'receipt')).toEqualTypeOf<ConsentReceipt>()
    expectTypeOf(exportAgreement(agreement, 'json' as ExportFormat)).toEqualTypeOf<
      AgreementRecord | OdrlAgreement | ConsentReceipt
    >()
    expectTypeOf(agreementJson(agreement, 'odrl')).toEqualTypeOf<string>()
  })

  it('shares nothing with the agreement: changing the export does not change the message', () => {
    const before = JSON.stringify(agreement.payload)
    const rec = exportAgreement(agreement, 'json') as { conditions: Array<{ value: unknown }>; item: { name: string } }
    rec.conditions[0]!.value = 'changed'
    rec.conditions.length = 0
    rec.item.name = 'changed'
    const odrl = exportAgreement(agreement, 'odrl')
    ;(odrl.obligation.find((r) => r.action === 'compensate')!.constraint![1]!.rightOperand as string[]).push('cash')
    expect(JSON.stringify(agreement.payload)).toBe(before)
  })

  it('refuses an unknown format', () => {
    expect(refusal(() => exportAgreement(agreement, 'xml' as never))).toMatch(
      /^ERR_INVALID_ARGUMENT: .*json, odrl or receipt/,
    )
  })

  it('refuses a bare payload that is not an agreement, naming the argument and the first issue (not a TypeError)', () => {
    const { terms: _, ...noTerms } = agreement.payload
    expect(refusal(() => exportAgreement(noTerms as never, 'json'))).toBe(
      'ERR_INVALID_ARGUMENT: exportAgreement: agreement is not an agreement payload: terms: required',
    )
    const badPrice = { ...agreement.payload, price: { amount: 1899, currency: 'EUR' } }
    expect(refusal(() => exportAgreement(badPrice as never, 'odrl'))).toMatch(
      /^ERR_INVALID_ARGUMENT: exportAgreement: agreement is not an agreement payload: price\.amount: /,
    )
    expect(
      refusal(() =>
        exportAgreement({ payload: { ...agreement.payload, terms: { agreement: 'NOPE' } } } as never, 'receipt'),
      ),
    ).toMatch(
      /^ERR_INVALID_ARGUMENT: exportAgreement: agreement is not an agreement payload: terms\.agreement: an IEEE 7012 agreement from the roster/,
    )
    expect(refusal(() => exportAgreement(null as never, 'json'))).toMatch(
      /^ERR_INVALID_ARGUMENT: exportAgreement: agreement is null; pass /,
    )
  })

  it('exports a copy of a verified agreement as a bare payload: nothing vouches for its digest or signatures', () => {
    const copy = { ...agreement }
    const rec = exportAgreement(copy, 'json')
    expect(rec.signatures).toEqual([])
    expect(rec.digest).toBeUndefined()
    expect(rec.envelope).toBeUndefined()
    expect(exportAgreement(copy, 'odrl')).toEqual(exportAgreement(agreement, 'odrl'))
  })

  it('reads the signatures from the envelope in one place (envelope/signatures.ts), for JWS and COSE', async () => {
    const jws = JSON.parse(agreement.message) as { signatures: Array<{ protected: string; signature: string }> }
    expect(agreementSignatures(agreement.message)).toEqual(jws.signatures)
    const [c, v] = await keys()
    const half = await signAgreement(body(c.did, v.did, 'SD-BASE'), v, {
      now: NOW,
      jti: 'agreement-0003',
      format: 'cose',
    })
    const cose = await verify(await countersign(half, c, { now: NOW }), { now: NOW, expect: 'agreement' })
    const sigs = agreementSignatures(cose.message)
    expect(sigs).toHaveLength(2)
    expect(
      exportAgreement(cose, 'json').signatures.map(({ protected: p, signature }) => ({ protected: p, signature })),
    ).toEqual(sigs)
    expect(refusal(() => agreementSignatures('{"payload":"x"}'))).toMatch(/^ERR_MALFORMED: /)
    expect(refusal(() => agreementSignatures(new Uint8Array([0xd2, 0x80])))).toMatch(/^ERR_MALFORMED: /)
  })

  it('refuses an object made up to look verified whose message is no agreement envelope', () => {
    expect(refusal(() => exportAgreement(verified(agreement.payload, 'D'.repeat(43)), 'json'))).toBe(
      'ERR_INVALID_ARGUMENT: exportAgreement: agreement is not as verify returned it: its message is not an agreement envelope',
    )
  })

  it('refuses a verified message of another kind', async () => {
    const [c] = await keys()
    const intent = await verify(
      await signIntent({ want: { item: { name: 'cargo bike' } }, terms: { agreements: ['SD-BASE'] } }, c, { now: NOW }),
      { now: NOW },
    )
    expect(refusal(() => exportAgreement(intent as never, 'json'))).toBe(
      'ERR_INVALID_ARGUMENT: exportAgreement: agreement is a verified intent; pass an agreement, as verify returned it or its payload',
    )
  })
})

describe('exportAgreement: odrl', () => {
  it('is an ODRL 2.2 Agreement with uid, parties on every rule, and ODRL operators only', () => {
    const o = exportAgreement(agreement, 'odrl')
    expect(o['@context']).toBe('http://www.w3.org/ns/odrl.jsonld')
    expect(o['@type']).toBe('Agreement')
    expect(o.uid).toMatch(/^urn:intentcast:agreement:/)
    expect(o.permission.length + o.prohibition.length).toBeGreaterThan(0)
    for (const r of rules(o)) {
      expect(typeof r.action).toBe('string')
      expect(r.target).toMatch(/^urn:intentcast:agreement:agreement-0001:(personal-data|item)$/)
      expect([customerDid, vendorDid]).toContain(r.assigner)
      expect([customerDid, vendorDid]).toContain(r.assignee)
      expect(r.assigner).not.toBe(r.assignee)
      for (const c of constraintsOf(r)) {
        expect(Object.keys(c).every((k) => ['leftOperand', 'operator', 'rightOperand', 'unit'].includes(k))).toBe(true)
        expect(ODRL_OPERATORS).toContain(c.operator)
        expect(typeof c.leftOperand).toBe('string')
        expect(c.rightOperand).toBeDefined()
      }
    }
  })

  it('maps the 7012 agreement to permissions, prohibitions and the portability duty', () => {
    const o = exportAgreement(agreement, 'odrl')
    const dpv = (x: string) => `https://w3id.org/dpv#${x}`
    const onData = (rs: OdrlRule[]) => rs.filter((r) => r.target.endsWith(':personal-data')).map((r) => r.action)
    expect(onData(o.permission)).toEqual(['use', dpv('Analyse')])
    expect(onData(o.prohibition)).toEqual(
      expect.arrayContaining([dpv('Monitor'), dpv('Profiling'), dpv('Share'), 'sell']),
    )
    expect(onData(o.obligation)).toEqual(
      expect.arrayContaining(['https://w3id.org/dpv/standards/p7012#PortabilityRequired', 'delete']),
    )
    // Rules on the customer's data bind the vendor: ODRL prohibitions and duties bind the assignee.
    for (const r of [...o.prohibition, ...o.obligation].filter((x) => x.target.endsWith(':personal-data'))) {
      expect(r).toMatchObject({ assigner: customerDid, assignee: vendorDid })
    }
  })

  it('states the deal: transfer by the delivery date, payment of the price, retention, returns', () => {
    const o = exportAgreement(agreement, 'odrl')
    const transfer = o.obligation.find((r) => r.action === 'transfer')!
    expect(transfer).toMatchObject({
      assignee: vendorDid,
      constraint: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: { '@value': '2026-01-09T17:00:00Z' } }],
    })
    const pay = o.obligation.find((r) => r.action === 'compensate')!
    expect(pay.assignee).toBe(customerDid)
    expect(pay.constraint).toEqual([
      {
        leftOperand: 'payAmount',
        operator: 'eq',
        rightOperand: { '@value': '1899.00', '@type': 'http://www.w3.org/2001/XMLSchema#decimal' },
        unit: 'http://qudt.org/vocab/currency/EUR',
      },
      { leftOperand: 'deliveryChannel', operator: 'isAnyOf', rightOperand: ['card', 'bank'] },
    ])
    const retention = o.obligation.find(
      (r) => r.action === 'delete' && r.constraint?.[0]?.leftOperand === 'elapsedTime',
    )!
    expect(retention.constraint![0]!.rightOperand).toEqual({
      '@value': 'P30D',
      '@type': 'http://www.w3.org/2001/XMLSchema#duration',
    })
    const returns = o.permission.find((r) => r.action === 'transfer')!
    expect(returns).toMatchObject({ assigner: vendorDid, assignee: customerDid })
    expect(o['https://w3id.org/dpv#hasJurisdiction']).toEqual(['DE'])
    expect(o.obligation.map((r) => r.action)).toEqual(
      expect.arrayContaining([ext('gift-wrap'), ext('battery'), ext('colour'), 'urn:intentcast:term:warranty-months']),
    )
  })

  it('permits anonymised sharing with a duty to anonymise under SD-BASE-ATP-S3P, and names the purpose of a PDC agreement', async () => {
    const s3p = exportAgreement(await signed('SD-BASE-ATP-S3P'), 'odrl')
    expect(s3p.permission.find((r) => r.action === 'https://w3id.org/dpv#Share')!.duty).toEqual([
      { action: 'anonymize' },
    ])
    expect(s3p.prohibition.filter((r) => r.target.endsWith(':personal-data')).map((r) => r.action)).toEqual([
      'sell',
      'use',
    ])
    const pdc = exportAgreement(await signed('PDC-INTENT'), 'odrl')
    expect(pdc.permission[0]!.constraint).toEqual([
      {
        leftOperand: 'purpose',
        operator: 'eq',
        rightOperand: { '@id': 'https://w3id.org/dpv/standards/p7012#PDC-INTENT' },
      },
    ])
  })
})

describe('exportAgreement: receipt', () => {
  it('has every ISO/IEC TS 27560 heading', () => {
    const r = exportAgreement(agreement, 'receipt')
    for (const k of [
      'recordId',
      'principal',
      'controller',
      'purposes',
      'dataCategories',
      'retention',
      'thirdParties',
      'jurisdiction',
      'withdrawalMethod',
      'eventTime',
    ]) {
      expect(r).toHaveProperty(k)
    }
    expect(r.recordId).toBe('urn:intentcast:agreement:agreement-0001')
    expect(r.principal).toEqual({ id: customerDid, role: 'customer' })
    expect(r.controller).toEqual({ id: vendorDid, role: 'vendor' })
    expect(r.purposes.map((p) => p.label)).toEqual(['service delivery', 'analytics by the vendor'])
    expect(r.retention).toBe('P30D')
    expect(r.thirdParties).toEqual([])
    expect(r.jurisdiction).toEqual(['DE'])
    expect(r.withdrawalMethod).toContain(agreement.digest)
    expect(r.withdrawalMethod).toContain('deletes your data on request')
    expect(r.eventTime).toBe('2026-01-01T00:00:00Z')
    expect(r.status).toBe('https://w3id.org/dpv/standards/p7012#AgreementAccepted')
  })

  it('names third parties only where the agreement allows sharing', async () => {
    const r = exportAgreement(await signed('SD-BASE-ATP-S3P'), 'receipt')
    expect(r.thirdParties.map((t) => t.label)).toEqual(['third parties, fully anonymised data only'])
  })
})
