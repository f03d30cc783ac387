import { describe, expect, it } from 'vitest'
import { countersign, digest, signAgreement, verify, type AgreementBody } from '../../src/index.js'
import {
  agreementBodyFor,
  agreementSignature,
  at,
  b64uJson,
  customer,
  expectCode,
  headerFor,
  SOME_DIGEST,
  SOON,
  stranger,
  T0,
  T0s,
  vendor,
} from '../helpers/fixtures.js'

const body: AgreementBody = agreementBodyFor({ intent: SOME_DIGEST, offer: SOME_DIGEST, acceptance: SOME_DIGEST })
const fixed = { now: T0, jti: 'agreement-fixed-jti' }

interface Jws {
  payload: string
  signatures: Array<{ protected: string; signature: string }>
}

describe('agreements: either party signs first, both hold identical bytes', () => {
  it('customer first or vendor first gives byte-identical agreements', async () => {
    const customerFirst = await countersign(await signAgreement(body, customer, fixed), vendor, { now: SOON })
    const vendorFirst = await countersign(await signAgreement(body, vendor, fixed), customer, { now: SOON })
    expect(vendorFirst).toBe(customerFirst)
    expect(digest(vendorFirst)).toBe(digest(customerFirst))
    const v = await verify(customerFirst, { now: SOON })
    expect(v.signers).toEqual([customer.did, vendor.did])
    expect(v.payload).toMatchObject({ ...body, v: '0.1', iat: T0s, jti: 'agreement-fixed-jti' })
  })

  it('the half-signed agreement carries one signature, of the party that signed', async () => {
    const half = JSON.parse(await signAgreement(body, vendor, fixed)) as Jws
    expect(half.signatures).toHaveLength(1)
    expect(JSON.parse(Buffer.from(half.signatures[0]!.protected, 'base64url').toString())).toEqual(
      headerFor('agreement', vendor),
    )
  })

  it('a half-signed agreement does not verify as an agreement', async () => {
    await expectCode(verify(await signAgreement(body, customer, fixed), { now: SOON }), 'ERR_SIGNATURE_INVALID')
    await expectCode(verify(await signAgreement(body, vendor, fixed), { now: SOON }), 'ERR_SIGNATURE_INVALID')
  })

  it('the digest covers the payload only, so it is the same before and after countersigning', async () => {
    const half = await signAgreement(body, customer, fixed)
    expect(digest(await countersign(half, vendor, { now: SOON }))).toBe(digest(half))
  })
})

