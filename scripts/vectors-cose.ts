/**
 * Builds the COSE binding's vectors (spec/vectors/cose.json) from the fixed keys (seeds 0x01,
 * 0x02, 0x03 × 32), the fixed clock and fixed jtis of the core vectors, so the output is the same
 * byte for byte every time: Ed25519 and deterministic CBOR leave nothing to chance.
 *
 * - `valid`: one message of each kind in COSE, with the kind, digest and payload `verify` returns;
 * - `invalid`: messages `verify` refuses, with their code. Those the SDK would never sign are
 *   built here by hand from raw CBOR and a raw Ed25519 signature, so each reaches the check it
 *   is about (a duplicate key in a signed payload fails at the payload, not at the signature);
 * - `links`: `intentcast:` URIs and what they carry, and URIs `parseIntentcastUri` refuses.
 *
 * Messages are hex.
 */
import { encodeCbor } from '../src/cose/cbor-encode.js'
import { CborTag, type CborMapKey, type CborValue } from '../src/cose/cbor-value.js'
import { decodeCoseMessage } from '../src/cose/message.js'
import { signEd25519 } from '../src/crypto/index.js'
import { claimsToCbor } from '../src/envelope/cose-claims.js'
import {
  countersign,
  digest,
  kidForDid,
  keyPairFromSeed,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signOffer,
  signTerms,
  signWithdrawal,
  verify,
  Thread,
  type KeyPair,
} from '../src/index.js'
import { encodeBase45 } from '../src/link/base45.js'
import { toIntentcastUri } from '../src/link/uri.js'
import { hex, later, now, seedOf, VECTOR_INTENT_BODY, VECTOR_TIME, WEB_DID } from './vectors-core.js'

const utf8 = (s: string) => new TextEncoder().encode(s)

type Header = Map<CborMapKey, CborValue>

/**
 * A tagged COSE_Sign1 from any protected header (as a map, or as the exact bytes), unprotected
 * header and payload bytes, signed with `seed` over the Sig_structure: for messages the SDK refuses to sign.
 */
async function rawSign1(
  protectedHeader: Header | Uint8Array,
  payload: Uint8Array,
  seed: Uint8Array,
  unprotected: Header = new Map(),
): Promise<Uint8Array> {
  const protectedBytes = protectedHeader instanceof Uint8Array ? protectedHeader : encodeCbor(protectedHeader)
  const signature = await signEd25519(seed, encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]))
  return encodeCbor(new CborTag(18, [protectedBytes, unprotected, payload, signature]))
}

const headerOf = (k: KeyPair, typ = 'intentcast-intent+cose', alg: CborValue = -8): Header =>
  new Map<CborMapKey, CborValue>([
    [1, alg],
    [4, utf8(kidForDid(k.did))],
    [16, typ],
  ])

/** A valid COSE_Sign1's fields, taken apart with the SDK's strict decoder to be put together differently. */
function sign1Parts(message: Uint8Array) {
  const [protectedBytes, , payload, signature] = decodeCoseMessage(message, 'COSE_Sign1', {}) as [
    Uint8Array,
    Header,
    Uint8Array,
    Uint8Array,
  ]
  return { protectedBytes, payload, signature }
}

/** A valid COSE_Sign's fields. */
function signParts(message: Uint8Array) {
  const [protectedBytes, unprotected, payload, signatures] = decodeCoseMessage(message, 'COSE_Sign', {}) as [
    Uint8Array,
    Header,
    Uint8Array,
    CborValue[],
  ]
  return { protectedBytes, unprotected, payload, signatures }
}

/** `bytes` with the one occurrence of `from` replaced by `to` (the vector fails to build if it is absent or repeated). */
function splice(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const hits: number[] = []
  for (let i = 0; i + from.length <= bytes.length; i++) if (from.every((b, j) => bytes[i + j] === b)) hits.push(i)
  if (hits.length !== 1) throw new Error(`vector construction: ${hits.length} occurrences of ${hex(from)}`)
  const at = hits[0]!
  return Uint8Array.from([...bytes.subarray(0, at), ...to, ...bytes.subarray(at + from.length)])
}

