/**
 * A peer's text never reaches the terminal raw. A hostile vendor on loopback (a plain node:http
 * server: the vendor document, then a problem for every message) puts terminal controls in its
 * problem `detail` and in its signed name; a hostile token puts them in a header member name. The
 * CLI's stdout and stderr show them as visible escapes (`\x1b`, `\u202e`), in human lines and in
 * error lines, and --json still parses back to the peer's exact text with none of them raw.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escapeControls, escapeJson } from '../../src/cli/output.js'
import { run, scratch } from './support.js'
import { generateKeyPair, signIntent, signTerms, type IntentBody } from '../../src/index.js'

const { file } = scratch('intentcast-cli-peer-')

/** Retitles the terminal, clears it, a C1 CSI (8-bit ESC [), a right-to-left override, a forged line. */
const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\u009b31m\u202eevil\ncasting done: 0 failures'
const ESCAPED = '\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eevil\\x0acasting done: 0 failures'

/** What no output may hold: ESC, BEL, the C1 CSI, the override. */
function expectNoRawControls(text: string): void {
  expect(text).not.toContain('\x1b')
  expect(text).not.toContain('\x07')
  expect(text).not.toContain('\u009b')
  expect(text).not.toContain('\u202e')
}

const intentBody: IntentBody = {
  want: { item: { name: 'cargo bike' }, maxPrice: { amount: '2000.00', currency: 'EUR' } },
  terms: { agreements: ['SD-BASE'] },
}

let server: Server
let origin: string

beforeAll(async () => {
  const key = await generateKeyPair()
  const terms = await signTerms({ role: 'vendor', name: 'Hostile', terms: { agreements: ['SD-BASE'] } }, key)
  server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/.well-known/intentcast') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          v: '0.1',
          terms,
          endpoint: `${origin}/intentcast/messages`,
          mediaTypes: ['application/intentcast+jws'],
          keys: {
            keys: [
              {
                kty: 'OKP',
                crv: 'Ed25519',
                x: key.publicJwk.x,
                kid: `${key.did}#${key.did.slice(8)}`,
                use: 'sig',
                status: 'current',
              },
            ],
          },
        }),
      )
      return
    }
    if (req.method === 'POST' && req.url === '/intentcast/messages') {
      req.resume()
      req.on('end', () => {
        res.writeHead(422, { 'content-type': 'application/problem+json' })
        res.end(
          JSON.stringify({
            type: 'https://intentcast.dev/errors#ERR_SCHEMA',
            title: 'Schema',
            status: 422,
            detail: HOSTILE,
            code: 'ERR_SCHEMA',
          }),
        )
      })
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
)

describe('escaping', () => {
  it('shows C0, DEL, C1 and bidi controls as visible escapes, and leaves other text alone', () => {
    expect(escapeControls(HOSTILE)).toBe(ESCAPED)
    expect(escapeControls('\t\r\x00\x7f\u0080\u009f\u202a\u202e\u2066\u2069')).toBe(
      '\\x09\\x0d\\x00\\x7f\\x80\\x9f\\u202a\\u202e\\u2066\\u2069',
    )
    const plain = '⊂⊃  lit: 1 × cargo bike for 1890.00 EUR … ✓ "quoted" \\ back'
    expect(escapeControls(plain)).toBe(plain)
  })

  it('JSON keeps its value: what JSON.stringify leaves raw becomes a \\u escape', () => {
    const value = { detail: HOSTILE, 'k\u202e': ['\u0085', '\x7f'] }
    const text = escapeJson(JSON.stringify(value))
    expectNoRawControls(text)
    expect(text).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/)
    expect(JSON.parse(text)).toEqual(value)
  })
})

describe('a hostile vendor', () => {
  it("cast: the vendor's problem detail is printed escaped, never raw", async () => {
    const r = await run('cast', file('intent.json', intentBody), origin, '--timeout', '5000')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`ERR_SCHEMA: the vendor answered 422: ${ESCAPED}`)
    expectNoRawControls(r.stdout)
    expectNoRawControls(r.stderr)
    // The forged line stays inside the failure's own line.
    expect(r.stdout.split('\n').some((l) => l.startsWith('casting done'))).toBe(false)
  })

  it('cast --json: the detail round-trips exactly, with no control character raw', async () => {
    const r = await run('cast', file('intent2.json', intentBody), origin, '--timeout', '5000', '--json')
    expect(r.code).toBe(1)
    expectNoRawControls(r.stdout)
    const doc = JSON.parse(r.stdout) as { failures: Array<{ code: string; message: string }> }
    expect(doc.failures[0]).toMatchObject({ code: 'ERR_SCHEMA', message: `the vendor answered 422: ${HOSTILE}` })
  })

  it("terms match: a vendor's signed name with C1 and bidi controls is printed escaped", async () => {
    const vendor = await generateKeyPair()
    const name = 'Shop\u009b2J\u202eevil'
    const declaration = await signTerms({ role: 'vendor', name, terms: { agreements: ['SD-BASE'] } }, vendor)
    const r = await run(
      'terms',
      'match',
      file('customer.json', { agreements: ['SD-BASE'] }),
      file('v.jws', declaration),
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Shop\\x9b2J\\u202eevil, signed declaration')
    expectNoRawControls(r.stdout)
  })

  it('an unsigned declaration payload: its name, ESC and newline included, is printed escaped', async () => {
    const payload = { role: 'vendor', name: `Shop${HOSTILE}`, terms: { agreements: ['SD-BASE'] } }
    const r = await run('terms', 'match', file('c2.json', { agreements: ['SD-BASE'] }), file('v2.json', payload))
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`Shop${ESCAPED}, declaration payload`)
    expectNoRawControls(r.stdout)
  })

  it('an error line (stderr): a header member name from a hostile token is escaped', async () => {
    const customer = await generateKeyPair()
    const token = await signIntent(intentBody, customer)
    const [head, payload, signature] = token.split('.') as [string, string, string]
    const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as Record<string, unknown>
    const evil = Buffer.from(JSON.stringify({ ...header, '\x1b]0;pwned\x07\u202e': 1 })).toString('base64url')
    const offer = `${evil}.${payload}.${signature}`
    // negotiate verifies the intent, then the offer: the offer's header fails, in main's error line.
    const r = await run('negotiate', token, offer)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('ERR_MALFORMED: JWS header member \\x1b]0;pwned\\x07\\u202e is not allowed')
    expectNoRawControls(r.stderr)
    // verify reports the same failure on stdout, as one of its check lines.
    const v = await run('verify', offer)
    expect(v.stdout).toContain('JWS header member \\x1b]0;pwned\\x07\\u202e is not allowed')
    expectNoRawControls(v.stdout)
    const d = await run('negotiate', token, offer, '--debug')
    expectNoRawControls(d.stderr)
  })
})