describe('countersign: only the other party, only over a valid first signature', () => {
  it('a non-party cannot sign or countersign', async () => {
    await expectCode(signAgreement(body, stranger, fixed), 'ERR_INVALID_ARGUMENT')
    await expectCode(countersign(await signAgreement(body, customer, fixed), stranger), 'ERR_INVALID_ARGUMENT')
    await expectCode(countersign(await signAgreement(body, vendor, fixed), stranger), 'ERR_INVALID_ARGUMENT')
  })

  it('takes only its documented options: timeless cannot switch off the time checks', async () => {
    const half = await signAgreement(body, customer, fixed) // signed at T0: long past, with no exp
    await expectCode(countersign(half, vendor, { now: SOON, timeless: true } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(countersign(half, vendor, { now: SOON, expect: 'agreement' } as never), 'ERR_INVALID_ARGUMENT')
    expect(typeof (await countersign(half, vendor, { now: SOON }))).toBe('string')
  })

  it('the party that signed first cannot sign again', async () => {
    await expectCode(countersign(await signAgreement(body, customer, fixed), customer), 'ERR_INVALID_ARGUMENT')
    await expectCode(countersign(await signAgreement(body, vendor, fixed), vendor), 'ERR_INVALID_ARGUMENT')
  })

  it('an agreement that already has both signatures is not countersigned again', async () => {
    const whole = await countersign(await signAgreement(body, customer, fixed), vendor)
    await expectCode(countersign(whole, vendor), 'ERR_MALFORMED')
  })

  it('a first signature by a non-party is refused before signing', async () => {
    const payload64 = b64uJson({ v: '0.1', iat: T0s, jti: 'agreement-jti-x1', ...body })
    const forged = JSON.stringify({ payload: payload64, signatures: [await agreementSignature(payload64, stranger)] })
    await expectCode(countersign(forged, vendor), 'ERR_ISSUER_MISMATCH')
  })

  it('a tampered payload is refused before signing', async () => {
    const half = JSON.parse(await signAgreement(body, customer, fixed)) as Jws
    const changed = b64uJson({
      v: '0.1',
      iat: T0s,
      jti: 'agreement-fixed-jti',
      ...body,
      price: { amount: '1.00', currency: 'EUR' },
    })
    await expectCode(countersign(JSON.stringify({ ...half, payload: changed }), vendor), 'ERR_SIGNATURE_INVALID')
  })

  it('a first signature from the future is refused', async () => {
    await expectCode(
      countersign(await signAgreement(body, customer, { now: at(3600), jti: 'future-agreement' }), vendor, { now: T0 }),
      'ERR_NOT_YET_VALID',
    )
  })

  it('countersign is given hostile text: codes only', async () => {
    for (const text of [
      '',
      'x',
      '{}"x"',
      '[]',
      '{"payload":"a"}',
      `{"payload":"a","signatures":[{"protected":"a","signature":"a"}]}`,
    ]) {
      await expectCode(countersign(text, vendor), 'ERR_MALFORMED')
    }
    await expectCode(countersign(null as unknown as string, vendor), 'ERR_MALFORMED')
  })
})

describe("verify checks that an agreement's signers are its parties, customer first", () => {
  const payload64 = b64uJson({ v: '0.1', iat: T0s, jti: 'agreement-jti-p1', ...body })
  const assemble = async (...signers: Array<typeof customer>) =>
    JSON.stringify({
      payload: payload64,
      signatures: await Promise.all(signers.map((k) => agreementSignature(payload64, k))),
    })

  it('customer then vendor verifies', async () => {
    expect((await verify(await assemble(customer, vendor), { now: SOON })).signers).toEqual([customer.did, vendor.did])
  })

  it('vendor then customer (both valid signatures) is refused', async () => {
    await expectCode(verify(await assemble(vendor, customer), { now: SOON }), 'ERR_ISSUER_MISMATCH')
  })

  it('a stranger in either place is refused, though every signature is valid', async () => {
    await expectCode(verify(await assemble(customer, stranger), { now: SOON }), 'ERR_ISSUER_MISMATCH')
    await expectCode(verify(await assemble(stranger, vendor), { now: SOON }), 'ERR_ISSUER_MISMATCH')
  })

  it('one party twice is refused', async () => {
    await expectCode(verify(await assemble(customer, customer), { now: SOON }), 'ERR_ISSUER_MISMATCH')
    await expectCode(verify(await assemble(vendor, vendor), { now: SOON }), 'ERR_ISSUER_MISMATCH')
  })

  it("a signer whose kid names a party but whose key is another party's", async () => {
    const [c] = await Promise.all([agreementSignature(payload64, customer)])
    const fake = await agreementSignature(payload64, stranger, headerFor('agreement', vendor))
    await expectCode(
      verify(JSON.stringify({ payload: payload64, signatures: [c, fake] }), { now: SOON }),
      'ERR_SIGNATURE_INVALID',
    )
  })

  it('an agreement payload that breaks the schema, signed by both parties', async () => {
    const bad = b64uJson({ v: '0.1', iat: T0s, jti: 'agreement-jti-p2', ...body, iss: customer.did })
    const token = JSON.stringify({
      payload: bad,
      signatures: [await agreementSignature(bad, customer), await agreementSignature(bad, vendor)],
    })
    await expectCode(verify(token, { now: SOON }), 'ERR_SCHEMA')
  })
})
