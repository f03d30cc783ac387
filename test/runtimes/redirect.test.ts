/**
 * The binding's no-redirect rule, kept the way every runtime can: fetch with `redirect: 'manual'`
 * (workerd refuses `'error'` outright) and refuse what comes back as a redirect, a 3xx with its
 * Location (Node, Deno, Bun, workerd) or an opaque redirect (browsers). The runtime tests run the
 * same refusal over real HTTP in each runtime; this one pins down the details on the sources.
 */
import { describe, expect, it } from 'vitest'
import { exchange, isRetryable, type FetchLike } from '../../src/http/client.js'
import { isIntentcastError } from '../../src/errors.js'

const URL_ = 'https://vendor.example/intentcast/messages'
const OPTIONS = { timeoutMs: 1_000, maxBytes: 1_024, what: 'answer' }

/** A fetch that records what it was asked with and answers `response`. */
function fakeFetch(response: Response) {
  const calls: RequestInit[] = []
  const fetch: FetchLike = async (_url, init) => {
    calls.push(init)
    return response
  }
  return { fetch, calls }
}

async function refusal(response: Response) {
  const { fetch } = fakeFetch(response)
  const error = await exchange(URL_, { method: 'POST' }, { ...OPTIONS, fetch }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isIntentcastError(error, 'ERR_UNREACHABLE')).toBe(true)
  expect(isRetryable(error)).toBe(false) // the peer answered, and would answer the same again
  return (error as Error).message
}

describe('no redirect is followed', () => {
  it("asks fetch not to follow one ('manual'), with no credentials", async () => {
    const { fetch, calls } = fakeFetch(
      new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } }),
    )
    const answer = await exchange(URL_, { method: 'POST' }, { ...OPTIONS, fetch })
    expect(answer.status).toBe(200)
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({ method: 'POST', redirect: 'manual', credentials: 'omit' })
  })

  for (const status of [301, 302, 303, 307, 308]) {
    it(`refuses a ${status}, naming the origin it pointed to, and drops its body unread`, async () => {
      let cancelled = false
      const body = new ReadableStream({ cancel: () => void (cancelled = true) })
      const response = new Response(body, { status, headers: { location: 'https://elsewhere.example/take?all' } })
      expect(await refusal(response)).toBe(
        `https://vendor.example answered the answer with a redirect (${status} to https://elsewhere.example); intentcast follows no redirect`,
      )
      expect(cancelled).toBe(true)
    })
  }

  it('resolves a relative Location against the URL asked', async () => {
    expect(await refusal(new Response(null, { status: 302, headers: { location: '/elsewhere' } }))).toContain(
      '(302 to https://vendor.example)',
    )
  })

  it('refuses any other 3xx, with or without a Location', async () => {
    expect(await refusal(new Response(null, { status: 300 }))).toContain('with a redirect (300)')
    expect(await refusal(new Response(null, { status: 304 }))).toContain('with a redirect (304)')
  })

  it("refuses a browser's opaque redirect, which has no status or Location to show", async () => {
    const opaque = Object.assign(Object.create(Response.prototype) as Response, {})
    Object.defineProperties(opaque, {
      type: { value: 'opaqueredirect' },
      status: { value: 0 },
      headers: { value: new Headers() },
      body: { value: null },
    })
    expect(await refusal(opaque)).toContain('with a redirect (opaque)')
  })
})
