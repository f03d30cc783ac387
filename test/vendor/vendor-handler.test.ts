import { describe, expect, test, vi } from 'vitest'
import { createVendorHandler, MemoryThreadStore } from '../../src/vendor/index.js'
import { statusForCode } from '../../src/http/problem.js'
import { sealKeyPairOf } from '../../src/seal/keys.js'
import {
  ERROR_CODES,
  IntentcastError,
  dealOf,
  generateKeyPair,
  signAcceptance,
  signAgreement,
  signCounter,
  signIntent,
  signTerms,
  signWithdrawal,
  verify,
  Thread,
  type KeyPair,
  type Verified,
} from '../../src/index.js'
import {
  dealTerms,
  freshIntent,
  httpProblemOf,
  intentBody,
  offerFor,
  postTo,
  problemOf,
  request,
  vendorOptions,
  vendorTerms,
  type VendorExtras,
} from './support.js'

/** A vendor with its own thread store and a quiet `on.error`; `extra` groups are merged over those. */
async function vendor(extra: VendorExtras = {}) {
  const key = await generateKeyPair()
  const threads = new MemoryThreadStore()
  const handler = createVendorHandler(
    vendorOptions(key, '1900.00', { stores: { threads }, ...extra, on: { error: () => {}, ...extra.on } }),
  )
  await handler.ready
  return { key, threads, handler }
}

/** Casts a fresh intent to `handler` and returns the verified offer with the customer's key. */
async function offered(handler: (r: Request) => Promise<Response>, vendorDid: string) {
  const { intent, customer } = await freshIntent()
  const response = await postTo(handler, intent)
  expect(response.status).toBe(200)
  const offer = await verify(await response.text(), { expect: 'offer', audience: customer.did })
  expect(offer.issuer).toBe(vendorDid)
  const intentV = await verify(intent, { expect: 'intent' })
  return { customer, intent: intentV, offer }
}

const proposalOf = (p: Verified<'offer'> | Verified<'counter'>) => dealOf(p.payload)

/**
 * The acceptance of the last proposal in `moves` (the thread after the intent, as the customer
 * saw it) and the customer-signed agreement, joined as a wallet posts them.
 */
async function acceptanceBody(
  customer: KeyPair,
  intent: Verified<'intent'>,
  moves: Verified[],
  party?: KeyPair,
  tamper?: (b: ReturnType<Thread['agreementBody']>) => void,
) {
  const p = moves[moves.length - 1] as Verified<'offer'> | Verified<'counter'>
  const acceptance = await signAcceptance(
    { inReplyTo: p.digest, intent: intent.digest, ...proposalOf(p), ...(party && { party: party.did }) },
    customer,
    { audience: p.issuer },
  )
  const thread = new Thread(intent)
  for (const m of moves) thread.add(m)
  thread.add(await verify(acceptance))
  const body = thread.agreementBody()
  tamper?.(body)
  const agreement = await signAgreement(body, party ?? customer)
  return { acceptance, agreement, body: `${acceptance}\n${agreement}` }
}

