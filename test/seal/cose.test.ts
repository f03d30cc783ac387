/**
 * intentcast/seal in the COSE binding, one describe per rule of spec §Encrypted envelopes (COSE):
 * the structure `seal` writes, a decryption written here with node:crypto (and checked against the
 * COSE working group's own X25519 example), then each refusal in the order `open` checks, the
 * fuzz, and openAndVerify.
 */
import {
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  type DecipherGCM,
} from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CborTag, decodeCbor, encodeCbor, type CborMapKey, type CborValue } from '../../src/cose/index.js'
import { ERROR_CODES, IntentcastError, verify } from '../../src/index.js'
import { open, openAndVerify, seal, sealKeyPairFromSeed } from '../../src/seal/index.js'
import { customer, expectCode, seed, signSamples, T0, vendor } from '../helpers/fixtures.js'
import { coseSamples, twoMessageBodies } from './samples.js'

type Header = Map<CborMapKey, CborValue>

const samples = await coseSamples()
const customerKeys = await sealKeyPairFromSeed(seed(0x11))
const vendorKeys = await sealKeyPairFromSeed(seed(0x12))
const sealedOffer = await seal(samples.offer, customerKeys.publicJwk)
const utf8 = (s: string) => new TextEncoder().encode(s)
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill)

/** A sealed COSE_Encrypt's items, decoded. */
function partsOf(sealed: Uint8Array) {
  expect([...sealed.subarray(0, 2)]).toEqual([0xd8, 0x60])
  const [protectedBytes, unprotected, ciphertext, recipients] = decodeCbor(sealed.subarray(2)) as [
    Uint8Array,
    Header,
    Uint8Array,
    [Uint8Array, Header, Uint8Array][],
  ]
  const [recipientProtected, recipientUnprotected, recipientCiphertext] = recipients[0]!
  return { protectedBytes, unprotected, ciphertext, recipientProtected, recipientUnprotected, recipientCiphertext }
}
type Parts = ReturnType<typeof partsOf>
const p = partsOf(sealedOffer)

/** The sealed offer with some items replaced; `recipients` replaces the whole list, `tag` the tag. */
function rebuilt(change: Partial<Parts> & { recipients?: CborValue[]; tag?: number } = {}): Uint8Array {
  const q = { ...p, ...change }
  const recipients = change.recipients ?? [[q.recipientProtected, q.recipientUnprotected, q.recipientCiphertext]]
  return encodeCbor(new CborTag(change.tag ?? 96, [q.protectedBytes, q.unprotected, q.ciphertext, recipients]))
}
const protectedWith = (edit: (h: Header) => void) => {
  const h = decodeCbor(p.protectedBytes) as Header
  edit(h)
  return encodeCbor(h)
}
const recipientWith = (edit: (h: Header) => void) => {
  const h = new Map(p.recipientUnprotected)
  edit(h)
  return h
}
const epkWith = (edit: (h: Header) => void) =>
  recipientWith((h) => {
    const epk = new Map(h.get(-1) as Header)
    edit(epk)
    h.set(-1, epk)
  })
const flip = (b: Uint8Array, at: number) => {
  const copy = Uint8Array.from(b)
  copy[at]! ^= 1
  return copy
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  )

/**
 * RFC 9052 §5.3 and RFC 9053 §5.1, §5.2, §6.3 as written, on node:crypto: the recipient's X25519
 * private key, the ephemeral key from the header, HKDF-SHA256 with the COSE_KDF_Context as info,
 * and AES-GCM over the Enc_structure. `algorithm` and `bits` are those of the content encryption.
 */
function decryptByHand(sealed: Uint8Array, recipientPrivate: Uint8Array, algorithm = 3, bits = 256): Uint8Array {
  const q = partsOf(sealed)
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), recipientPrivate])
  const x = (q.recipientUnprotected.get(-1) as Header).get(-2) as Uint8Array
  const shared = diffieHellman({
    privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
    publicKey: createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(x).toString('base64url') },
      format: 'jwk',
    }),
  })
  const context = encodeCbor([algorithm, [null, null, null], [null, null, null], [bits, q.recipientProtected]])
  const key = Buffer.from(hkdfSync('sha256', shared, new Uint8Array(0), context, bits / 8))
  const decipher = createDecipheriv(`aes-${bits}-gcm`, key, q.unprotected.get(5) as Uint8Array) as DecipherGCM
  decipher.setAAD(encodeCbor(['Encrypt', q.protectedBytes, new Uint8Array(0)]))
  decipher.setAuthTag(q.ciphertext.subarray(-16))
  return new Uint8Array(Buffer.concat([decipher.update(q.ciphertext.subarray(0, -16)), decipher.final()]))
}

