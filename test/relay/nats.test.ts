/**
 * NatsRelayBackend against a real nats-server with JetStream (./nats-support.ts; Debian's is 2.9):
 * the RelayBackend contract, the layout spec §Relay binding (Several processes) describes, its
 * options, and two backends on two connections standing for two relay processes: the bounds and
 * "at most once" hold across them, and a process that dies in the middle of an append leaves a
 * state that a retry of the same bytes completes. Server crashes and a killed process are in
 * nats-faults.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { MailboxEntry, NewEntry, RelayBackend } from '../../src/relay/backend.js'
import { NatsRelayBackend, type NatsRelayBackendOptions } from '../../src/relay/nats.js'
import { expectCode } from '../helpers/fixtures.js'
import { backendContract, LIMITS, someDid, someDigest } from './backend-contract.js'
import { eventually, testNats } from './nats-support.js'

const nats = await testNats('NatsRelayBackend')
afterAll(() => nats?.close())

const HOUR = 3_600_000
const prefix = (): string => `t${randomBytes(5).toString('hex')}`
const hex = (owner: string): string => createHash('sha256').update(owner).digest('hex')

const entry = (over: Partial<NewEntry> = {}): NewEntry => ({
  type: 'application/intentcast+jws',
  parts: [`eyJ.${randomBytes(12).toString('base64url')}.sig`],
  digest: someDigest(),
  sender: 'did:key:z6MkSender',
  expiresAt: Date.now() + HOUR,
  ...over,
})

/**
 * A connection whose requests to subjects `fails` picks are refused from the time it is armed:
 * the backend's process, as seen by NATS, dies at that point of an append (nothing it sends
 * after arrives).
 */