describe('vendor document', () => {
  test('lists the signed terms, the absolute endpoint, the media types and the keys', async () => {
    const { key, handler } = await vendor()
    const response = await handler(request('/.well-known/intentcast'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    // No http.origin configured: the endpoint comes from the request, so the answer is never cached.
    expect(response.headers.get('cache-control')).toBe('no-store')
    const doc = await response.json()
    expect(doc.v).toBe('0.1')
    expect(doc.endpoint).toBe('https://vendor.example/intentcast/messages')
    expect(doc.mediaTypes).toEqual([
      'application/intentcast+jws',
      'application/intentcast+cose',
      'application/intentcast+jwe',
      'application/intentcast-sealed+cose',
    ])
    // Beside each signing key, the encryption key derived from it, with the same status.
    const sealKey = (await sealKeyPairOf(key)).publicJwk
    expect(doc.sealKeys.keys).toEqual([
      { kty: 'OKP', crv: 'X25519', x: sealKey.x, kid: sealKey.kid, use: 'enc', status: 'current' },
    ])
    expect(doc.keys.keys).toEqual([
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: key.publicJwk.x,
        kid: `${key.did}#${key.did.slice(8)}`,
        use: 'sig',
        status: 'current',
      },
    ])
    const terms = await verify(doc.terms, { expect: 'terms' })
    expect(terms.issuer).toBe(key.did)
    expect(terms.payload.terms).toEqual(vendorTerms.terms)
  })

  test('a public origin and a base path set the endpoint', async () => {
    const { handler } = await vendor({ http: { origin: 'https://shop.example', basePath: '/api/ic' } })
    const doc = await (await handler(request('/.well-known/intentcast', {}, 'http://10.0.0.5:8080'))).json()
    expect(doc.endpoint).toBe('https://shop.example/api/ic/messages')
  })

  test('rotation: a previous key is listed as retired with its exp until then, and no longer after', async () => {
    const old = await generateKeyPair()
    const expiresAt = new Date(Date.now() + 3_600_000)
    const { handler } = await vendor({
      previousKeys: [
        { keyPair: old, expiresAt },
        { keyPair: await generateKeyPair(), expiresAt: new Date(Date.now() - 1000) },
      ],
    })
    const doc = await (await handler(request('/.well-known/intentcast'))).json()
    expect(doc.keys.keys).toHaveLength(2)
    expect(doc.keys.keys[1]).toMatchObject({
      x: old.publicJwk.x,
      status: 'retired',
      exp: Math.floor(expiresAt.getTime() / 1000),
    })
  })

  test('an already signed terms declaration is served as is', async () => {
    const key = await generateKeyPair()
    const signed = await signTerms(vendorTerms, key)
    const handler = createVendorHandler({ keyPair: key, terms: signed, on: { intent: () => null } })
    const doc = await (await handler(request('/.well-known/intentcast'))).json()
    expect(doc.terms).toBe(signed)
  })

  test("terms that do not verify, or are another key's or a customer's, fail `ready` and every request is a 500", async () => {
    const key = await generateKeyPair()
    const cases = [
      await signTerms(vendorTerms, await generateKeyPair()),
      await signTerms({ ...vendorTerms, role: 'customer' }, key),
      'not.a.jws',
    ]
    for (const terms of cases) {
      const onError = vi.fn()
      const handler = createVendorHandler({ keyPair: key, terms, on: { intent: () => null, error: onError } })
      await expect(handler.ready).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
      const response = await handler(request('/.well-known/intentcast'))
      expect(response.status).toBe(500)
      const p = await problemOf(response)
      expect(p.code).toBe('ERR_INTERNAL')
      expect(p.detail).not.toMatch(/terms/)
      expect(onError).toHaveBeenCalledOnce()
    }
  })

  test('myterms.json and gpc.json are served when configured, 404 otherwise', async () => {
    const bare = await vendor()
    expect((await bare.handler(request('/.well-known/myterms.json'))).status).toBe(404)
    const myterms = {
      effective_date: '2025-01-01',
      agreements: [{ id: 'SD-BASE', url: 'https://w3id.org/dpv/standards/p7012#SD-BASE' }],
      tos_url: 'https://shop.example/tos',
    }
    const { handler } = await vendor({ documents: { myterms, gpc: { gpc: true, lastUpdate: '2025-01-01' } } })
    expect(await (await handler(request('/.well-known/myterms.json'))).json()).toEqual(myterms)
    expect(await (await handler(request('/.well-known/gpc.json'))).json()).toEqual({
      gpc: true,
      lastUpdate: '2025-01-01',
    })
  })

  test('bad configuration is refused at once', async () => {
    const key = await generateKeyPair()
    const base = { keyPair: key, terms: vendorTerms, on: { intent: () => null } }
    const bad: Record<string, unknown>[] = [
      { limits: { maxBodyBytes: 0 } },
      { limits: { bodyTimeoutMs: -1 } },
      { limits: { proposalExpiresIn: 'soon' } },
      { http: { basePath: 'x/' } },
      { http: { basePath: '/a/' } },
      { http: { origin: 'https://x.example/path' } },
      { http: { cors: 'https://x.example' } },
      { http: { cors: ['https://x.example/'] } },
      { keyPair: undefined },
      { terms: undefined },
      { on: undefined },
      { on: { intent: undefined } },
      { on: { intent: () => null, counter: 'agree' } },
      { previousKeys: [{ keyPair: key, expiresAt: 'soon' }] },
      { stores: { replay: new Map() } },
      { stores: { threads: {} } },
      { documents: { myterms: { agreements: 'SD-BASE' } } },
      { documents: { gpc: { gpc: 'yes' } } },
      { limits: null },
      { http: { basePath: null } },
      { previousKeys: null },
    ]
    for (const change of bad) {
      const e = (() => {
        try {
          createVendorHandler({ ...base, ...change })
        } catch (e) {
          return e
        }
      })()
      expect(e, JSON.stringify(change)).toBeInstanceOf(IntentcastError)
      expect((e as IntentcastError).code, JSON.stringify(change)).toBe('ERR_INVALID_ARGUMENT')
    }
  })

  test('an option it does not take is ERR_INVALID_ARGUMENT naming it, at any depth: nothing is silently ignored', async () => {
    const key = await generateKeyPair()
    const base = { keyPair: key, terms: vendorTerms, on: { intent: () => null } }
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ onIntent: () => null }, '"onIntent"'], // the 0.1 spelling
      [{ maxBodyBytes: 1024 }, '"maxBodyBytes"'], // ungrouped
      [{ on: { intent: () => null, conter: () => 'agree' } }, '"on.conter"'],
      [{ limits: { maxBodyByte: 1024 } }, '"limits.maxBodyByte"'],
      [{ http: { cors: '*', corsOrigins: [] } }, '"http.corsOrigins"'],
      [{ stores: { replay: undefined, thread: new MemoryThreadStore() } }, '"stores.thread"'],
      [{ documents: { gcp: { gpc: true } } }, '"documents.gcp"'],
      [{ previousKeys: [{ keyPair: key, expiresAt: new Date(), expires: 1 }] }, '"previousKeys[0].expires"'],
    ]
    for (const [change, name] of cases) {
      expect(() => createVendorHandler({ ...base, ...change }), name).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining(name) }),
      )
    }
    // Methods of a class instance count as options, as an object literal's do.
    class Callbacks {
      intent() {
        return null
      }
    }
    expect(() => createVendorHandler({ ...base, on: new Callbacks() })).not.toThrow()
  })
})