describe('seal, then open: the body comes back unchanged', () => {
  for (const [kind, message] of Object.entries(samples)) {
    it(kind, async () => {
      const sealed = await seal(message, vendorKeys.publicJwk)
      expect(sealed).toBeInstanceOf(Uint8Array)
      expect(await open(sealed, vendorKeys)).toEqual(message)
    })
  }
  it('a body of two messages (the array [acceptance, agreement]) is sealed as it is', async () => {
    const { cose } = await twoMessageBodies()
    expect(await open(await seal(cose, vendorKeys.publicJwk), vendorKeys)).toEqual(cose)
  })
  it('any non-empty bytes are a body: seal does not parse them', async () => {
    expect(await open(await seal(bytes(1, 0xff), vendorKeys.publicJwk), vendorKeys)).toEqual(bytes(1, 0xff))
  })
  it('two seals of one body differ (a fresh ephemeral key and IV each time)', async () => {
    expect(await seal(samples.offer, customerKeys.publicJwk)).not.toEqual(sealedOffer)
  })
  it('does not carry the plaintext: no DID, no payload bytes', () => {
    const text = Buffer.from(sealedOffer).toString('latin1')
    expect(text).not.toContain(customer.did)
    expect(text).not.toContain(Buffer.from(samples.offer.subarray(40, 80)).toString('latin1'))
  })
})

describe('the structure: a COSE_Encrypt of the profile, in deterministic CBOR', () => {
  it('layer 0: {1: 3, 3: "application/intentcast+cose"} protected, {5: 12-byte IV} unprotected', () => {
    expect(decodeCbor(p.protectedBytes)).toEqual(
      new Map<CborMapKey, CborValue>([
        [1, 3],
        [3, 'application/intentcast+cose'],
      ]),
    )
    expect([...p.unprotected.keys()]).toEqual([5])
    expect((p.unprotected.get(5) as Uint8Array).length).toBe(12)
    expect(p.ciphertext.length).toBe(samples.offer.length + 16)
  })
  it('one recipient: {1: -25} protected, the ephemeral COSE_Key and the kid unprotected, h"" ciphertext', () => {
    expect(decodeCbor(p.recipientProtected)).toEqual(new Map([[1, -25]]))
    const epk = p.recipientUnprotected.get(-1) as Header
    expect([...epk.keys()]).toEqual([1, -1, -2])
    expect([epk.get(1), epk.get(-1), (epk.get(-2) as Uint8Array).length]).toEqual([1, 4, 32])
    expect(p.recipientUnprotected.get(4)).toEqual(utf8(customerKeys.publicJwk.kid!))
    expect(p.recipientCiphertext).toEqual(new Uint8Array(0))
  })
  it('is its own deterministic encoding', () => {
    expect(rebuilt()).toEqual(sealedOffer)
  })
  it('a recipient JWK without kid gives a recipient header without kid', async () => {
    const { kid: _, ...anonymous } = customerKeys.publicJwk
    const sealed = await seal(samples.offer, anonymous)
    expect([...partsOf(sealed).recipientUnprotected.keys()]).toEqual([-1])
    expect(await open(sealed, customerKeys)).toEqual(samples.offer)
  })
  it('decrypts by hand with node:crypto, following RFC 9052/9053 as written', () => {
    expect(decryptByHand(sealedOffer, seed(0x11))).toEqual(samples.offer)
  })
})

