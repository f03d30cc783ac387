import { afterEach, describe, expect, test } from 'vitest'
import { discover } from '../../src/wallet/index.js'
import { GPC_CONDITION } from '../../src/index.js'
import { generateKeyPair, signTerms } from '../../src/index.js'
import { matchTerms } from '../../src/terms/index.js'
import { listen, serve, startVendor, vendorTerms, type Running } from './support.js'

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})
const track = <T extends Running>(r: T): T => (running.push(r), r)

/** A site that serves fixed answers by path, as any web server might. */
async function site(
  routes: Record<string, { status?: number; type?: string; body: string } | undefined>,
): Promise<Running> {
  return track(
    await serve(async (r) => {
      const route = routes[new URL(r.url).pathname]
      if (!route) return new Response('not here', { status: 404, headers: { 'content-type': 'text/html' } })
      return new Response(route.body, {
        status: route.status ?? 200,
        headers: { 'content-type': route.type ?? 'application/json' },
      })
    }),
  )
}

const customerTerms = { agreements: ['SD-BASE'], conditions: [{ id: 'no-resale', value: true, required: true }] }

describe('discover', () => {
  test('reads and verifies the vendor document: terms, endpoint, keys, media types', async () => {
    const vendor = track(await startVendor({ myterms: { agreements: [{ id: 'SD-BASE' }] }, gpc: { gpc: true } }))
    const found = await discover(vendor.origin)
    expect(found.origin).toBe(vendor.origin)
    expect(found.endpoint).toBe(`${vendor.origin}/intentcast/messages`)
    expect(found.terms!.issuer).toBe(vendor.key.did)
    expect(found.termSet).toEqual(vendorTerms.terms)
    expect(found.keys.map((k) => k.x)).toEqual([vendor.key.publicJwk.x])
    expect(found.mediaTypes).toEqual([
      'application/intentcast+jws',
      'application/intentcast+cose',
      'application/intentcast+jwe',
      'application/intentcast-sealed+cose',
    ])
    expect(found.myterms).toEqual({ agreements: [{ id: 'SD-BASE' }] })
    expect(found.gpc).toEqual({ gpc: true })
  })

  test('a vendor with only myterms.json and gpc.json still gets an r-button state', async () => {
    const s = await site({
      '/.well-known/myterms.json': {
        body: JSON.stringify({
          effective_date: '2025-06-01',
          agreements: [
            { id: 'https://w3id.org/dpv/standards/p7012#SD-BASE-A', url: 'https://shop.example/terms' },
            { id: 'not-7012', url: 'https://w3id.org/dpv/standards/p7012#SD-BASE' },
            { id: 'nonsense' },
          ],
          tos_url: 'https://shop.example/tos',
        }),
      },
      '/.well-known/gpc.json': { body: JSON.stringify({ gpc: true, lastUpdate: '2025-01-01' }) },
    })
    const found = await discover(s.origin)
    expect(found.endpoint).toBeUndefined()
    expect(found.terms).toBeUndefined()
    expect(found.termSet).toEqual({ agreements: ['SD-BASE-A', 'SD-BASE'], conditions: [GPC_CONDITION] })
    expect(matchTerms(customerTerms, found.termSet!).state).toBe('lit')
    expect(matchTerms({ agreements: ['SD-BASE-DP'], strict: true }, found.termSet!).state).not.toBe('lit')
  })

  test('gpc.json alone is recorded, with no 7012 agreement; nothing at all is an error', async () => {
    const gpcOnly = await site({ '/.well-known/gpc.json': { body: JSON.stringify({ gpc: false }) } })
    const found = await discover(gpcOnly.origin)
    expect(found.gpc).toEqual({ gpc: false })
    expect(found.termSet).toBeUndefined()
    const empty = await site({})
    await expect(discover(empty.origin)).rejects.toMatchObject({ code: 'ERR_UNREACHABLE' })
  })

  test('limits: content type, size, deadline, status', async () => {
    const vendor = track(await startVendor())
    const doc = await (await fetch(`${vendor.origin}/.well-known/intentcast`)).text()
    const wrongType = await site({ '/.well-known/intentcast': { body: doc, type: 'text/html' } })
    await expect(discover(wrongType.origin)).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
    const huge = await site({ '/.well-known/intentcast': { body: JSON.stringify({ pad: 'x'.repeat(70_000) }) } })
    await expect(discover(huge.origin)).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' })
    const broken = await site({ '/.well-known/intentcast': { body: 'oops', status: 500 } })
    await expect(discover(broken.origin)).rejects.toMatchObject({ code: 'ERR_UNREACHABLE' })
    const notJson = await site({ '/.well-known/intentcast': { body: '{"v":' } })
    await expect(discover(notJson.origin)).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
    const hang = track(await listen(() => {}))
    const started = Date.now()
    await expect(discover(hang.origin, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ERR_TIMEOUT' })
    expect(Date.now() - started).toBeLessThan(2000)
  })

  test('refuses an endpoint on another origin, terms not signed by a listed current key, bad keys', async () => {
    const vendor = track(await startVendor())
    const doc = await (await fetch(`${vendor.origin}/.well-known/intentcast`)).json()
    const serveDoc = async (d: unknown) =>
      (await site({ '/.well-known/intentcast': { body: JSON.stringify(d) } })).origin

    // The vendor's own document, served from another origin: its endpoint is elsewhere.
    await expect(discover(await serveDoc(doc))).rejects.toMatchObject({ code: 'ERR_BROKEN_LINK' })
    const other = await signTerms(vendorTerms, await generateKeyPair())

    // Same-origin documents, so only the checks under test can fail.
    const selfServed = async (mutate: (d: typeof doc, origin: string) => unknown) => {
      let origin = ''
      const s = track(
        await serve(
          async () =>
            new Response(JSON.stringify(mutate(structuredClone(doc), origin)), {
              headers: { 'content-type': 'application/json' },
            }),
        ),
      )
      origin = s.origin
      return origin
    }
    await expect(
      discover(await selfServed((d, o) => ({ ...d, endpoint: `${o}/m`, terms: other }))),
    ).rejects.toMatchObject({ code: 'ERR_KEY_UNRESOLVED' })
    await expect(
      discover(
        await selfServed((d, o) => ({
          ...d,
          endpoint: `${o}/m`,
          keys: { keys: [{ ...d.keys.keys[0], status: 'retired', exp: 2e9 }] },
        })),
      ),
    ).rejects.toMatchObject({
      code: 'ERR_KEY_UNRESOLVED',
    })
    await expect(
      discover(
        await selfServed((d, o) => ({
          ...d,
          endpoint: `${o}/m`,
          keys: { keys: [{ ...d.keys.keys[0], kid: 'did:key:zWrong#zWrong' }] },
        })),
      ),
    ).rejects.toMatchObject({
      code: 'ERR_KEY_UNRESOLVED',
    })
    await expect(discover(await selfServed((d, o) => ({ ...d, endpoint: `${o}/m`, v: '9.9' })))).rejects.toMatchObject({
      code: 'ERR_SCHEMA',
    })
    // An endpoint the schema's outline lets through but that is no URL: the vendor's bytes, a wire code.
    for (const endpoint of ['https://[x', 'http://127.0.0.1:99999/m']) {
      await expect(discover(await selfServed((d) => ({ ...d, endpoint })))).rejects.toMatchObject({
        name: 'IntentcastError',
        code: 'ERR_SCHEMA',
      })
    }
    await expect(
      discover(await selfServed((d, o) => ({ ...d, endpoint: `${o}/m`, terms: 'x.y.z' }))),
    ).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
    const ok = await discover(await selfServed((d, o) => ({ ...d, endpoint: `${o}/m`, future: 'ignored' })))
    expect(ok.terms!.issuer).toBe(vendor.key.did)
  })

  test("https only, except on loopback; a bad origin or option is the caller's mistake, never a TypeError", async () => {
    let fetched = 0
    const counting = async (url: string, init: RequestInit) => (fetched++, fetch(url, init))
    for (const origin of [
      'http://shop.example',
      'ftp://127.0.0.1',
      'not a url',
      'https://[x',
      'http://[::1',
      'https://',
      '',
      'http://localhost:99999',
      undefined,
      42,
    ]) {
      await expect(discover(origin as string, { fetch: counting })).rejects.toMatchObject({
        name: 'IntentcastError',
        code: 'ERR_INVALID_ARGUMENT',
      })
    }
    for (const options of [
      { timeoutMs: Number.NaN },
      { maxBytes: 0 },
      { fetch: 'fetch' },
      { now: new Date(Number.NaN) },
      null,
    ]) {
      await expect(discover('https://shop.example', options as never)).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      })
    }
    expect(fetched).toBe(0)
  })

  test('follows no redirect', async () => {
    const vendor = track(await startVendor())
    const redirector = track(await serve(async () => Response.redirect(`${vendor.origin}/.well-known/intentcast`, 302)))
    await expect(discover(redirector.origin)).rejects.toMatchObject({ code: 'ERR_UNREACHABLE' })
  })

  test('the rotated key: the document lists the retired key and discovery keeps it while it lives', async () => {
    const old = await generateKeyPair()
    const key = await generateKeyPair()
    const s = track(
      await startVendor({
        keyPair: key,
        previousKeys: [{ keyPair: old, expiresAt: new Date(Date.now() + 60_000) }],
        onIntent: () => null,
      }),
    )
    const found = await discover(s.origin)
    expect(found.keys.map((k) => [k.x, k.status])).toEqual([
      [key.publicJwk.x, 'current'],
      [old.publicJwk.x, 'retired'],
    ])
    const later = await discover(s.origin, { now: new Date(Date.now() + 120_000) })
    expect(later.keys.map((k) => k.x)).toEqual([key.publicJwk.x])
  })
})
