/**
 * The COSE binding of messages (spec §COSE binding): the same messages, the same checks and
 * the same codes as JWS, in CBOR.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeCbor } from '../../src/cose/cbor-encode.js'
import { decodeCbor } from '../../src/cose/cbor-decode.js'
import { CborTag } from '../../src/cose/cbor-value.js'
import { signCoseSign1 } from '../../src/cose/sign1.js'
import { claimsToCbor } from '../../src/envelope/cose-claims.js'
import { signerHeader } from '../../src/envelope/cose-typ.js'
import {
  ERROR_CODES,
  IntentcastError,
  countersign,
  digest,
  kidForDid,
  signAccess,
  signAcceptance,
  signAgreement,
  signIntent,
  signOffer,
  signSubscription,
  signTerms,
  signWithdrawal,
  verify,
  verifyThread,
} from '../../src/index.js'
import {
  T0,
  acceptanceBody,
  agreementBodyFor,
  claimsFor,
  customer,
  expectCode,
  intentBody,
  offerBody,
  seedOf,
  stranger,
  termsBody,
  vendor,
  withdrawalBody,
} from '../helpers/fixtures.js'

const now = T0
const opts = { now }

/** A COSE_Sign1 built by hand from any header and claims, so later checks can be reached. */
async function handSign1(
  claims: Map<number | string, unknown> | object,
  header = signerHeader(kidForDid(customer.did), 'intent'),
  key = customer,
) {
  const payload = encodeCbor((claims instanceof Map ? claims : claimsToCbor(claims)) as never)
  return signCoseSign1(payload, seedOf(key), { protectedHeader: header })
}

const intentClaims = () => ({ ...claimsFor(customer), ...intentBody })

describe('every kind signs and verifies as COSE, with the same payload as JWS', () => {
  it('intent, offer, terms, acceptance, withdrawal and a two-party agreement', async () => {
    for (const [jws, cose] of [
      [
        await signIntent(intentBody, customer, { now, jti: 'same-jti-00001' }),
        await signIntent(intentBody, customer, { now, jti: 'same-jti-00001', format: 'cose' }),
      ],
      [
        await signTerms(termsBody, vendor, { now, jti: 'same-jti-00002' }),
        await signTerms(termsBody, vendor, { now, jti: 'same-jti-00002', format: 'cose' }),
      ],
    ] as const) {
      const a = await verify(jws, opts)
      const b = await verify(cose, opts)
      expect(b.format).toBe('cose')
      expect(b.payload).toEqual(a.payload)
      expect(b.header).toEqual({ ...a.header, typ: a.header.typ.replace('+jws', '+cose') })
      expect(b.digest).toBe(digest(cose))
      expect(b.digest).not.toBe(a.digest)
    }
    const intent = await verify(await signIntent(intentBody, customer, { now, format: 'cose' }), opts)
    const offer = await verify(
      await signOffer(offerBody(intent.digest), vendor, { now, audience: customer.did, format: 'cose' }),
      { ...opts, expect: 'offer' },
    )
    const acceptance = await verify(
      await signAcceptance(acceptanceBody(intent.digest, offer), customer, {
        now,
        audience: vendor.did,
        format: 'cose',
      }),
      opts,
    )
    const body = agreementBodyFor({ intent: intent.digest, offer: offer.digest, acceptance: acceptance.digest })
    const byCustomerFirst = await countersign(
      await signAgreement(body, customer, { now, jti: 'agreement-jti-1', format: 'cose' }),
      vendor,
      opts,
    )
    const byVendorFirst = await countersign(
      await signAgreement(body, vendor, { now, jti: 'agreement-jti-1', format: 'cose' }),
      customer,
      opts,
    )
    expect(Buffer.from(byVendorFirst).equals(Buffer.from(byCustomerFirst))).toBe(true)
    const agreement = await verify(byCustomerFirst, opts)
    expect(agreement.signers).toEqual([customer.did, vendor.did])
    const thread = await verifyThread([intent.message, offer.message, acceptance.message, byCustomerFirst])
    expect(thread.state(now)).toBe('agreed')
    const withdrawal = await verify(
      await signWithdrawal(withdrawalBody(agreement.digest), vendor, { now, format: 'cose' }),
      { ...opts, expect: 'withdrawal' },
    )
    expect(withdrawal.payload.withdraws).toBe(agreement.digest)
  })

  it('a typical intent in COSE is at most 60% of its JWS size', async () => {
    const jws = await signIntent(intentBody, customer, { now })
    const cose = await signIntent(intentBody, customer, { now, format: 'cose' })
    expect(cose.length / jws.length).toBeLessThanOrEqual(0.6)
  })

  it('a partially signed COSE agreement does not verify as an agreement', async () => {
    const intent = await verify(await signIntent(intentBody, customer, { now, format: 'cose' }), opts)
    const body = agreementBodyFor({ intent: intent.digest, offer: intent.digest, acceptance: intent.digest })
    await expectCode(
      verify(await signAgreement(body, customer, { now, format: 'cose' }), opts),
      'ERR_SIGNATURE_INVALID',
    )
    await expectCode(
      countersign(await signAgreement(body, customer, { now, format: 'cose' }), stranger, opts),
      'ERR_INVALID_ARGUMENT',
    )
  })
})