describe('interop: the COSE working group example X25519-hkdf-256-direct (cose-wg/Examples)', () => {
  // A128GCM, kid "X25519-1", the same structure otherwise. Its recipient header lists -1 before 4,
  // which is not deterministic order: as published, open refuses it as malformed.
  const epk = 'A30101200421582072FC171C21BF5C682C64D2EF3A71AC877B40013D3754F63D4C3C3A965F1BA776'
  const kid = '04485832353531392D31'
  const example = (recipientHeader: string) =>
    new Uint8Array(
      Buffer.from(
        'D8608443A10101A1054C9862E02EC874A0DF9FB123385824D2B07042F7BA47C61646CCA83AB97FD23AF21F0D2AC75DCB47A9FC2930' +
          `15D8F098AE9C1B818344A1013818A2${recipientHeader}40`,
        'hex',
      ),
    )
  const published = example(`20${epk}${kid}`)
  // The same message with the recipient's unprotected map in deterministic order: no crypto covers it.
  const deterministic = example(`${kid}20${epk}`)
  const d = Buffer.from('00a943daa2e38b2edbf0da0434eaaec6016fe25dcd5ecacbc07dc30300567655', 'hex')
  it('the hand decryption gives the example plaintext, so it reads the RFCs as the example does', () => {
    expect(Buffer.from(decryptByHand(deterministic, d, 1, 128)).toString()).toBe('This is the content.')
  })
  it('open reads its structure and refuses only A128GCM (ERR_UNSUPPORTED_ALG)', async () => {
    const pair = await sealKeyPairFromSeed(new Uint8Array(d))
    expect(Buffer.from(pair.publicJwk.x, 'base64url').toString('hex')).toBe(
      '7ffe91f5f932dae92be603f55fac0f4c4c9328906ee550edcb7f6f7626ebc07e',
    )
    await expectCode(open(deterministic, pair), 'ERR_UNSUPPORTED_ALG')
    await expectCode(open(published, pair), 'ERR_MALFORMED')
  })
})

describe('sizes: what sealing adds', () => {
  it('a fixed 168 bytes in COSE for a body of 256 B to 64 KiB (122 without a kid)', async () => {
    const { kid: _, ...anonymous } = customerKeys.publicJwk
    for (const body of [samples.offer, samples.agreement, bytes(300), bytes(60_000)]) {
      expect((await seal(body, customerKeys.publicJwk)).length - body.length).toBe(168)
      expect((await seal(body, anonymous)).length - body.length).toBe(122)
    }
  })
  it('less than the JWE: no base64url, no JSON header', async () => {
    const jws = (await signSamples()).offer
    const jweOverhead = (await seal(jws, customerKeys.publicJwk)).length - jws.length
    expect(jweOverhead).toBeGreaterThan(168 + jws.length / 3)
  })
})

describe('ERR_TOO_LARGE: the size is checked before parsing', () => {
  it('over maxBytes', async () => {
    await expectCode(open(sealedOffer, customerKeys, { maxBytes: 100 }), 'ERR_TOO_LARGE')
  })
  it('over the default 64 KiB, whatever the bytes', async () => {
    await expectCode(open(bytes(65_537, 0xff), customerKeys), 'ERR_TOO_LARGE')
  })
})