const u32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]

/** A tagged COSE_Sign of `payload` with any body header, each signer signing over its Sig_structure. */
async function rawSign(
  bodyProtected: Header,
  payload: Uint8Array,
  signers: ReadonlyArray<{ header: Header; seed: Uint8Array }>,
): Promise<Uint8Array> {
  const body = encodeCbor(bodyProtected)
  const signatures: CborValue[] = []
  for (const { header, seed } of signers) {
    const protectedBytes = encodeCbor(header)
    const tbs = encodeCbor(['Signature', body, protectedBytes, new Uint8Array(0), payload])
    signatures.push([protectedBytes, new Map(), await signEd25519(seed, tbs)])
  }
  return encodeCbor(new CborTag(98, [body, new Map(), payload, signatures]))
}

/**
 * The data items of a value as the limits count them (§COSE binding, Deterministic encoding):
 * every head read, so a map entry counts its key and its value; a byte string is one item, its
 * contents unread.
 */
function dataItems(v: CborValue): number {
  if (Array.isArray(v)) return 1 + v.reduce((n: number, x) => n + dataItems(x), 0)
  if (v instanceof Map) return 1 + [...v].reduce((n, [k, x]) => n + dataItems(k) + dataItems(x), 0)
  if (v instanceof CborTag) return 1 + dataItems(v.value)
  return 1
}

/** `depth` arrays, each holding the next, the innermost empty. */
const nested = (depth: number): CborValue[] => (depth === 1 ? [] : [nested(depth - 1)])

/** An array value that makes `base` up to exactly `total` data items: arrays of zeros, 1,000 at most each. */
function filler(total: number): CborValue[] {
  let left = total - 1
  const out: CborValue[] = []
  while (left > 0) {
    const n = Math.min(1000, left - 1)
    out.push(new Array<number>(n).fill(0))
    left -= n + 1
  }
  return out
}

