/**
 * Builds the selective disclosure vectors (spec/vectors/disclose.json, spec §Selective
 * disclosure):
 *
 * - `rfc9901`: RFC 9901's published disclosures and digests (§4.2.1, §4.2.2, §5.1) and checks of
 *   the §5.1 issuance example's `_sd` array, copied from the RFC as data;
 * - `commitments`, `messages`: one thread in the JWS binding from the core vectors' keys (seeds
 *   0x01 customer, 0x02 vendor) and clock, its disclosures salted with fixed salts (16 bytes of
 *   one value each), so the output is the same every time. A writer never fixes a salt:
 *   `discloseClaims` draws each one afresh;
 * - `presentations`: the agreement shown to a third party, and presentations refused;
 * - `checks`: lists of disclosures checked against the acceptance's digest sets.
 *
 * Every vector is verified at one fixed instant, `options.now`: the agreement's `iat`.
 */
import { isDeepStrictEqual } from 'node:util'
import {
  countersign,
  digest,
  keyPairFromSeed,
  signAcceptance,
  signAgreement,
  signIntent,
  signOffer,
  verify,
  Thread,
} from '../src/index.js'
import { checkDisclosures, disclosureDigest, parseDisclosure, verifyPresentation } from '../src/disclose/index.js'
import { discloseClaimsWith } from '../src/disclose/disclose.js'
import { encodeBase64url } from '../src/lib/base64url.js'
import type { DigestSet } from '../src/model/primitives.js'
import { deriveSealKeyPair } from '../src/seal/keys.js'
import { hex, later, seedOf, VECTOR_INTENT_BODY } from './vectors-core.js'

/** RFC 9901's published disclosures: `section`, the decoded `contents`, the disclosure and its digest. */
const RFC9901_DISCLOSURES = [
  {
    section: '4.2.1',
    contents: ['_26bc4LT-ac6q2KI6cBW5es', 'family_name', 'Möbius'],
    disclosure: 'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0',
    digest: 'X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0',
  },
  {
    // An array-element disclosure: it has its digest, but is not a disclosure intentcast reads.
    section: '4.2.2',
    contents: ['lklxF5jMYlGTPUovMNIvCA', 'FR'],
    disclosure: 'WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0',
    digest: 'w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs',
    code: 'ERR_MALFORMED',
  },
  {
    section: '5.1',
    contents: ['2GLC42sKQveCfGfryNRN9w', 'given_name', 'John'],
    disclosure: 'WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd',
    digest: 'jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4',
  },
  {
    section: '5.1',
    contents: ['eluV5Og3gSNII8EYnsxA_A', 'family_name', 'Doe'],
    disclosure: 'WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIkRvZSJd',
    digest: 'TGf4oLbgwd5JQaHyKVQZU9UdGE0w5rtDsrZzfUaomLo',
  },
  {
    section: '5.1',
    contents: ['6Ij7tM-a5iVPGboS5tmvVA', 'email', 'johndoe@example.com'],
    disclosure: 'WyI2SWo3dE0tYTVpVlBHYm9TNXRtdlZBIiwgImVtYWlsIiwgImpvaG5kb2VAZXhhbXBsZS5jb20iXQ',
    digest: 'JzYjH4svliH0R3PyEMfeZu6Jt69u5qehZo7F7EPYlSE',
  },
  {
    section: '5.1',
    contents: ['eI8ZWm9QnKPpNPeNenHdhQ', 'phone_number', '+1-202-555-0101'],
    disclosure: 'WyJlSThaV205UW5LUHBOUGVOZW5IZGhRIiwgInBob25lX251bWJlciIsICIrMS0yMDItNTU1LTAxMDEiXQ',
    digest: 'PorFbpKuVu6xymJagvkFsFXAbRoc2JGlAUA2BA4o7cI',
  },
  {
    section: '5.1',
    contents: ['Qg_O64zqAxe412a108iroA', 'phone_number_verified', true],
    disclosure: 'WyJRZ19PNjR6cUF4ZTQxMmExMDhpcm9BIiwgInBob25lX251bWJlcl92ZXJpZmllZCIsIHRydWVd',
    digest: 'XQ_3kPKt1XyX7KANkqVR6yZ2Va5NrPIvPYbyMvRKBMM',
  },
  {
    section: '5.1',
    contents: [
      'AJx-095VPrpTtN4QMOqROA',
      'address',
      { street_address: '123 Main St', locality: 'Anytown', region: 'Anystate', country: 'US' },
    ],
    disclosure:
      'WyJBSngtMDk1VlBycFR0TjRRTU9xUk9BIiwgImFkZHJlc3MiLCB7InN0cmVldF9hZGRyZXNzIjogIjEyMyBNYWluIFN0IiwgImxvY2FsaXR5IjogIkFueXRvd24iLCAicmVnaW9uIjogIkFueXN0YXRlIiwgImNvdW50cnkiOiAiVVMifV0',
    digest: 'XzFrzwscM6Gn6CJDc6vVK8BkMnfG8vOSKfpPIZdAfdE',
  },
  {
    section: '5.1',
    contents: ['Pc33JM2LchcU_lHggv_ufQ', 'birthdate', '1940-01-01'],
    disclosure: 'WyJQYzMzSk0yTGNoY1VfbEhnZ3ZfdWZRIiwgImJpcnRoZGF0ZSIsICIxOTQwLTAxLTAxIl0',
    digest: 'gbOsI4Edq2x2Kw-w5wPEzakob9hV1cRD0ATN3oQL9JM',
  },
  {
    section: '5.1',
    contents: ['G02NSrQfjFXQ7Io09syajA', 'updated_at', 1570000000],
    disclosure: 'WyJHMDJOU3JRZmpGWFE3SW8wOXN5YWpBIiwgInVwZGF0ZWRfYXQiLCAxNTcwMDAwMDAwXQ',
    digest: 'CrQe7S5kqBAHt-nMYXgc6bdt2SH5aTY1sU_M-PgkjPI',
  },
]

