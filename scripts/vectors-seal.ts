/**
 * Builds the encrypted envelopes' vectors (spec/vectors/seal.json): signed messages of the core
 * vectors sealed to fixed X25519 keys (seeds 0x11, 0x12 × 32) with fixed ephemeral keys and IVs,
 * so the JWEs are the same byte for byte every time (ECDH-ES derives the content key from the
 * two X25519 keys; A256GCM is deterministic for a fixed key and IV). A sender never fixes them:
 * `seal` draws both afresh.
 *
 * - `keys`: the recipients' seeds and JWKs;
 * - `valid`: a JWE, the ephemeral seed and IV it was made with, the message inside, and what
 *   `openAndVerify` returns for it with `options`;
 * - `invalid`: JWEs `openAndVerify` refuses with `options`, with their code.
 */
import { encodeBase64url } from '../src/lib/base64url.js'
import { sealKeyPairFromSeed, type SealKeyPair } from '../src/seal/keys.js'
import { sealWith } from '../src/seal/seal.js'
import { hex, seedOf } from './vectors-core.js'

interface MessageVector {
  name: string
  message: string
  options: Record<string, unknown>
  expected: { kind?: string | undefined; digest?: string | undefined }
}

const b64uJson = (value: unknown) => encodeBase64url(new TextEncoder().encode(JSON.stringify(value)))

/** An X25519 private key as a WebCrypto key, for jose's fixed `epk`. */
async function ephemeral(seed: Uint8Array): Promise<CryptoKey> {
  const pair = await sealKeyPairFromSeed(seed)
  const { kty, crv, x, d } = pair.privateJwk
  return globalThis.crypto.subtle.importKey('jwk', { kty, crv, x, d }, { name: 'X25519' }, true, ['deriveBits'])
}

/** Replaces a JWE's header, keeping the rest (the tag no longer matches, but the header is checked first). */
const withHeader = (jwe: string, header: Record<string, unknown>) =>
  [b64uJson(header), ...jwe.split('.').slice(1)].join('.')

/** Flips the low bit of the first byte of part `index` (3: ciphertext, 4: tag). */
function flipped(jwe: string, index: number): string {
  const parts = jwe.split('.')
  const bytes = new Uint8Array(Buffer.from(parts[index]!, 'base64url'))
  bytes[0] = bytes[0]! ^ 1
  parts[index] = encodeBase64url(bytes)
  return parts.join('.')
}

export async function sealVectors(messages: { valid: MessageVector[] }) {
  const recipients: Record<string, SealKeyPair> = {
    customer: await sealKeyPairFromSeed(seedOf(0x11)),
    vendor: await sealKeyPairFromSeed(seedOf(0x12)),
  }
  const sealed = [
    { message: 'offer', recipient: 'customer', epk: 0x21 },
    { message: 'counter by the customer', recipient: 'vendor', epk: 0x22 },
    { message: 'acceptance', recipient: 'vendor', epk: 0x23 },
  ]
  const valid = []
  for (const [n, s] of sealed.entries()) {
    const inner = messages.valid.find((v) => v.name === s.message)!
    const iv = new Uint8Array(12).fill(0x31 + n)
    const epk = seedOf(s.epk)
    const jwe = await sealWith(inner.message, recipients[s.recipient]!.publicJwk, undefined, {
      epk: await ephemeral(epk),
      iv,
    })
    valid.push({
      name: `${s.message}, sealed to the ${s.recipient}`,
      recipient: s.recipient,
      ephemeralSeed: hex(epk),
      iv: hex(iv),
      jwe,
      message: inner.message,
      options: inner.options,
      expected: inner.expected,
    })
  }
  const offer = valid[0]!
  const header = JSON.parse(Buffer.from(offer.jwe.split('.')[0]!, 'base64url').toString('utf8'))
  const invalid = [
    { name: 'sealed to another key', recipient: 'vendor', jwe: offer.jwe, code: 'ERR_DECRYPT' },
    { name: 'ciphertext altered', recipient: 'customer', jwe: flipped(offer.jwe, 3), code: 'ERR_DECRYPT' },
    { name: 'tag altered', recipient: 'customer', jwe: flipped(offer.jwe, 4), code: 'ERR_DECRYPT' },
    {
      name: 'header altered (kid added): the header is the authenticated data',
      recipient: 'customer',
      jwe: withHeader(offer.jwe, { ...header, kid: 'x' }),
      code: 'ERR_DECRYPT',
    },
    {
      name: 'alg A128KW',
      recipient: 'customer',
      jwe: withHeader(offer.jwe, { ...header, alg: 'A128KW' }),
      code: 'ERR_UNSUPPORTED_ALG',
    },
    {
      name: 'enc A128GCM',
      recipient: 'customer',
      jwe: withHeader(offer.jwe, { ...header, enc: 'A128GCM' }),
      code: 'ERR_UNSUPPORTED_ALG',
    },
    {
      name: 'cty not intentcast',
      recipient: 'customer',
      jwe: withHeader(offer.jwe, { ...header, cty: 'JWT' }),
      code: 'ERR_TYPE_MISMATCH',
    },
    {
      name: 'compression (zip) is not part of the profile',
      recipient: 'customer',
      jwe: withHeader(offer.jwe, { ...header, zip: 'DEF' }),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'an encrypted key with ECDH-ES',
      recipient: 'customer',
      jwe: offer.jwe.replace('..', '.AAAA.'),
      code: 'ERR_MALFORMED',
    },
    { name: 'a JWS, not a JWE', recipient: 'customer', jwe: offer.message, code: 'ERR_MALFORMED' },
    {
      name: 'larger than maxBytes',
      recipient: 'customer',
      jwe: offer.jwe,
      options: { ...offer.options, maxBytes: 256 },
      code: 'ERR_TOO_LARGE',
    },
    {
      name: 'the inner message is addressed to someone else (an offer to the customer, re-sealed to the vendor)',
      recipient: 'vendor',
      jwe: await sealWith(offer.message, recipients.vendor!.publicJwk, undefined, {
        epk: await ephemeral(seedOf(0x24)),
        iv: new Uint8Array(12).fill(0x41),
      }),
      options: {
        ...offer.options,
        audience: messages.valid.find((v) => v.name === 'counter by the customer')!.options.audience,
      },
      code: 'ERR_AUDIENCE',
    },
  ].map((v) => ({ options: offer.options, ...v }))
  return {
    profile: { alg: 'ECDH-ES', enc: 'A256GCM', cty: 'intentcast+jws' },
    keys: Object.fromEntries(
      Object.entries(recipients).map(([name, pair], i) => [name, { seed: hex(seedOf(0x11 + i)), ...pair }]),
    ),
    valid,
    invalid,
  }
}