describe('the same checks and codes as JWS', () => {
  it('size before parsing', async () => {
    await expectCode(verify(new Uint8Array(70_000), opts), 'ERR_TOO_LARGE')
    await expectCode(
      verify(await signIntent(intentBody, customer, { now, format: 'cose' }), { ...opts, maxBytes: 100 }),
      'ERR_TOO_LARGE',
    )
  })
  it('untagged or unknown structures', async () => {
    await expectCode(verify(new Uint8Array([0x84, 0x40, 0xa0, 0x40, 0x40]), opts), 'ERR_MALFORMED')
    await expectCode(verify(new Uint8Array(0), opts), 'ERR_MALFORMED')
  })
  it('alg other than EdDSA', async () => {
    const header = signerHeader(kidForDid(customer.did), 'intent')
    header.set(1, -7)
    // The raw layer refuses to sign it, so build the message around a real signature.
    const good = decodeCbor((await handSign1(intentClaims())).subarray(1)) as unknown[]
    const forged = encodeCbor(new CborTag(18, [encodeCbor(header), good[1], good[2], good[3]] as never))
    await expectCode(verify(forged, opts), 'ERR_UNSUPPORTED_ALG')
  })
  it('typ: unknown, wrong kind expected, agreement typ on a COSE_Sign1', async () => {
    const h = signerHeader(kidForDid(customer.did), 'intent')
    h.set(16, 'application/jwt')
    await expectCode(verify(await handSign1(intentClaims(), h), opts), 'ERR_TYPE_MISMATCH')
    await expectCode(verify(await handSign1(intentClaims()), { ...opts, expect: 'offer' }), 'ERR_TYPE_MISMATCH')
    await expectCode(
      verify(await handSign1(intentClaims(), signerHeader(kidForDid(customer.did), 'agreement')), opts),
      'ERR_MALFORMED',
    )
  })
  it('the relay’s messages are JWS only: COSE typed as one is not an intentcast type, and is never signed', async () => {
    for (const kind of ['subscription', 'access']) {
      const h = signerHeader(kidForDid(customer.did), 'intent')
      h.set(16, `intentcast-${kind}+cose`)
      await expectCode(verify(await handSign1(intentClaims(), h), opts), 'ERR_TYPE_MISMATCH')
    }
    await expectCode(
      signSubscription({ filters: {} }, customer, { audience: 'https://relay.example/relay', format: 'cose' } as never),
      'ERR_INVALID_ARGUMENT',
    )
    await expectCode(
      signAccess(customer, { audience: 'https://relay.example/relay/mailboxes/x', format: 'cose' } as never),
      'ERR_INVALID_ARGUMENT',
    )
  })
  it('extra or unprotected header parameters', async () => {
    const h = signerHeader(kidForDid(customer.did), 'intent')
    h.set(3, 'application/cbor')
    await expectCode(verify(await handSign1(intentClaims(), h), opts), 'ERR_MALFORMED')
    const payload = encodeCbor(claimsToCbor(intentClaims()))
    const withUnprotected = await signCoseSign1(payload, seedOf(customer), {
      protectedHeader: signerHeader(kidForDid(customer.did), 'intent'),
      unprotectedHeader: new Map([[5, new Uint8Array(12)]]),
    })
    await expectCode(verify(withUnprotected, opts), 'ERR_MALFORMED')
  })
  it('kid must name iss, and the signature must be by that key', async () => {
    await expectCode(
      verify(await handSign1(intentClaims(), signerHeader(kidForDid(stranger.did), 'intent'), stranger), opts),
      'ERR_ISSUER_MISMATCH',
    )
    await expectCode(verify(await handSign1(intentClaims(), undefined, stranger), opts), 'ERR_SIGNATURE_INVALID')
  })
  it('payload: unknown claims, text keys for claims that have integer keys, wrong types', async () => {
    await expectCode(verify(await handSign1({ ...intentClaims(), admin: true }), opts), 'ERR_SCHEMA')
    const m = claimsToCbor(intentClaims()) as Map<number | string, unknown>
    m.set(99, 1)
    await expectCode(verify(await handSign1(m), opts), 'ERR_SCHEMA')
    const textKey = claimsToCbor(intentClaims()) as Map<number | string, unknown>
    textKey.delete(7)
    textKey.set('jti', 'text-key-jti-01')
    await expectCode(verify(await handSign1(textKey), opts), 'ERR_MALFORMED')
    await expectCode(verify(await handSign1({ ...intentClaims(), exp: 'soon' }), opts), 'ERR_SCHEMA')
  })
  it('time and audience', async () => {
    const cose = await signIntent(intentBody, customer, { now, format: 'cose', expiresIn: 60 })
    await expectCode(verify(cose, { now: new Date(now.getTime() + 3_600_000) }), 'ERR_EXPIRED')
    await expectCode(verify(cose, { now: new Date(now.getTime() - 3_600_000) }), 'ERR_NOT_YET_VALID')
    const intent = await verify(cose, opts)
    const offer = await signOffer(offerBody(intent.digest), vendor, { now, audience: customer.did, format: 'cose' })
    await expectCode(verify(offer, { ...opts, audience: stranger.did }), 'ERR_AUDIENCE')
  })
})