/** RFC 9901 §5.1: the `_sd` array of the issuer-signed payload, sorted as the RFC publishes it. */
const RFC9901_SD = [
  'CrQe7S5kqBAHt-nMYXgc6bdt2SH5aTY1sU_M-PgkjPI',
  'JzYjH4svliH0R3PyEMfeZu6Jt69u5qehZo7F7EPYlSE',
  'PorFbpKuVu6xymJagvkFsFXAbRoc2JGlAUA2BA4o7cI',
  'TGf4oLbgwd5JQaHyKVQZU9UdGE0w5rtDsrZzfUaomLo',
  'XQ_3kPKt1XyX7KANkqVR6yZ2Va5NrPIvPYbyMvRKBMM',
  'XzFrzwscM6Gn6CJDc6vVK8BkMnfG8vOSKfpPIZdAfdE',
  'gbOsI4Edq2x2Kw-w5wPEzakob9hV1cRD0ATN3oQL9JM',
  'jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4',
]

/** A check of a list of disclosures against digest sets (`null` for an absent set). */
interface CheckVector {
  name: string
  digests: (DigestSet | null)[]
  disclosures: string[]
  code?: string
  disclosed?: Record<string, unknown>[]
}

/** RFC 9901 §5.1 replayed through the disclosure rule: the order of `_sd` is the only order. */
function rfc9901(): { disclosures: typeof RFC9901_DISCLOSURES; issuance: DigestSet; checks: CheckVector[] } {
  const issuance = RFC9901_DISCLOSURES.filter((d) => d.section === '5.1')
  const inDigestOrder = RFC9901_SD.map((sd) => issuance.find((d) => d.digest === sd)!)
  const claimsOf = (ds: typeof issuance) => Object.fromEntries(ds.map(({ contents: [, name, value] }) => [name, value]))
  const subset = [inDigestOrder[1]!, inDigestOrder[5]!]
  const digests = [{ _sd: RFC9901_SD }]
  return {
    disclosures: RFC9901_DISCLOSURES,
    issuance: { _sd: RFC9901_SD },
    checks: [
      {
        name: 'every §5.1 disclosure, in the order of _sd, discloses the issuer’s claims',
        digests,
        disclosures: inDigestOrder.map((d) => d.disclosure),
        disclosed: [claimsOf(issuance)],
      },
      {
        name: 'a subset (email, address) discloses exactly that subset',
        digests,
        disclosures: subset.map((d) => d.disclosure),
        disclosed: [claimsOf(subset)],
      },
      {
        name: 'every §5.1 disclosure, in the order the RFC lists them',
        digests,
        disclosures: issuance.map((d) => d.disclosure),
        code: 'ERR_DISCLOSURE_ORDER',
      },
      {
        name: 'the §4.2.1 disclosure is not one of §5.1',
        digests,
        disclosures: [RFC9901_DISCLOSURES[0]!.disclosure],
        code: 'ERR_DISCLOSURE_UNKNOWN',
      },
    ],
  }
}