function faulty(nc: NatsConnection, fails: (subject: string) => boolean): NatsConnection {
  return new Proxy(nc, {
    get(target, property) {
      if (property === 'request')
        return (subject: string, ...rest: unknown[]) =>
          fails(subject)
            ? Promise.reject(new Error(`injected: the process died before ${subject}`))
            : (target.request as (...args: unknown[]) => Promise<unknown>)(subject, ...rest)
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

describe.skipIf(!nats)('NatsRelayBackend', () => {
  let nc: NatsConnection
  let other: NatsConnection
  const backends: RelayBackend[] = []
  /** A backend on `connection` (the first by default), closed after the file. */
  const make = async (options: NatsRelayBackendOptions = {}, connection = nc): Promise<NatsRelayBackend> => {
    const backend = await NatsRelayBackend.create(connection, { prefix: prefix(), ...options })
    backends.push(backend)
    return backend
  }
  beforeAll(async () => {
    nc = await nats!.connection('first')
    other = await nats!.connection('second')
  })
  afterAll(async () => {
    for (const backend of backends) await backend.close()
  })

  backendContract('NatsRelayBackend', ({ now }) => NatsRelayBackend.create(nc, { prefix: prefix(), now }))

  describe('the layout of spec §Relay binding, Several processes', () => {
    test('one stream, a subject per owner (its hex SHA-256), message IDs of mailbox and digest, two buckets', async () => {
      const backend = await make({ prefix: 'intentcast' })
      const owner = someDid()
      const vendor = someDid()
      await backend.open({ owner, expiresAt: Date.now() + HOUR, intent: someDigest() })
      await backend.open({ owner: vendor, expiresAt: Date.now() + HOUR, filters: { categories: ['books'] } })
      const e = entry()
      const taken = await backend.append(owner, e, LIMITS)
      const seq = 'seq' in taken ? taken.seq : -1

      const jsm = await jetstreamManager(nc)
      const { config } = await jsm.streams.info('intentcast-mailboxes')
      expect(config).toMatchObject({
        subjects: ['intentcast.mailbox.*'],
        storage: 'file',
        max_age: 31 * 86_400 * 1e9,
        max_bytes: 2 ** 30,
        discard: 'new',
        duplicate_window: 120 * 1e9,
      })
      const stored = await jsm.streams.getMessage('intentcast-mailboxes', { seq })
      expect(stored!.subject).toBe(`intentcast.mailbox.${hex(owner)}`)
      expect(stored!.header.get('Nats-Msg-Id')).toMatch(new RegExp(`^${hex(owner)}\\.${e.digest}\\.\\d+$`))
      expect(stored!.json()).toEqual({
        type: e.type,
        parts: e.parts,
        digest: e.digest,
        sender: e.sender,
        expiresAt: e.expiresAt,
      })

      const kvm = new Kvm(nc)
      const info = await (await kvm.open('intentcast-mailbox-info')).get(hex(owner))
      expect(info!.json()).toMatchObject({ owner, slots: [[e.digest, seq, e.expiresAt, e.parts[0]!.length, 0]] })
      const subscriber = await (await kvm.open('intentcast-subscribers')).get(hex(vendor))
      expect(subscriber!.json()).toMatchObject({ owner: vendor, filters: { categories: ['books'] } })
      expect(await (await kvm.open('intentcast-subscribers')).get(hex(owner))).toBeNull()
    })

    test('two prefixes on one NATS never meet', async () => {
      const [a, b] = [await make(), await make()]
      const owner = someDid()
      await a.open({ owner, expiresAt: Date.now() + HOUR, intent: someDigest() })
      expect(await b.info(owner)).toBeUndefined()
      expect(await b.open({ owner, expiresAt: Date.now() + HOUR, intent: someDigest() })).toBe(true)
      await a.append(owner, entry(), LIMITS)
      expect(await b.read(owner, 0, 100)).toEqual([])
    })

    test('close stops the watches and leaves the connection open, which is the caller’s', async () => {
      const backend = await NatsRelayBackend.create(nc, { prefix: prefix() })
      const owner = someDid()
      await backend.open({ owner, expiresAt: Date.now() + HOUR, intent: someDigest() })
      const seen: number[] = []
      backend.watch(owner, 0, (e) => seen.push(e.seq))
      await backend.append(owner, entry(), LIMITS)
      await eventually('the first entry', () => seen.length === 1)
      await backend.close()
      expect(nc.isClosed()).toBe(false)
      await expectCode(backend.append(owner, entry(), LIMITS), 'ERR_INVALID_ARGUMENT')
    })
  })

  test('a stream at maxBytes refuses new entries and keeps the old ones', async () => {
    const backend = await make({ prefix: prefix(), maxBytes: 4_096 })
    const owner = someDid()
    await backend.open({ owner, expiresAt: Date.now() + HOUR, filters: {} })
    const first = await backend.append(owner, entry({ sender: someDid() }), LIMITS)
    let refused: unknown
    for (let i = 0; i < 64 && refused === undefined; i++)
      await backend
        .append(owner, entry({ sender: someDid(), parts: ['x'.repeat(200)] }), LIMITS)
        .catch((e) => (refused = e))
    expect(refused).toBeDefined()
    expect((await backend.read(owner, 0, 1))[0]?.seq).toBe('seq' in first ? first.seq : -1)
  })

  describe('options and arguments: the caller’s mistakes are ERR_INVALID_ARGUMENT', () => {
    test('the connection and each option', async () => {
      await expectCode(NatsRelayBackend.create({} as NatsConnection), 'ERR_INVALID_ARGUMENT')
      for (const bad of ['', 'a.b', 'a b', '>', 'x'.repeat(33)])
        await expectCode(NatsRelayBackend.create(nc, { prefix: bad }), 'ERR_INVALID_ARGUMENT')
      for (const maxAgeMs of [0, 1.5, 59_999, Number.NaN])
        await expectCode(NatsRelayBackend.create(nc, { maxAgeMs }), 'ERR_INVALID_ARGUMENT')
      await expectCode(NatsRelayBackend.create(nc, { replicas: 0 }), 'ERR_INVALID_ARGUMENT')
      for (const maxBytes of [0, 1.5, Number.NaN])
        await expectCode(NatsRelayBackend.create(nc, { maxBytes }), 'ERR_INVALID_ARGUMENT')
      await expectCode(NatsRelayBackend.create(nc, { now: 5 as unknown as () => number }), 'ERR_INVALID_ARGUMENT')
    })

    test('limits, after, limit, an owner and mailbox information', async () => {
      const backend = await make()
      const owner = someDid()
      await backend.open({ owner, expiresAt: Date.now() + HOUR, intent: someDigest() })
      await expectCode(backend.append(owner, entry(), { ...LIMITS, perSender: -1 }), 'ERR_INVALID_ARGUMENT')
      await expectCode(backend.append(owner, entry(), { ...LIMITS, bytes: Number.NaN }), 'ERR_INVALID_ARGUMENT')
      await expectCode(backend.read(owner, -1, 10), 'ERR_INVALID_ARGUMENT')
      await expectCode(backend.read(owner, 0, 0), 'ERR_INVALID_ARGUMENT')
      await expectCode(backend.info(''), 'ERR_INVALID_ARGUMENT')
      await expectCode(
        backend.open({ owner: someDid(), expiresAt: Date.now(), intent: someDigest(), filters: {} }),
        'ERR_INVALID_ARGUMENT',
      )
      expect(() => backend.watch(owner, 0, 'x' as never)).toThrow(/listener/)
    })
  })

  describe('two processes on one NATS', () => {
    test('the per-sender bound holds across them: 50 concurrent appends of one sender, exactly 16 taken', async () => {
      const p = prefix()
      const [a, b] = [await make({ prefix: p }), await make({ prefix: p }, other)]
      const owner = someDid()
      await a.open({ owner, expiresAt: Date.now() + HOUR, intent: someDigest() })
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).append(owner, entry(), LIMITS)),
      )
      const taken = results.flatMap((r) => ('seq' in r ? [r.seq] : []))
      expect(taken).toHaveLength(16)
      expect(new Set(taken).size).toBe(16)
      expect(results.filter((r) => 'refused' in r && r.refused === 'sender')).toHaveLength(34)
      for (const backend of [a, b])
        expect((await backend.read(owner, 0, 100)).map((e) => e.seq)).toEqual([...taken].sort((x, y) => x - y))
    })

    test('the entries and bytes bounds hold across them', async () => {
      const p = prefix()
      const [a, b] = [await make({ prefix: p }), await make({ prefix: p }, other)]
      const owner = someDid()
      await a.open({ owner, expiresAt: Date.now() + HOUR, intent: someDigest() })
      const limits = { ...LIMITS, entries: 12 }
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).append(owner, entry({ sender: someDid() }), limits)),
      )
      expect(results.filter((r) => 'seq' in r)).toHaveLength(12)
      expect(results.filter((r) => 'refused' in r && r.refused === 'full')).toHaveLength(18)

      const small = someDid()
      await b.open({ owner: small, expiresAt: Date.now() + HOUR, intent: someDigest() })
      const bytes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).append(small, entry({ sender: someDid(), parts: ['x'.repeat(100)] }), {
            ...LIMITS,
            bytes: 550,
          }),
        ),
      )
      expect(bytes.filter((r) => 'seq' in r)).toHaveLength(5)
    })

    test('one message at most once: the same bytes through both at once get one seq', async () => {
      const p = prefix()
      const [a, b] = [await make({ prefix: p }), await make({ prefix: p }, other)]
      const owner = someDid()
      await a.open({ owner, expiresAt: Date.now() + HOUR, intent: someDigest() })
      const e = entry()
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append(owner, e, LIMITS)))
      const seqs = new Set(results.map((r) => ('seq' in r ? r.seq : -1)))
      expect(seqs.size).toBe(1)
      expect(results.filter((r) => 'duplicate' in r && !r.duplicate)).toHaveLength(1)
      expect(await b.read(owner, 0, 100)).toEqual([{ ...e, seq: [...seqs][0] }])
    })

    test('a vendor subscribed through one is a subscriber of the other, and so is its newer subscription', async () => {
      const p = prefix()
      const a = await make({ prefix: p })
      const vendor = someDid()
      await a.open({ owner: vendor, expiresAt: Date.now() + HOUR, filters: { categories: ['books'] } })
      // A process started later loads the subscribers there are before it resolves.
      const b = await make({ prefix: p }, other)
      expect((await b.subscribers()).map((s) => s.owner)).toEqual([vendor])
      const filters = { regions: ['FR'] }
      await b.open({ owner: vendor, expiresAt: Date.now() + 2 * HOUR, filters })
      await eventually('the newer filters in the first process', async () =>
        (await a.subscribers()).some(
          (s) => s.owner === vendor && JSON.stringify(s.filters) === JSON.stringify(filters),
        ),
      )
      const late = someDid()
      await b.open({ owner: late, expiresAt: Date.now() + HOUR, filters: {} })
      await eventually('a second vendor', async () => (await a.subscribers()).length === 2)
    })

    test('a watch in one sees what is appended through the other', async () => {
      const p = prefix()
      const [a, b] = [await make({ prefix: p }), await make({ prefix: p }, other)]
      const owner = someDid()
      await a.open({ owner, expiresAt: Date.now() + HOUR, intent: someDigest() })
      const seen: MailboxEntry[] = []
      const stop = a.watch(owner, 0, (e) => seen.push(e))
      const posted: number[] = []
      for (let i = 0; i < 5; i++) {
        const r = await b.append(owner, entry(), LIMITS)
        posted.push('seq' in r ? r.seq : -1)
      }
      await eventually('five entries', () => seen.length === 5)
      expect(seen.map((e) => e.seq)).toEqual(posted)
      stop()
    })
  })

  describe('a process that dies in the middle of an append: a retry of the same bytes completes it, once', () => {
    /**
     * Appends `e` through a backend whose connection dies at `point`: after publishing (before the
     * slot's seq is written) or before publishing (after the slot is reserved). Resolves the
     * mailbox and a second backend on the same prefix whose clock is `skewMs` ahead.
     */
    async function dies(point: 'after publishing' | 'before publishing', e: NewEntry, skewMs = 0) {
      const p = prefix()
      const owner = someDid()
      let writes = 0
      const mailboxWrite = `$KV.${p}-mailbox-info.${hex(owner)}`
      const dying = faulty(nc, (subject) =>
        point === 'before publishing'
          ? subject === `${p}.mailbox.${hex(owner)}`
          : subject === mailboxWrite && ++writes > 2,
      )
      const a = await make({ prefix: p }, dying)
      await a.open({ owner, expiresAt: Date.now() + HOUR, intent: someDigest() })
      writes = 1 // the open was the first write; the reservation is the second
      await expect(a.append(owner, e, LIMITS)).rejects.toThrow(/injected/)
      const b = await make({ prefix: p, now: () => Date.now() + skewMs }, other)
      return { owner, b }
    }

    test('it died after publishing: the retry gets the stored entry’s seq (the duplicate window answers)', async () => {
      const e = entry()
      const { owner, b } = await dies('after publishing', e)
      const [stored] = await b.read(owner, 0, 100)
      expect(stored).toMatchObject(e)
      expect(await b.append(owner, e, LIMITS)).toEqual({ seq: stored!.seq, duplicate: true })
      expect(await b.append(owner, e, LIMITS)).toEqual({ seq: stored!.seq, duplicate: true })
      expect(await b.read(owner, 0, 100)).toEqual([stored])
    })

    test('it died after publishing, and the retry comes after the duplicate window: it is found in the stream', async () => {
      const e = entry()
      const { owner, b } = await dies('after publishing', e, 5 * 60_000)
      await b.append(owner, entry({ sender: someDid() }), LIMITS)
      const [stored] = await b.read(owner, 0, 1)
      expect(stored).toMatchObject(e)
      expect(await b.append(owner, e, LIMITS)).toEqual({ seq: stored!.seq, duplicate: true })
      expect((await b.read(owner, 0, 100)).filter((x) => x.digest === e.digest)).toEqual([stored])
    })

    test('it died before publishing: the retry publishes it, once; meanwhile it holds its place in the bounds', async () => {
      for (const skewMs of [0, 5 * 60_000]) {
        const e = entry()
        const { owner, b } = await dies('before publishing', e, skewMs)
        expect(await b.read(owner, 0, 100)).toEqual([])
        expect(await b.append(owner, entry(), { ...LIMITS, perSender: 1 })).toEqual({ refused: 'sender' })
        const retried = await b.append(owner, e, LIMITS)
        expect(retried).toMatchObject({ duplicate: true })
        const seq = 'seq' in retried ? retried.seq : -1
        expect(await b.read(owner, 0, 100)).toEqual([{ ...e, seq }])
        expect(await b.append(owner, e, LIMITS)).toEqual({ seq, duplicate: true })
      }
    })
  })
})
