/**
 * Hostile requests over real HTTP on loopback, through the node:http adapter: each ends with a
 * 4xx problem and a code, and the server answers normally afterwards.
 */
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { verify } from '../../src/index.js'
import { freshIntent, post, problemOf, startVendor, type TestVendor } from './support.js'

let vendor: TestVendor
let endpoint: string
const LIMIT = 4096

beforeAll(async () => {
  vendor = await startVendor('1900.00', { limits: { maxBodyBytes: LIMIT, bodyTimeoutMs: 300 } })
  endpoint = `${vendor.origin}/intentcast/messages`
})
afterAll(() => vendor.close())

/** The server still takes a good intent and answers with an offer. */
async function stillServes(): Promise<void> {
  const { intent, customer } = await freshIntent()
  const response = await post(endpoint, intent)
  expect(response.status).toBe(200)
  await verify(await response.text(), { expect: 'offer', audience: customer.did })
}

interface RawAnswer {
  status: number
  contentType: string | undefined
  body: string
}

/** A request through node:http, whose body is written by `write` (chunked unless a length is set). */
function raw(
  headers: Record<string, string | number>,
  write: (req: ReturnType<typeof httpRequest>) => void,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(endpoint)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: '/intentcast/messages', method: 'POST', headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode!, contentType: res.headers['content-type'], body }))
    })
    // Writing after the server answered may fail (EPIPE, reset); the answer is what counts.
    req.on('error', (e) => setTimeout(() => reject(e), 500))
    write(req)
  })
}

function expectProblem(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status)
  expect(answer.contentType).toBe('application/problem+json')
  const p = JSON.parse(answer.body)
  expect(p).toMatchObject({ status, code, type: `https://intentcast.dev/errors#${code}` })
}

describe('hostile bodies', () => {
  test('garbage of every kind: 4xx problems with a code', async () => {
    const bodies: Array<[string | Uint8Array<ArrayBuffer>, number, string]> = [
      ['garbage', 400, 'ERR_MALFORMED'],
      ['', 400, 'ERR_MALFORMED'],
      ['a.b.c', 400, 'ERR_MALFORMED'],
      ['{"payload":"x","signatures":[]}\n{}', 400, 'ERR_MALFORMED'],
      [new Uint8Array([0xff, 0xfe, 0x00, 0x80]), 400, 'ERR_MALFORMED'],
      ['eyJhbGciOiJub25lIn0.e30.', 400, 'ERR_UNSUPPORTED_ALG'],
      ['x\ny\nz', 400, 'ERR_MALFORMED'],
      [`${(await freshIntent()).intent}\n`, 400, 'ERR_MALFORMED'],
    ]
    for (const [body, status, code] of bodies) {
      const response = await post(endpoint, body)
      expect(response.status, String(body).slice(0, 40)).toBe(status)
      expect((await problemOf(response)).code).toBe(code)
    }
    await stillServes()
  })

  test('oversized with Content-Length: 413 before the body is read', async () => {
    const answer = await raw({ 'content-type': 'application/intentcast+jws', 'content-length': 10_000_000 }, (req) => {
      req.write('x'.repeat(1024))
      // The rest never comes: the answer must not wait for it.
    })
    expectProblem(answer, 413, 'ERR_TOO_LARGE')
    await stillServes()
  })

  test('oversized without Content-Length (chunked): 413 once the limit is crossed', async () => {
    const answer = await raw({ 'content-type': 'application/intentcast+jws' }, (req) => {
      const chunk = 'x'.repeat(1024)
      let sent = 0
      const more = (): void => {
        // Far past the limit, in pieces, unless the server has answered and closed.
        while (sent < 64 && !req.destroyed) {
          sent++
          if (!req.write(chunk)) return void req.once('drain', more)
        }
        if (!req.destroyed) req.end()
      }
      more()
    })
    expectProblem(answer, 413, 'ERR_TOO_LARGE')
    const big = await post(endpoint, 'x'.repeat(LIMIT + 1))
    expect(big.status).toBe(413)
    await stillServes()
  })

  test('slow loris: a trickled body hits the deadline with 408 ERR_TIMEOUT', async () => {
    let timer: ReturnType<typeof setInterval> | undefined
    const answer = await raw({ 'content-type': 'application/intentcast+jws', 'content-length': 1000 }, (req) => {
      let n = 0
      timer = setInterval(() => {
        if (req.destroyed || n++ > 40) return clearInterval(timer)
        req.write('x')
      }, 50)
    })
    clearInterval(timer)
    expectProblem(answer, 408, 'ERR_TIMEOUT')
    await stillServes()
  })

  test('a client that sends headers and then nothing at all', async () => {
    const { port } = new URL(endpoint)
    const text = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /intentcast/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/intentcast+jws\r\nContent-Length: 50\r\n\r\n',
        )
      })
      let data = ''
      socket.on('data', (c) => {
        data += c.toString()
        // The whole answer is in once its problem JSON has closed; the server drains the rest.
        if (data.endsWith('}')) socket.destroy()
      })
      socket.on('close', () => resolve(data))
      socket.on('error', () => resolve(data))
    })
    expect(text).toMatch(/^HTTP\/1\.1 408/)
    expect(text).toMatch(/ERR_TIMEOUT/)
    await stillServes()
  })

  test('wrong content types and codings: 415 with the accepted type', async () => {
    const { intent } = await freshIntent()
    for (const type of ['application/json', 'text/plain', 'application/jose', 'multipart/form-data; boundary=x']) {
      const response = await post(endpoint, intent, type)
      expect(response.status).toBe(415)
      expect(response.headers.get('accept-post')).toBe(
        'application/intentcast+jws, application/intentcast+cose, application/intentcast+jwe, application/intentcast-sealed+cose',
      )
      expect((await problemOf(response)).code).toBe('ERR_MALFORMED')
    }
    const gz = await raw(
      {
        'content-type': 'application/intentcast+jws',
        'content-encoding': 'gzip',
        'content-length': Buffer.byteLength(intent),
      },
      (req) => req.end(intent),
    )
    expectProblem(gz, 415, 'ERR_MALFORMED')
    await stillServes()
  })

  test('a client that goes away mid-body does not take the server down', async () => {
    const { port } = new URL(endpoint)
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /intentcast/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/intentcast+jws\r\nContent-Length: 500\r\n\r\nabc',
        )
        setTimeout(() => {
          socket.destroy()
          resolve()
        }, 50)
      })
    })
    await stillServes()
  })

  test('a bad Host header: 400, not a crash', async () => {
    const { port } = new URL(endpoint)
    const text = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write('GET /.well-known/intentcast HTTP/1.1\r\nHost: [::zz\r\nConnection: close\r\n\r\n'),
      )
      let data = ''
      socket.on('data', (c) => (data += c.toString()))
      socket.on('close', () => resolve(data))
      socket.on('error', () => resolve(data))
    })
    expect(text).toMatch(/^HTTP\/1\.1 400/)
    await stillServes()
  })
})