/** Fails the build when the SDK's answer to a vector is not the one written down. */
function expectSame(name: string, actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`vector construction: "${name}" gives ${JSON.stringify(actual)}`)
  }
}

/** 16 bytes of one value: a fixed salt. */
const saltOf = (byte: number) => new Uint8Array(16).fill(byte)

/** Claims behind digests with fixed salts (one per claim, in the order of the names), and each disclosure's parts. */
async function commit(claims: Record<string, unknown>, salts: number[]) {
  const salted = await discloseClaimsWith(claims, undefined, salts.map(saltOf))
  const disclosures = []
  for (const disclosure of salted.disclosures) {
    const { salt, name, value } = parseDisclosure(disclosure)
    disclosures.push({ salt, name, value, disclosure, digest: await disclosureDigest(disclosure) })
  }
  return { salted, vector: { claims, digests: salted.claim, disclosures } }
}

const CONTACT = {
  address: { street: 'Invalidenstr. 1', postalCode: '10115', locality: 'Berlin', country: 'DE' },
  email: 'ada@example.org',
  phone: '+49 30 1234567',
}
const PRECISE = { region: '10115 Berlin, Invalidenstr. 1' }

export async function discloseVectors() {
  const customer = await keyPairFromSeed(seedOf(1))
  const vendor = await keyPairFromSeed(seedOf(2))
  // Each party's reply key, derived from its signing seed (spec §Encrypted envelopes, Keys).
  const customerReplyKey = (await deriveSealKeyPair(seedOf(1))).publicJwk
  const vendorReplyKey = (await deriveSealKeyPair(seedOf(2))).publicJwk
  const now = later(180)
  const at = { now: now.toISOString() }

  const precise = await commit(PRECISE, [0xa1])
  const details = await commit(CONTACT, [0xb1, 0xb2, 0xb3])

  const intent = await signIntent(
    {
      ...VECTOR_INTENT_BODY,
      want: { ...VECTOR_INTENT_BODY.want, precise: precise.salted.claim },
      replyKey: customerReplyKey,
    },
    customer,
    { now: later(0), jti: 'vector-jti-disclose-1' },
  )
  const offerBody = {
    inReplyTo: digest(intent),
    item: { name: 'cargo bike', category: 'bicycles' },
    quantity: 1,
    price: { amount: '1950.00', currency: 'EUR' },
    deliverBy: '2026-01-08T12:00:00Z',
    terms: {
      agreement: 'SD-BASE',
      conditions: [
        { id: 'retention-days', value: '30', unit: 'day' },
        { id: 'deletion-on-request', value: true },
        { id: 'returns-days', value: '30', unit: 'day' },
      ],
    },
    replyKey: vendorReplyKey,
  }
  const offer = await signOffer(offerBody, vendor, {
    now: later(60),
    audience: customer.did,
    jti: 'vector-jti-disclose-2',
  })
  const acceptanceOf = (claim: DigestSet, disclosures: readonly string[], jti: string) =>
    signAcceptance(
      {
        inReplyTo: digest(offer),
        intent: digest(intent),
        quantity: offerBody.quantity,
        price: offerBody.price,
        deliverBy: offerBody.deliverBy,
        terms: offerBody.terms,
        details: claim,
        disclosures: [...disclosures],
      },
      customer,
      { now: later(120), audience: vendor.did, jti },
    )
  // Its own details' disclosures first, then the intent's precise region.
  const acceptanceDisclosures = [...details.salted.disclosures, ...precise.salted.disclosures]
  const acceptance = await acceptanceOf(details.salted.claim, acceptanceDisclosures, 'vector-jti-disclose-3')
  const agreementOf = async (accepted: string, jti: string) => {
    const thread = new Thread(await verify(intent, { now }))
    thread.add(await verify(offer, { now, audience: customer.did }))
    thread.add(await verify(accepted, { now, audience: vendor.did }))
    const partial = await signAgreement(thread.agreementBody(), customer, { now, jti })
    return countersign(partial, vendor, { now })
  }
  const agreement = await agreementOf(acceptance, 'vector-jti-disclose-4')

  const messages = []
  for (const [name, message, audience] of [
    ['intent', intent, undefined],
    ['offer', offer, customer.did],
    ['acceptance', acceptance, vendor.did],
    ['agreement', agreement, undefined],
  ] as const) {
    const options = { ...at, ...(audience !== undefined && { audience }) }
    const verified = await verify(message, { now, ...(audience !== undefined && { audience }) })
    messages.push({
      name,
      message,
      options,
      expected: {
        kind: verified.kind,
        digest: verified.digest,
        issuer: verified.issuer,
        signers: verified.signers,
        payload: verified.payload,
      },
    })
  }

  // Presentations of the agreement: its details' disclosures are in the order of their digests.
  const present = (agreementText: string, disclosures: readonly string[]) =>
    JSON.stringify({ agreement: agreementText, disclosures: [...disclosures] })
  const byName = (name: string) => details.vector.disclosures.find((d) => d.name === name)!.disclosure
  const [first, second] = details.salted.disclosures as [string, string, string]
  const valid = [
    { name: 'the agreement alone', presentation: present(agreement, []), disclosed: {} },
    {
      name: 'the email only',
      presentation: present(agreement, [byName('email')]),
      disclosed: { email: CONTACT.email },
    },
    {
      name: 'every detail, in order',
      presentation: present(agreement, details.salted.disclosures),
      disclosed: CONTACT,
    },
  ]
  const tampered = JSON.parse(agreement) as { payload: string; signatures: { signature: string }[] }
  const vendorSignature = tampered.signatures[1]!
  vendorSignature.signature =
    (vendorSignature.signature.startsWith('A') ? 'B' : 'A') + vendorSignature.signature.slice(1)
  // An honest agreement whose details commit to an email that is not text: only the disclosed
  // value shows it, so both parties could sign it.
  const odd = await commit({ email: 5 }, [0xd1])
  const oddAgreement = await agreementOf(
    await acceptanceOf(odd.salted.claim, odd.salted.disclosures, 'vector-jti-disclose-5'),
    'vector-jti-disclose-6',
  )
  const invalid = [
    {
      name: 'a disclosure the agreement does not commit to (the intent’s precise region)',
      presentation: present(agreement, precise.salted.disclosures),
      code: 'ERR_DISCLOSURE_UNKNOWN',
    },
    {
      name: 'the email twice',
      presentation: present(agreement, [byName('email'), byName('email')]),
      code: 'ERR_DISCLOSURE_DUPLICATE',
    },
    {
      name: 'two details out of the order of their digests',
      presentation: present(agreement, [second, first]),
      code: 'ERR_DISCLOSURE_ORDER',
    },
    {
      name: 'a malformed disclosure (two members, as an array element’s)',
      presentation: present(agreement, [
        encodeBase64url(new TextEncoder().encode(JSON.stringify([encodeBase64url(saltOf(0xe1)), 'email']))),
      ]),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'the vendor’s signature tampered',
      presentation: present(JSON.stringify(tampered), [byName('email')]),
      code: 'ERR_SIGNATURE_INVALID',
    },
    {
      name: 'a committed email that is a number, not text (another agreement, as both parties signed it)',
      presentation: present(oddAgreement, odd.salted.disclosures),
      code: 'ERR_SCHEMA',
    },
  ]
  for (const v of [...valid, ...invalid]) {
    // Built, then checked: a case the SDK answers otherwise fails the build rather than the file.
    const out = await verifyPresentation(v.presentation, { now }).then(
      ({ disclosed }) => ({ disclosed }),
      (e: { code: string }) => ({ code: e.code }),
    )
    expectSame(v.name, out, 'code' in v ? { code: v.code } : { disclosed: v.disclosed })
  }

  // Checks against the acceptance's sets: its own details, then the intent's want.precise.
  const sets = [details.salted.claim, precise.salted.claim]
  const region = precise.salted.disclosures[0]!
  const [d0, d1, d2] = details.salted.disclosures as [string, string, string]
  // The same email under another salt: a disclosure of no set, until a set commits to both.
  const otherEmail = await commit({ email: CONTACT.email }, [0xc1])
  const foreign = otherEmail.salted.disclosures[0]!
  const bothEmails = [...details.vector.disclosures, ...otherEmail.vector.disclosures]
    .filter((d) => d.name === 'email')
    .sort((a, b) => (a.digest < b.digest ? -1 : 1))
  const withBothEmails = { _sd: [...details.salted.claim._sd, ...otherEmail.salted.claim._sd].sort() }
  const checks: CheckVector[] = [
    {
      name: 'the acceptance’s disclosures: its details, then the precise region',
      digests: sets,
      disclosures: acceptanceDisclosures,
      disclosed: [CONTACT, PRECISE],
    },
    { name: 'none', digests: sets, disclosures: [], disclosed: [{}, {}] },
    {
      name: 'the email only',
      digests: sets,
      disclosures: [byName('email')],
      disclosed: [{ email: CONTACT.email }, {}],
    },
    { name: 'the precise region only', digests: sets, disclosures: [region], disclosed: [{}, PRECISE] },
    {
      name: 'the precise region before the details (the sets are taken in order)',
      digests: sets,
      disclosures: [region, d0],
      code: 'ERR_DISCLOSURE_ORDER',
    },
    { name: 'two details out of order', digests: sets, disclosures: [d1, d0], code: 'ERR_DISCLOSURE_ORDER' },
    {
      name: 'the email under another salt: a foreign disclosure',
      digests: sets,
      disclosures: [d0, foreign],
      code: 'ERR_DISCLOSURE_UNKNOWN',
    },
    {
      name: 'a foreign disclosure wins over the order',
      digests: sets,
      disclosures: [d2, d0, foreign],
      code: 'ERR_DISCLOSURE_UNKNOWN',
    },
    {
      name: 'the precise region against an absent want.precise',
      digests: [details.salted.claim, null],
      disclosures: [region],
      code: 'ERR_DISCLOSURE_UNKNOWN',
    },
    {
      name: 'the precise region twice',
      digests: sets,
      disclosures: [region, region],
      code: 'ERR_DISCLOSURE_DUPLICATE',
    },
    {
      name: 'a repeat wins over the order',
      digests: sets,
      disclosures: [d1, d0, d1],
      code: 'ERR_DISCLOSURE_DUPLICATE',
    },
    {
      name: 'two values for one claim: the email under two salts, both committed',
      digests: [withBothEmails, precise.salted.claim],
      disclosures: bothEmails.map((d) => d.disclosure),
      code: 'ERR_DISCLOSURE_DUPLICATE',
    },
    {
      name: 'a malformed disclosure wins over a foreign one',
      digests: sets,
      disclosures: [foreign, 'not base64url!'],
      code: 'ERR_MALFORMED',
    },
    {
      name: 'a disclosure over 2,048 characters',
      digests: sets,
      disclosures: [d0, 'A'.repeat(2049)],
      code: 'ERR_TOO_LARGE',
    },
  ]
  for (const c of checks) {
    const out = await checkDisclosures(
      c.digests.map((set) => set ?? undefined),
      c.disclosures,
    ).then(
      (disclosed) => ({ disclosed }),
      (e: { code: string }) => ({ code: e.code }),
    )
    expectSame(c.name, out, c.code !== undefined ? { code: c.code } : { disclosed: c.disclosed })
  }

  return {
    description:
      'Selective disclosure (spec §Selective disclosure): RFC 9901’s disclosures, a JWS-binding thread whose disclosures have fixed salts, presentations of its agreement, and checks against its acceptance’s digest sets.',
    options: at,
    keys: {
      customer: { seed: hex(seedOf(1)), did: customer.did, replyKey: customerReplyKey },
      vendor: { seed: hex(seedOf(2)), did: vendor.did, replyKey: vendorReplyKey },
    },
    rfc9901: rfc9901(),
    commitments: { precise: precise.vector, details: details.vector },
    messages,
    presentations: { valid, invalid },
    checks,
  }
}
