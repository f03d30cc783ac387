/**
 * Replays spec/vectors/http.json (spec §HTTP binding, §Test vectors) as a conformance kit would:
 * a fresh vendor for each case, set up from the file's `vendor` alone, each request sent in
 * order, each answer compared with the recorded one.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { keyPairFromSeed, verify } from '../../src/index.js'
import { createVendorHandler } from '../../src/vendor/index.js'

interface Exchange {
  request: { method: string; path: string; headers: Record<string, string>; body?: string; bodyHex?: string }
  response: {
    status: number
    code?: string
    type?: string
    headers: Record<string, string>
    kind?: string
    sameAs?: number
  }
}

const vectors = JSON.parse(readFileSync(new URL('../../spec/vectors/http.json', import.meta.url), 'utf8')) as {
  vendor: { seed: string; did: string; terms: never; origin: string; endpoint: string; maxBodyBytes: number }
  validFrom: string
  validUntil: string
  cases: Array<{ name: string; exchanges: Exchange[] }>
}

async function vendor() {
  const keyPair = await keyPairFromSeed(new Uint8Array(Buffer.from(vectors.vendor.seed, 'hex')))
  expect(keyPair.did).toBe(vectors.vendor.did)
  const handler = createVendorHandler({
    keyPair,
    terms: vectors.vendor.terms,
    on: {
      // Any offer: the vectors compare only its status, media type and kind.
      intent: (i) => ({
        item: i.payload.want.item,
        quantity: 1,
        price: { amount: '2150.00', currency: 'EUR' },
        terms: { agreement: 'SD-BASE' },
      }),
      counter: () => null,
      error: () => {},
    },
    http: { origin: vectors.vendor.origin },
    limits: { maxBodyBytes: vectors.vendor.maxBodyBytes },
  })
  await handler.ready
  return handler
}

describe('HTTP binding vectors', () => {
  it('are live now: their messages are valid from validFrom to validUntil', () => {
    expect(Date.parse(vectors.validFrom)).toBeLessThan(Date.now())
    expect(Date.parse(vectors.validUntil)).toBeGreaterThan(Date.now())
  })

  it('cover every status a refusal of the message endpoint has, and each code of §Problems a request can cause', () => {
    const answers = vectors.cases.flatMap((c) => c.exchanges.map((e) => e.response))
    expect(new Set(answers.map((r) => r.status))).toEqual(new Set([200, 204, 400, 401, 404, 405, 409, 413, 415, 422]))
    expect(new Set(answers.flatMap((r) => (r.code ? [r.code] : [])))).toEqual(
      new Set([
        'ERR_MALFORMED',
        'ERR_UNSUPPORTED_ALG',
        'ERR_KEY_UNRESOLVED',
        'ERR_ISSUER_MISMATCH',
        'ERR_SIGNATURE_INVALID',
        'ERR_REPLAY',
        'ERR_ILLEGAL_MOVE',
        'ERR_TOO_LARGE',
        'ERR_TYPE_MISMATCH',
        'ERR_SCHEMA',
        'ERR_EXPIRED',
        'ERR_NOT_YET_VALID',
        'ERR_AUDIENCE',
        'ERR_BROKEN_LINK',
      ]),
    )
  })

  for (const c of vectors.cases) {
    it(c.name, async () => {
      const handler = await vendor()
      const bodies: Uint8Array[] = []
      for (const [i, { request, response }] of c.exchanges.entries()) {
        const body = request.bodyHex !== undefined ? new Uint8Array(Buffer.from(request.bodyHex, 'hex')) : request.body
        const answer = await handler(
          new Request(vectors.vendor.origin + request.path, {
            method: request.method,
            headers: request.headers,
            ...(body !== undefined && { body }),
          }),
        )
        const bytes = new Uint8Array(await answer.arrayBuffer())
        bodies.push(bytes)
        expect(answer.status, `exchange ${i}`).toBe(response.status)
        for (const [name, value] of Object.entries(response.headers)) expect(answer.headers.get(name)).toBe(value)
        if (response.type !== undefined) {
          const problem = JSON.parse(new TextDecoder().decode(bytes))
          expect(problem.type).toBe(response.type)
          expect(problem.status).toBe(response.status)
          expect(problem.code).toBe(response.code)
        }
        if (response.kind !== undefined) {
          const type = answer.headers.get('content-type')!
          const m = type.endsWith('+cose') ? bytes : new TextDecoder().decode(bytes)
          expect((await verify(m)).kind).toBe(response.kind)
        }
        if (response.sameAs !== undefined) expect(Buffer.from(bytes)).toEqual(Buffer.from(bodies[response.sameAs]!))
      }
    })
  }
})
