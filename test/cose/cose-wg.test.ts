import { describe, expect, it } from 'vitest'
import { getPublicKey } from '../../src/crypto/index.js'
import {
  type CoseHeaderMap,
  decodeCbor,
  encodeCbor,
  signCoseSign,
  signCoseSign1,
  verifyCoseSign,
  verifyCoseSign1,
} from '../../src/cose/index.js'
import examples from '../vectors/cose/cose-wg-eddsa.json' with { type: 'json' }
import { expectCode, fromHex, hex, utf8 } from './support.js'

// The published examples, reproduced byte for byte: Ed25519 is deterministic and so is the
// encoding, and the examples happen to be in deterministic encoding already.
const keys = examples.keys
const header = (hexMap: string): CoseHeaderMap => decodeCbor(fromHex(hexMap)) as CoseHeaderMap

describe('cose-wg/Examples eddsa-examples', () => {
  it('the Ed25519 key pair is consistent', async () => {
    expect(hex(await getPublicKey(fromHex(keys['11'].d_hex)))).toBe(keys['11'].x_hex)
  })

  for (const example of examples.sign1) {
    const key = keys[example.key as '11']
    it(`${example.name} (${example.title}): signCoseSign1 reproduces the published bytes`, async () => {
      const bytes = await signCoseSign1(utf8(example.plaintext), fromHex(key.d_hex), {
        protectedHeader: header(example.protected_hex),
        unprotectedHeader: header(example.unprotected_hex),
      })
      expect(hex(bytes)).toBe(example.cbor_hex)
    })

    it(`${example.name}: verifyCoseSign1 accepts the published bytes`, async () => {
      const result = await verifyCoseSign1(fromHex(example.cbor_hex), fromHex(key.x_hex))
      expect(new TextDecoder().decode(result.payload)).toBe(example.plaintext)
      expect(result.protectedHeader).toEqual(header(example.protected_hex))
      expect(result.unprotectedHeader).toEqual(header(example.unprotected_hex))
    })
  }

  for (const example of examples.sign) {
    it(`${example.name} (${example.title}): signCoseSign reproduces the published bytes`, async () => {
      const signers = example.signers.map((s) => ({
        privateKey: fromHex(keys[s.key as '11'].d_hex),
        protectedHeader: header(s.protected_hex),
        unprotectedHeader: header(s.unprotected_hex),
      }))
      const options = {
        protectedHeader: header(example.protected_hex),
        unprotectedHeader: header(example.unprotected_hex),
      }
      expect(hex(await signCoseSign(utf8(example.plaintext), signers, options))).toBe(example.cbor_hex)
      // alg is filled in when absent, to the same bytes.
      const withoutAlg = signers.map((s) => ({ ...s, protectedHeader: new Map() }))
      expect(hex(await signCoseSign(utf8(example.plaintext), withoutAlg, options))).toBe(example.cbor_hex)
    })

    it(`${example.name}: verifyCoseSign accepts the published bytes`, async () => {
      const seen: unknown[] = []
      const result = await verifyCoseSign(fromHex(example.cbor_hex), (_protected, unprotected, index) => {
        seen.push(index)
        const kid = new TextDecoder().decode(unprotected.get(4) as Uint8Array)
        return fromHex(keys[kid as '11'].x_hex)
      })
      expect(seen).toEqual([0])
      expect(new TextDecoder().decode(result.payload)).toBe(example.plaintext)
      expect(result.protectedHeader).toEqual(header(example.protected_hex))
      expect(result.signers).toEqual(
        example.signers.map((s) => ({
          protectedHeader: header(s.protected_hex),
          unprotectedHeader: header(s.unprotected_hex),
        })),
      )
    })
  }

  for (const example of examples.ed448) {
    it(`${example.name} (${example.title}): strict CBOR accepts it; Ed25519-only COSE never verifies it`, async () => {
      const bytes = fromHex(example.cbor_hex)
      expect(hex(encodeCbor(decodeCbor(bytes, { allowedTags: [18] })))).toBe(example.cbor_hex)
      // Their published Sig_structure is what this encoder produces.
      const tbs = encodeCbor(['Signature1', fromHex(example.protected_hex), new Uint8Array(0), utf8(example.plaintext)])
      expect(hex(tbs)).toBe(example.to_be_signed_hex)
      await expectCode(() => verifyCoseSign1(bytes, fromHex(keys.ed448.x_hex)), 'ERR_INVALID_ARGUMENT')
      await expectCode(() => verifyCoseSign1(bytes, fromHex(keys['11'].x_hex)), 'ERR_SIGNATURE_INVALID')
    })
  }
})
