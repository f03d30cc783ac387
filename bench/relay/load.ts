/**
 * The relay benchmark's clients, each role in its own process (`node --import tsx load.ts <role>`),
 * so the relay's figures are not the load generator's. Reads RELAY (the relay's URL) and prints
 * one JSON line with its figures when done.
 *
 * - `subscribe <n> <categories>`: n vendors subscribe, vendor i to category `c<i mod categories>`
 *   (so each intent, in one category, reaches n / categories of them), or to everything when
 *   categories is 0; it then stays up until killed, holding the subscriptions open.
 * - `cast <n> <categories> <concurrency>`: signs n intents under fresh keys beforehand (a random
 *   category each), then casts them with that many requests in flight, and reports intents
 *   accepted per second and deliveries made.
 * - `answer`: one vendor subscribed to category `latency`, reading its mailbox as an event stream
 *   and posting an offer to each intent's cast mailbox at once.
 * - `latency <n> <per-second>`: casts n intents in category `latency` at a steady rate, each read
 *   back from its cast mailbox as an event stream, and reports cast-to-first-offer times.
 */
import {
  generateKeyPair,
  signAccess,
  signIntent,
  signOffer,
  signSubscription,
  verify,
  type KeyPair,
} from '../../src/index.js'

const relay = process.env.RELAY!
const JWS = 'application/intentcast+jws'
const [role, ...args] = process.argv.slice(2)
const numbers = args.map(Number)

const post = async (path: string, body: string): Promise<Response> =>
  fetch(`${relay}${path}`, { method: 'POST', headers: { 'content-type': JWS }, body })

const intentIn = (category: string) => ({
  want: { item: { name: 'cargo bike', category }, maxPrice: { amount: '2000.00', currency: 'EUR' }, region: 'DE-BE' },
  terms: { agreements: ['SD-BASE'] },
})

/** Reads a mailbox as an event stream, calling `onEntry` with each entry's first part. */
async function readMailbox(key: KeyPair, onEntry: (first: string) => void, signal: AbortSignal): Promise<void> {
  const url = `${relay}/mailboxes/${key.did}`
  const access = await signAccess(key, { audience: url })
  const response = await fetch(url, {
    headers: { authorization: `Intentcast ${access}`, accept: 'text/event-stream' },
    signal,
  })
  if (!response.ok || response.body === null) throw new Error(`reading ${url}: ${response.status}`)
  const decoder = new TextDecoder()
  let buffered = ''
  const reader = response.body.getReader()
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      buffered += decoder.decode(read.value, { stream: true })
      let end: number
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const event = buffered.slice(0, end)
        buffered = buffered.slice(end + 2)
        const data = event.split('\n').find((line) => line.startsWith('data: '))
        if (data) onEntry((JSON.parse(data.slice(6)) as { parts: string[] }).parts[0]!)
      }
    }
  } catch (e) {
    if (!signal.aborted) throw e
  }
}

async function subscribe(key: KeyPair, filters: object): Promise<void> {
  const subscription = await signSubscription({ filters }, key, { audience: relay, expiresIn: '1h' })
  const response = await post('/subscriptions', subscription)
  if (response.status !== 201) throw new Error(`subscribing: ${response.status} ${await response.text()}`)
}

const percentile = (sorted: number[], p: number): number =>
  Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(2))

switch (role) {
  case 'subscribe': {
    const [n, categories] = numbers as [number, number]
    for (let i = 0; i < n; i++)
      await subscribe(await generateKeyPair(), categories === 0 ? {} : { categories: [`c${i % categories}`] })
    console.log(JSON.stringify({ subscribed: n }))
    setInterval(() => {}, 1 << 30) // held open until the parent ends it
    break
  }
  case 'cast': {
    const [n, categories, concurrency] = numbers as [number, number, number]
    const intents: string[] = []
    for (let i = 0; i < n; i++) {
      const category = categories === 0 ? 'c0' : `c${Math.floor(Math.random() * categories)}`
      intents.push(await signIntent(intentIn(category), await generateKeyPair()))
    }
    let next = 0
    let delivered = 0
    let failed = 0
    const start = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < intents.length) {
          const response = await post('/intents', intents[next++]!)
          if (response.status === 202) delivered += ((await response.json()) as { delivered: number }).delivered
          else {
            failed++
            await response.arrayBuffer()
          }
        }
      }),
    )
    const seconds = (performance.now() - start) / 1000
    console.log(
      JSON.stringify({
        intents: n,
        failed,
        perSecond: Math.round(n / seconds),
        delivered,
        deliveriesPerSecond: Math.round(delivered / seconds),
      }),
    )
    break
  }
  case 'answer': {
    const vendor = await generateKeyPair()
    await subscribe(vendor, { categories: ['latency'] })
    const stop = new AbortController()
    process.on('SIGTERM', () => stop.abort())
    console.log(JSON.stringify({ answering: vendor.did }))
    await readMailbox(
      vendor,
      (first) => {
        void (async () => {
          const intent = await verify(first, { expect: 'intent' })
          const offer = await signOffer(
            {
              inReplyTo: intent.digest,
              item: intent.payload.want.item,
              quantity: 1,
              price: { amount: '1900.00', currency: 'EUR' },
              terms: { agreement: 'SD-BASE' },
            },
            vendor,
            { audience: intent.issuer },
          )
          await (await post(`/mailboxes/${intent.issuer}`, offer)).arrayBuffer()
        })()
      },
      stop.signal,
    )
    break
  }
  case 'latency': {
    const [n, perSecond] = numbers as [number, number]
    const times: number[] = []
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i * 1000) / perSecond))
        const key = await generateKeyPair()
        const intent = await signIntent({ ...intentIn('latency'), replyTo: `${relay}/mailboxes/${key.did}` }, key)
        const stop = new AbortController()
        const t0 = performance.now()
        // The mailbox is opened by the cast, so it is read once the cast is taken.
        const cast = await post('/intents', intent)
        if (cast.status !== 202) throw new Error(`cast: ${cast.status} ${await cast.text()}`)
        await readMailbox(
          key,
          () => {
            times.push(performance.now() - t0)
            stop.abort()
          },
          stop.signal,
        )
      }),
    )
    times.sort((a, b) => a - b)
    console.log(
      JSON.stringify({
        casts: n,
        p50Ms: percentile(times, 0.5),
        p99Ms: percentile(times, 0.99),
        maxMs: percentile(times, 1),
      }),
    )
    break
  }
  default:
    throw new Error(`no role ${role}`)
}
