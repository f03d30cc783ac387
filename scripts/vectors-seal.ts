/**
 * Builds the encrypted envelopes' vectors (spec/vectors/seal.json): bodies of the core and COSE
 * vectors sealed to fixed X25519 keys (seeds 0x11, 0x12 × 32) with fixed ephemeral keys and IVs,
 * so the sealed bytes are the same every time (ECDH-ES derives the content key from the two
 * X25519 keys; A256GCM is deterministic for a fixed key and IV). A sender never fixes them:
 * `seal` draws both afresh.
 *
 * - `keys`: the recipients' seeds and JWKs (`kid` the RFC 7638 thumbprint);
 * - `valid`, `invalid`: the JWS binding's JWEs (the shape the first vectors had, kept so older
 *   readers still replay them);
 * - `cose`: the COSE binding's COSE_Encrypts, in hex, with the intermediates of the KDF;
 * - `bodies`: two-message bodies (an acceptance and its agreement) sealed in each binding;
 * - `derivation`: encryption keys derived from signing seeds.
 */
import { createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto'
import { decodeCbor } from '../src/cose/cbor-decode.js'
import { encodeCbor } from '../src/cose/cbor-encode.js'
import { CborTag, type CborMapKey, type CborValue } from '../src/cose/cbor-value.js'
import { keyPairFromSeed } from '../src/index.js'
import { encodeBase64url } from '../src/lib/base64url.js'
import { deriveSealKeyPair, sealKeyPairFromSeed, type SealKeyPair } from '../src/seal/keys.js'
import { sealWith } from '../src/seal/seal.js'
import { hex, seedOf } from './vectors-core.js'
import { coseVectors } from './vectors-cose.js'

interface MessageVector {
  name: string
  message: string
  options: Record<string, unknown>
  expected: { kind?: string | undefined; digest?: string | undefined }
}

type Header = Map<CborMapKey, CborValue>

const b64uJson = (value: unknown) => encodeBase64url(new TextEncoder().encode(JSON.stringify(value)))
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'))
const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte)

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

/** A COSE_Encrypt taken apart with the strict decoder, to be put together differently. */
function coseParts(sealed: Uint8Array) {
  const [protectedBytes, unprotected, ciphertext, recipients] = decodeCbor(sealed.subarray(2)) as [
    Uint8Array,
    Header,
    Uint8Array,
    [Uint8Array, Header, Uint8Array][],
  ]
  const [recipientProtected, recipientUnprotected, recipientCiphertext] = recipients[0]!
  return { protectedBytes, unprotected, ciphertext, recipientProtected, recipientUnprotected, recipientCiphertext }
}
type CoseParts = ReturnType<typeof coseParts>

/** A COSE_Encrypt from parts, any of them replaced; `recipients` replaces the whole list. */
function coseFrom(p: CoseParts, change: Partial<CoseParts> & { recipients?: CborValue[]; tag?: number } = {}) {
  const q = { ...p, ...change }
  const recipient = [q.recipientProtected, q.recipientUnprotected, q.recipientCiphertext]
  return encodeCbor(
    new CborTag(change.tag ?? 96, [q.protectedBytes, q.unprotected, q.ciphertext, change.recipients ?? [recipient]]),
  )
}

/** `bytes` with the one occurrence of `from` replaced by `to` (the vector fails to build if it is absent or repeated). */
function splice(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const hits: number[] = []
  for (let i = 0; i + from.length <= bytes.length; i++) if (from.every((b, j) => bytes[i + j] === b)) hits.push(i)
  if (hits.length !== 1) throw new Error(`vector construction: ${hits.length} occurrences of ${hex(from)}`)
  const at = hits[0]!
  return Uint8Array.from([...bytes.subarray(0, at), ...to, ...bytes.subarray(at + from.length)])
}

/**
 * The KDF's intermediates, computed here with node:crypto rather than by the SDK's WebCrypto
 * path, so the vectors show each step and a mistake in either would show as a mismatch.
 */