describe('ERR_MALFORMED: only a COSE_Encrypt of the profile, in deterministic CBOR', () => {
  const ivHead = Uint8Array.from([0xa1, 0x05, 0x4c])
  const at = Buffer.from(sealedOffer).indexOf(Buffer.from(ivHead))
  const cases: Record<string, () => Uint8Array> = {
    'empty bytes': () => new Uint8Array(0),
    'a signed COSE message': () => samples.offer,
    'a JWE, as bytes': () => utf8('eyJhbGciOiJFQ0RILUVTIn0..AAAA.AAAA.AAAA'),
    untagged: () => sealedOffer.subarray(2),
    'tag 16 (COSE_Encrypt0)': () => rebuilt({ tag: 16 }),
    'tag 96 twice': () => Uint8Array.from([0xd8, 0x60, ...sealedOffer]),
    'a trailing byte': () => Uint8Array.from([...sealedOffer, 0]),
    'non-deterministic CBOR: the IV length in a two-byte head': () =>
      Uint8Array.from([...sealedOffer.subarray(0, at), 0xa1, 0x05, 0x58, 0x0c, ...sealedOffer.subarray(at + 3)]),
    'non-deterministic CBOR: an indefinite-length array': () =>
      Uint8Array.from([0xd8, 0x60, 0x9f, ...sealedOffer.subarray(3), 0xff]),
    'not an array of 4': () => encodeCbor(new CborTag(96, [p.protectedBytes, p.unprotected, p.ciphertext])),
    'a protected header that is a map, not a byte string': () =>
      rebuilt({ protectedBytes: decodeCbor(p.protectedBytes) as never }),
    'a protected header that is an encoded empty map': () => rebuilt({ recipientProtected: Uint8Array.of(0xa0) }),
    'a protected header that is not CBOR': () => rebuilt({ protectedBytes: Uint8Array.of(0xff) }),
    'an extra protected label (crit)': () => rebuilt({ protectedBytes: protectedWith((h) => h.set(2, [3])) }),
    'an extra protected label (a text label)': () => rebuilt({ protectedBytes: protectedWith((h) => h.set('x', 1)) }),
    'alg in the layer-0 unprotected header': () => rebuilt({ unprotected: new Map([...p.unprotected, [1, 3]]) }),
    'an extra layer-0 unprotected label (kid)': () =>
      rebuilt({ unprotected: new Map([...p.unprotected, [4, bytes(2)]]) }),
    'an extra recipient protected label (kid)': () =>
      rebuilt({
        recipientProtected: encodeCbor(
          new Map<CborMapKey, CborValue>([
            [1, -25],
            [4, bytes(2)],
          ]),
        ),
      }),
    'an extra recipient unprotected label (static key id, -3)': () =>
      rebuilt({ recipientUnprotected: recipientWith((h) => h.set(-3, bytes(2))) }),
    'no recipients': () => rebuilt({ recipients: [] }),
    'two recipients': () =>
      rebuilt({
        recipients: [
          [p.recipientProtected, p.recipientUnprotected, p.recipientCiphertext],
          [p.recipientProtected, p.recipientUnprotected, p.recipientCiphertext],
        ],
      }),
    'a nested layer of recipients': () =>
      rebuilt({ recipients: [[p.recipientProtected, p.recipientUnprotected, p.recipientCiphertext, []]] }),
    'an IV of 16 bytes': () => rebuilt({ unprotected: new Map([[5, bytes(16)]]) }),
    'no IV': () => rebuilt({ unprotected: new Map() }),
    'a ciphertext shorter than a tag': () => rebuilt({ ciphertext: bytes(15) }),
    "the recipient's ciphertext nil": () => rebuilt({ recipientCiphertext: null as never }),
    "the recipient's ciphertext not empty": () => rebuilt({ recipientCiphertext: bytes(40) }),
    'no ephemeral key': () => rebuilt({ recipientUnprotected: recipientWith((h) => h.delete(-1)) }),
    'an ephemeral key on P-256 (EC2)': () =>
      rebuilt({ recipientUnprotected: epkWith((h) => (h.set(1, 2), h.set(-1, 1), h.set(-3, bytes(32)))) }),
    'an ephemeral key on X448': () => rebuilt({ recipientUnprotected: epkWith((h) => h.set(-1, 5)) }),
    'an ephemeral key with a kid': () => rebuilt({ recipientUnprotected: epkWith((h) => h.set(2, bytes(2))) }),
    'an ephemeral x of 31 bytes': () => rebuilt({ recipientUnprotected: epkWith((h) => h.set(-2, bytes(31))) }),
    'a kid that is text, not bytes': () => rebuilt({ recipientUnprotected: recipientWith((h) => h.set(4, 'kid')) }),
  }
  for (const [name, make] of Object.entries(cases)) {
    it(name, async () => {
      await expectCode(open(make(), customerKeys), 'ERR_MALFORMED')
    })
  }
})

describe('ERR_UNSUPPORTED_ALG: A256GCM with ECDH-ES + HKDF-256 only', () => {
  const cases: Record<string, () => Uint8Array> = {
    'content alg A128GCM (1)': () => rebuilt({ protectedBytes: protectedWith((h) => h.set(1, 1)) }),
    'content alg ChaCha20/Poly1305 (24)': () => rebuilt({ protectedBytes: protectedWith((h) => h.set(1, 24)) }),
    'content alg as text "A256GCM"': () => rebuilt({ protectedBytes: protectedWith((h) => h.set(1, 'A256GCM')) }),
    'no content alg': () => rebuilt({ protectedBytes: protectedWith((h) => h.delete(1)) }),
    'recipient alg ECDH-ES + HKDF-512 (-26)': () => rebuilt({ recipientProtected: encodeCbor(new Map([[1, -26]])) }),
    'recipient alg ECDH-SS + HKDF-256 (-27)': () => rebuilt({ recipientProtected: encodeCbor(new Map([[1, -27]])) }),
    'recipient alg ECDH-ES + A256KW (-31), with its wrapped key': () =>
      rebuilt({ recipientProtected: encodeCbor(new Map([[1, -31]])), recipientCiphertext: bytes(40) }),
    'no recipient alg (an empty protected bucket)': () => rebuilt({ recipientProtected: new Uint8Array(0) }),
  }
  for (const [name, make] of Object.entries(cases)) {
    it(name, async () => {
      await expectCode(open(make(), customerKeys), 'ERR_UNSUPPORTED_ALG')
    })
  }
})