describe('fuzz: mutated and random COSE never escapes as anything but IntentcastError', () => {
  it('10,000 mutations of valid COSE messages', async () => {
    const valid = [
      await signIntent(intentBody, customer, { now, format: 'cose' }),
      await signTerms(termsBody, vendor, { now, format: 'cose' }),
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        async (which, flips) => {
          const bytes = Uint8Array.from(valid[which]!)
          for (const [at, xor] of flips) bytes[at % bytes.length]! ^= xor
          // Two flips of one byte can cancel out: that is the original message, not a mutation.
          if (Buffer.from(bytes).equals(Buffer.from(valid[which]!))) return
          try {
            await verify(bytes, opts)
            // Only a mutation that changed nothing signed could verify; none of these can.
            expect.unreachable('a mutated COSE message verified')
          } catch (e) {
            expect(e).toBeInstanceOf(IntentcastError)
            expect(ERROR_CODES).toContain((e as IntentcastError).code)
          }
        },
      ),
      { numRuns: 10_000 },
    )
  })

  it('10,000 random byte strings, half of them behind a COSE tag', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 300 }), async (tagged, tail) => {
        const bytes = tagged ? Uint8Array.from([0xd2, 0x84, ...tail]) : tail
        const e = await verify(bytes, opts).then(
          () => undefined,
          (x: unknown) => x,
        )
        expect(e).toBeInstanceOf(IntentcastError)
      }),
      { numRuns: 10_000 },
    )
  })

  it('JWS and COSE of the same claims verify to the same payload (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // eslint-disable-next-line no-control-regex -- names without control characters or lone surrogates, on purpose
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /^[^\u0000-\u001f\u007f\ud800-\udfff]+$/.test(s)),
        fc.integer({ min: 1, max: 1000 }),
        async (name, quantity) => {
          const body = { ...intentBody, want: { ...intentBody.want, item: { name }, quantity } }
          const a = await verify(await signIntent(body, customer, { now, jti: 'property-jti-01' }), opts)
          const b = await verify(
            await signIntent(body, customer, { now, jti: 'property-jti-01', format: 'cose' }),
            opts,
          )
          expect(b.payload).toEqual(a.payload)
        },
      ),
      { numRuns: 200 },
    )
  })
})
