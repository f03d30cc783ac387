/**
 * The vendor document's endpoint and its caching (spec §The vendor document): a configured
 * `http.origin` wins over whatever `Host` a client sends, and the document is cacheable; without
 * one the endpoint follows the request, so the answer is `no-store` and a forged `Host` changes
 * only that one uncached answer. Over a real loopback server, with raw requests, so the `Host`
 * header is exactly what a hostile client would write.
 */
import { connect } from 'node:net'
import { afterAll, describe, expect, test } from 'vitest'
import { startVendor, type TestVendor } from './support.js'

interface RawAnswer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

/** GET /.well-known/intentcast with the given Host header, byte for byte. */
function getDocument(origin: string, host: string): Promise<RawAnswer> {
  const { port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () =>
      socket.write(`GET /.well-known/intentcast HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    )
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (c: string) => (data += c))
    socket.on('error', reject)
    socket.on('close', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const i = line.indexOf(':')
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim()
      }
      const raw = rest.join('\r\n\r\n')
      // Chunked or not: the document is one JSON object.
      const body = raw.slice(raw.indexOf('{'), raw.lastIndexOf('}') + 1)
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body })
    })
  })
}

const endpointOf = (a: RawAnswer): string => (JSON.parse(a.body) as { endpoint: string }).endpoint

const vendors: TestVendor[] = []
afterAll(() => Promise.all(vendors.map((v) => v.close())))

async function vendorWith(origin?: string): Promise<TestVendor> {
  const v = await startVendor('1900.00', origin === undefined ? {} : { http: { origin } })
  vendors.push(v)
  return v
}

describe('the vendor document: endpoint and caching', () => {
  test('with http.origin: the endpoint is the configured origin whatever Host says, and the document is cacheable', async () => {
    const v = await vendorWith('https://shop.example')
    const honest = await getDocument(v.origin, new URL(v.origin).host)
    const forged = await getDocument(v.origin, 'evil.example')
    for (const answer of [honest, forged]) {
      expect(answer.status).toBe(200)
      expect(endpointOf(answer)).toBe('https://shop.example/intentcast/messages')
      expect(answer.headers['cache-control']).toBe('max-age=300')
    }
    expect(forged.body).toBe(honest.body)
  })

  test('without http.origin: the document is no-store, and a forged Host changes only that one uncached answer', async () => {
    const v = await vendorWith()
    const honest = await getDocument(v.origin, new URL(v.origin).host)
    expect(honest.status).toBe(200)
    expect(endpointOf(honest)).toBe(`${v.origin}/intentcast/messages`)
    expect(honest.headers['cache-control']).toBe('no-store')

    const forged = await getDocument(v.origin, 'evil.example')
    expect(forged.status).toBe(200)
    expect(endpointOf(forged)).toBe('http://evil.example/intentcast/messages')
    expect(forged.headers['cache-control']).toBe('no-store')
    expect(forged.headers['cache-control']).not.toMatch(/max-age|public|s-maxage/)

    // The next honest request is not affected: nothing about the forged one was kept.
    const after = await getDocument(v.origin, new URL(v.origin).host)
    expect(endpointOf(after)).toBe(`${v.origin}/intentcast/messages`)
    expect(after.headers['cache-control']).toBe('no-store')
  })

  test('through fetch (the handler alone): the same rule on the Request URL', async () => {
    const configured = await vendorWith('https://shop.example')
    const bare = await vendorWith()
    const at = (origin: string) => new Request(`${origin}/.well-known/intentcast`)
    const a = await configured.handler(at('http://10.0.0.5:8080'))
    expect(a.headers.get('cache-control')).toBe('max-age=300')
    expect(((await a.json()) as { endpoint: string }).endpoint).toBe('https://shop.example/intentcast/messages')
    const b = await bare.handler(at('http://10.0.0.5:8080'))
    expect(b.headers.get('cache-control')).toBe('no-store')
    expect(((await b.json()) as { endpoint: string }).endpoint).toBe('http://10.0.0.5:8080/intentcast/messages')
  })
})
