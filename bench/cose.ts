/**
 * The COSE binding's figures, next to JWS: encoded sizes of a typical intent, offer and agreement
 * in both envelopes; the QR codes their `intentcast:` links need (base64url in byte mode against
 * base45 in alphanumeric mode, the measurement the link form was chosen by); and ops/s to encode,
 * decode, sign and verify in each envelope. `bench/main.ts` divides the ops/s by its raw
 * node:crypto Ed25519 verify baseline.
 */
import { encodeQR, type ErrorCorrection } from '@paulmillr/qr'
import { decodeCbor } from '../src/cose/cbor-decode.js'
import { preparePrivateKey, signPrepared } from '../src/crypto/prepared.js'
import { encodeCbor } from '../src/cose/cbor-encode.js'
import { decodeCoseMessage } from '../src/cose/message.js'
import { claimsFromCbor, claimsToCbor } from '../src/envelope/cose-claims.js'
import {
  countersign,
  keyPairFromSeed,
  MemoryReplayStore,
  signAcceptance,
  signAgreement,
  signIntent,
  signOffer,
  signTerms,
  verify,
  Thread,
  type IntentBody,
  type KeyPair,
  type OfferBody,
  type TermsBody,
} from '../src/index.js'
import { decodeBase64url, encodeBase64url } from '../src/lib/base64url.js'
import type { DigestSet } from '../src/model/primitives.js'
import { parseJsonStrict } from '../src/lib/json.js'
import { encodeBase45 } from '../src/link/base45.js'
import { toIntentcastUri } from '../src/link/uri.js'
import type { measure as Measure, Result } from './harness.js'

/** The intent bench/main.ts signs, when none is given. */
export const TYPICAL_INTENT: IntentBody = {
  want: {
    item: { name: 'cargo bike', category: 'bicycles', attributes: { wheels: 3, electric: true } },
    quantity: 1,
    maxPrice: { amount: '2000.00', currency: 'EUR' },
    deliverBy: '2030-01-09T17:00:00Z',
    region: 'DE-BE',
  },
  terms: {
    agreements: ['SD-BASE', 'SD-BASE-A'],
    conditions: [
      { id: 'retention-days', value: '30', unit: 'day', required: true },
      { id: 'deletion-on-request', value: true, required: true },
      { id: 'returns-days', value: '14', unit: 'day' },
    ],
  },
}

const VENDOR_TERMS: TermsBody = {
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
}

export interface SizeRow {
  readonly jws: number
  readonly cose: number
  /** cose / jws. */
  readonly ratio: number
}

export interface QrRow {
  readonly content: string
  readonly ecc: ErrorCorrection
  /** `intentcast:` + base64url of the CBOR array, byte mode. */
  readonly base64urlByte: QrFigure
  /** `INTENTCAST:` + bare base45, alphanumeric mode: the smallest, but not a valid URI (space, %). */
  readonly base45Alphanumeric: QrFigure
  /** The chosen form, toIntentcastUri: base45 with space and % percent-encoded, alphanumeric mode. */
  readonly base45UriAlphanumeric: QrFigure
}

export interface QrFigure {
  readonly chars: number
  /** QR version, 1 to 40. */
  readonly version: number
  /** Modules per side, without the quiet zone. */
  readonly modules: number
}

/** The smallest QR code @paulmillr/qr makes for `text` in one segment of `encoding`. */
function qrFigure(text: string, ecc: ErrorCorrection, encoding: 'byte' | 'alphanumeric'): QrFigure {
  const modules = encodeQR(text, 'raw', { ecc, encoding, border: 0 }).length
  return { chars: text.length, version: (modules - 17) / 4, modules }
}

/**
 * The QR codes one link's content needs in each candidate form. All three carry the same bytes,
 * the CBOR array `[message, terms?]`, so the difference is the text encoding alone.
 */
