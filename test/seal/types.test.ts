/**
 * Type-level tests of `intentcast/seal`: the type of what is sealed follows the type of the body,
 * and what is opened the type of what was sealed. `expectTypeOf` does nothing at run time:
 * `tsc --noEmit` is what fails on a wrong type, and the calls sit in functions never run.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { Kind, Verified } from '../../src/index.js'
import { open, openAndVerify, seal, type SealKeyPair, type SealPublicJwk } from '../../src/seal/index.js'

const to = {} as SealPublicJwk
const keys = {} as SealKeyPair
const either = '' as string | Uint8Array

describe('seal and open follow the body', () => {
  it('a string is sealed to a string (JWE) and opens to a string', () => {
    expectTypeOf(() => seal('', to)).returns.resolves.toEqualTypeOf<string>()
    expectTypeOf(() => open('', keys)).returns.resolves.toEqualTypeOf<string>()
  })
  it('bytes are sealed to bytes (COSE_Encrypt) and open to bytes', () => {
    expectTypeOf(() => seal(new Uint8Array(), to)).returns.resolves.toEqualTypeOf<Uint8Array>()
    expectTypeOf(() => open(new Uint8Array(), [keys])).returns.resolves.toEqualTypeOf<Uint8Array>()
  })
  it('either in, either out', () => {
    expectTypeOf(() => seal(either, to)).returns.resolves.toEqualTypeOf<string | Uint8Array>()
    expectTypeOf(() => open(either, keys)).returns.resolves.toEqualTypeOf<string | Uint8Array>()
  })
  it('a recipient JWK as a schema gives it (use and kid optional, possibly undefined) is taken', () => {
    const published = { kty: 'OKP', crv: 'X25519', x: '', use: undefined, kid: undefined } as const
    expectTypeOf(seal).toBeCallableWith('', published)
  })
})

describe('openAndVerify narrows by envelope', () => {
  it('a JWE gives a JWS message, a COSE_Encrypt a COSE message', () => {
    expectTypeOf(() => openAndVerify('', keys)).returns.resolves.toEqualTypeOf<Verified<Kind, 'jws'>>()
    expectTypeOf(() => openAndVerify(new Uint8Array(), [keys])).returns.resolves.toEqualTypeOf<Verified<Kind, 'cose'>>()
    expectTypeOf(() => openAndVerify(either, keys)).returns.resolves.toEqualTypeOf<Verified<Kind>>()
  })
  it('expect narrows the kind', () => {
    expectTypeOf(() => openAndVerify('', keys, { expect: 'offer' })).returns.resolves.toEqualTypeOf<
      Verified<'offer', 'jws'>
    >()
  })
})