describe('ERR_TYPE_MISMATCH: the content type names an intentcast COSE body', () => {
  for (const type of ['application/intentcast+jws', 'application/cose', 'application/intentcast+cose; x=1', 61]) {
    it(String(type), async () => {
      await expectCode(
        open(rebuilt({ protectedBytes: protectedWith((h) => h.set(3, type)) }), customerKeys),
        'ERR_TYPE_MISMATCH',
      )
    })
  }
  it('no content type', async () => {
    await expectCode(
      open(rebuilt({ protectedBytes: protectedWith((h) => h.delete(3)) }), customerKeys),
      'ERR_TYPE_MISMATCH',
    )
  })
})

describe('ERR_DECRYPT: another recipient, or any change', () => {
  it('sealed to another key: its kid names no key of this recipient', async () => {
    const e = await expectCode(open(sealedOffer, vendorKeys), 'ERR_DECRYPT')
    expect(e.message).toMatch(/no key .* kid/)
  })
  it('sealed to another key without a kid: the tag fails', async () => {
    await expectCode(
      open(rebuilt({ recipientUnprotected: recipientWith((h) => h.delete(4)) }), vendorKeys),
      'ERR_DECRYPT',
    )
  })
  it('the kid is not authenticated, but the key it picks must still decrypt', async () => {
    expect(await open(rebuilt({ recipientUnprotected: recipientWith((h) => h.delete(4)) }), customerKeys)).toEqual(
      samples.offer,
    )
  })
  it('the IV, the ephemeral key, or any byte of the ciphertext and tag altered', async () => {
    await expectCode(
      open(rebuilt({ unprotected: new Map([[5, flip(p.unprotected.get(5) as Uint8Array, 0)]]) }), customerKeys),
      'ERR_DECRYPT',
    )
    const x = (p.recipientUnprotected.get(-1) as Header).get(-2) as Uint8Array
    await expectCode(
      open(rebuilt({ recipientUnprotected: epkWith((h) => h.set(-2, flip(x, 5))) }), customerKeys),
      'ERR_DECRYPT',
    )
    for (let i = 0; i < p.ciphertext.length; i += 11) {
      await expectCode(open(rebuilt({ ciphertext: flip(p.ciphertext, i) }), customerKeys), 'ERR_DECRYPT')
    }
    await expectCode(
      open(rebuilt({ ciphertext: flip(p.ciphertext, p.ciphertext.length - 1) }), customerKeys),
      'ERR_DECRYPT',
    )
  })
  it('a low-order ephemeral key (x = 0, x = 1)', async () => {
    for (const x of [bytes(32, 0), Uint8Array.from([1, ...bytes(31, 0)])]) {
      await expectCode(
        open(rebuilt({ recipientUnprotected: epkWith((h) => h.set(-2, x)) }), customerKeys),
        'ERR_DECRYPT',
      )
    }
  })
  it('a ciphertext of only a tag: the tag fails, not an empty body', async () => {
    await expectCode(open(rebuilt({ ciphertext: bytes(16) }), customerKeys), 'ERR_DECRYPT')
  })
})