export function qrComparison(
  content: string,
  message: Uint8Array,
  terms: Uint8Array | undefined,
  ecc: ErrorCorrection,
): QrRow {
  const payload = encodeCbor(terms === undefined ? [message] : [message, terms])
  return {
    content,
    ecc,
    base64urlByte: qrFigure('intentcast:' + encodeBase64url(payload), ecc, 'byte'),
    base45Alphanumeric: qrFigure('INTENTCAST:' + encodeBase45(payload), ecc, 'alphanumeric'),
    base45UriAlphanumeric: qrFigure(
      toIntentcastUri(message, terms === undefined ? {} : { terms }),
      ecc,
      'alphanumeric',
    ),
  }
}

/** A typical intent, the vendor's terms and a two-party agreement, in both envelopes, at a fixed time. */
/** The typical messages in both envelopes; `details`, when given, is the acceptance's (and so the agreement's) digest set. */
export async function typicalMessages(body: IntentBody = TYPICAL_INTENT, customer?: KeyPair, details?: DigestSet) {
  const c = customer ?? (await keyPairFromSeed(new Uint8Array(32).fill(1)))
  const vendor = await keyPairFromSeed(new Uint8Array(32).fill(2))
  const now = new Date('2030-01-01T00:00:00Z')
  const jti = 'bench-jti-000001' // the same in both envelopes, so only the envelope differs
  const both = async <T>(sign: (format: { format: 'jws' } | { format: 'cose' }) => Promise<T>) => ({
    jws: (await sign({ format: 'jws' })) as string,
    cose: (await sign({ format: 'cose' })) as Uint8Array,
  })
  const intent = await both((f) => signIntent(body, c, { ...f, now, jti }))
  const terms = await both((f) => signTerms(VENDOR_TERMS, vendor, { ...f, now, jti }))
  const intentV = {
    jws: await verify(intent.jws, { now, expect: 'intent' }),
    cose: await verify(intent.cose, { now, expect: 'intent' }),
  }
  const offer = {
    jws: await signOffer(offerBody(intentV.jws.digest, body), vendor, { now, jti, audience: c.did }),
    cose: await signOffer(offerBody(intentV.cose.digest, body), vendor, { now, jti, audience: c.did, format: 'cose' }),
  }
  const agree = async (format: 'jws' | 'cose') => {
    const offerV = await verify(offer[format], { now, expect: 'offer' })
    const proposal = offerV.payload
    const acceptance = await signAcceptance(
      {
        inReplyTo: offerV.digest,
        intent: intentV[format].digest,
        quantity: proposal.quantity,
        price: proposal.price,
        terms: proposal.terms,
        ...(details && { details }),
      },
      c,
      { now, jti, audience: vendor.did, format },
    )
    const thread = new Thread(intentV[format]).add(offerV).add(await verify(acceptance, { now }))
    return countersign(await signAgreement(thread.agreementBody(), c, { now, jti, format }), vendor, { now })
  }
  const agreement = { jws: (await agree('jws')) as string, cose: (await agree('cose')) as Uint8Array }
  await forgetOwnSignatures()
  return { intent, offer, agreement, terms }
}

/**
 * Signs enough throwaway messages that the process forgets the signatures it made above: it
 * recognises its last 256 own signatures without checking them (src/crypto/prepared.ts), and a
 * figure for verifying a message signed elsewhere must not meet one of them.
 */
async function forgetOwnSignatures(): Promise<void> {
  const throwaway = await preparePrivateKey(new Uint8Array(32).fill(9))
  for (let i = 0; i < 256; i++) await signPrepared(throwaway, new Uint8Array([i]))
}

function offerBody(inReplyTo: string, body: IntentBody): OfferBody {
  return {
    inReplyTo,
    item: {
      name: body.want.item.name,
      ...(body.want.item.category !== undefined && { category: body.want.item.category }),
    },
    quantity: body.want.quantity ?? 1,
    price: { amount: '1950.00', currency: 'EUR' },
    terms: { agreement: 'SD-BASE', conditions: [{ id: 'retention-days', value: '30', unit: 'day' }] },
  }
}

const row = (jws: string, cose: Uint8Array): SizeRow => ({
  jws: jws.length,
  cose: cose.length,
  ratio: Number((cose.length / jws.length).toFixed(3)),
})

