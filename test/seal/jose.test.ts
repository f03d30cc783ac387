/**
 * The JWE profile is written in src/seal/jwe.ts on node:crypto; `jose` (panva/jose) is the
 * reference it is held to: for the same ephemeral key and IV, the same bytes; and each opens
 * what the other sealed.
 */
import fc from 'fast-check'
import { CompactEncrypt, compactDecrypt, importJWK } from 'jose'
import { describe, expect, test } from 'vitest'
import { generateSealKeyPair, open, seal, sealKeyPairFromSeed } from '../../src/seal/index.js'
import { sealWith } from '../../src/seal/seal.js'

const recipient = await generateSealKeyPair()
const recipientKey = await importJWK({ kty: 'OKP', crv: 'X25519', x: recipient.publicJwk.x }, 'ECDH-ES')
const privateKey = await importJWK(
  { kty: 'OKP', crv: 'X25519', x: recipient.publicJwk.x, d: recipient.privateJwk.d },
  'ECDH-ES',
)
const body = fc.string({ minLength: 1, maxLength: 300 })

describe('the JWE profile against jose', () => {
  test('the same ephemeral key and IV: byte for byte the JWE jose makes', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        async (text, ephemeralSeed, iv) => {
          const { x, d } = (await sealKeyPairFromSeed(ephemeralSeed)).privateJwk
          const epkKey = await importJWK({ kty: 'OKP', crv: 'X25519', x, d }, 'ECDH-ES', { extractable: true })
          const theirs = await new CompactEncrypt(new TextEncoder().encode(text))
            .setProtectedHeader({
              alg: 'ECDH-ES',
              enc: 'A256GCM',
              cty: 'intentcast+jws',
              kid: recipient.publicJwk.kid!,
            })
            .setKeyManagementParameters({ epk: epkKey })
            .setInitializationVector(iv)
            .encrypt(recipientKey)
          expect(await sealWith(text, recipient.publicJwk, { ephemeralSeed, iv })).toBe(theirs)
        },
      ),
      { numRuns: 30 },
    )
  })

  test('jose opens what we seal, and we open what jose seals', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const ours = await seal(text, recipient.publicJwk)
        expect(new TextDecoder().decode((await compactDecrypt(ours, privateKey)).plaintext)).toBe(text)
        const theirs = await new CompactEncrypt(new TextEncoder().encode(text))
          .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', cty: 'intentcast+jws' })
          .encrypt(recipientKey)
        expect(await open(theirs, recipient)).toBe(text)
      }),
      { numRuns: 30 },
    )
  })
})