export async function coseVectors() {
  const [customer, vendor, stranger] = await Promise.all([
    keyPairFromSeed(seedOf(1)),
    keyPairFromSeed(seedOf(2)),
    keyPairFromSeed(seedOf(3)),
  ])
  let n = 0
  const jti = () => `cose-vector-jti-${String(++n).padStart(4, '0')}`
  const cose = { format: 'cose' } as const

  const intentBody = VECTOR_INTENT_BODY
  const intent = await signIntent(intentBody, customer, { ...cose, now, jti: jti() })
  const intentDigest = digest(intent)
  const dealTerms = {
    agreement: 'SD-BASE-A',
    conditions: [
      { id: 'retention-days', value: '30', unit: 'day' },
      { id: 'deletion-on-request', value: true },
      { id: 'returns-days', value: '30', unit: 'day' },
    ],
  }
  const offerBody = {
    inReplyTo: intentDigest,
    item: { name: 'cargo bike', category: 'bicycles' },
    quantity: 1,
    price: { amount: '2150.00', currency: 'EUR' },
    deliverBy: '2026-01-08T12:00:00Z',
    terms: dealTerms,
  }
  const offer = await signOffer(offerBody, vendor, { ...cose, now: later(60), audience: customer.did, jti: jti() })
  const deal = {
    quantity: 1,
    price: { amount: '2000.00', currency: 'EUR' },
    deliverBy: offerBody.deliverBy,
    terms: { ...dealTerms, agreement: 'SD-BASE' },
  }
  const counter = await signCounter(
    { inReplyTo: digest(offer), intent: intentDigest, ...deal, note: 'At my ceiling.' },
    customer,
    { ...cose, now: later(120), audience: vendor.did, jti: jti() },
  )
  const counter2 = await signCounter({ inReplyTo: digest(counter), intent: intentDigest, ...deal }, vendor, {
    ...cose,
    now: later(180),
    audience: customer.did,
    jti: jti(),
  })
  const acceptance = await signAcceptance({ inReplyTo: digest(counter2), intent: intentDigest, ...deal }, customer, {
    ...cose,
    now: later(240),
    audience: vendor.did,
    jti: jti(),
  })
  const thread = new Thread(await verify(intent, { now }))
  for (const [m, at] of [
    [offer, 60],
    [counter, 120],
    [counter2, 180],
    [acceptance, 240],
  ] as const)
    thread.add(await verify(m, { now: later(at) }))
  const partial = await signAgreement(thread.agreementBody(), customer, { ...cose, now: later(300), jti: jti() })
  const agreement = await countersign(partial, vendor, { now: later(300) })
  const terms = await signTerms(
    {
      role: 'vendor',
      name: 'Lastenrad Berlin',
      url: 'https://bikes.example',
      terms: {
        agreements: ['SD-BASE', 'SD-BASE-A'],
        conditions: [
          { id: 'retention-days', value: '30', unit: 'day' },
          { id: 'returns-days', value: '30', unit: 'day' },
        ],
      },
    },
    vendor,
    { ...cose, now, jti: jti() },
  )
  const withdrawal = await signWithdrawal({ withdraws: intentDigest, reason: 'Bought elsewhere.' }, customer, {
    ...cose,
    now: later(400),
    jti: jti(),
  })

  const valid = [
    ['intent', intent, 0, {}],
    ['offer', offer, 60, { audience: customer.did }],
    ['counter by the customer', counter, 120, { audience: vendor.did }],
    ['counter by the vendor', counter2, 180, { audience: customer.did }],
    ['acceptance', acceptance, 240, { audience: vendor.did }],
    ['agreement', agreement, 300, {}],
    ['terms (vendor r-button declaration)', terms, 0, {}],
    ['withdrawal', withdrawal, 400, {}],
  ] as const

  // Hand-made messages: the intent's claims, re-encoded with one thing wrong, and signed.
  const claims = (await verify(intent, { now })).payload as unknown as Record<string, unknown>
  const claimMap = claimsToCbor(claims) as Map<CborMapKey, CborValue>
  const signed = (payload: Uint8Array, header = headerOf(customer), seed = seedOf(1)) => rawSign1(header, payload, seed)
  const withClaims = (edit: (m: Map<CborMapKey, CborValue>) => void) => {
    const m = structuredClone(claimMap)
    edit(m)
    return encodeCbor(m)
  }
  const want = (m: Map<CborMapKey, CborValue>) => m.get(5) as Map<CborMapKey, CborValue>
  const { payload, protectedBytes, signature } = sign1Parts(intent)
  const iat = claims.iat as number
  // Claims are sorted by key, so iss (key 1) comes first: 01 78 38 "did:key:…".
  const iss = encodeCbor(new Map([[1, claims.iss as string]])).subarray(1)
  // A marker value for quantity, unique in the payload, to be swapped for bytes the encoder never writes.
  const marked = withClaims((m) => want(m).set(10, 0x7e57ab1e))
  const marker = Uint8Array.from([0x0a, 0x1a, ...u32(0x7e57ab1e)])

  const tampered = Uint8Array.from(intent)
  tampered[tampered.length - 1]! ^= 0x01
  const { signatures } = signParts(agreement)
  const lengthHead = Uint8Array.from([0x59, payload.length >> 8, payload.length & 0xff])

  const invalid: Array<{ name: string; message: Uint8Array; options?: Record<string, unknown>; code: string }> = [
    // CBOR that is not in deterministic form, or outside the data model.
    {
      name: 'duplicate map key in the payload (iss twice)',
      message: await signed(Uint8Array.from([payload[0]! + 1, ...iss, ...payload.subarray(1)])),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'duplicate map key in the protected header (alg twice)',
      message: await rawSign1(Uint8Array.from([0xa4, 0x01, 0x27, ...protectedBytes.subarray(1)]), payload, seedOf(1)),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'indefinite-length payload map',
      message: await signed(Uint8Array.from([0xbf, ...payload.subarray(1), 0xff])),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'indefinite-length COSE_Sign1 array',
      message: Uint8Array.from([0xd2, 0x9f, ...intent.subarray(2), 0xff]),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'non-minimal integer in the payload (iat in 8 bytes)',
      message: await signed(
        splice(
          payload,
          Uint8Array.from([0x06, 0x1a, ...u32(iat)]),
          Uint8Array.from([0x06, 0x1b, 0, 0, 0, 0, ...u32(iat)]),
        ),
      ),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'non-minimal length head of the payload byte string',
      message: splice(
        intent,
        Uint8Array.from([...lengthHead, ...payload.subarray(0, 4)]),
        Uint8Array.from([0x5a, 0, 0, ...lengthHead.subarray(1), ...payload.subarray(0, 4)]),
      ),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'unsorted map keys in the payload (iss last)',
      message: await signed(Uint8Array.from([payload[0]!, ...payload.subarray(1 + iss.length), ...iss])),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'unknown tag in the payload (tag 1, an epoch date, around iat)',
      message: await signed(withClaims((m) => m.set(6, new CborTag(1, iat)))),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'unknown tag around the message (self-described CBOR, 55799)',
      message: Uint8Array.from([0xd9, 0xd9, 0xf7, ...intent]),
      code: 'ERR_MALFORMED',
    },
    { name: 'untagged COSE_Sign1', message: intent.subarray(1), code: 'ERR_MALFORMED' },
    {
      name: 'a float in the payload (quantity 1.5, half precision)',
      message: await signed(splice(marked, marker, Uint8Array.from([0x0a, 0xf9, 0x3e, 0x00]))),
      code: 'ERR_MALFORMED',
    },
    { name: 'trailing byte after the message', message: Uint8Array.from([...intent, 0x00]), code: 'ERR_MALFORMED' },
    // Size.
    { name: 'oversized (maxBytes 256)', message: intent, options: { maxBytes: 256 }, code: 'ERR_TOO_LARGE' },
    // Signature.
    { name: 'tampered signature', message: tampered, code: 'ERR_SIGNATURE_INVALID' },
    {
      name: 'claim changed, signature kept',
      message: encodeCbor(
        new CborTag(18, [protectedBytes, new Map(), withClaims((m) => m.set(7, 'cose-vector-jti-9999')), signature]),
      ),
      code: 'ERR_SIGNATURE_INVALID',
    },
    {
      name: 'signed by a key other than kid',
      message: await signed(payload, headerOf(customer), seedOf(3)),
      code: 'ERR_SIGNATURE_INVALID',
    },
    // Headers.
    {
      name: 'wrong alg (ES256, -7)',
      message: await signed(payload, headerOf(customer, 'intentcast-intent+cose', -7)),
      code: 'ERR_UNSUPPORTED_ALG',
    },
    {
      name: 'alg in the unprotected header',
      message: await rawSign1(
        new Map([...headerOf(customer)].filter(([k]) => k !== 1)),
        payload,
        seedOf(1),
        new Map([[1, -8]]),
      ),
      code: 'ERR_UNSUPPORTED_ALG',
    },
    {
      name: 'wrong typ (the JWS typ)',
      message: await signed(payload, headerOf(customer, 'intentcast-intent+jws')),
      code: 'ERR_TYPE_MISMATCH',
    },
    {
      name: 'offer where an intent is expected',
      message: offer,
      options: { now: later(60).toISOString(), expect: 'intent' },
      code: 'ERR_TYPE_MISMATCH',
    },
    {
      name: 'extra header parameter (content type)',
      message: await signed(payload, new Map([...headerOf(customer), [3, 'application/cbor']])),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'kid names another DID than iss',
      message: await signed(payload, headerOf(stranger), seedOf(3)),
      code: 'ERR_ISSUER_MISMATCH',
    },
    // Claims.
    { name: 'unknown claim key (99)', message: await signed(withClaims((m) => m.set(99, true))), code: 'ERR_SCHEMA' },
    {
      name: 'unknown text claim ("admin")',
      message: await signed(withClaims((m) => m.set('admin', true))),
      code: 'ERR_SCHEMA',
    },
    {
      name: 'text key for an integer-keyed claim ("iss")',
      message: await signed(withClaims((m) => (m.delete(1), m.set('iss', claims.iss as string)))),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'price amount as an integer, not a decimal string',
      message: await signed(withClaims((m) => (want(m).get(18) as Map<CborMapKey, CborValue>).set(22, 2000))),
      code: 'ERR_SCHEMA',
    },
    { name: 'payload is not a map', message: await signed(encodeCbor([1, 2, 3])), code: 'ERR_MALFORMED' },
    // Time, audience.
    {
      name: 'expired',
      message: intent,
      options: { now: new Date(((claims.exp as number) + 31) * 1000).toISOString() },
      code: 'ERR_EXPIRED',
    },
    {
      name: 'wrong audience',
      message: offer,
      options: { now: later(60).toISOString(), audience: stranger.did },
      code: 'ERR_AUDIENCE',
    },
    // Agreements.
    {
      name: 'agreement with one signature',
      message: partial,
      options: { now: later(300).toISOString() },
      code: 'ERR_SIGNATURE_INVALID',
    },
    {
      name: 'agreement signatures in the wrong order',
      message: withSignatures(agreement, [...signatures].reverse()),
      options: { now: later(300).toISOString() },
      code: 'ERR_ISSUER_MISMATCH',
    },
    {
      name: 'agreement as a COSE_Sign1',
      message: await rawSign1(headerOf(customer, 'intentcast-agreement+cose'), signParts(agreement).payload, seedOf(1)),
      options: { now: later(300).toISOString() },
      code: 'ERR_MALFORMED',
    },
    ...(await moreInvalid()),
  ]

  /** The refusals added in spec 0.2 (§Changes since 0.1): each pins one reading of the text. */
  async function moreInvalid(): Promise<typeof invalid> {
    const at300 = { now: later(300).toISOString() }
    const agreementPayload = signParts(agreement).payload
    const [sig0, sig1] = signatures as [CborValue[], CborValue[]]
    const flipped = (sig: CborValue[]): CborValue[] => {
      const bytes = Uint8Array.from(sig[2] as Uint8Array)
      bytes[0]! ^= 0x01
      return [sig[0]!, sig[1]!, bytes]
    }
    const bodyOf = (typ: string, extra: Array<[CborMapKey, CborValue]> = []) =>
      new Map<CborMapKey, CborValue>([[16, typ], ...extra])
    const signerOf = (k: KeyPair): Header =>
      new Map<CborMapKey, CborValue>([
        [1, -8],
        [4, utf8(kidForDid(k.did))],
      ])
    const both = [
      { header: signerOf(customer), seed: seedOf(1) },
      { header: signerOf(vendor), seed: seedOf(2) },
    ]
    const header = (entries: Array<[CborMapKey, CborValue]>): Header => new Map(entries)
    const kidBytes = (kid: string) => utf8(kid)
    const base = dataItems(claimMap) + 1 // the claims, and the key "x" added to them
    const withX = (value: CborValue) => withClaims((m) => m.set('x', value))
    const pairs = (n: number) =>
      withClaims((m) => {
        for (let i = m.size; i < n; i++) m.set(`k${String(i).padStart(4, '0')}`, true)
      })
    return [
      // Values the payload may not hold (§Payload: the claims in CBOR).
      {
        name: 'null in the payload (want.region)',
        message: await signed(withClaims((m) => want(m).set(17, null))),
        code: 'ERR_SCHEMA',
      },
      {
        name: 'a byte string in the payload (jti as bytes)',
        message: await signed(withClaims((m) => m.set(7, utf8(claims.jti as string)))),
        code: 'ERR_SCHEMA',
      },
      {
        name: 'undefined in the payload (quantity)',
        message: await signed(splice(marked, marker, Uint8Array.from([0x0a, 0xf7]))),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'a simple value other than false, true and null in the payload (quantity, simple 16)',
        message: await signed(splice(marked, marker, Uint8Array.from([0x0a, 0xf0]))),
        code: 'ERR_MALFORMED',
      },
      // The key table is read in encoded order, depth first; the first key at fault decides.
      {
        name: 'an unknown integer key (99) and a text key for iss: integer keys come first in the encoding',
        message: await signed(withClaims((m) => (m.delete(1), m.set('iss', claims.iss as string), m.set(99, true)))),
        code: 'ERR_SCHEMA',
      },
      {
        name: 'a text key for name inside want.item (under key 5), and an unknown integer key (99) after it',
        message: await signed(
          withClaims((m) => {
            const item = want(m).get(9) as Map<CborMapKey, CborValue>
            item.set('name', item.get(19)!)
            item.delete(19)
            m.set(99, true)
          }),
        ),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'an unknown integer key (99) fails the key table (step 5) before the issuer (step 6)',
        message: await signed(withClaims((m) => (m.set(99, true), m.set(1, stranger.did)))),
        code: 'ERR_SCHEMA',
      },
      {
        name: 'an unknown text key ("admin") is the schema’s (step 7), after the issuer (step 6)',
        message: await signed(withClaims((m) => (m.set('admin', true), m.set(1, stranger.did)))),
        code: 'ERR_ISSUER_MISMATCH',
      },
      {
        name: 'a text key "toString" is an unknown claim, for the schema',
        message: await signed(withClaims((m) => m.set('toString', true))),
        code: 'ERR_SCHEMA',
      },
      {
        name: 'a text key "constructor"',
        message: await signed(withClaims((m) => m.set('constructor', true))),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'an attribute named by an integer key',
        message: await signed(
          withClaims((m) =>
            ((want(m).get(9) as Map<CborMapKey, CborValue>).get(21) as Map<CborMapKey, CborValue>).set(1, true),
          ),
        ),
        code: 'ERR_SCHEMA',
      },
      // Headers (§Verification, step 3).
      {
        name: 'typ as a byte string (a registered parameter of the wrong type), and alg ES256: the type comes first',
        message: await signed(
          payload,
          header([
            [1, -7],
            [4, kidBytes(kidForDid(customer.did))],
            [16, utf8('intentcast-intent+cose')],
          ]),
        ),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'content type (3) as a byte string, and alg ES256',
        message: await signed(
          payload,
          new Map([...headerOf(customer, 'intentcast-intent+cose', -7), [3, utf8('application/cbor')]]),
        ),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'kid as a text string, and alg ES256',
        message: await signed(
          payload,
          header([
            [1, -7],
            [4, kidForDid(customer.did)],
            [16, 'intentcast-intent+cose'],
          ]),
        ),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'IV (5) as a text string, and alg ES256: only alg, crit, content type, kid and typ are checked for type, so alg decides',
        message: await signed(
          payload,
          new Map([...headerOf(customer, 'intentcast-intent+cose', -7), [5, 'not bytes']]),
        ),
        code: 'ERR_UNSUPPORTED_ALG',
      },
      {
        name: 'typ as an unsigned integer (a registered type, but no intentcast typ)',
        message: await signed(
          payload,
          header([
            [1, -8],
            [4, kidBytes(kidForDid(customer.did))],
            [16, 16],
          ]),
        ),
        code: 'ERR_TYPE_MISMATCH',
      },
      {
        name: 'kid in both buckets, and alg ES256',
        message: await rawSign1(
          headerOf(customer, 'intentcast-intent+cose', -7),
          payload,
          seedOf(1),
          new Map([[4, kidBytes(kidForDid(customer.did))]]),
        ),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'crit naming a label nobody understands',
        message: await signed(payload, new Map([...headerOf(customer), [2, [99]]])),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'a protected IV (5), and the JWS typ: the typ comes before the labels',
        message: await signed(
          payload,
          new Map([...headerOf(customer, 'intentcast-intent+jws'), [5, new Uint8Array(12)]]),
        ),
        code: 'ERR_TYPE_MISMATCH',
      },
      // kid.
      {
        name: 'no kid',
        message: await signed(
          payload,
          header([
            [1, -8],
            [16, 'intentcast-intent+cose'],
          ]),
        ),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'no kid, and another kind expected: the kid comes before expect',
        message: await signed(
          payload,
          header([
            [1, -8],
            [16, 'intentcast-intent+cose'],
          ]),
        ),
        options: { expect: 'offer' },
        code: 'ERR_MALFORMED',
      },
      {
        name: 'a kid that is not UTF-8',
        message: await signed(
          payload,
          header([
            [1, -8],
            [4, Uint8Array.from([0x64, 0x69, 0x64, 0xff])],
            [16, 'intentcast-intent+cose'],
          ]),
        ),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'a kid of 601 octets (311 code points)',
        message: await signed(
          withClaims((m) => m.set(1, WEB_DID)),
          header([
            [1, -8],
            [4, kidBytes(`${WEB_DID}#${'é'.repeat(290)}`)],
            [16, 'intentcast-intent+cose'],
          ]),
        ),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'a kid of exactly 600 octets passes, and its key is not found (did:web, no resolver)',
        message: await signed(
          withClaims((m) => m.set(1, WEB_DID)),
          header([
            [1, -8],
            [4, kidBytes(`${WEB_DID}#a${'é'.repeat(289)}`)],
            [16, 'intentcast-intent+cose'],
          ]),
        ),
        code: 'ERR_KEY_UNRESOLVED',
      },
      // Keys.
      {
        name: 'a did:web signer and no resolver',
        message: await signed(
          withClaims((m) => m.set(1, WEB_DID)),
          header([
            [1, -8],
            [4, kidBytes(`${WEB_DID}#key-1`)],
            [16, 'intentcast-intent+cose'],
          ]),
        ),
        code: 'ERR_KEY_UNRESOLVED',
      },
      // Time, audience.
      {
        name: 'issued in the future',
        message: intent,
        options: { now: new Date((iat - 31) * 1000).toISOString() },
        code: 'ERR_NOT_YET_VALID',
      },
      {
        name: 'agreement to another audience',
        message: agreement,
        options: { ...at300, audience: stranger.did },
        code: 'ERR_AUDIENCE',
      },
      // Agreements (§COSE binding, Verification, steps 3 and 4).
      {
        name: 'agreement as a COSE_Sign1, where an intent is expected: expect comes first',
        message: await rawSign1(headerOf(customer, 'intentcast-agreement+cose'), agreementPayload, seedOf(1)),
        options: { ...at300, expect: 'intent' },
        code: 'ERR_TYPE_MISMATCH',
      },
      {
        name: 'a COSE_Sign typed as an offer',
        message: await rawSign(bodyOf('intentcast-offer+cose'), agreementPayload, both),
        options: at300,
        code: 'ERR_TYPE_MISMATCH',
      },
      {
        name: 'a COSE_Sign body header carrying alg',
        message: await rawSign(bodyOf('intentcast-agreement+cose', [[1, -8]]), agreementPayload, both),
        options: at300,
        code: 'ERR_MALFORMED',
      },
      {
        name: 'three signatures: the first two are checked, then the third is refused',
        message: withSignatures(agreement, [sig0, sig1, sig1]),
        options: at300,
        code: 'ERR_MALFORMED',
      },
      {
        name: 'three signatures, the second tampered: signatures are checked in turn, before the third is refused',
        message: withSignatures(agreement, [sig0, flipped(sig1), sig1]),
        options: at300,
        code: 'ERR_SIGNATURE_INVALID',
      },
      // Limits (§Deterministic encoding): the payload is decoded on its own, with its own limits.
      {
        name: 'a payload nested 16 deep (decoded; the schema refuses it)',
        message: await signed(withX(nested(15))),
        code: 'ERR_SCHEMA',
      },
      { name: 'a payload nested 17 deep', message: await signed(withX(nested(16))), code: 'ERR_MALFORMED' },
      {
        name: 'a payload map of 1,024 entries (pairs, not items)',
        message: await signed(pairs(1024)),
        code: 'ERR_SCHEMA',
      },
      { name: 'a payload map of 1,025 entries', message: await signed(pairs(1025)), code: 'ERR_MALFORMED' },
      {
        name: 'an array of 1,025 items in the payload',
        message: await signed(withX(new Array<number>(1025).fill(0))),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'a payload of exactly 8,192 data items (the message around it is counted apart)',
        message: await signed(withX(filler(8192 - base))),
        code: 'ERR_SCHEMA',
      },
      {
        name: 'a payload of 8,193 data items',
        message: await signed(withX(filler(8193 - base))),
        code: 'ERR_MALFORMED',
      },
    ]
  }

  const uriIntent = toIntentcastUri(intent)
  const uriWithTerms = toIntentcastUri(intent, { terms })
  const body = uriWithTerms.slice(11)
  /** `uri` with digits appended until its base45 text (after %20 and %25 are read) is 1 mod 3 long. */
  const oneMod3 = (uri: string): string => {
    const text = (u: string) => u.slice(11).replace(/%20/g, ' ').replace(/%25/g, '%')
    let out = uri
    while (text(out).length % 3 !== 1) out += '0'
    if (out === uri) throw new Error('vector construction: nothing appended')
    return out
  }
  const link = (cbor: Uint8Array) => 'INTENTCAST:' + encodeBase45(cbor).replace(/%/g, '%25').replace(/ /g, '%20')
  const links = {
    valid: [
      { name: 'an intent', uri: uriIntent, message: hex(intent) },
      { name: 'an intent with the vendor terms', uri: uriWithTerms, message: hex(intent), terms: hex(terms) },
      { name: 'the same, scheme in lower case', uri: 'intentcast:' + body, message: hex(intent), terms: hex(terms) },
      { name: 'an agreement', uri: toIntentcastUri(agreement), message: hex(agreement) },
    ],
    invalid: [
      { name: 'another scheme', uri: 'HC1:' + body, code: 'ERR_MALFORMED' },
      { name: 'a bare space instead of %20', uri: 'INTENTCAST:' + body.replace('%20', ' '), code: 'ERR_MALFORMED' },
      { name: 'a percent-encoded letter', uri: 'INTENTCAST:%41' + body, code: 'ERR_MALFORMED' },
      { name: 'lower-case base45', uri: 'INTENTCAST:' + body.toLowerCase(), code: 'ERR_MALFORMED' },
      { name: 'a base45 length of 1 mod 3', uri: oneMod3(uriIntent), code: 'ERR_MALFORMED' },
      { name: 'a base45 group over 65535', uri: 'INTENTCAST:GGW', code: 'ERR_MALFORMED' },
      { name: 'not an array', uri: link(encodeCbor(new Map([[1, intent]]))), code: 'ERR_MALFORMED' },
      { name: 'three parts', uri: link(encodeCbor([intent, terms, terms])), code: 'ERR_MALFORMED' },
      {
        name: 'an indefinite-length array',
        uri: link(Uint8Array.from([0x9f, ...encodeCbor(intent), 0xff])),
        code: 'ERR_MALFORMED',
      },
      {
        name: 'a message that is not COSE',
        uri: link(encodeCbor([utf8('eyJhbGciOiJFZERTQSJ9')])),
        code: 'ERR_MALFORMED',
      },
      { name: 'terms that are an offer', uri: link(encodeCbor([intent, offer])), code: 'ERR_TYPE_MISMATCH' },
      {
        name: 'over the link limit (maxBytes 512)',
        uri: uriWithTerms,
        options: { maxBytes: 512 },
        code: 'ERR_TOO_LARGE',
      },
    ],
  }

  return {
    time: VECTOR_TIME,
    keys: { customer: customer.did, vendor: vendor.did, stranger: stranger.did },
    valid: await Promise.all(
      valid.map(async ([name, message, at, options]) => {
        const v = await verify(message, { now: later(at), ...options })
        return {
          name,
          message: hex(message),
          options: { now: later(at).toISOString(), ...options },
          expected: { kind: v.kind, digest: digest(message), issuer: v.issuer, signers: v.signers, payload: v.payload },
        }
      }),
    ),
    invalid: invalid.map(({ name, message, options, code }) => ({
      name,
      message: hex(message),
      options: { now: VECTOR_TIME, ...options },
      code,
    })),
    links,
  }
}

function withSignatures(agreement: Uint8Array, signatures: CborValue[]): Uint8Array {
  const { protectedBytes, unprotected, payload } = signParts(agreement)
  return encodeCbor(new CborTag(98, [protectedBytes, unprotected, payload, signatures]))
}