/** Sizes only: encoded bytes in each envelope, and the QR codes of the links. */
export async function coseSizes(body: IntentBody = TYPICAL_INTENT, customer?: KeyPair) {
  const m = await typicalMessages(body, customer)
  const qr: QrRow[] = []
  for (const ecc of ['low', 'medium'] as const) {
    qr.push(qrComparison('intent', m.intent.cose, undefined, ecc))
    qr.push(qrComparison('vendor terms', m.terms.cose, undefined, ecc))
    qr.push(qrComparison('intent + vendor terms', m.intent.cose, m.terms.cose, ecc))
  }
  return {
    intent: row(m.intent.jws, m.intent.cose),
    offer: row(m.offer.jws, m.offer.cose),
    agreement: row(m.agreement.jws, m.agreement.cose),
    terms: row(m.terms.jws, m.terms.cose),
    links: {
      intent: toIntentcastUri(m.intent.cose).length,
      intentWithTerms: toIntentcastUri(m.intent.cose, { terms: m.terms.cose }).length,
    },
    qr,
  }
}

/** Calls per batch for the synchronous codecs: the harness awaits each batch, which would dominate one call. */
const BATCH = 200

/**
 * The COSE figures for `npm run bench`: sizes, and ops/s of encode, decode, sign and verify in
 * COSE and JWS. Verify is end to end with a replay store, over distinct messages, as in main.
 */
export async function coseBench(
  run: typeof Measure,
  body: IntentBody = TYPICAL_INTENT,
  customer?: KeyPair,
): Promise<{ results: Result[]; sizes: Awaited<ReturnType<typeof coseSizes>> }> {
  const c = customer ?? (await keyPairFromSeed(new Uint8Array(32).fill(1)))
  // Sizes from the fixed keys: a link's length depends a little on its bytes (how many characters
  // need percent-encoding), and the figures should be the same every run.
  const sizes = await coseSizes(body)
  const sample = await typicalMessages(body, c)
  const payload = (await verify(sample.intent.cose, { now: new Date('2030-01-01T00:00:00Z') })).payload
  const [, , cbor] = decodeCoseMessage(sample.intent.cose, 'COSE_Sign1', {}) as [unknown, unknown, Uint8Array]
  const segment = sample.intent.jws.split('.')[1]!
  const results: Result[] = []
  const times = (n: number, f: () => unknown) => () => {
    for (let i = 0; i < n; i++) f()
  }

  results.push(
    await run(
      'COSE encode intent payload (claims → deterministic CBOR)',
      BATCH,
      times(BATCH, () => encodeCbor(claimsToCbor(payload))),
    ),
  )
  results.push(
    await run(
      'JWS encode intent payload (JSON → base64url)',
      BATCH,
      times(BATCH, () => encodeBase64url(new TextEncoder().encode(JSON.stringify(payload)))),
    ),
  )
  results.push(
    await run(
      'COSE decode intent payload (strict CBOR → claims)',
      BATCH,
      times(BATCH, () => claimsFromCbor(decodeCbor(cbor))),
    ),
  )
  results.push(
    await run(
      'JWS decode intent payload (base64url → strict JSON)',
      BATCH,
      times(BATCH, () => parseJsonStrict(new TextDecoder().decode(decodeBase64url(segment, 'payload')), 'payload')),
    ),
  )
  results.push(await run('signIntent COSE', 1, () => signIntent(body, c, { format: 'cose' })))
  results.push(await run('signIntent JWS', 1, () => signIntent(body, c)))

  // Distinct messages, so the replay store sees each jti once; a fresh store each time the pool wraps.
  const POOL = 10_000
  for (const format of ['cose', 'jws'] as const) {
    const pool: Array<string | Uint8Array> = []
    for (let i = 0; i < POOL; i++) pool.push(await signIntent(body, c, { format }))
    let next = 0
    let replay = new MemoryReplayStore({ maxEntries: POOL * 2 })
    const take = () => {
      if (next % POOL === 0) replay = new MemoryReplayStore({ maxEntries: POOL * 2 })
      return pool[next++ % POOL]!
    }
    results.push(
      await run(`verify(intent) ${format === 'cose' ? 'COSE' : 'JWS'} end to end, sequential`, 1, () =>
        verify(take(), { expect: 'intent', replay }),
      ),
    )
  }
  return { results, sizes }
}
