/**
 * Presentations (spec §Selective disclosure, "Verifying a presentation"): an agreement whose
 * `details` commit to the customer's contact details, shown to a third party with a chosen
 * subset, in both bindings; then each refusal in the order verifyPresentation checks.
 */
import { describe, expect, it } from 'vitest'
import {
  ContactDetails,
  PreciseWant,
  discloseClaims,
  presentAgreement,
  verifyPresentation,
} from '../../src/disclose/index.js'
import { countersign, signAgreement, signOffer, verify, type AgreementBody } from '../../src/index.js'
import {
  agreementBodyFor,
  customer,
  offerBody,
  expectCode,
  SOME_DIGEST,
  SOON,
  T0,
  vendor,
} from '../helpers/fixtures.js'

const contact = {
  address: { street: 'Invalidenstr. 1', postalCode: '10115', locality: 'Berlin', country: 'DE' },
  email: 'ada@example.org',
  phone: '+49 30 1234',
  note: 'Ring twice.',
}
const details = await discloseClaims(contact, { decoys: 2 })
const byName = Object.fromEntries(details.disclosures.map((d) => [nameOf(d), d]))
const body: AgreementBody = {
  ...agreementBodyFor({ intent: SOME_DIGEST, offer: SOME_DIGEST, acceptance: SOME_DIGEST }),
  details: details.claim,
}
const jws = await countersign(await signAgreement(body, customer, { now: T0 }), vendor, { now: T0 })
const cose = await countersign(await signAgreement(body, customer, { now: T0, format: 'cose' }), vendor, { now: T0 })
const at = { now: SOON }

/** The chosen disclosures, in the order of their digests (the order discloseClaims gave). */
const pick = (...names: string[]) => details.disclosures.filter((d) => names.includes(nameOf(d)))

describe('a presentation shows the agreement and exactly the chosen details', () => {
  it.each([
    ['JWS', jws],
    ['COSE', cose],
  ] as const)('%s: both signatures, and the address only', async (_, agreement) => {
    const shown = presentAgreement(agreement, pick('address'))
    const { agreement: verified, disclosed } = await verifyPresentation(shown, at)
    expect(verified.kind).toBe('agreement')
    expect(verified.signers).toEqual([customer.did, vendor.did])
    expect(verified.payload.details).toEqual(details.claim)
    expect(disclosed).toEqual({ address: contact.address })
  })
  it('shows every detail, or none', async () => {
    expect((await verifyPresentation(presentAgreement(jws, details.disclosures), at)).disclosed).toEqual(contact)
    expect((await verifyPresentation(presentAgreement(cose, []), at)).disclosed).toEqual({})
  })
  it('carries the agreement as its binding spells it', async () => {
    const shown = JSON.parse(presentAgreement(cose, pick('email'))) as { agreement: string; disclosures: string[] }
    expect(new Uint8Array(Buffer.from(shown.agreement, 'base64url'))).toEqual(cose)
    expect(JSON.parse(presentAgreement(jws, [])) as unknown).toEqual({ agreement: jws, disclosures: [] })
  })
  it('holds nothing of the details it does not disclose, and the agreement none at all', () => {
    const shown = presentAgreement(jws, pick('address'))
    for (const hidden of [contact.email, contact.phone, contact.note]) expect(shown).not.toContain(hidden)
    const payload = Buffer.from((JSON.parse(jws) as { payload: string }).payload, 'base64url').toString('utf8')
    for (const value of [contact.email, contact.phone, contact.note, contact.address.street]) {
      expect(payload).not.toContain(value)
    }
  })
  it('is what a verified agreement’s message presents', async () => {
    const verified = await verify(cose, { expect: 'agreement', ...at })
    expect((await verifyPresentation(presentAgreement(verified.message, pick('phone')), at)).disclosed).toEqual({
      phone: contact.phone,
    })
  })
})

