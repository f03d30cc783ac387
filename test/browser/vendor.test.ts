/** The vendor side of <r-button>: declarations and discovery, against loopback servers in Node. */
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPair, signTerms, type KeyPair } from '../../src/index.js'
import { WELL_KNOWN_PATH as WELL_KNOWN } from '../../src/model/media-types.js'
import { discoverVendor, MAX_DOCUMENT_BYTES, vendorFromDeclaration } from '../../src/r-button/vendor.js'

const TERMS = { agreements: ['SD-BASE'] }
let key: KeyPair
let declaration: string

beforeAll(async () => {
  key = await generateKeyPair()
  declaration = await signTerms({ role: 'vendor', name: 'Shop', url: 'https://shop.example', terms: TERMS }, key)
})

/** Runs `fn` with the origin of a loopback server that answers the well-known path with `reply`, and 404 elsewhere. */
async function withServer<T>(reply: RequestListener, fn: (origin: string) => Promise<T>): Promise<T> {
  const server = createServer((req, res) => (req.url === WELL_KNOWN ? reply(req, res) : res.writeHead(404).end()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

const json =
  (body: string, type = 'application/json'): RequestListener =>
  (_, res) =>
    res.writeHead(200, { 'content-type': type }).end(body)

const live = () => new AbortController().signal

describe('vendorFromDeclaration', () => {
  it("returns a vendor's verified terms, name, url and signer", async () => {
    expect(await vendorFromDeclaration(` ${declaration}\n`)).toEqual({
      terms: TERMS,
      name: 'Shop',
      url: 'https://shop.example',
      signer: key.did,
    })
  })

  it("refuses a customer's declaration, garbage and a forged signature", async () => {
    const customer = await signTerms({ role: 'customer', terms: TERMS }, key)
    await expect(vendorFromDeclaration(customer)).rejects.toThrow("a customer's terms, not a vendor's")
    await expect(vendorFromDeclaration(customer)).rejects.toMatchObject({
      name: 'IntentcastError',
      code: 'ERR_TYPE_MISMATCH',
    })
    await expect(vendorFromDeclaration('a.b.c')).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
    const other = await signTerms({ role: 'vendor', terms: { agreements: ['PDC'] } }, key)
    const forged = declaration.slice(0, declaration.lastIndexOf('.')) + other.slice(other.lastIndexOf('.'))
    await expect(vendorFromDeclaration(forged)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' })
  })
})

describe('discoverVendor', () => {
  it('fetches /.well-known/intentcast, asking for JSON, and verifies the declaration in it', async () => {
    let accept: string | undefined
    const reply: RequestListener = (req, res) => {
      accept = req.headers.accept
      json(JSON.stringify({ v: '0.1', terms: declaration }), 'application/json; charset=utf-8')(req, res)
    }
    const vendor = await withServer(reply, (origin) => discoverVendor(origin, live()))
    expect(vendor).toMatchObject({ terms: TERMS, signer: key.did })
    expect(accept).toBe('application/json')
  })

  it('says why when there is no usable document', async () => {
    await expect(discoverVendor('not a url', live())).rejects.toThrow('not a url is not a URL')
    await expect(discoverVendor('http://127.0.0.1:9', live())).rejects.toThrow(/could not be reached/)
    await expect(discoverVendor('not a url', live())).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    await expect(discoverVendor('http://127.0.0.1:9', live())).rejects.toMatchObject({ code: 'ERR_UNREACHABLE' })
    await withServer(
      (_, res) => res.writeHead(404).end(),
      (origin) => expect(discoverVendor(origin, live())).rejects.toThrow(/answered 404$/),
    )
  })

  it('refuses documents that are not JSON, too large, malformed or without a declaration', async () => {
    const chunked: RequestListener = (_, res) => {
      // No Content-Length: the size is only known once read.
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"pad":"')
      res.end('x'.repeat(MAX_DOCUMENT_BYTES) + '"}')
    }
    const cases: Array<[RequestListener, RegExp]> = [
      [json('<html>', 'text/html'), /is not JSON$/],
      [json('x'.repeat(MAX_DOCUMENT_BYTES + 1)), /larger than 65536 bytes$/],
      [chunked, /larger than 65536 bytes$/],
      [json(''), /is empty/],
      [json('{"terms":'), /not valid JSON/],
      [json('{"terms":42}'), /holds no signed terms declaration$/],
      [json('null'), /holds no signed terms declaration$/],
    ]
    for (const [reply, error] of cases) {
      await withServer(reply, (origin) => expect(discoverVendor(origin, live())).rejects.toThrow(error))
    }
  })

  it('stops waiting when the element lets go', async () => {
    await withServer(
      () => {},
      async (origin) => {
        const abort = new AbortController()
        const pending = discoverVendor(origin, abort.signal)
        abort.abort()
        await expect(pending).rejects.toThrow(/could not be reached or did not answer/)
      },
    )
  })
})
