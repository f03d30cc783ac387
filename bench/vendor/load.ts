/**
 * The vendor benchmark's customers, in a process of their own (`node --import tsx load.ts <n>
 * <seconds> <url>…`), so the vendor's figures are not the load generator's.
 *
 * Before anything is timed, signs n distinct intents, each under a fresh key and naming that
 * key's reply key as the SDK's wallet does, so the vendor seals every offer as in production.
 * Posts the first tenth (at most 500) to warm the servers up, then the rest until they run out
 * or `seconds` have passed, over 50 keep-alive connections (Node's fetch keeps them open), each
 * connection to one of the URLs in turn; `{"warmed":…}` is printed between the two. Every answer
 * must be a 200 with a sealed offer; the first one that is not ends the process with an error.
 * Prints one JSON line last: the requests timed, the seconds they took, requests per second, and
 * the CPU seconds this process spent on them.
 */
import { generateKeyPair, MEDIA_TYPE_JWS, signIntent } from '../../src/index.js'
import { MEDIA_TYPE_SEALED_JWS } from '../../src/model/media-types.js'
import { sealKeyPairOf } from '../../src/seal/keys.js'

const CONNECTIONS = 50
const [count, limit, ...urls] = process.argv.slice(2)
const n = Number(count)
const seconds = Number(limit)
if (!(n > 0) || !(seconds > 0) || urls.length === 0) throw new Error('usage: load.ts <intents> <seconds> <url>…')

const intents: string[] = []
for (let i = 0; i < n; i++) {
  const key = await generateKeyPair()
  const replyKey = (await sealKeyPairOf(key)).publicJwk
  intents.push(
    await signIntent({ want: { item: { name: 'cargo bike' } }, terms: { agreements: ['SD-BASE'] }, replyKey }, key),
  )
}

/** Posts intents[from…to) over the connections, stopping early at `deadline` (ms, performance.now). */
async function post(from: number, to: number, deadline = Infinity): Promise<number> {
  let next = from
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, connection) => {
      const url = urls[connection % urls.length]!
      while (next < to && performance.now() < deadline) {
        const body = intents[next++]!
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': MEDIA_TYPE_JWS }, body })
        const text = await response.text()
        if (response.status !== 200 || response.headers.get('content-type') !== MEDIA_TYPE_SEALED_JWS)
          throw new Error(`${url} answered ${response.status} ${response.headers.get('content-type')}: ${text}`)
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
console.log(
  JSON.stringify({
    requests,
    seconds: Number(elapsed.toFixed(3)),
    rps: Math.round(requests / elapsed),
    cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(3)),
  }),
)