describe('fuzz: a mutated COSE_Encrypt is refused with a wire code, never a crash', () => {
  const mutation = fc.oneof(
    fc.record({
      op: fc.constant('set' as const),
      at: fc.nat(sealedOffer.length - 1),
      b: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(sealedOffer.length),
      b: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat(sealedOffer.length - 1), b: fc.constant(0) }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat(sealedOffer.length - 1), b: fc.constant(0) }),
  )
  it('set, insert or delete a byte, or truncate, up to three times', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (edits) => {
        let b = [...sealedOffer]
        for (const { op, at, b: v } of edits) {
          const i = Math.min(at, b.length)
          if (op === 'set') b[i] = v
          else if (op === 'insert') b.splice(i, 0, v)
          else if (op === 'delete') b.splice(i, 1)
          else b = b.slice(0, i)
        }
        const mutated = Uint8Array.from(b)
        fc.pre(Buffer.compare(mutated, sealedOffer) !== 0)
        const error = await failure(open(mutated, customerKeys))
        expect(error).toBeInstanceOf(IntentcastError)
        expect(ERROR_CODES).toContain((error as IntentcastError).code)
        expect(['ERR_INVALID_ARGUMENT', 'ERR_INTERNAL']).not.toContain((error as IntentcastError).code)
      }),
      { numRuns: 500 },
    )
  })
  it('the structure rebuilt around random CBOR in any one item', async () => {
    const items = [
      'protectedBytes',
      'unprotected',
      'ciphertext',
      'recipientProtected',
      'recipientUnprotected',
      'recipientCiphertext',
    ] as const
    const cbor = fc.letrec<{ value: CborValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.integer({ min: -1000, max: 1000 }),
        fc.string({ maxLength: 8 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), tie('value')), { maxLength: 3 }).map((e) => new Map(e)),
      ),
    })).value
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...items), cbor, async (item, value) => {
        const mutated = rebuilt({ [item]: value as never })
        fc.pre(Buffer.compare(mutated, sealedOffer) !== 0)
        const error = await failure(open(mutated, customerKeys))
        expect(error).toBeInstanceOf(IntentcastError)
        expect(['ERR_MALFORMED', 'ERR_UNSUPPORTED_ALG', 'ERR_TYPE_MISMATCH', 'ERR_DECRYPT']).toContain(
          (error as IntentcastError).code,
        )
      }),
      { numRuns: 300 },
    )
  })
})

describe('openAndVerify: decrypt, then every check of verify on the COSE message', () => {
  it('returns what verify returns for the inner message', async () => {
    const out = await openAndVerify(sealedOffer, customerKeys, { expect: 'offer', audience: customer.did, now: T0 })
    const plain = await verify(samples.offer, { expect: 'offer', now: T0 })
    expect(out.digest).toBe(plain.digest)
    expect(out.message).toEqual(samples.offer)
  })
  it('ERR_AUDIENCE: a message for someone else, re-sealed to us', async () => {
    const resealed = await seal(samples.offer, vendorKeys.publicJwk)
    await expectCode(openAndVerify(resealed, vendorKeys, { audience: vendor.did, now: T0 }), 'ERR_AUDIENCE')
  })
  it('ERR_AUDIENCE: a sealed message without aud when an audience is given', async () => {
    const sealedIntent = await seal(samples.intent, vendorKeys.publicJwk)
    await expectCode(openAndVerify(sealedIntent, vendorKeys, { audience: vendor.did, now: T0 }), 'ERR_AUDIENCE')
    expect((await openAndVerify(sealedIntent, vendorKeys, { now: T0 })).kind).toBe('intent')
  })
  it('an agreement sealed to a party opens for that party', async () => {
    const sealed = await seal(samples.agreement, vendorKeys.publicJwk)
    expect((await openAndVerify(sealed, vendorKeys, { audience: vendor.did, now: T0 })).kind).toBe('agreement')
  })
  it('the inner checks still apply (ERR_TYPE_MISMATCH for another kind)', async () => {
    await expectCode(openAndVerify(sealedOffer, customerKeys, { expect: 'counter', now: T0 }), 'ERR_TYPE_MISMATCH')
  })
  it('is for one message: a two-message body fails verify as ERR_MALFORMED', async () => {
    const { cose } = await twoMessageBodies()
    await expectCode(openAndVerify(await seal(cose, vendorKeys.publicJwk), vendorKeys, { now: T0 }), 'ERR_MALFORMED')
  })
  it('the size limit applies to the sealed bytes', async () => {
    await expectCode(openAndVerify(sealedOffer, customerKeys, { maxBytes: 256, now: T0 }), 'ERR_TOO_LARGE')
  })
})