describe('refusals, in the order they are checked', () => {
  const valid = presentAgreement(jws, pick('email'))

  it('the caller’s options first', async () => {
    await expectCode(verifyPresentation(valid, { audience: vendor.did } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(verifyPresentation(valid, { expect: 'offer' } as never), 'ERR_INVALID_ARGUMENT')
    await expectCode(verifyPresentation('x'.repeat(300_000), { maxBytes: 0 }), 'ERR_INVALID_ARGUMENT')
    await expectCode(verifyPresentation('x'.repeat(300_000), { now: new Date(NaN) }), 'ERR_INVALID_ARGUMENT')
  })
  it('ERR_TOO_LARGE over 2 × maxBytes + 65,696 characters, before parsing', async () => {
    await expectCode(verifyPresentation('{'.repeat(196_769), at), 'ERR_TOO_LARGE')
    await expectCode(verifyPresentation('{'.repeat(196_768), at), 'ERR_MALFORMED')
    await expectCode(verifyPresentation('{'.repeat(2 * 1000 + 65_697), { ...at, maxBytes: 1000 }), 'ERR_TOO_LARGE')
  })
  it('and the agreement inside to maxBytes, as verify holds it', async () => {
    await expectCode(verifyPresentation(valid, { ...at, maxBytes: 100 }), 'ERR_TOO_LARGE')
  })
  it.each([
    ['not a string', 42],
    ['not JSON', '{"agreement":'],
    ['JSON with a duplicate key', `{"agreement": "a", "agreement": "b", "disclosures": []}`],
    ['an array', '[]'],
    ['missing disclosures', JSON.stringify({ agreement: jws })],
    ['with another member', JSON.stringify({ agreement: jws, disclosures: [], note: 'x' })],
    ['an agreement that is not a string', JSON.stringify({ agreement: 1, disclosures: [] })],
    ['disclosures that are not strings', JSON.stringify({ agreement: jws, disclosures: [1] })],
    ['33 disclosures', JSON.stringify({ agreement: jws, disclosures: Array(33).fill('AA') })],
    ['an agreement that is neither JWS JSON nor base64url', JSON.stringify({ agreement: 'a.b.c', disclosures: [] })],
  ])('ERR_MALFORMED: %s', async (_, presentation) => {
    await expectCode(verifyPresentation(presentation as string, at), 'ERR_MALFORMED')
  })
  it('then every check of verify', async () => {
    const tampered = JSON.parse(jws) as { signatures: { signature: string }[] }
    tampered.signatures[1]!.signature = tampered.signatures[0]!.signature
    const forged = JSON.stringify({ agreement: JSON.stringify(tampered), disclosures: [] })
    await expectCode(verifyPresentation(forged, at), 'ERR_SIGNATURE_INVALID')
    await expectCode(verifyPresentation(valid, { now: new Date(T0.getTime() - 3_600_000) }), 'ERR_NOT_YET_VALID')
  })
  it('ERR_TYPE_MISMATCH for a message that is not an agreement', async () => {
    const offer = await signOffer(offerBody(SOME_DIGEST), vendor, { now: T0, audience: customer.did, format: 'cose' })
    const shown = JSON.stringify({ agreement: Buffer.from(offer).toString('base64url'), disclosures: [] })
    await expectCode(verifyPresentation(shown, at), 'ERR_TYPE_MISMATCH')
  })
  it('then the disclosure rule against the agreement’s details', async () => {
    const foreign = (await discloseClaims({ email: 'eve@example.org' })).disclosures[0]!
    const [first, second] = pick('address', 'email', 'phone', 'note')
    await expectCode(verifyPresentation(presentAgreement(jws, [foreign]), at), 'ERR_DISCLOSURE_UNKNOWN')
    await expectCode(verifyPresentation(presentAgreement(jws, [first!, first!]), at), 'ERR_DISCLOSURE_DUPLICATE')
    await expectCode(verifyPresentation(presentAgreement(jws, [second!, first!]), at), 'ERR_DISCLOSURE_ORDER')
    await expectCode(verifyPresentation(presentAgreement(jws, ['!']), at), 'ERR_MALFORMED')
  })
  it('an agreement without details discloses nothing', async () => {
    const { details: _, ...plain } = body
    const bare = await countersign(await signAgreement(plain, customer, { now: T0 }), vendor, { now: T0 })
    expect((await verifyPresentation(presentAgreement(bare, []), at)).disclosed).toEqual({})
    await expectCode(verifyPresentation(presentAgreement(bare, [byName.email!]), at), 'ERR_DISCLOSURE_UNKNOWN')
  })
  it('last, ERR_SCHEMA for a disclosed value that is not a contact detail', async () => {
    for (const claims of [{ email: 5 }, { fax: '+49 30 1' }, { address: {} }, { note: 'x'.repeat(513) }]) {
      const odd = await discloseClaims(claims)
      const agreement = await countersign(
        await signAgreement({ ...body, details: odd.claim }, customer, { now: T0 }),
        vendor,
        {
          now: T0,
        },
      )
      await expectCode(verifyPresentation(presentAgreement(agreement, odd.disclosures), at), 'ERR_SCHEMA')
    }
  })
})

describe('presentAgreement: the caller’s arguments', () => {
  it.each([
    ['a compact JWS', 'eyJhbGciOiJFZERTQSJ9.e30.c2ln'],
    ['a number', 1],
    ['a verified agreement object', { message: jws }],
  ])('refuses %s as the agreement', async (_, agreement) => {
    await expectCode(() => presentAgreement(agreement as never, []), 'ERR_INVALID_ARGUMENT')
  })
  it.each([
    ['not an array', 'AA'],
    ['not strings', [1]],
    ['more than 32', Array(33).fill('AA')],
  ])('refuses disclosures %s', async (_, disclosures) => {
    await expectCode(() => presentAgreement(jws, disclosures as never), 'ERR_INVALID_ARGUMENT')
  })
})

describe('what each place may disclose', () => {
  it('ContactDetails: address parts ≤ 256, email, phone and note ≤ 512, text only', () => {
    expect(ContactDetails.safeParse(contact).success).toBe(true)
    expect(ContactDetails.safeParse({ address: { street: 'x'.repeat(257) } }).success).toBe(false)
    expect(ContactDetails.safeParse({ email: 'x'.repeat(513) }).success).toBe(false)
    expect(ContactDetails.safeParse({ phone: 'a\u0000b' }).success).toBe(false)
    expect(ContactDetails.safeParse({ address: {} }).success).toBe(false)
    expect(ContactDetails.safeParse({ address: { town: 'Berlin' } }).success).toBe(false)
  })
  it('PreciseWant: the shapes of the public want, and region as text ≤ 256', () => {
    const precise = {
      item: { name: 'Touring bicycle', attributes: { frameSize: '56cm' } },
      quantity: 2,
      maxPrice: { amount: '1100.00', currency: 'EUR' },
      deliverBy: '2021-03-20T12:00:00Z',
      region: '10115 Berlin, Invalidenstr. 1',
    }
    expect(PreciseWant.safeParse(precise).success).toBe(true)
    expect(PreciseWant.safeParse({ region: 'x'.repeat(257) }).success).toBe(false)
    expect(PreciseWant.safeParse({ quantity: 0 }).success).toBe(false)
    expect(PreciseWant.safeParse({ maxPrice: { amount: 1100, currency: 'EUR' } }).success).toBe(false)
    expect(PreciseWant.safeParse({ deliverBy: 'tomorrow' }).success).toBe(false)
    expect(PreciseWant.safeParse({ email: 'a@x.org' }).success).toBe(false)
  })
})

function nameOf(d: string): string {
  return (JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[])[1] as string
}
