/**
 * RFC 9901's published examples as vectors: the disclosure of §4.2.1 and its digest (§4.2.3),
 * and the issuance example of §5.1, whose eight object-property disclosures, digests and sorted
 * `_sd` array are replayed here through disclosureDigest, parseDisclosure and checkDisclosures.
 */
import { describe, expect, it } from 'vitest'
import { checkDisclosures, disclosureDigest, parseDisclosure } from '../../src/disclose/index.js'
import { expectCode } from '../helpers/fixtures.js'

/** RFC 9901 §4.2.1: `["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"]`; §4.2.3: its digest. */
const MOBIUS = {
  disclosure: 'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0',
  digest: 'X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0',
}

/** RFC 9901 §4.2.2 and §4.2.3: an array-element disclosure `["lklxF5jMYlGTPUovMNIvCA", "FR"]`. */
const ARRAY_ELEMENT = {
  disclosure: 'WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0',
  digest: 'w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs',
}

/** RFC 9901 §5.1: the issuer's object-property disclosures, with their contents and digests. */
const ISSUANCE = [
  {
    contents: ['2GLC42sKQveCfGfryNRN9w', 'given_name', 'John'],
    disclosure: 'WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd',
    digest: 'jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4',
  },
  {
    contents: ['eluV5Og3gSNII8EYnsxA_A', 'family_name', 'Doe'],
    disclosure: 'WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIkRvZSJd',
    digest: 'TGf4oLbgwd5JQaHyKVQZU9UdGE0w5rtDsrZzfUaomLo',
  },
  {
    contents: ['6Ij7tM-a5iVPGboS5tmvVA', 'email', 'johndoe@example.com'],
    disclosure: 'WyI2SWo3dE0tYTVpVlBHYm9TNXRtdlZBIiwgImVtYWlsIiwgImpvaG5kb2VAZXhhbXBsZS5jb20iXQ',
    digest: 'JzYjH4svliH0R3PyEMfeZu6Jt69u5qehZo7F7EPYlSE',
  },
  {
    contents: ['eI8ZWm9QnKPpNPeNenHdhQ', 'phone_number', '+1-202-555-0101'],
    disclosure: 'WyJlSThaV205UW5LUHBOUGVOZW5IZGhRIiwgInBob25lX251bWJlciIsICIrMS0yMDItNTU1LTAxMDEiXQ',
    digest: 'PorFbpKuVu6xymJagvkFsFXAbRoc2JGlAUA2BA4o7cI',
  },
  {
    contents: ['Qg_O64zqAxe412a108iroA', 'phone_number_verified', true],
    disclosure: 'WyJRZ19PNjR6cUF4ZTQxMmExMDhpcm9BIiwgInBob25lX251bWJlcl92ZXJpZmllZCIsIHRydWVd',
    digest: 'XQ_3kPKt1XyX7KANkqVR6yZ2Va5NrPIvPYbyMvRKBMM',
  },
  {
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
    contents: ['Pc33JM2LchcU_lHggv_ufQ', 'birthdate', '1940-01-01'],
    disclosure: 'WyJQYzMzSk0yTGNoY1VfbEhnZ3ZfdWZRIiwgImJpcnRoZGF0ZSIsICIxOTQwLTAxLTAxIl0',
    digest: 'gbOsI4Edq2x2Kw-w5wPEzakob9hV1cRD0ATN3oQL9JM',
  },
  {
    contents: ['G02NSrQfjFXQ7Io09syajA', 'updated_at', 1570000000],
    disclosure: 'WyJHMDJOU3JRZmpGWFE3SW8wOXN5YWpBIiwgInVwZGF0ZWRfYXQiLCAxNTcwMDAwMDAwXQ',
    digest: 'CrQe7S5kqBAHt-nMYXgc6bdt2SH5aTY1sU_M-PgkjPI',
  },
] as const

/** RFC 9901 §5.1: the `_sd` array of the issuer-signed payload, sorted as the RFC publishes it. */
const ISSUANCE_SD = [
  'CrQe7S5kqBAHt-nMYXgc6bdt2SH5aTY1sU_M-PgkjPI',
  'JzYjH4svliH0R3PyEMfeZu6Jt69u5qehZo7F7EPYlSE',
  'PorFbpKuVu6xymJagvkFsFXAbRoc2JGlAUA2BA4o7cI',
  'TGf4oLbgwd5JQaHyKVQZU9UdGE0w5rtDsrZzfUaomLo',
  'XQ_3kPKt1XyX7KANkqVR6yZ2Va5NrPIvPYbyMvRKBMM',
  'XzFrzwscM6Gn6CJDc6vVK8BkMnfG8vOSKfpPIZdAfdE',
  'gbOsI4Edq2x2Kw-w5wPEzakob9hV1cRD0ATN3oQL9JM',
  'jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4',
]