function intermediates(recipientSeed: Uint8Array, ephemeralSeed: Uint8Array, sealed: Uint8Array) {
  const p = coseParts(sealed)
  const pkcs8 = (seed: Uint8Array) =>
    createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), seed]),
      format: 'der',
      type: 'pkcs8',
    })
  const shared = diffieHellman({ privateKey: pkcs8(recipientSeed), publicKey: createPublicKey(pkcs8(ephemeralSeed)) })
  const context = encodeCbor([3, [null, null, null], [null, null, null], [256, p.recipientProtected]])
  const cek = new Uint8Array(hkdfSync('sha256', shared, new Uint8Array(0), context, 32))
  const aad = encodeCbor(['Encrypt', p.protectedBytes, new Uint8Array(0)])
  return { sharedSecret: hex(shared), kdfContext: hex(context), cek: hex(cek), aad: hex(aad) }
}

export async function sealVectors(messages: { valid: MessageVector[] }) {
  const recipients: Record<string, SealKeyPair> = {
    customer: await sealKeyPairFromSeed(seedOf(0x11)),
    vendor: await sealKeyPairFromSeed(seedOf(0x12)),
  }
  const jws = (name: string) => messages.valid.find((v) => v.name === name)!

  // The JWS binding.
  const sealed = [
    { message: 'offer', recipient: 'customer', epk: 0x21 },
    { message: 'counter by the customer', recipient: 'vendor', epk: 0x22 },
    { message: 'acceptance', recipient: 'vendor', epk: 0x23 },
  ]
  const valid = []
  for (const [n, s] of sealed.entries()) {
    const inner = jws(s.message)
    const iv = fill(0x31 + n, 12)
    const ephemeralSeed = seedOf(s.epk)
    const jwe = await sealWith(inner.message, recipients[s.recipient]!.publicJwk, { ephemeralSeed, iv })
    valid.push({
      name: `${s.message}, sealed to the ${s.recipient}`,
      recipient: s.recipient,
      ephemeralSeed: hex(ephemeralSeed),
      iv: hex(iv),
      jwe,
      message: inner.message,
      options: inner.options,
      // The message's kind and digest; its whole result is in messages.json, under the same name.
      expected: { kind: inner.expected.kind, digest: inner.expected.digest },
    })
  }
  const offer = valid[0]!
  const header = JSON.parse(Buffer.from(offer.jwe.split('.')[0]!, 'base64url').toString('utf8'))
  const { kid, ...withoutKid } = header
  const invalid = [
    {
      name: 'sealed to another key (its kid names no key of the vendor)',
      recipient: 'vendor',
      jwe: offer.jwe,
      code: 'ERR_DECRYPT',
    },
    {
      name: 'sealed to another key, without a kid (the tag fails)',
      recipient: 'vendor',
      jwe: await sealWith(
        offer.message,
        { ...recipients.customer!.publicJwk, kid: undefined },
        {
          ephemeralSeed: seedOf(0x26),
          iv: fill(0x42, 12),
        },
      ),
      code: 'ERR_DECRYPT',
    },
    { name: 'ciphertext altered', recipient: 'customer', jwe: flipped(offer.jwe, 3), code: 'ERR_DECRYPT' },
    { name: 'tag altered', recipient: 'customer', jwe: flipped(offer.jwe, 4), code: 'ERR_DECRYPT' },
    {
      name: 'header altered (kid last): the header bytes are the authenticated data',
      recipient: 'customer',
      jwe: withHeader(offer.jwe, { ...withoutKid, kid }),
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
      name: 'cty intentcast+cose: the COSE binding seals in COSE',
      recipient: 'customer',
      jwe: withHeader(offer.jwe, { ...header, cty: 'intentcast+cose' }),
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
      jwe: await sealWith(offer.message, recipients.vendor!.publicJwk, {
        ephemeralSeed: seedOf(0x24),
        iv: fill(0x41, 12),
      }),
      options: { ...offer.options, audience: jws('counter by the customer').options.audience },
      code: 'ERR_AUDIENCE',
    },
  ].map((v) => ({ options: offer.options, ...v }))

  // The COSE binding.
  const cose = await coseVectors()
  const coseMessage = (name: string) => cose.valid.find((v) => v.name === name)!
  const coseValid: Array<{
    name: string
    recipient: string
    ephemeralSeed: string
    iv: string
    sealed: string
    message: string
    intermediates: Record<string, string>
    options: Record<string, unknown>
    expected: MessageVector['expected']
  }> = []
  for (const [n, s] of sealed.entries()) {
    const inner = coseMessage(s.message)
    const iv = fill(0x51 + n, 12)
    const ephemeralSeed = seedOf(s.epk + 0x10)
    const bytes = await sealWith(unhex(inner.message), recipients[s.recipient]!.publicJwk, { ephemeralSeed, iv })
    coseValid.push({
      name: `${s.message}, sealed to the ${s.recipient}`,
      recipient: s.recipient,
      ephemeralSeed: hex(ephemeralSeed),
      iv: hex(iv),
      sealed: hex(bytes),
      message: inner.message,
      intermediates: intermediates(seedOf(0x11 + (s.recipient === 'vendor' ? 1 : 0)), ephemeralSeed, bytes),
      options: inner.options,
      expected: { kind: inner.expected.kind, digest: inner.expected.digest },
    })
  }
  const sealedOffer = unhex(coseValid[0]!.sealed)
  const p = coseParts(sealedOffer)
  const epk = p.recipientUnprotected.get(-1) as Header
  const recipientWith = (edit: (h: Header) => void) => {
    const h = new Map(p.recipientUnprotected)
    edit(h)
    return h
  }
  const protectedWith = (edit: (h: Header) => void) => {
    const h = decodeCbor(p.protectedBytes) as Header
    edit(h)
    return encodeCbor(h)
  }
  const flip = (bytes: Uint8Array, at: number) => {
    const copy = Uint8Array.from(bytes)
    copy[at < 0 ? copy.length + at : at]! ^= 1
    return copy
  }
  const coseInvalid: Array<{ name: string; recipient: string; sealed: Uint8Array; options?: object; code: string }> = [
    // Decryption.
    {
      name: 'sealed to another key (its kid names no key of the vendor)',
      recipient: 'vendor',
      sealed: sealedOffer,
      code: 'ERR_DECRYPT',
    },
    {
      name: 'sealed to another key, without a kid (the tag fails)',
      recipient: 'vendor',
      sealed: coseFrom(p, { recipientUnprotected: recipientWith((h) => h.delete(4)) }),
      code: 'ERR_DECRYPT',
    },
    {
      name: 'tag altered',
      recipient: 'customer',
      sealed: coseFrom(p, { ciphertext: flip(p.ciphertext, -1) }),
      code: 'ERR_DECRYPT',
    },
    {
      name: 'ciphertext altered',
      recipient: 'customer',
      sealed: coseFrom(p, { ciphertext: flip(p.ciphertext, 0) }),
      code: 'ERR_DECRYPT',
    },
    {
      name: 'IV altered',
      recipient: 'customer',
      sealed: coseFrom(p, { unprotected: new Map([[5, flip(p.unprotected.get(5) as Uint8Array, 0)]]) }),
      code: 'ERR_DECRYPT',
    },
    {
      name: 'ephemeral key altered',
      recipient: 'customer',
      sealed: coseFrom(p, {
        recipientUnprotected: recipientWith((h) =>
          h.set(-1, new Map([...epk, [-2, flip(epk.get(-2) as Uint8Array, 0)]])),
        ),
      }),
      code: 'ERR_DECRYPT',
    },
    {
      name: 'ephemeral key of low order (x = 0)',
      recipient: 'customer',
      sealed: coseFrom(p, {
        recipientUnprotected: recipientWith((h) => h.set(-1, new Map([...epk, [-2, fill(0, 32)]]))),
      }),
      code: 'ERR_DECRYPT',
    },
    // Algorithms and content type.
    {
      name: 'content alg A128GCM (1)',
      recipient: 'customer',
      sealed: coseFrom(p, { protectedBytes: protectedWith((h) => h.set(1, 1)) }),
      code: 'ERR_UNSUPPORTED_ALG',
    },
    {
      name: 'recipient alg ECDH-ES + HKDF-512 (-26)',
      recipient: 'customer',
      sealed: coseFrom(p, { recipientProtected: encodeCbor(new Map([[1, -26]])) }),
      code: 'ERR_UNSUPPORTED_ALG',
    },
    {
      name: 'recipient alg ECDH-ES + A256KW (-31), with a wrapped key',
      recipient: 'customer',
      sealed: coseFrom(p, { recipientProtected: encodeCbor(new Map([[1, -31]])), recipientCiphertext: fill(7, 40) }),
      code: 'ERR_UNSUPPORTED_ALG',
    },
    {
      name: 'content type application/intentcast+jws',
      recipient: 'customer',
      sealed: coseFrom(p, { protectedBytes: protectedWith((h) => h.set(3, 'application/intentcast+jws')) }),
      code: 'ERR_TYPE_MISMATCH',
    },
    {
      name: 'no content type',
      recipient: 'customer',
      sealed: coseFrom(p, { protectedBytes: protectedWith((h) => h.delete(3)) }),
      code: 'ERR_TYPE_MISMATCH',
    },
    // Structure and values.
    {
      name: 'an extra header label (crit) in the protected header',
      recipient: 'customer',
      sealed: coseFrom(p, { protectedBytes: protectedWith((h) => h.set(2, [3])) }),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'an extra header label (kid) in the layer-0 unprotected header',
      recipient: 'customer',
      sealed: coseFrom(p, { unprotected: new Map([...p.unprotected, [4, fill(1, 4)]]) }),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'two recipients',
      recipient: 'customer',
      sealed: coseFrom(p, {
        recipients: [
          [p.recipientProtected, p.recipientUnprotected, p.recipientCiphertext],
          [p.recipientProtected, p.recipientUnprotected, p.recipientCiphertext],
        ],
      }),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'non-deterministic CBOR (the IV length in a two-byte head)',
      recipient: 'customer',
      sealed: splice(sealedOffer, Uint8Array.from([0xa1, 0x05, 0x4c]), Uint8Array.from([0xa1, 0x05, 0x58, 0x0c])),
      code: 'ERR_MALFORMED',
    },
    { name: 'tag 16 (COSE_Encrypt0)', recipient: 'customer', sealed: coseFrom(p, { tag: 16 }), code: 'ERR_MALFORMED' },
    { name: 'untagged', recipient: 'customer', sealed: sealedOffer.subarray(2), code: 'ERR_MALFORMED' },
    {
      name: 'trailing byte',
      recipient: 'customer',
      sealed: Uint8Array.from([...sealedOffer, 0]),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'an IV of 16 bytes',
      recipient: 'customer',
      sealed: coseFrom(p, { unprotected: new Map([[5, fill(1, 16)]]) }),
      code: 'ERR_MALFORMED',
    },
    {
      name: "the recipient's ciphertext nil",
      recipient: 'customer',
      sealed: coseFrom(p, { recipientCiphertext: null as never }),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'an ephemeral key on P-256 (EC2)',
      recipient: 'customer',
      sealed: coseFrom(p, {
        recipientUnprotected: recipientWith((h) =>
          h.set(
            -1,
            new Map<CborMapKey, CborValue>([
              [1, 2],
              [-1, 1],
              [-2, fill(1, 32)],
              [-3, fill(2, 32)],
            ]),
          ),
        ),
      }),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'a signed COSE message, not sealed',
      recipient: 'customer',
      sealed: unhex(coseValid[0]!.message),
      code: 'ERR_MALFORMED',
    },
    // Size, then the message inside.
    {
      name: 'larger than maxBytes',
      recipient: 'customer',
      sealed: sealedOffer,
      options: { ...coseValid[0]!.options, maxBytes: 256 },
      code: 'ERR_TOO_LARGE',
    },
    {
      name: 'the inner message is addressed to someone else (an offer to the customer, re-sealed to the vendor)',
      recipient: 'vendor',
      sealed: await sealWith(unhex(coseValid[0]!.message), recipients.vendor!.publicJwk, {
        ephemeralSeed: seedOf(0x34),
        iv: fill(0x61, 12),
      }),
      options: {
        ...coseValid[0]!.options,
        audience: (coseMessage('counter by the customer').options as { audience: string }).audience,
      },
      code: 'ERR_AUDIENCE',
    },
  ]

  // Bodies of two messages: an acceptance and the agreement signed by the customer alone.
  const agreementJson = JSON.parse(jws('agreement').message) as { payload: string; signatures: unknown[] }
  const partialJws = JSON.stringify({
    payload: agreementJson.payload,
    signatures: agreementJson.signatures.slice(0, 1),
  })
  const [ap, au, apayload, asigs] = decodeCbor(unhex(coseMessage('agreement').message).subarray(2)) as CborValue[]
  const partialCose = encodeCbor(new CborTag(98, [ap!, au!, apayload!, (asigs as CborValue[]).slice(0, 1)]))
  const jwsBody = `${jws('acceptance').message}\n${partialJws}`
  const coseBody = encodeCbor([unhex(coseMessage('acceptance').message), partialCose])
  const bodies = [
    {
      name: 'an acceptance and its agreement (JWS binding), sealed to the vendor',
      binding: 'jws',
      recipient: 'vendor',
      ephemeralSeed: hex(seedOf(0x25)),
      iv: hex(fill(0x71, 12)),
      sealed: await sealWith(jwsBody, recipients.vendor!.publicJwk, {
        ephemeralSeed: seedOf(0x25),
        iv: fill(0x71, 12),
      }),
      body: jwsBody,
    },
    {
      name: 'an acceptance and its agreement (COSE binding), sealed to the vendor',
      binding: 'cose',
      recipient: 'vendor',
      ephemeralSeed: hex(seedOf(0x35)),
      iv: hex(fill(0x72, 12)),
      sealed: hex(
        await sealWith(coseBody, recipients.vendor!.publicJwk, { ephemeralSeed: seedOf(0x35), iv: fill(0x72, 12) }),
      ),
      body: hex(coseBody),
    },
  ]

  // Encryption keys derived from signing seeds, the X25519 private key checked against node:crypto's HKDF.
  const derivation = []
  for (const byte of [0x01, 0x02, 0x21]) {
    const signingSeed = seedOf(byte)
    const pair = await deriveSealKeyPair(signingSeed)
    const privateKey = new Uint8Array(hkdfSync('sha256', signingSeed, 'intentcast/0.1 seal', 'x25519', 32))
    if (encodeBase64url(privateKey) !== pair.privateJwk.d) throw new Error('vector construction: derivation differs')
    derivation.push({
      signingSeed: hex(signingSeed),
      did: (await keyPairFromSeed(signingSeed)).did,
      privateKey: hex(privateKey),
      x: pair.publicJwk.x,
      kid: pair.publicJwk.kid,
    })
  }

  return {
    profile: { alg: 'ECDH-ES', enc: 'A256GCM', cty: 'intentcast+jws' },
    keys: Object.fromEntries(
      Object.entries(recipients).map(([name, pair], i) => [name, { seed: hex(seedOf(0x11 + i)), ...pair }]),
    ),
    valid,
    invalid,
    cose: {
      profile: { tag: 96, alg: 3, recipientAlg: -25, contentType: 'application/intentcast+cose' },
      valid: coseValid,
      invalid: coseInvalid.map(({ name, recipient, sealed: bytes, options, code }) => ({
        name,
        recipient,
        sealed: hex(bytes),
        options: options ?? coseValid[0]!.options,
        code,
      })),
    },
    bodies,
    derivation,
  }
}
