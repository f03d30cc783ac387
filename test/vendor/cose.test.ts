/**
 * `application/intentcast+cose` at the vendor handler: every kind of body in COSE, answers in
 * the envelope each request came in, the framing of an acceptance with its agreement, and
 * refusals with the same codes as JWS.
 */
import { describe, expect, test } from 'vitest'
import { encodeCbor } from '../../src/cose/cbor-encode.js'
import { createVendorHandler, MemoryThreadStore } from '../../src/vendor/index.js'
import { joinMessages } from '../../src/http/media-type.js'
import {
  countersign,
  dealOf,
  generateKeyPair,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signWithdrawal,
  verify,
  Thread,
  type KeyPair,
  type Verified,
} from '../../src/index.js'
import { intentBody, problemOf, request, vendorOptions, type VendorExtras } from './support.js'

const COSE = 'application/intentcast+cose'
const JWS = 'application/intentcast+jws'

async function vendor(extra: VendorExtras = {}) {
  const key = await generateKeyPair()
  const threads = new MemoryThreadStore()
  const handler = createVendorHandler(
    vendorOptions(key, '1900.00', { stores: { threads }, ...extra, on: { error: () => {}, ...extra.on } }),
  )
  await handler.ready
  return { key, threads, handler }
}

const post = (
  handler: (r: Request) => Promise<Response>,
  body: string | Uint8Array,
  contentType = typeof body === 'string' ? JWS : COSE,
) =>
  handler(
    request('/intentcast/messages', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    }),
  )

const bytesOf = async (r: Response) => new Uint8Array(await r.arrayBuffer())

/** A COSE intent cast to `handler`: the customer, the verified intent and the verified COSE offer. */
async function offered(handler: (r: Request) => Promise<Response>) {
  const customer = await generateKeyPair()
  const intent = await signIntent(intentBody(), customer, { format: 'cose' })
  const response = await post(handler, intent)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe(COSE)
  const offer = await verify(await bytesOf(response), { expect: 'offer', audience: customer.did })
  return { customer, intent: await verify(intent, { expect: 'intent' }), offer }
}

const proposalOf = (p: Verified<'offer'> | Verified<'counter'>) => dealOf(p.payload)

/** The COSE acceptance of the last move and the customer-signed COSE agreement. */
async function acceptanceOf(customer: KeyPair, intent: Verified<'intent'>, moves: Verified[]) {
  const p = moves[moves.length - 1] as Verified<'offer'> | Verified<'counter'>
  const acceptance = await signAcceptance({ inReplyTo: p.digest, intent: intent.digest, ...proposalOf(p) }, customer, {
    audience: p.issuer,
    format: 'cose',
  })
  const thread = new Thread(intent)
  for (const m of moves) thread.add(m)
  thread.add(await verify(acceptance))
  const agreement = await signAgreement(thread.agreementBody(), customer, { format: 'cose' })
  return { acceptance, agreement }
}