/** The §5.1 disclosures in the order of their digests in `_sd`, as a reader requires them. */
const inDigestOrder = ISSUANCE_SD.map((digest) => ISSUANCE.find((v) => v.digest === digest)!)

describe('RFC 9901 §4.2: one disclosure', () => {
  it('§4.2.3: the digest is over the base64url string, not the JSON it decodes to', async () => {
    expect(await disclosureDigest(MOBIUS.disclosure)).toBe(MOBIUS.digest)
    const decoded = Buffer.from(MOBIUS.disclosure, 'base64url').toString('utf8')
    expect(await disclosureDigest(Buffer.from(decoded).toString('base64url'))).toBe(MOBIUS.digest)
  })
  it('§4.2.1: the disclosure reads back as [salt, name, value], UTF-8 included', () => {
    expect(parseDisclosure(MOBIUS.disclosure)).toEqual({
      salt: '_26bc4LT-ac6q2KI6cBW5es',
      name: 'family_name',
      value: 'Möbius',
    })
  })
  it('§4.2.1: other spellings of the same claim read the same and are other disclosures', async () => {
    const spellings = [
      '["_26bc4LT-ac6q2KI6cBW5es","family_name","Möbius"]',
      '["_26bc4LT-ac6q2KI6cBW5es", "family_name", "M\\u00f6bius"]',
      '[\n"_26bc4LT-ac6q2KI6cBW5es",\n"family_name",\n"Möbius"\n]',
    ].map((json) => Buffer.from(json).toString('base64url'))
    const digests = new Set([MOBIUS.digest])
    for (const d of spellings) {
      expect(parseDisclosure(d)).toEqual(parseDisclosure(MOBIUS.disclosure))
      digests.add(await disclosureDigest(d))
    }
    expect(digests.size).toBe(4)
  })
  it('§4.2.2: an array-element disclosure has its digest, but is not a disclosure we read', async () => {
    expect(await disclosureDigest(ARRAY_ELEMENT.disclosure)).toBe(ARRAY_ELEMENT.digest)
    await expectCode(() => parseDisclosure(ARRAY_ELEMENT.disclosure), 'ERR_MALFORMED')
  })
})

describe('RFC 9901 §5.1: the issuance example', () => {
  it.each(ISSUANCE)('$contents.1: digest and contents', async ({ contents, disclosure, digest }) => {
    expect(await disclosureDigest(disclosure)).toBe(digest)
    const [salt, name, value] = contents
    expect(parseDisclosure(disclosure)).toEqual({ salt, name, value })
    expect(ISSUANCE_SD).toContain(digest)
  })
  it('every disclosure, in digest order, discloses the claims the issuer began with', async () => {
    const claims = await checkDisclosures(
      { _sd: ISSUANCE_SD },
      inDigestOrder.map((v) => v.disclosure),
    )
    expect(claims).toEqual(Object.fromEntries(ISSUANCE.map(({ contents: [, name, value] }) => [name, value])))
  })
  it('a subset discloses exactly that subset', async () => {
    const shown = [inDigestOrder[1]!, inDigestOrder[5]!]
    expect(
      await checkDisclosures(
        { _sd: ISSUANCE_SD },
        shown.map((v) => v.disclosure),
      ),
    ).toEqual({ email: 'johndoe@example.com', address: ISSUANCE[5].contents[2] })
  })
  it('the same disclosures in the order the RFC lists them (not digest order) are refused', async () => {
    await expectCode(
      checkDisclosures(
        { _sd: ISSUANCE_SD },
        ISSUANCE.map((v) => v.disclosure),
      ),
      'ERR_DISCLOSURE_ORDER',
    )
  })
  it('the §4.2.1 disclosure is not one of §5.1', async () => {
    await expectCode(checkDisclosures({ _sd: ISSUANCE_SD }, [MOBIUS.disclosure]), 'ERR_DISCLOSURE_UNKNOWN')
  })
})
