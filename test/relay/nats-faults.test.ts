/**
 * NatsRelayBackend when things fail, against a real nats-server with JetStream and file storage
 * (./nats-support.ts): a relay process killed in the middle of its appends (a real child process,
 * ./nats-process.ts), and nats-server itself killed with SIGKILL and started again over its store
 * while appends and watches run. What must hold: nothing acknowledged is lost, no message is in a
 * mailbox twice, a watch delivers each entry once and in order, and the process left standing
 * serves every mailbox.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import type { NatsConnection } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { MailboxLimits, NewEntry } from '../../src/relay/backend.js'
import { NatsRelayBackend } from '../../src/relay/nats.js'
import { someDid, someDigest } from './backend-contract.js'
import { entryOf, eventually, testNats } from './nats-support.js'

const nats = await testNats('NatsRelayBackend faults')
const children = new Set<ChildProcess>()
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  await nats?.close()
})

const HOUR = 3_600_000
const ROOMY: MailboxLimits = { perSender: 1024, entries: 1024, bytes: 4 * 2 ** 20 }
const prefix = (): string => `f${randomBytes(5).toString('hex')}`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(!nats)('NatsRelayBackend when things fail', () => {
  let nc: NatsConnection
  let other: NatsConnection
  const backends: NatsRelayBackend[] = []
  const make = async (p: string, connection: NatsConnection): Promise<NatsRelayBackend> => {
    const backend = await NatsRelayBackend.create(connection, { prefix: p })
    backends.push(backend)
    return backend
  }
  beforeAll(async () => {
    nc = await nats!.connection('test')
    other = await nats!.connection('test-other')
  })
  afterAll(async () => {
    for (const backend of backends) await backend.close()
  })

  test('a relay process killed in the middle of its appends: the other serves every mailbox, and retries complete its work once', async () => {
    const p = prefix()
    const expiresAt = Date.now() + HOUR
    const standing = await make(p, nc)
    const owners = [someDid(), someDid(), someDid()]
    for (const owner of owners) await standing.open({ owner, expiresAt, intent: someDigest() })
    const watched: number[] = []
    const stopWatch = standing.watch(owners[0]!, 0, (e) => watched.push(e.seq))

    const vendor = someDid()
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./nats-process.ts', import.meta.url).pathname], {
      env: {
        ...process.env,
        NATS_URL: nats!.url,
        PREFIX: p,
        OWNERS: owners.join(','),
        VENDOR: vendor,
        EXPIRES: String(expiresAt),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.add(child)
    const acknowledged = new Map<number, number>()
    let tried = -1
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [word, i, seq] = line.split(' ')
      if (word === 'try') tried = Number(i)
      if (word === 'ok') acknowledged.set(Number(i), Number(seq))
    })
    await eventually('40 entries acknowledged by the process', () => acknowledged.size >= 40, 15_000)
    // 'close', not 'exit': once its output is read to the end (a pipe's writes are synchronous on
    // Linux, so every `try` it started is there).
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve())
      child.kill('SIGKILL')
    })
    children.delete(child)

    // Its subscription and every entry it acknowledged are served by the process left standing.
    await eventually('the dead process’s vendor among the subscribers', async () =>
      (await standing.subscribers()).some((s) => s.owner === vendor),
    )
    const read = async (owner: string) => standing.read(owner, 0, 1000)
    for (const [i, seq] of acknowledged) {
      const e = entryOf(p, i, expiresAt)
      expect((await read(owners[i % owners.length]!)).find((x) => x.digest === e.digest)?.seq).toBe(seq)
    }

    // The senders retry everything it took, and what it was in the middle of (which it may have
    // stored, only reserved, or not begun).
    for (let i = 0; i <= tried; i++) {
      const result = await standing.append(owners[i % owners.length]!, entryOf(p, i, expiresAt), ROOMY)
      if (acknowledged.has(i)) expect(result).toEqual({ seq: acknowledged.get(i), duplicate: true })
      else expect(result).toHaveProperty('seq')
    }
    // It appends one at a time: at most one was in flight.
    expect(tried + 1 - acknowledged.size).toBeLessThanOrEqual(1)
    for (const [k, owner] of owners.entries()) {
      const entries = await read(owner)
      const digests = entries.map((e) => e.digest)
      expect(new Set(digests).size).toBe(entries.length)
      const expected = Array.from({ length: tried + 1 }, (_, i) => i).filter((i) => i % owners.length === k)
      expect(digests.sort()).toEqual(expected.map((i) => entryOf(p, i, expiresAt).digest).sort())
    }
    const first = await read(owners[0]!)
    await eventually('the watch in the standing process saw them all', () => watched.length === first.length)
    expect(watched).toEqual(first.map((e) => e.seq))
    stopWatch()
  })

  test('nats-server killed (SIGKILL) and started again mid-stream: nothing acknowledged is lost, each entry is watched once', async () => {
    const p = prefix()
    const expiresAt = Date.now() + HOUR
    const [a, b] = [await make(p, nc), await make(p, other)]
    const owner = someDid()
    await a.open({ owner, expiresAt, intent: someDigest() })
    const watched: number[] = []
    const stopWatch = a.watch(owner, 0, (e) => watched.push(e.seq))

    const acknowledged = new Map<string, number>()
    const failed: NewEntry[] = []
    let running = true
    const appender = (async () => {
      for (let i = 0; running; i++) {
        const e = entryOf(p, i, expiresAt)
        try {
          const result = await a.append(owner, e, ROOMY)
          if ('seq' in result) acknowledged.set(e.digest, result.seq)
        } catch {
          failed.push(e)
          await sleep(50)
        }
      }
    })()
    await eventually('20 entries acknowledged', () => acknowledged.size >= 20)
    const watchedBeforeKill = watched.at(-1) ?? 0
    await nats!.kill()
    await sleep(200)
    await nats!.start()
    await eventually('60 entries acknowledged', () => acknowledged.size >= 60, 15_000)
    running = false
    await appender
    // A failed append may have been stored, or only reserved: its retry finds out, and completes it.
    for (const e of failed) {
      const result = await b.append(owner, e, ROOMY)
      if ('seq' in result) acknowledged.set(e.digest, result.seq)
    }

    const entries = await b.read(owner, 0, 1000)
    expect(new Set(entries.map((e) => e.digest)).size).toBe(entries.length)
    expect(new Map(entries.map((e) => [e.digest, e.seq]))).toEqual(acknowledged)
    await eventually('the watch that ran through the crash saw every entry', () => watched.length >= entries.length)
    expect(watched).toEqual(entries.map((e) => e.seq))

    // A watcher that comes back with its last seq from before the crash gets the rest, once each.
    const resumed: number[] = []
    const stopResumed = b.watch(owner, watchedBeforeKill, (e) => resumed.push(e.seq))
    const rest = entries.map((e) => e.seq).filter((seq) => seq > watchedBeforeKill)
    await eventually('the resumed watch', () => resumed.length >= rest.length)
    await sleep(100)
    expect(resumed).toEqual(rest)

    // The subscribers watch came through the crash too.
    const vendor = someDid()
    await b.open({ owner: vendor, expiresAt, filters: {} })
    await eventually('a vendor subscribed after the crash', async () =>
      (await a.subscribers()).some((s) => s.owner === vendor),
    )
    stopWatch()
    stopResumed()
    console.info(
      `nats-server crash: ${acknowledged.size} entries, ${failed.length} appends failed during the outage and were retried`,
    )
  })
})