describe('COSE bodies', () => {
  test('an intent in COSE gets a COSE offer answering it, addressed to its issuer', async () => {
    const { key, handler } = await vendor()
    const { customer, intent, offer } = await offered(handler)
    expect(offer.format).toBe('cose')
    expect(offer.message).toBeInstanceOf(Uint8Array)
    expect(offer.issuer).toBe(key.did)
    expect(offer.payload.aud).toBe(customer.did)
    expect(offer.payload.inReplyTo).toBe(intent.digest)
  })

  test('the vendor document and Accept-Post list the COSE media type', async () => {
    const { handler } = await vendor()
    const doc = (await (await handler(request('/.well-known/intentcast'))).json()) as { mediaTypes: string[] }
    expect(doc.mediaTypes).toContain(COSE)
    const refused = await post(handler, 'x', 'application/cbor')
    expect(refused.status).toBe(415)
    expect(refused.headers.get('accept-post')!.split(', ')).toEqual([
      JWS,
      COSE,
      'application/intentcast+jwe',
      'application/intentcast-sealed+cose',
    ])
  })

  test('counter → counter, acceptance + agreement → the countersigned agreement, all in COSE; the vendor stores those bytes', async () => {
    const { key, threads, handler } = await vendor({ on: { counter: () => 'agree' } })
    const { customer, intent, offer } = await offered(handler)
    const mine = await signCounter(
      {
        inReplyTo: offer.digest,
        intent: intent.digest,
        ...proposalOf(offer),
        price: { amount: '1850.00', currency: 'EUR' },
      },
      customer,
      { audience: key.did, format: 'cose' },
    )
    const countered = await post(handler, mine)
    expect(countered.status).toBe(200)
    expect(countered.headers.get('content-type')).toBe(COSE)
    const reply = await verify(await bytesOf(countered), { expect: 'counter', audience: customer.did })
    expect(reply.format).toBe('cose')
    expect(reply.payload.price.amount).toBe('1850.00')

    const { acceptance, agreement } = await acceptanceOf(customer, intent, [offer, await verify(mine), reply])
    const answer = await post(handler, joinMessages(acceptance, agreement))
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe(COSE)
    const back = await bytesOf(answer)
    const full = await verify(back, { expect: 'agreement' })
    expect(full.signers).toEqual([customer.did, key.did])
    const stored = threads.get(intent.digest)!
    expect(stored.state()).toBe('agreed')
    expect(Buffer.from(stored.agreement!.message as Uint8Array).equals(Buffer.from(back))).toBe(true)
    // What the customer would have made countersigning itself: the same bytes.
    expect(Buffer.from(await countersign(agreement, key)).equals(Buffer.from(back))).toBe(true)
  })

  test('joinMessages frames a pair in its envelope, and refuses a mixed pair', () => {
    const a = Uint8Array.of(0xd2, 1)
    const b = Uint8Array.of(0xd8, 0x62, 2)
    expect(joinMessages(a, b)).toEqual(encodeCbor([a, b]))
    expect(joinMessages('x.y.z', '{}')).toBe('x.y.z\n{}')
    expect(() => joinMessages('x.y.z', b)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
  })

  test('a withdrawal in COSE: 204', async () => {
    const { handler, threads } = await vendor()
    const { customer, intent } = await offered(handler)
    const withdrawal = await signWithdrawal({ withdraws: intent.digest }, customer, { format: 'cose' })
    expect((await post(handler, withdrawal)).status).toBe(204)
    expect(threads.get(intent.digest)!.state()).toBe('withdrawn')
  })

  test('each answer is in the envelope of its request: a JWS counter in a thread opened in COSE gets a JWS counter', async () => {
    const { key, handler } = await vendor({ on: { counter: () => 'agree' } })
    const { customer, intent, offer } = await offered(handler)
    const mine = await signCounter({ inReplyTo: offer.digest, intent: intent.digest, ...proposalOf(offer) }, customer, {
      audience: key.did,
    })
    const answer = await post(handler, mine)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe(JWS)
    expect((await verify(await answer.text(), { expect: 'counter' })).format).toBe('jws')
  })
})

describe('COSE refusals', () => {
  test('framing: one COSE message, or a deterministic array of exactly two byte strings', async () => {
    const { handler } = await vendor()
    const customer = await generateKeyPair()
    const intent = await signIntent(intentBody(), customer, { format: 'cose' })
    const cases: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array(0)],
      ['a JWS sent as COSE', new TextEncoder().encode(await signIntent(intentBody(), customer))],
      ['an untagged COSE_Sign1', intent.subarray(1)],
      ['a one-item array', encodeCbor([intent])],
      ['a three-item array', encodeCbor([intent, intent, intent])],
      ['an array of text', encodeCbor(['a', 'b'])],
      ['a map', encodeCbor(new Map([[1, intent]]))],
      ['an indefinite-length array', Uint8Array.from([0x9f, ...encodeCbor(intent), ...encodeCbor(intent), 0xff])],
      ['an array with trailing bytes', Uint8Array.from([...encodeCbor([intent, intent]), 0])],
      ['a COSE message with trailing bytes', Uint8Array.from([...intent, 0])],
    ]
    for (const [name, body] of cases) {
      const r = await post(handler, body, COSE)
      expect(r.status, name).toBe(400)
      expect((await problemOf(r)).code, name).toBe('ERR_MALFORMED')
    }
    // COSE bytes under the JWS media type are not text JWS.
    const r = await post(handler, intent, JWS)
    expect(r.status).toBe(400)
  })

  test('a tampered COSE intent: 401 with WWW-Authenticate IntentcastCOSE; the same intent twice: the same offer', async () => {
    const { handler } = await vendor()
    const intent = await signIntent(intentBody(), await generateKeyPair(), { format: 'cose' })
    const tampered = Uint8Array.from(intent)
    tampered[tampered.length - 1]! ^= 1
    const bad = await post(handler, tampered)
    expect(bad.status).toBe(401)
    expect(bad.headers.get('www-authenticate')).toBe('IntentcastCOSE')
    expect((await problemOf(bad)).code).toBe('ERR_SIGNATURE_INVALID')
    const first = await post(handler, intent)
    expect(first.status).toBe(200)
    const offer = new Uint8Array(await first.arrayBuffer())
    const again = await post(handler, intent)
    expect(again.status).toBe(200)
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(offer)
  })

  test('a lone COSE acceptance, an acceptance with a non-agreement, or an agreement already countersigned, is refused', async () => {
    const { key, handler } = await vendor()
    const { customer, intent, offer } = await offered(handler)
    // A fresh acceptance each time: the vendor's replay store takes each one once.
    const fresh = () => acceptanceOf(customer, intent, [offer])
    const lone = await post(handler, (await fresh()).acceptance)
    expect(lone.status).toBe(422)
    expect((await problemOf(lone)).code).toBe('ERR_TYPE_MISMATCH')
    const notAgreement = await post(handler, encodeCbor([(await fresh()).acceptance, offer.message]))
    // As in JWS: the second part must be an agreement's structure (COSE_Sign), or the body is malformed.
    expect(notAgreement.status).toBe(400)
    expect((await problemOf(notAgreement)).code).toBe('ERR_MALFORMED')
    const { acceptance, agreement } = await fresh()
    const both = await post(handler, encodeCbor([acceptance, await countersign(agreement, key)]))
    expect(both.status).toBe(400)
    expect((await problemOf(both)).code).toBe('ERR_MALFORMED')
  })

  test("an agreement that is not the thread's, or not signed by its customer, is refused and the thread stays open", async () => {
    const { key, threads, handler } = await vendor()
    const { customer, intent, offer } = await offered(handler)
    const { acceptance } = await acceptanceOf(customer, intent, [offer])
    const body = new Thread(intent)
      .add(offer)
      .add(await verify(acceptance))
      .agreementBody()
    const cheaper = await signAgreement({ ...body, price: { amount: '1.00', currency: 'EUR' } }, customer, {
      format: 'cose',
    })
    const broken = await post(handler, encodeCbor([acceptance, cheaper]))
    expect(broken.status).toBe(422)
    expect((await problemOf(broken)).code).toBe('ERR_BROKEN_LINK')
    // Signed by the vendor party: a valid signature, but not the customer's.
    const byVendor = await signAgreement(body, key, { format: 'cose' })
    const again = await acceptanceOf(customer, intent, [offer])
    const mismatch = await post(handler, encodeCbor([again.acceptance, byVendor]))
    expect(mismatch.status).toBe(401)
    expect((await problemOf(mismatch)).code).toBe('ERR_ISSUER_MISMATCH')
    expect(threads.get(intent.digest)!.state()).toBe('open')
  })
})
