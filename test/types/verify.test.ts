/**
 * Type-level tests of `verify` and `Verified` (src/envelope/verify.ts, checks.ts), through the
 * main entry. `expectTypeOf` does nothing at run time: `tsc --noEmit` (CI's typecheck step,
 * test/ is in tsconfig's include) is what fails on a wrong type. The calls sit in functions
 * that are never run, so no message is needed.
 */
import { describe, expectTypeOf, it } from 'vitest'
import {
  verify,
  type CounterPayload,
  type Format,
  type IntentPayload,
  type Kind,
  type OfferPayload,
  type PayloadOf,
  type ProtectedHeader,
  type Verified,
} from '../../src/index.js'

const jws = '' as string
const cose = new Uint8Array()
const unknownMessage = undefined as unknown

describe('verify narrows by envelope', () => {
  it('a string is JWS: Verified<Kind, "jws">, its message a string', () => {
    expectTypeOf(() => verify(jws)).returns.resolves.toEqualTypeOf<Verified<Kind, 'jws'>>()
    const use = async () => {
      const v = await verify(jws)
      expectTypeOf(v.format).toEqualTypeOf<'jws'>()
      expectTypeOf(v.message).toEqualTypeOf<string>()
    }
    expectTypeOf(use).toBeFunction()
  })

  it('bytes are COSE: Verified<Kind, "cose">, its message bytes', () => {
    expectTypeOf(() => verify(cose)).returns.resolves.toEqualTypeOf<Verified<Kind, 'cose'>>()
    const use = async () => {
      const v = await verify(cose)
      expectTypeOf(v.format).toEqualTypeOf<'cose'>()
      expectTypeOf(v.message).toEqualTypeOf<Uint8Array>()
    }
    expectTypeOf(use).toBeFunction()
  })

  it('anything else (unknown input) is either envelope', () => {
    expectTypeOf(() => verify(unknownMessage)).returns.resolves.toEqualTypeOf<Verified<Kind>>()
    expectTypeOf<Verified<Kind>>().toEqualTypeOf<Verified<Kind, Format>>()
    expectTypeOf<Verified['format']>().toEqualTypeOf<Format>()
  })
})

describe('verify narrows by `expect`', () => {
  it("expect: 'offer' gives a verified offer whose payload is an OfferPayload", () => {
    expectTypeOf(() => verify(jws, { expect: 'offer' })).returns.resolves.toEqualTypeOf<Verified<'offer', 'jws'>>()
    expectTypeOf(() => verify(cose, { expect: 'offer' })).returns.resolves.toEqualTypeOf<Verified<'offer', 'cose'>>()
    const use = async () => {
      const offer = await verify(jws, { expect: 'offer' })
      expectTypeOf(offer.kind).toEqualTypeOf<'offer'>()
      expectTypeOf(offer.payload).toEqualTypeOf<OfferPayload>()
      expectTypeOf(offer.payload).toEqualTypeOf<PayloadOf<'offer'>>()
    }
    expectTypeOf(use).toBeFunction()
  })

  it("expect: ['intent', 'counter'] gives a union that `kind` narrows", () => {
    expectTypeOf(() => verify(jws, { expect: ['intent', 'counter'] })).returns.resolves.toEqualTypeOf<
      Verified<'intent' | 'counter', 'jws'>
    >()
    const use = async () => {
      const v = await verify(jws, { expect: ['intent', 'counter'] })
      expectTypeOf(v.kind).toEqualTypeOf<'intent' | 'counter'>()
      expectTypeOf(v.payload).toEqualTypeOf<IntentPayload | CounterPayload>()
      if (v.kind === 'intent') {
        expectTypeOf(v).toEqualTypeOf<Verified<'intent', 'jws'>>()
        expectTypeOf(v.payload).toEqualTypeOf<IntentPayload>()
      } else {
        expectTypeOf(v).toEqualTypeOf<Verified<'counter', 'jws'>>()
        expectTypeOf(v.payload).toEqualTypeOf<CounterPayload>()
      }
    }
    expectTypeOf(use).toBeFunction()
  })

  it('without `expect`, `kind` narrows the payload of any kind', () => {
    const narrow = (v: Verified) => {
      if (v.kind === 'offer') expectTypeOf(v.payload).toEqualTypeOf<OfferPayload>()
      if (v.kind === 'agreement') expectTypeOf(v.payload).toEqualTypeOf<PayloadOf<'agreement'>>()
    }
    expectTypeOf(narrow).parameter(0).toEqualTypeOf<Verified<Kind, Format>>()
  })

  it('refuses an `expect` that is not a kind', () => {
    const use = () => {
      // @ts-expect-error 'invoice' is not a Kind
      void verify(jws, { expect: 'invoice' })
    }
    expectTypeOf(use).toBeFunction()
  })
})

describe('Verified<K, F> is branded: only verify makes one', () => {
  /** Every member of a verified offer but the brand (a unique symbol that is not exported). */
  type Unbranded = {
    [P in keyof Verified<'offer', 'jws'> as P extends symbol ? never : P]: Verified<'offer', 'jws'>[P]
  }

  const literal = {
    kind: 'offer' as const,
    payload: {} as OfferPayload,
    issuer: 'did:key:z6Mk',
    signers: ['did:key:z6Mk'],
    digest: 'x',
    header: {} as ProtectedHeader,
    format: 'jws' as const,
    message: 'a.b.c',
  }

  it('a plain object literal with every other member is not assignable to Verified', () => {
    // The control: the literal is right in every member but the brand…
    const unbranded: Unbranded = literal
    expectTypeOf(unbranded).toEqualTypeOf<Unbranded>()
    // …and the brand alone keeps it out.
    // @ts-expect-error a Verified carries a brand that only verify sets
    const forged: Verified<'offer', 'jws'> = literal
    expectTypeOf(forged).toEqualTypeOf<Verified<'offer', 'jws'>>()
    expectTypeOf(literal).not.toExtend<Verified<'offer', 'jws'>>()
    expectTypeOf(literal).not.toExtend<Verified>()
  })

  it('the envelope is part of the type: a JWS result is not a COSE one', () => {
    expectTypeOf<Verified<'offer', 'jws'>>().not.toExtend<Verified<'offer', 'cose'>>()
    expectTypeOf<Verified<'offer', 'jws'>>().toExtend<Verified<'offer'>>()
    expectTypeOf<Verified<'offer'>>().not.toExtend<Verified<'counter'>>()
  })
})
