/**
 * Type-level tests of the `sign*` functions and `countersign` (src/envelope/sign.ts,
 * countersign.ts), through the main entry: the envelope a caller asks for decides the type it
 * gets back. Checked by `tsc --noEmit`; the calls sit in functions that are never run.
 */
import { describe, expectTypeOf, it } from 'vitest'
import {
  countersign,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signOffer,
  signTerms,
  signWithdrawal,
  type AcceptanceBody,
  type AgreementBody,
  type CounterBody,
  type Format,
  type IntentBody,
  type KeyPair,
  type OfferBody,
  type Signed,
  type TermsBody,
  type WithdrawalBody,
} from '../../src/index.js'

const key = {} as KeyPair
const intent = {} as IntentBody
const anyFormat = 'jws' as Format
/** Values whose static type is the point (an assertion in argument position would also steer inference). */
const jwsAgreement = (): string => ''
const coseAgreement = (): Uint8Array => new Uint8Array()
const eitherAgreement = (): string | Uint8Array => ''

describe('sign* returns the envelope it was asked for', () => {
  it('no options, or options without a format: a JWS string', () => {
    expectTypeOf(() => signIntent(intent, key)).returns.toEqualTypeOf<Promise<string>>()
    expectTypeOf(() => signIntent(intent, key, {})).returns.toEqualTypeOf<Promise<string>>()
    expectTypeOf(() => signIntent(intent, key, { expiresIn: '2h', audience: 'did:key:z6Mk' })).returns.toEqualTypeOf<
      Promise<string>
    >()
    expectTypeOf(() => signIntent(intent, key, { format: 'jws' })).returns.toEqualTypeOf<Promise<string>>()
  })

  it("{ format: 'cose' }: COSE bytes", () => {
    expectTypeOf(() => signIntent(intent, key, { format: 'cose' })).returns.toEqualTypeOf<Promise<Uint8Array>>()
  })

  it('a format known only at run time: either', () => {
    expectTypeOf(() => signIntent(intent, key, { format: anyFormat })).returns.toEqualTypeOf<
      Promise<string | Uint8Array>
    >()
    expectTypeOf<Signed<Format>>().toEqualTypeOf<string | Uint8Array>()
    expectTypeOf<Signed<'jws'>>().toEqualTypeOf<string>()
    expectTypeOf<Signed<'cose'>>().toEqualTypeOf<Uint8Array>()
  })

  it('every sign* follows the same rule', () => {
    const offer = {} as OfferBody
    const counter = {} as CounterBody
    const terms = {} as TermsBody
    const acceptance = {} as AcceptanceBody
    const withdrawal = {} as WithdrawalBody
    const agreement = {} as AgreementBody
    const cose = { format: 'cose' } as const

    expectTypeOf(() => signOffer(offer, key)).returns.toEqualTypeOf<Promise<string>>()
    expectTypeOf(() => signOffer(offer, key, cose)).returns.toEqualTypeOf<Promise<Uint8Array>>()
    expectTypeOf(() => signCounter(counter, key)).returns.toEqualTypeOf<Promise<string>>()
    expectTypeOf(() => signCounter(counter, key, cose)).returns.toEqualTypeOf<Promise<Uint8Array>>()
    expectTypeOf(() => signTerms(terms, key)).returns.toEqualTypeOf<Promise<string>>()
    expectTypeOf(() => signTerms(terms, key, cose)).returns.toEqualTypeOf<Promise<Uint8Array>>()
    expectTypeOf(() => signAcceptance(acceptance, key)).returns.toEqualTypeOf<Promise<string>>()
    expectTypeOf(() => signAcceptance(acceptance, key, cose)).returns.toEqualTypeOf<Promise<Uint8Array>>()
    expectTypeOf(() => signWithdrawal(withdrawal, key)).returns.toEqualTypeOf<Promise<string>>()
    expectTypeOf(() => signWithdrawal(withdrawal, key, cose)).returns.toEqualTypeOf<Promise<Uint8Array>>()
    expectTypeOf(() => signAgreement(agreement, key)).returns.toEqualTypeOf<Promise<string>>()
    expectTypeOf(() => signAgreement(agreement, key, cose)).returns.toEqualTypeOf<Promise<Uint8Array>>()
  })

  it('refuses a format that is neither', () => {
    const use = () => {
      // @ts-expect-error 'cbor' is not a Format
      void signIntent(intent, key, { format: 'cbor' })
    }
    expectTypeOf(use).toBeFunction()
  })

  it('signAgreement takes only now, jti and format', () => {
    const use = () => {
      // @ts-expect-error an agreement has two parties and no single audience
      void signAgreement({} as AgreementBody, key, { audience: 'did:key:z6Mk' })
    }
    expectTypeOf(use).toBeFunction()
  })
})

describe('countersign keeps the envelope it is given', () => {
  it('a string (JWS) in, a string out', () => {
    expectTypeOf(() => countersign(jwsAgreement(), key)).returns.toEqualTypeOf<Promise<string>>()
  })

  it('bytes (COSE) in, bytes out', () => {
    expectTypeOf(() => countersign(coseAgreement(), key)).returns.toEqualTypeOf<Promise<Uint8Array>>()
  })

  it('either in, either out', () => {
    expectTypeOf(() => countersign(eitherAgreement(), key)).returns.toEqualTypeOf<Promise<string | Uint8Array>>()
  })

  it('takes no `expect` or `replay` (it knows the kind; a replay check would refuse its own agreement)', () => {
    const use = () => {
      // @ts-expect-error countersign always expects an agreement
      void countersign('', key, { expect: 'agreement' })
    }
    expectTypeOf(use).toBeFunction()
  })
})