describe('intents', () => {
  test('an intent gets a signed offer addressed to its issuer that answers it', async () => {
    const { key, handler, threads } = await vendor()
    const { customer, intent, offer } = await offered(handler, key.did)
    expect(offer.payload.aud).toBe(customer.did)
    expect(offer.payload.inReplyTo).toBe(intent.digest)
    expect(threads.get(intent.digest)?.state()).toBe('open')
    expect(threads.get(offer.digest)?.intent.digest).toBe(intent.digest)
  })

  test("onIntent sees the verified intent, the vendor's terms and Sec-GPC; null answers 202", async () => {
    const onIntent = vi.fn(() => null)
    const { handler, key } = await vendor({ on: { intent: onIntent } })
    const { intent } = await freshIntent()
    const response = await postTo(handler, intent, 'application/intentcast+jws; charset=utf-8', { 'sec-gpc': '1' })
    expect(response.status).toBe(202)
    expect(await response.text()).toBe('')
    const [verified, context] = onIntent.mock.calls[0] as unknown as [
      Verified<'intent'>,
      { gpc: boolean; terms: Verified<'terms'> },
    ]
    expect(verified.message).toBe(intent)
    expect(context.gpc).toBe(true)
    expect(context.terms.issuer).toBe(key.did)
  })

  test('the same intent twice: the same offer, decided once; another message reusing its jti: 409 ERR_REPLAY', async () => {
    let decided = 0
    const { handler } = await vendor({ on: { intent: (i) => (decided++, offerFor('1900.00')(i)) } })
    const { intent, customer } = await freshIntent()
    const first = await postTo(handler, intent)
    expect(first.status).toBe(200)
    const offer = await first.text()
    const again = await postTo(handler, intent)
    expect(again.status).toBe(200)
    expect(await again.text()).toBe(offer)
    expect(decided).toBe(1)
    const { jti } = (await verify(intent, { expect: 'intent' })).payload
    const reused = await signIntent(intentBody('another bike'), customer, { jti })
    const response = await postTo(handler, reused)
    expect(response.status).toBe(409)
    expect((await problemOf(response)).code).toBe('ERR_REPLAY')
  })

  test('an intent addressed to another vendor: 422 ERR_AUDIENCE', async () => {
    const { handler } = await vendor()
    const other = await generateKeyPair()
    const intent = await signIntent({ ...intentBody() }, await generateKeyPair(), { audience: other.did })
    const response = await postTo(handler, intent)
    expect(response.status).toBe(422)
    expect((await problemOf(response)).code).toBe('ERR_AUDIENCE')
  })

  test('a tampered intent: 401 ERR_SIGNATURE_INVALID with WWW-Authenticate', async () => {
    const { handler } = await vendor()
    const { intent } = await freshIntent()
    const [h, p, s] = intent.split('.')
    const flipped = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`
    const response = await postTo(handler, flipped)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('IntentcastJWS')
    expect((await problemOf(response)).code).toBe('ERR_SIGNATURE_INVALID')
  })

  test('a throwing onIntent is a 500 that says nothing; an IntentcastError it throws is its answer', async () => {
    const onError = vi.fn()
    const secret = new Error('database password is hunter2')
    const { handler } = await vendor({
      on: {
        intent: () => {
          throw secret
        },
        error: onError,
      },
    })
    const response = await postTo(handler, (await freshIntent()).intent)
    expect(response.status).toBe(500)
    const p = await problemOf(response)
    expect(p.code).toBe('ERR_INTERNAL')
    expect(JSON.stringify(p)).not.toMatch(/hunter2/)
    expect(onError).toHaveBeenCalledWith(secret)

    const refusing = await vendor({
      on: {
        intent: () => {
          throw new IntentcastError('ERR_ILLEGAL_MOVE', 'sold out')
        },
      },
    })
    const refused = await postTo(refusing.handler, (await freshIntent()).intent)
    expect(refused.status).toBe(409)
    expect(await problemOf(refused)).toMatchObject({ code: 'ERR_ILLEGAL_MOVE', detail: 'sold out' })
  })

  test("an offer the vendor's code got wrong (invalid body) is the vendor's 500, not the customer's 4xx", async () => {
    const { handler } = await vendor({
      on: {
        intent: () => ({ item: { name: '' }, quantity: 0, price: { amount: 'x', currency: 'EUR' }, terms: dealTerms }),
      },
    })
    const response = await postTo(handler, (await freshIntent()).intent)
    expect(response.status).toBe(500)
    expect((await problemOf(response)).code).toBe('ERR_INTERNAL')
  })

  test('a lone acceptance, or a second part that is not an agreement, is refused', async () => {
    const { handler, key } = await vendor()
    const { customer, intent, offer } = await offered(handler, key.did)
    const { acceptance } = await acceptanceBody(customer, intent, [offer])
    const lone = await postTo(handler, acceptance)
    expect(lone.status).toBe(422)
    expect((await problemOf(lone)).code).toBe('ERR_TYPE_MISMATCH')
    const twoIntents = await postTo(handler, `${acceptance}\n${acceptance}`)
    expect(twoIntents.status).toBe(400)
    expect((await problemOf(twoIntents)).code).toBe('ERR_MALFORMED')
  })
})

describe('counters, acceptances and withdrawals', () => {
  test('a counter without on.counter: 202, and it is not stored, since nothing will answer it', async () => {
    const { handler, key, threads } = await vendor()
    const { customer, intent, offer } = await offered(handler, key.did)
    const c = await signCounter(
      {
        inReplyTo: offer.digest,
        intent: intent.digest,
        ...proposalOf(offer),
        price: { amount: '1800.00', currency: 'EUR' },
      },
      customer,
      { audience: key.did },
    )
    const response = await postTo(handler, c)
    expect(response.status).toBe(202)
    expect(threads.get(intent.digest)!.messages.map((m) => m.kind)).toEqual(['intent', 'offer'])
  })

  test("onCounter: a proposal is signed as the vendor's counter; `agree` restates the customer's, which the customer accepts", async () => {
    let answer: 'agree' | 'counter' = 'counter'
    const onCounter = vi.fn((c: Verified<'counter'>) =>
      answer === 'agree'
        ? ('agree' as const)
        : { ...proposalOf(c), price: { amount: '1850.00', currency: 'EUR' }, note: 'Meet me halfway.' },
    )
    const { handler, key, threads } = await vendor({ on: { counter: onCounter } })
    const { customer, intent, offer } = await offered(handler, key.did)
    const c1 = await signCounter(
      {
        inReplyTo: offer.digest,
        intent: intent.digest,
        ...proposalOf(offer),
        price: { amount: '1800.00', currency: 'EUR' },
      },
      customer,
      { audience: key.did },
    )
    const r1 = await postTo(handler, c1)
    expect(r1.status).toBe(200)
    const v1 = await verify(await r1.text(), { expect: 'counter', audience: customer.did })
    expect(v1.payload).toMatchObject({
      inReplyTo: (await verify(c1)).digest,
      intent: intent.digest,
      price: { amount: '1850.00' },
      note: 'Meet me halfway.',
    })

    answer = 'agree'
    const c2 = await signCounter(
      { inReplyTo: v1.digest, intent: intent.digest, ...proposalOf(v1), price: { amount: '1825.00', currency: 'EUR' } },
      customer,
      { audience: key.did },
    )
    const r2 = await postTo(handler, c2)
    const v2 = await verify(await r2.text(), { expect: 'counter', audience: customer.did })
    expect(v2.payload.price.amount).toBe('1825.00')
    const { body } = await acceptanceBody(customer, intent, [offer, await verify(c1), v1, await verify(c2), v2])
    const r3 = await postTo(handler, body)
    expect(r3.status).toBe(200)
    const agreement = await verify(await r3.text(), { expect: 'agreement' })
    expect(agreement.payload.price.amount).toBe('1825.00')
    expect(agreement.payload.refs.offer).toBe(v2.digest)
    expect(threads.get(intent.digest)!.state()).toBe('agreed')
  })

  test('an acceptance with the customer-signed agreement: 200 with the countersigned agreement, the bytes the vendor stored', async () => {
    const onAcceptance = vi.fn()
    const { handler, key, threads } = await vendor({ on: { acceptance: onAcceptance } })
    const { customer, intent, offer } = await offered(handler, key.did)
    const relationship = await generateKeyPair()
    const { body, agreement: mine } = await acceptanceBody(customer, intent, [offer], relationship)
    const response = await postTo(handler, body)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/intentcast+jws')
    const text = await response.text()
    const agreement = await verify(text, { expect: 'agreement' })
    expect(agreement.signers).toEqual([relationship.did, key.did])
    expect(JSON.parse(text).payload).toBe(JSON.parse(mine).payload)
    const stored = threads.get(intent.digest)!
    expect(stored.state()).toBe('agreed')
    expect(stored.agreement!.message).toBe(text)
    expect(onAcceptance).toHaveBeenCalledOnce()
    expect(onAcceptance.mock.calls[0]![1].agreement.message).toBe(text)
  })

  test("an agreement that differs from the thread's, or signed by the wrong key, is refused and the thread stays open", async () => {
    const { handler, key, threads } = await vendor()
    const { customer, intent, offer } = await offered(handler, key.did)
    const cheaper = await acceptanceBody(customer, intent, [offer], undefined, (b) => {
      b.price = { amount: '1.00', currency: 'EUR' }
    })
    const r1 = await postTo(handler, cheaper.body)
    expect(r1.status).toBe(422)
    expect((await problemOf(r1)).code).toBe('ERR_BROKEN_LINK')
    expect(threads.get(intent.digest)!.state()).toBe('open')

    // Signed by the customer key while the acceptance names another key as the party.
    const party = await generateKeyPair()
    const acceptance = await signAcceptance(
      { inReplyTo: offer.digest, intent: intent.digest, ...proposalOf(offer), party: party.did },
      customer,
      { audience: key.did },
    )
    const wrong = await signAgreement(
      {
        ...new Thread(intent)
          .add(offer)
          .add(await verify(acceptance))
          .agreementBody(),
        parties: { customer: customer.did, vendor: key.did },
      },
      customer,
    )
    const r2 = await postTo(handler, `${acceptance}\n${wrong}`)
    expect(r2.status).toBe(401)
    expect((await problemOf(r2)).code).toBe('ERR_ISSUER_MISMATCH')

    // The thread is still open: a proper acceptance goes through.
    const good = await acceptanceBody(customer, intent, [offer])
    expect((await postTo(handler, good.body)).status).toBe(200)
    const again = await acceptanceBody(customer, intent, [offer])
    const r3 = await postTo(handler, again.body)
    expect(r3.status).toBe(409)
    expect((await problemOf(r3)).code).toBe('ERR_ILLEGAL_MOVE')
  })

  test('onAcceptance can refuse with an IntentcastError; nothing is stored', async () => {
    const { handler, key, threads } = await vendor({
      on: {
        acceptance: () => {
          throw new IntentcastError('ERR_ILLEGAL_MOVE', 'out of stock')
        },
      },
    })
    const { customer, intent, offer } = await offered(handler, key.did)
    const response = await postTo(handler, (await acceptanceBody(customer, intent, [offer])).body)
    expect(response.status).toBe(409)
    expect((await problemOf(response)).detail).toBe('out of stock')
    expect(threads.get(intent.digest)!.state()).toBe('open')
  })

  test('a withdrawal: 204; then a counter is an illegal move; an unknown thread is a broken link', async () => {
    const onWithdrawal = vi.fn()
    const { handler, key } = await vendor({ on: { withdrawal: onWithdrawal } })
    const { customer, intent, offer } = await offered(handler, key.did)
    const w = await signWithdrawal({ withdraws: intent.digest }, customer)
    expect((await postTo(handler, w)).status).toBe(204)
    expect(onWithdrawal).toHaveBeenCalledOnce()
    const c = await signCounter({ inReplyTo: offer.digest, intent: intent.digest, ...proposalOf(offer) }, customer, {
      audience: key.did,
    })
    const late = await postTo(handler, c)
    expect(late.status).toBe(409)
    expect((await problemOf(late)).code).toBe('ERR_ILLEGAL_MOVE')

    const stray = await signWithdrawal({ withdraws: 'A'.repeat(43) }, customer)
    const unknown = await postTo(handler, stray)
    expect(unknown.status).toBe(422)
    expect((await problemOf(unknown)).code).toBe('ERR_BROKEN_LINK')
  })

  test('rotation: a thread opened under the previous key is countersigned with it', async () => {
    const old = await generateKeyPair()
    const first = await vendor({ keyPair: old })
    const { customer, intent, offer } = await offered(first.handler, old.did)
    const current = await generateKeyPair()
    const rotated = createVendorHandler({
      keyPair: current,
      previousKeys: [{ keyPair: old, expiresAt: new Date(Date.now() + 60_000) }],
      terms: vendorTerms,
      on: { intent: () => null },
      stores: { threads: first.threads },
    })
    const response = await postTo(rotated, (await acceptanceBody(customer, intent, [offer])).body)
    expect(response.status).toBe(200)
    expect((await verify(await response.text())).signers).toEqual([customer.did, old.did])

    // Once the old key has expired, messages to it are no longer ours.
    const expired = createVendorHandler({
      keyPair: current,
      previousKeys: [{ keyPair: old, expiresAt: new Date(Date.now() - 1) }],
      terms: vendorTerms,
      on: { intent: () => null },
      stores: { threads: first.threads },
    })
    const w = await signCounter({ inReplyTo: offer.digest, intent: intent.digest, ...proposalOf(offer) }, customer, {
      audience: old.did,
    })
    const refused = await postTo(expired, w)
    expect((await problemOf(refused)).code).toBe('ERR_AUDIENCE')
  })
})

describe('routing, media types and CORS', () => {
  test('unknown paths 404, wrong methods 405 with Allow, wrong media types and codings 415 with Accept-Post', async () => {
    const { handler } = await vendor()
    const missing = await handler(request('/nope'))
    expect(missing.status).toBe(404)
    expect(await httpProblemOf(missing)).toMatchObject({
      title: 'Not Found',
      detail: expect.stringContaining('/intentcast/messages'),
    })
    const get = await handler(request('/intentcast/messages'))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST, OPTIONS')
    expect(await httpProblemOf(get)).toMatchObject({ title: 'Method Not Allowed' })
    const put = await handler(request('/.well-known/intentcast', { method: 'POST', body: 'x' }))
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, OPTIONS')
    await httpProblemOf(put)
    // A method name that is also an Object.prototype member is no route's method.
    const odd = await handler(request('/intentcast/messages', { method: 'CONSTRUCTOR' }))
    expect(odd.status).toBe(405)
    const options = await handler(request('/.well-known/myterms.json', { method: 'OPTIONS' }))
    expect(options.status).toBe(404)
    for (const type of ['application/json', 'text/plain', 'application/cose', 'application/intentcast+cbor']) {
      const r = await postTo(handler, 'x', type)
      expect(r.status).toBe(415)
      expect(r.headers.get('accept-post')).toBe(
        'application/intentcast+jws, application/intentcast+cose, application/intentcast+jwe, application/intentcast-sealed+cose',
      )
      expect((await problemOf(r)).code).toBe('ERR_MALFORMED')
    }
    const none = await handler(request('/intentcast/messages', { method: 'POST', body: new Uint8Array([1, 2]) }))
    expect(none.status).toBe(415)
    const gz = await postTo(handler, (await freshIntent()).intent, 'application/intentcast+jws', {
      'content-encoding': 'gzip',
    })
    expect(gz.status).toBe(415)
  })

  test('CORS: preflight and answers carry the allowed origin only', async () => {
    const { handler } = await vendor({ http: { cors: ['https://wallet.example'] } })
    const preflight = await handler(
      request('/intentcast/messages', {
        method: 'OPTIONS',
        headers: { origin: 'https://wallet.example', 'access-control-request-method': 'POST' },
      }),
    )
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://wallet.example')
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS')
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Content-Type/)
    expect(preflight.headers.get('vary')).toMatch(/Origin/)
    const answer = await postTo(handler, (await freshIntent()).intent, 'application/intentcast+jws', {
      origin: 'https://wallet.example',
    })
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://wallet.example')
    expect(answer.headers.get('access-control-expose-headers')).toMatch(/Accept-Post/)
    const stranger = await handler(request('/.well-known/intentcast', { headers: { origin: 'https://evil.example' } }))
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull()

    const open = await vendor({ http: { cors: '*' } })
    const any = await open.handler(
      request('/.well-known/intentcast', { headers: { origin: 'https://anyone.example' } }),
    )
    expect(any.headers.get('access-control-allow-origin')).toBe('*')
  })
})

test('every code a problem can carry has a status: 4xx for what the sender did, 5xx for the vendor and the network', () => {
  // ERR_INVALID_ARGUMENT is the calling program's own mistake: never a problem's code (src/errors.ts).
  const carried = ERROR_CODES.filter(
    (c): c is Exclude<typeof c, 'ERR_INVALID_ARGUMENT'> => c !== 'ERR_INVALID_ARGUMENT',
  )
  expect(carried).toHaveLength(ERROR_CODES.length - 1)
  for (const code of carried) expect(statusForCode(code)).toBeGreaterThanOrEqual(400)
  expect(statusForCode('ERR_TOO_LARGE')).toBe(413)
  expect(statusForCode('ERR_REPLAY')).toBe(409)
  expect(statusForCode('ERR_ILLEGAL_MOVE')).toBe(409)
  expect(statusForCode('ERR_BROKEN_LINK')).toBe(422)
  expect(statusForCode('ERR_SIGNATURE_INVALID')).toBe(401)
  expect(statusForCode('ERR_INTERNAL')).toBe(500)
})

describe("found in review: what a customer sends is never the vendor's 500", () => {
  test('an intent cast to a retired key is answered with an offer signed by that key', async () => {
    const old = await generateKeyPair()
    const { handler } = await vendor({ previousKeys: [{ keyPair: old, expiresAt: new Date(Date.now() + 60_000) }] })
    const customer = await generateKeyPair()
    const response = await postTo(handler, await signIntent(intentBody(), customer, { audience: old.did }))
    expect(response.status).toBe(200)
    expect((await verify(await response.text(), { expect: 'offer' })).issuer).toBe(old.did)
  })

  test('an agreement the thread refuses (after the acceptance expired) is a 409 problem, not a 500', async () => {
    const { key, handler } = await vendor()
    const { customer, intent, offer } = await offered(handler, key.did)
    // Within the 30 s clock tolerance, both messages still verify; but the agreement comes more
    // than 30 s after the acceptance's exp, which the thread refuses.
    const t = Date.now()
    const acceptance = await signAcceptance(
      { inReplyTo: offer.digest, intent: intent.digest, ...proposalOf(offer) },
      customer,
      { audience: key.did, expiresIn: 1, now: new Date(t - 11_000) },
    )
    const thread = new Thread(intent).add(offer)
    thread.add(await verify(acceptance, { now: new Date(t - 11_000) }))
    const agreement = await signAgreement(thread.agreementBody(), customer, { now: new Date(t + 25_000) })
    const response = await postTo(handler, `${acceptance}\n${agreement}`)
    expect(response.status).toBe(409)
    expect((await problemOf(response)).code).toBe('ERR_ILLEGAL_MOVE')
  })

  test('a handler whose terms are invalid answers 500 problems and never crashes the process', async () => {
    const handler = createVendorHandler({
      keyPair: await generateKeyPair(),
      terms: 'not a JWS',
      on: { intent: () => null, error: () => {} },
    })
    const response = await handler(request('/.well-known/intentcast'))
    expect(response.status).toBe(500)
    await expect(handler.ready).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
  })
})

describe('whose fault: the vendor’s code failing is a 500 reported to on.error, never the customer’s 4xx', () => {
  test('on.intent throwing a plain Error, ERR_INVALID_ARGUMENT or ERR_INTERNAL: 500 ERR_INTERNAL that says nothing, and on.error hears the error itself', async () => {
    const thrown = [
      new Error('inventory service down'),
      // The vendor's program passed something wrong somewhere: its mistake, not the sender's.
      new IntentcastError('ERR_INVALID_ARGUMENT', 'signOffer: price.amount must be a decimal string'),
      new IntentcastError('ERR_INTERNAL', 'the pricing engine failed'),
    ]
    for (const error of thrown) {
      const onError = vi.fn()
      const { handler } = await vendor({ on: { intent: () => Promise.reject(error), error: onError } })
      const response = await postTo(handler, (await freshIntent()).intent)
      expect(response.status, error.message).toBe(500)
      const p = await problemOf(response)
      expect(p.code).toBe('ERR_INTERNAL')
      expect(p.detail).not.toContain(error.message)
      expect(onError).toHaveBeenCalledExactlyOnceWith(error)
    }
  })

  test('a refusal (an IntentcastError with a 4xx code) is the answer and is not reported; an on.error that throws changes nothing', async () => {
    const onError = vi.fn(() => {
      throw new Error('the logger is down too')
    })
    const refusing = await vendor({
      on: {
        counter: () => {
          throw new IntentcastError('ERR_ILLEGAL_MOVE', 'no haggling')
        },
        error: onError,
      },
    })
    const { customer, intent, offer } = await offered(refusing.handler, refusing.key.did)
    const c = await signCounter({ inReplyTo: offer.digest, intent: intent.digest, ...proposalOf(offer) }, customer, {
      audience: refusing.key.did,
    })
    const refused = await postTo(refusing.handler, c)
    expect(refused.status).toBe(409)
    expect(await problemOf(refused)).toMatchObject({ code: 'ERR_ILLEGAL_MOVE', detail: 'no haggling' })
    expect(onError).not.toHaveBeenCalled()

    const failing = await vendor({
      on: {
        intent: () => {
          throw new Error('x')
        },
        error: onError,
      },
    })
    expect((await postTo(failing.handler, (await freshIntent()).intent)).status).toBe(500)
    expect(onError).toHaveBeenCalledOnce()
  })
})

describe('decide before acting: the customer’s message is judged before the vendor’s code runs', () => {
  test('a counter that arrives after the intent expired is a 409 and on.counter never hears of it', async () => {
    // Only Date is faked: the clock the handler, verify and the thread read.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const t0 = Date.now()
      const counter = vi.fn((): 'agree' => 'agree')
      const { handler, key, threads } = await vendor({ on: { counter } })
      const customer = await generateKeyPair()
      const intent = await verify(await signIntent(intentBody(), customer, { expiresIn: 60 }))
      const offer = await verify(await (await postTo(handler, intent.message)).text(), { expect: 'offer' })
      // The customer signed its counter while the intent was open (its iat is 50 s in), so the
      // thread takes the move; but it arrives at 120 s, after the intent's exp and the 30 s
      // tolerance, when the vendor could no longer add an answer of its own.
      const late = await signCounter(
        { inReplyTo: offer.digest, intent: intent.digest, ...proposalOf(offer) },
        customer,
        { audience: key.did, now: new Date(t0 + 50_000) },
      )
      vi.setSystemTime(t0 + 120_000)
      const response = await postTo(handler, late)
      expect(response.status).toBe(409)
      expect((await problemOf(response)).code).toBe('ERR_ILLEGAL_MOVE')
      expect(counter).not.toHaveBeenCalled()
      expect(threads.get(intent.digest)!.messages.map((m) => m.kind)).toEqual(['intent', 'offer'])

      // The same counter while the intent is open: the callback runs and its 'agree' is answered.
      vi.setSystemTime(t0 + 55_000)
      const inTime = await signCounter(
        { inReplyTo: offer.digest, intent: intent.digest, ...proposalOf(offer) },
        customer,
        { audience: key.did, now: new Date(t0 + 50_000) },
      )
      const answered = await postTo(handler, inTime)
      expect(answered.status).toBe(200)
      expect(counter).toHaveBeenCalledOnce()
    } finally {
      vi.useRealTimers()
    }
  })

  test('an intent that expires while on.intent decides is a 409, not a reply the thread refuses (a 500)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const t0 = Date.now()
      const { handler, threads } = await vendor({
        on: {
          intent: (intent) => {
            vi.setSystemTime(t0 + 120_000) // a slow decision: the intent (60 s, and 30 s of tolerance) has ended
            return offerFor('1900.00')(intent)
          },
        },
      })
      const intent = await signIntent(intentBody(), await generateKeyPair(), { expiresIn: 60 })
      const response = await postTo(handler, intent)
      expect(response.status).toBe(409)
      expect((await problemOf(response)).code).toBe('ERR_ILLEGAL_MOVE')
      expect(threads.size).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  test('live time: an acceptance back-dated inside the offer’s lifetime, sent after it expired, is not countersigned', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const t0 = Date.now()
      const acceptance = vi.fn()
      const { handler, key, threads } = await vendor({ on: { acceptance } })
      const customer = await generateKeyPair()
      const intent = await verify(await signIntent(intentBody(), customer, { expiresIn: '3d' }), { expect: 'intent' })
      const offer = await verify(await (await postTo(handler, intent.message)).text(), { expect: 'offer' }) // 1 h
      // Signed as if 10 minutes in, with a long life of its own, so every message time in the
      // thread is consistent: only the vendor's clock, ninety minutes in, shows the offer has
      // expired (the thread is kept an hour past it, so the move is judged, not lost).
      const backDated = { now: new Date(t0 + 600_000) }
      const accepted = await signAcceptance(
        { inReplyTo: offer.digest, intent: intent.digest, ...proposalOf(offer) },
        customer,
        { audience: key.did, expiresIn: '7d', ...backDated },
      )
      const thread = new Thread(intent).add(offer)
      thread.add(await verify(accepted, backDated))
      const agreement = await signAgreement(thread.agreementBody(), customer, backDated)
      vi.setSystemTime(t0 + 1.5 * 3_600_000)
      const response = await postTo(handler, `${accepted}\n${agreement}`)
      expect(response.status).toBe(409)
      const problem = await problemOf(response)
      expect(problem.code).toBe('ERR_ILLEGAL_MOVE')
      expect(problem.detail).toMatch(/accepted offer expired .* by the vendor's clock/)
      expect(acceptance).not.toHaveBeenCalled()
      expect(threads.get(intent.digest)!.agreement).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  test('an agreement the thread refuses never reaches on.acceptance and is never countersigned', async () => {
    const acceptance = vi.fn()
    const { handler, key } = await vendor({ on: { acceptance } })
    const { customer, intent, offer } = await offered(handler, key.did)
    const cheaper = await acceptanceBody(customer, intent, [offer], undefined, (b) => {
      b.price = { amount: '1.00', currency: 'EUR' }
    })
    const response = await postTo(handler, cheaper.body)
    expect(response.status).toBe(422)
    expect(acceptance).not.toHaveBeenCalled()
  })
})
