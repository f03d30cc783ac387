/**
 * The vendor benchmark's customers, in a process of their own (`node --import tsx load.ts <n>
 * <seconds> <url>…`), so the vendor's figures are not the load generator's.
 *
 * Before anything is timed, signs n distinct intents, each under a fresh key and naming that
 * key's reply key as the SDK's wallet does, so the vendor seals every offer as in production
 * (SEALED=0: no reply key, the offer signed only). Posts the first tenth (at most 500) to warm
 * the servers up, then the rest until they run out or `seconds` have passed, over 50 keep-alive
 * connections, each to one of the URLs in turn; `{"warmed":…}` is printed between the two. Every
 * answer must be a 200 with an offer, sealed when asked for; the first one that is not ends the
 * process with an error.
 * Prints one JSON line last: the requests timed, the seconds they took, requests per second, and
 * the CPU seconds this process spent on them.
 */
import { connect, type Socket } from 'node:net'
import { generateKeyPair, MEDIA_TYPE_JWS, signIntent } from '../../src/index.js'
import { MEDIA_TYPE_SEALED_JWS } from '../../src/model/media-types.js'
import { sealKeyPairOf } from '../../src/seal/keys.js'

const CONNECTIONS = 50
const [count, limit, ...urls] = process.argv.slice(2)
const n = Number(count)
const seconds = Number(limit)
if (!(n > 0) || !(seconds > 0) || urls.length === 0) throw new Error('usage: load.ts <intents> <seconds> <url>…')

/** SEALED=0: intents name no reply key, so offers come back signed but not sealed. */
const sealed = process.env.SEALED !== '0'
const answerType = sealed ? MEDIA_TYPE_SEALED_JWS : MEDIA_TYPE_JWS
const intents: string[] = []
for (let i = 0; i < n; i++) {
  const key = await generateKeyPair()
  const replyKey = sealed ? { replyKey: (await sealKeyPairOf(key)).publicJwk } : {}
  intents.push(
    await signIntent({ want: { item: { name: 'cargo bike' } }, terms: { agreements: ['SD-BASE'] }, ...replyKey }, key),
  )
}

/**
 * One keep-alive HTTP/1.1 connection that posts one body at a time and reads the status,
 * content type and body of each answer. Written on node:net rather than fetch: undici spends
 * about a millisecond of CPU per request, which on a 2-core machine made the load, not the
 * vendor, the bottleneck (the vendor sat idle half the time). Requests are whole buffers built
 * before the clock starts; answers are parsed only as far as the checks below need.
 */
class Connection {
  private readonly socket: Socket
  private buffered: Buffer = Buffer.alloc(0)
  private waiting: ((answer: { status: number; type: string; body: string }) => void) | undefined
  private failed: ((error: Error) => void) | undefined

  constructor(readonly url: URL) {
    this.socket = connect(Number(url.port), url.hostname)
    this.socket.setNoDelay(true)
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk])
      this.parse()
    })
    this.socket.on('error', (e) => this.failed?.(e))
    this.socket.on('close', () => this.failed?.(new Error(`${url.href} closed the connection`)))
  }

  request(body: string): Promise<{ status: number; type: string; body: string }> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve
      this.failed = reject
      this.socket.write(
        `POST ${this.url.pathname} HTTP/1.1\r\nhost: ${this.url.host}\r\ncontent-type: ${MEDIA_TYPE_JWS}\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
    })
  }

  private parse(): void {
    const end = this.buffered.indexOf('\r\n\r\n')
    if (end < 0) return
    const head = this.buffered.toString('latin1', 0, end)
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN)
    if (!Number.isInteger(length)) throw new Error(`an answer without a content-length: ${head}`)
    if (this.buffered.length < end + 4 + length) return
    const body = this.buffered.toString('utf8', end + 4, end + 4 + length)
    this.buffered = this.buffered.subarray(end + 4 + length)
    const answer = {
      status: Number(head.slice(9, 12)),
      type: /\r\ncontent-type: *([^\r]*)/i.exec(head)?.[1] ?? '',
      body,
    }
    const resolve = this.waiting
    this.waiting = this.failed = undefined
    resolve?.(answer)
  }

  close(): void {
    this.failed = undefined
    this.socket.destroy()
  }
}

const connections = Array.from({ length: CONNECTIONS }, (_, i) => new Connection(new URL(urls[i % urls.length]!)))

/** Posts intents[from…to) over the connections, stopping early at `deadline` (ms, performance.now). */
async function post(from: number, to: number, deadline = Infinity): Promise<number> {
  let next = from
  await Promise.all(
    connections.map(async (connection) => {
      while (next < to && performance.now() < deadline) {
        const answer = await connection.request(intents[next++]!)
        if (answer.status !== 200 || answer.type !== answerType)
          throw new Error(`${connection.url.href} answered ${answer.status} ${answer.type}: ${answer.body}`)
      }
    }),
  )
  return next - from
}

const warm = Math.min(500, Math.floor(n / 10))
await post(0, warm)
// The parent samples the vendors' CPU on this line: the timed part starts now.
console.log(JSON.stringify({ warmed: warm }))
const cpu = process.cpuUsage()
const start = performance.now()
const requests = await post(warm, n, start + seconds * 1000)
const elapsed = (performance.now() - start) / 1000
const used = process.cpuUsage(cpu)
for (const connection of connections) connection.close()
console.log(
  JSON.stringify({
    requests,
    seconds: Number(elapsed.toFixed(3)),
    rps: Math.round(requests / elapsed),
    cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(3)),
  }),
)
