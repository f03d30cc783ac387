/**
 * RFC 9901's published examples as vectors: the disclosure of §4.2.1 and its digest (§4.2.3),
 * and the issuance example of §5.1, whose eight object-property disclosures, digests and sorted
 * `_sd` array are replayed here through disclosureDigest, parseDisclosure and checkDisclosures.
 * The examples are data in spec/vectors/disclose.json (`rfc9901`, written by
 * scripts/vectors-disclose.ts), where test/vectors.test.ts replays them as well.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkDisclosures, disclosureDigest, parseDisclosure } from '../../src/disclose/index.js'
import { expectCode } from '../helpers/fixtures.js'

/** RFC 9901's published disclosures (spec/vectors/disclose.json, `rfc9901`): one copy, kept as data. */
interface RfcDisclosure {
  section: string
  contents: unknown[]
  disclosure: string
  digest: string
  code?: string
}
const RFC9901 = JSON.parse(readFileSync(new URL('../../spec/vectors/disclose.json', import.meta.url), 'utf8'))
  .rfc9901 as { disclosures: RfcDisclosure[]; issuance: { _sd: string[] } }
const inSection = (section: string) => RFC9901.disclosures.filter((d) => d.section === section)

/** RFC 9901 §4.2.1: `["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"]`; §4.2.3: its digest. */
const MOBIUS = inSection('4.2.1')[0]!

/** RFC 9901 §4.2.2 and §4.2.3: an array-element disclosure `["lklxF5jMYlGTPUovMNIvCA", "FR"]`. */
const ARRAY_ELEMENT = inSection('4.2.2')[0]!

/** RFC 9901 §5.1: the issuer's object-property disclosures, with their contents and digests. */
const ISSUANCE = inSection('5.1')

/** RFC 9901 §5.1: the `_sd` array of the issuer-signed payload, sorted as the RFC publishes it. */
const ISSUANCE_SD = RFC9901.issuance._sd

/** The §5.1 disclosures in the order of their digests in `_sd`, as a reader requires them. */
const inDigestOrder = ISSUANCE_SD.map((digest) => ISSUANCE.find((v) => v.digest === digest)!)

describe('RFC 9901 §4.2: one disclosure', () => {
  it('§4.2.3: the digest is over the base64url string, not the JSON it decodes to', async () => {
    expect(await disclosureDigest(MOBIUS.disclosure)).toBe(MOBIUS.digest)
    const decoded = Buffer.from(MOBIUS.disclosure, 'base64url').toString('utf8')
    expect(await disclosureDigest(Buffer.from(decoded).toString('base64url'))).toBe(MOBIUS.digest)
  })
  it('§4.2.1: the disclosure reads back as [salt, name, value], UTF-8 included', () => {
    const [salt, name, value] = MOBIUS.contents
    expect(parseDisclosure(MOBIUS.disclosure)).toEqual({ salt, name, value })
    expect(value).toBe('Möbius')
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
  it('has the eight object-property disclosures of the RFC, and its sorted _sd', () => {
    expect(ISSUANCE).toHaveLength(8)
    expect(ISSUANCE_SD).toEqual([...ISSUANCE.map((v) => v.digest)].sort())
  })
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
    ).toEqual({ email: 'johndoe@example.com', address: ISSUANCE[5]!.contents[2] })
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
