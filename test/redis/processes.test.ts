/**
 * Vendor processes sharing one real redis-server (issue 9): each is its own Node process
 * (./vendor-process.ts) with the same vendor key, killed and restarted as a deployment's would
 * be. Every request goes over loopback HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, test } from 'vitest'
import { dealOf, RedisAgreementStore, signCounter, verify, verifyThread, type KeyPair } from '../../src/index.js'
import { RedisThreadStore } from '../../src/vendor/index.js'
import { MemoryNegotiationStore, Wallet } from '../../src/wallet/index.js'
import { acceptanceFor, freshIntent, intentBody, post } from '../vendor/support.js'
import { freePort, testRedis } from './support.js'

const redis = await testRedis('vendor processes on Redis')
const children = new Set<ChildProcess>()
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  await redis?.close()
})

interface VendorProcess {
  readonly url: string
  readonly child: ChildProcess
  /** Kills it at once, as a crash or an OOM killer would: no cleanup runs. */
  kill(): Promise<void>
}

/** Starts a vendor process on the shared stores; resolves once it listens. */
async function startVendor(deployment: Deployment, env: Record<string, string> = {}): Promise<VendorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./vendor-process.ts', import.meta.url).pathname], {
    env: { ...process.env, REDIS_URL: redis!.url, PREFIX: deployment.prefix, SEED: deployment.seed, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.add(child)
  const port = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`vendor process exited (${code}) before listening`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^listening (\d+)$/.exec(line)
      if (m) resolve(m[1]!)
    })
  })
  return {
    url: `http://127.0.0.1:${port}/intentcast/messages`,
    child,
    kill: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
        children.delete(child)
      }),
  }
}

interface Deployment {
  readonly prefix: string
  readonly seed: string
  readonly threads: RedisThreadStore
  readonly agreements: RedisAgreementStore
}

/** One vendor's deployment: a key seed and a key prefix, and the test's own view of its stores. */
async function deployment(): Promise<Deployment> {
  const prefix = `deploy:${randomBytes(6).toString('hex')}:`
  const client = await redis!.client()
  return {
    prefix,
    seed: randomBytes(32).toString('hex'),
    threads: new RedisThreadStore(client, { prefix: `${prefix}threads:` }),
    agreements: new RedisAgreementStore(client, { prefix: `${prefix}agreements:` }),
  }
}

/** The customer's counter to `proposal` at `amount` EUR. */
async function counterTo(customer: KeyPair, proposal: string, amount: string): Promise<string> {
  const p = await verify(proposal, { expect: ['offer', 'counter'] })
  const intent = 'intent' in p.payload ? p.payload.intent : p.payload.inReplyTo
  return signCounter(
    { ...dealOf(p.payload), price: { amount, currency: 'EUR' }, inReplyTo: p.digest, intent },
    customer,
    { audience: p.issuer },
  )
}

