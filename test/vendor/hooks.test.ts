/**
 * The abuse and observability hooks (issue 9): `on.admit` turns a request away before any work,
 * and `on.outcome` hears every outcome, not only the 500s that `on.error` hears.
 */
import { describe, expect, test, vi } from 'vitest'
import { generateKeyPair, signIntent } from '../../src/index.js'
import { createVendorHandler, type VendorOutcome } from '../../src/vendor/index.js'
import {
  freshIntent,
  httpProblemOf,
  intentBody,
  post,
  postTo,
  request,
  startVendor,
  vendorOptions,
  type VendorExtras,
} from './support.js'

async function hooked(on: NonNullable<VendorExtras['on']>) {
  const events: VendorOutcome[] = []
  const handler = createVendorHandler(
    vendorOptions(await generateKeyPair(), '1900.00', { on: { outcome: (e) => events.push(e), ...on } }),
  )
  await handler.ready
  return { handler, events }
}

describe('on.admit: a rate limit before any work', () => {
  test('over HTTP it hears the client’s address, which a Request cannot carry', async () => {
    const seen: Array<string | undefined> = []
    const vendor = await startVendor('1900.00', {
      on: { admit: (_request, client) => (seen.push(client.address), true) },
    })
    try {
      expect((await post(`${vendor.origin}/intentcast/messages`, (await freshIntent()).intent)).status).toBe(200)
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatch(/^(::ffff:)?127\.0\.0\.1$/)
    } finally {
      await vendor.close()
    }
  })

  test('false answers 429 with Retry-After and no code, before the body is read or verified', async () => {
    const intent = vi.fn(() => null)
    let budget = 1
    const { handler, events } = await hooked({ admit: () => budget-- > 0, intent })
    expect((await postTo(handler, (await freshIntent()).intent)).status).toBe(202)
    const limited = await postTo(handler, 'not even a message')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(await httpProblemOf(limited)).toMatchObject({ type: 'about:blank', status: 429 })
    expect(intent).toHaveBeenCalledOnce()
    expect(events.map((e) => e.result)).toEqual(['answered', 'limited'])
  })

  test('an admit that throws is the vendor’s failure: a 500 reported to on.error', async () => {
    const error = vi.fn()
    const { handler } = await hooked({
      admit: () => {
        throw new Error('the rate limiter is down')
      },
      error,
    })
    expect((await postTo(handler, (await freshIntent()).intent)).status).toBe(500)
    expect(error).toHaveBeenCalledOnce()
  })
})

describe('on.outcome: every outcome, with its code', () => {
  test('answered, refused with the problem’s code, and an HTTP refusal without one', async () => {
    const { handler, events } = await hooked({})
    const { intent } = await freshIntent()
    await postTo(handler, intent)
    await postTo(handler, intent.slice(0, -4) + 'AAAA') // a broken signature
    await handler(request('/nowhere'))
    await postTo(
      handler,
      await signIntent(intentBody(), await generateKeyPair(), { audience: 'did:key:z6Mkelsewhere' }),
    )
    expect(events.map(({ result, status, code, path }) => ({ result, status, code, path }))).toEqual([
      { result: 'answered', status: 200, code: undefined, path: '/intentcast/messages' },
      { result: 'refused', status: 401, code: 'ERR_SIGNATURE_INVALID', path: '/intentcast/messages' },
      { result: 'refused', status: 404, code: undefined, path: '/nowhere' },
      { result: 'refused', status: 422, code: 'ERR_AUDIENCE', path: '/intentcast/messages' },
    ])
    expect(events.every((e) => e.ms >= 0 && e.method !== '')).toBe(true)
  })

  test('a listener that throws changes no answer', async () => {
    const { handler } = await hooked({
      outcome: () => {
        throw new Error('metrics are down')
      },
    })
    expect((await postTo(handler, (await freshIntent()).intent)).status).toBe(200)
  })
})