describe.skipIf(!redis)('vendor processes sharing one redis-server', () => {
  test('50 concurrent moves on one thread, spread over two processes, make exactly one legal sequence', async () => {
    const d = await deployment()
    const [a, b] = await Promise.all([startVendor(d), startVendor(d)])
    const { intent, customer } = await freshIntent()
    const offer = await (await post(a.url, intent)).text()
    // Ten counters at ten prices, and twenty acceptances of the offer, each sent twice: the moves
    // race for one thread, and only some orders of them are legal.
    const counters = await Promise.all(
      Array.from({ length: 10 }, (_, i) => counterTo(customer, offer, `${1800 + i}.00`)),
    )
    const acceptances = await Promise.all(Array.from({ length: 20 }, () => acceptanceFor(customer, [intent, offer])))
    const bodies = [...counters, ...acceptances, ...acceptances]
    const responses = await Promise.all(bodies.map((body, i) => post((i % 2 ? a : b).url, body)))
    const answers = await Promise.all(responses.map(async (r) => ({ status: r.status, text: await r.text() })))

    expect(answers.filter((x) => x.status >= 500)).toEqual([])
    const stored = (await d.threads.get((await verify(intent, { expect: 'intent' })).digest))!
    // The stored thread is one legal sequence: it verifies from its bytes, move by move.
    const again = await verifyThread(stored.messages.map((m) => m.message))
    expect(again.messages.length).toBe(stored.messages.length)
    const inThread = new Set(stored.messages.map((m) => m.message))
    // Every move answered 200 is in it, with its answer; every move refused is not.
    for (const [i, body] of bodies.entries()) {
      const { status, text } = answers[i]!
      const first = body.split('\n')[0]!
      if (status === 200) {
        expect(inThread.has(first)).toBe(true)
        expect(inThread.has(text)).toBe(true)
      } else {
        expect(status).toBe(409)
        expect(inThread.has(first)).toBe(false)
        expect(['ERR_ILLEGAL_MOVE', 'ERR_REPLAY']).toContain((JSON.parse(text) as { code: string }).code)
      }
    }
    // Exactly one acceptance won (counters leave the offer open, so one always can); both copies
    // of it got the one agreement, which is the record.
    const won = acceptances.filter((body) => inThread.has(body.split('\n')[0]!))
    expect(won).toHaveLength(1)
    expect(stored.state()).toBe('agreed')
    expect(answers.filter((x) => x.text === stored.agreement!.message)).toHaveLength(2)
    expect((await d.agreements.list()).digests).toEqual([stored.agreement!.digest])
    await Promise.all([a.kill(), b.kill()])
  })

  test('a process killed between two moves loses nothing; a restarted one carries on and sends a lost agreement again', async () => {
    const d = await deployment()
    let a = await startVendor(d)
    const b = await startVendor(d)
    const { intent, customer } = await freshIntent()
    const offer = await (await post(a.url, intent)).text()
    await a.kill() // between the offer and the counter

    const counter = await counterTo(customer, offer, '1850.00')
    const reply = await post(b.url, counter) // the other process has the thread
    expect(reply.status).toBe(200)
    const agreed = await reply.text()

    a = await startVendor(d) // restarted
    const body = await acceptanceFor(customer, [intent, offer, counter, agreed])
    const first = await post(a.url, body)
    expect(first.status).toBe(200)
    const agreement = await first.text() // and lost on the way back
    await a.kill()

    a = await startVendor(d) // restarted again: the same acceptance gets the same agreement
    for (const url of [a.url, b.url]) {
      const again = await post(url, body)
      expect(again.status).toBe(200)
      expect(await again.text()).toBe(agreement)
    }
    const record = (await d.agreements.get((await verify(agreement, { expect: 'agreement' })).digest))!
    expect(record.messages.map((m) => m.message)).toEqual([
      intent,
      offer,
      counter,
      agreed,
      body.split('\n')[0],
      agreement,
    ])
    await Promise.all([a.kill(), b.kill()])
  })

  test('a process killed in the middle of a move, holding the lock: nothing half-written, and the retry is taken once the lease ends', async () => {
    const d = await deployment()
    // on.acceptance takes 5 s here, time to kill the process while it holds the thread's lock.
    const slow = await startVendor(d, { ACCEPT_DELAY_MS: '5000', LEASE_MS: '1000' })
    const b = await startVendor(d, { LEASE_MS: '1000' })
    const { intent, customer } = await freshIntent()
    const offer = await (await post(slow.url, intent)).text()
    const body = await acceptanceFor(customer, [intent, offer])
    const lost = post(slow.url, body).catch((e: unknown) => e)
    await new Promise((r) => setTimeout(r, 500))
    await slow.kill()
    expect(await lost).toBeInstanceOf(Error) // the connection died with the process

    const stored = await d.threads.get((await verify(intent, { expect: 'intent' })).digest)
    expect(stored?.messages.map((m) => m.message)).toEqual([intent, offer]) // no half move
    // The same bytes again, at the other process: it waits out the dead holder's lease, and the
    // acceptance, which left no trace, is taken.
    const retried = await post(b.url, body)
    expect(retried.status).toBe(200)
    const agreement = await verify(await retried.text(), { expect: 'agreement' })
    expect((await d.agreements.list()).digests).toEqual([agreement.digest])
    await b.kill()
  })

  test('a wallet whose vendor process is killed before the agreement comes back accepts again, and gets it, once the vendor is back', async () => {
    const d = await deployment()
    const port = String(await freePort())
    let vendor = await startVendor(d, { PORT: port })
    const origin = `http://127.0.0.1:${port}`
    const wallet = Wallet.create({ stores: { negotiations: new MemoryNegotiationStore() } })
    const { offers } = await wallet.cast(intentBody(), [origin])
    expect(offers).toHaveLength(1)
    await vendor.kill()
    // The vendor is gone: the acceptance is kept in flight, not lost and not re-signed.
    await expect(wallet.accept(offers[0]!, { retries: 0 })).rejects.toMatchObject({ code: 'ERR_UNREACHABLE' })
    expect((await wallet.negotiations()).map((n) => n.accepting)).toEqual([true])

    vendor = await startVendor(d, { PORT: port }) // restarted, on the shared stores
    const { agreement } = await wallet.accept(offers[0]!)
    expect(agreement.signers).toHaveLength(2)
    expect((await d.agreements.get(agreement.digest))?.agreement?.message).toBe(agreement.message)
    await vendor.kill()
  })
})
