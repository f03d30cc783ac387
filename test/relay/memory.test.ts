/**
 * MemoryRelayBackend against the RelayBackend contract (src/relay/backend.ts): opening, the one
 * intent of a cast key, appending within bounds and once per digest, expiry of entries and
 * mailboxes, its own bounds, and watchers that never hold up an append.
 */
import { describe, expect, test } from 'vitest'
import { MemoryRelayBackend, type MailboxEntry, type NewEntry } from '../../src/relay/index.js'
import { backendContract } from './backend-contract.js'

// The contract every backend keeps (shared with NatsRelayBackend), then what is this backend's own.
backendContract('MemoryRelayBackend', async ({ now }) => new MemoryRelayBackend({ now }))

const LIMITS = { perSender: 16, entries: 1_024, bytes: 4 * 2 ** 20 }
const HOUR = 3_600_000

function clock(start = 1_000_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

const entry = (n: number, extra: Partial<NewEntry> = {}): NewEntry => ({
  type: 'application/intentcast+jws',
  parts: [`part-${n}`],
  digest: `digest-${n}`,
  sender: 'did:key:sender',
  expiresAt: Number.MAX_SAFE_INTEGER,
  ...extra,
})

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('open and info', () => {
  test('a cast mailbox is bound to one intent; a vendor mailbox is renewed with new filters and end', async () => {
    const t = clock()
    const b = new MemoryRelayBackend({ now: t.now })
    expect(await b.open({ owner: 'c', expiresAt: t.now() + HOUR, intent: 'i1' })).toBe(true)
    expect(await b.open({ owner: 'c', expiresAt: t.now() + HOUR, intent: 'i1' })).toBe(true)
    expect(await b.open({ owner: 'c', expiresAt: t.now() + HOUR, intent: 'i2' })).toBe(false)
    expect(await b.open({ owner: 'c', expiresAt: t.now() + HOUR, filters: {} })).toBe(false)
    expect((await b.info('c'))?.intent).toBe('i1')
    expect(await b.open({ owner: 'v', expiresAt: t.now() + HOUR, filters: { regions: ['DE'] } })).toBe(true)
    await b.append('v', entry(1), LIMITS)
    expect(await b.open({ owner: 'v', expiresAt: t.now() + 2 * HOUR, filters: { regions: ['FR'] } })).toBe(true)
    expect(await b.info('v')).toEqual({ owner: 'v', expiresAt: t.now() + 2 * HOUR, filters: { regions: ['FR'] } })
    expect(await b.read('v', 0, 10)).toHaveLength(1)
    expect(await b.open({ owner: 'v', expiresAt: t.now() + HOUR, intent: 'i3' })).toBe(false)
    expect(await b.subscribers()).toEqual([await b.info('v')])
  })

  test('a mailbox ends at its expiresAt: no info, no append, no read; the key may open another', async () => {
    const t = clock()
    const b = new MemoryRelayBackend({ now: t.now })
    await b.open({ owner: 'c', expiresAt: t.now() + 1_000, intent: 'i1' })
    await b.append('c', entry(1), LIMITS)
    t.advance(1_000)
    expect(await b.info('c')).toBeUndefined()
    expect(await b.append('c', entry(2), LIMITS)).toEqual({ refused: 'closed' })
    expect(await b.read('c', 0, 10)).toEqual([])
    expect(await b.subscribers()).toEqual([])
    expect(b.bytes).toBe(0)
    expect(await b.open({ owner: 'c', expiresAt: t.now() + 1_000, intent: 'i2' })).toBe(true)
  })
})

describe('append and read', () => {
  test('seq only grows; a digest is held once, at its seq; read pages after a seq', async () => {
    const b = new MemoryRelayBackend()
    await b.open({ owner: 'o', expiresAt: Date.now() + HOUR, filters: {} })
    const seqs: number[] = []
    for (let i = 0; i < 5; i++) {
      const r = await b.append('o', entry(i, { sender: `s${i}` }), LIMITS)
      if (!('seq' in r)) throw new Error('refused')
      seqs.push(r.seq)
    }
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs)
    expect(await b.append('o', entry(2, { sender: 's2' }), LIMITS)).toEqual({ seq: seqs[2], duplicate: true })
    expect((await b.read('o', seqs[1]!, 2)).map((e) => e.seq)).toEqual([seqs[2], seqs[3]])
    expect(await b.read('o', seqs[4]!, 10)).toEqual([])
    expect(await b.read('nobody', 0, 10)).toEqual([])
  })

  test('bounds: per sender, entries, bytes; a duplicate is answered even when full', async () => {
    const b = new MemoryRelayBackend()
    await b.open({ owner: 'o', expiresAt: Date.now() + HOUR, filters: {} })
    const limits = { perSender: 2, entries: 3, bytes: 1_000 }
    expect('seq' in (await b.append('o', entry(1), limits))).toBe(true)
    expect('seq' in (await b.append('o', entry(2), limits))).toBe(true)
    expect(await b.append('o', entry(3), limits)).toEqual({ refused: 'sender' })
    expect('seq' in (await b.append('o', entry(3, { sender: 'other' }), limits))).toBe(true)
    expect(await b.append('o', entry(4, { sender: 'third' }), limits)).toEqual({ refused: 'full' })
    expect(await b.append('o', entry(1), limits)).toMatchObject({ duplicate: true })
    await b.open({ owner: 'p', expiresAt: Date.now() + HOUR, filters: {} })
    expect(await b.append('p', entry(5, { parts: ['x'.repeat(1_001)] }), limits)).toEqual({ refused: 'full' })
  })

  test('an entry leaves at its expiresAt, and gives back its room and its sender count', async () => {
    const t = clock()
    const b = new MemoryRelayBackend({ now: t.now })
    await b.open({ owner: 'o', expiresAt: t.now() + HOUR, filters: {} })
    const limits = { perSender: 1, entries: 10, bytes: 100 }
    await b.append('o', entry(1, { expiresAt: t.now() + 1_000 }), limits)
    expect(await b.append('o', entry(2), limits)).toEqual({ refused: 'sender' })
    t.advance(1_000)
    expect(await b.read('o', 0, 10)).toEqual([])
    expect(b.bytes).toBe(0)
    expect('seq' in (await b.append('o', entry(2), limits))).toBe(true)
  })
})

describe('bounds of the whole backend', () => {
  test('past maxMailboxes the mailbox opened longest ago is forgotten, ended ones first', async () => {
    const t = clock()
    const b = new MemoryRelayBackend({ maxMailboxes: 3, now: t.now })
    await b.open({ owner: 'short', expiresAt: t.now() + 10, intent: 'x' })
    await b.open({ owner: 'a', expiresAt: t.now() + HOUR, intent: 'x' })
    await b.open({ owner: 'b', expiresAt: t.now() + HOUR, intent: 'x' })
    t.advance(10)
    await b.open({ owner: 'c', expiresAt: t.now() + HOUR, intent: 'x' })
    expect(await b.info('a')).toBeDefined()
    await b.open({ owner: 'd', expiresAt: t.now() + HOUR, intent: 'x' })
    expect(await b.info('a')).toBeUndefined()
    expect(b.size).toBe(3)
  })

  test('past maxBytes other cast mailboxes are forgotten, oldest first; never the one appended to', async () => {
    const b = new MemoryRelayBackend({ maxBytes: 100 })
    for (const owner of ['a', 'b']) await b.open({ owner, expiresAt: Date.now() + HOUR, intent: 'x' })
    await b.append('a', entry(1, { parts: ['x'.repeat(60)] }), LIMITS)
    await b.append('b', entry(2, { parts: ['x'.repeat(60)] }), LIMITS)
    expect(await b.info('a')).toBeUndefined()
    expect(b.bytes).toBe(60)
    expect(await b.append('b', entry(3, { parts: ['x'.repeat(60)] }), LIMITS)).toEqual({ refused: 'full' })
  })

  test('past maxBytes a vendor mailbox is never forgotten: the append is refused instead', async () => {
    const b = new MemoryRelayBackend({ maxBytes: 100 })
    await b.open({ owner: 'v', expiresAt: Date.now() + HOUR, filters: {} })
    await b.open({ owner: 'c', expiresAt: Date.now() + HOUR, intent: 'x' })
    await b.append('v', entry(1, { parts: ['x'.repeat(60)] }), LIMITS)
    expect(await b.append('c', entry(2, { parts: ['x'.repeat(60)] }), LIMITS)).toEqual({ refused: 'full' })
    expect(await b.info('v')).toBeDefined()
    expect(b.bytes).toBe(60)
  })

  test('past maxMailboxes cast mailboxes are forgotten, never vendor ones; past maxSubscribers a new vendor is refused', async () => {
    const b = new MemoryRelayBackend({ maxMailboxes: 1, maxSubscribers: 1 })
    expect(await b.open({ owner: 'v', expiresAt: Date.now() + HOUR, filters: {} })).toBe(true)
    expect(await b.open({ owner: 'w', expiresAt: Date.now() + HOUR, filters: {} })).toBe(false)
    expect(await b.open({ owner: 'v', expiresAt: Date.now() + 2 * HOUR, filters: {} })).toBe(true)
    for (const owner of ['a', 'b', 'c']) await b.open({ owner, expiresAt: Date.now() + HOUR, intent: 'x' })
    expect(await b.info('v')).toBeDefined()
    expect(await b.info('b')).toBeUndefined()
    expect(b.size).toBe(2)
  })
})

describe('watch', () => {
  test('entries already there first, then each as it comes, in order; stop ends it', async () => {
    const b = new MemoryRelayBackend()
    await b.open({ owner: 'o', expiresAt: Date.now() + HOUR, filters: {} })
    const first = await b.append('o', entry(1, { sender: 'a' }), LIMITS)
    await b.append('o', entry(2, { sender: 'b' }), LIMITS)
    const seen: number[] = []
    const stop = b.watch('o', 'seq' in first ? first.seq : 0, (e) => seen.push(e.seq))
    await b.append('o', entry(3, { sender: 'c' }), LIMITS)
    await tick()
    const all = (await b.read('o', 0, 10)).map((e) => e.seq)
    expect(seen).toEqual(all.slice(1))
    stop()
    await b.append('o', entry(4, { sender: 'd' }), LIMITS)
    await tick()
    expect(seen).toHaveLength(2)
  })

  test('a watch before the mailbox opens sees it once it does', async () => {
    const b = new MemoryRelayBackend()
    const seen: MailboxEntry[] = []
    b.watch('later', 0, (e) => seen.push(e))
    await b.open({ owner: 'later', expiresAt: Date.now() + HOUR, filters: {} })
    await b.append('later', entry(1), LIMITS)
    await tick()
    expect(seen.map((e) => e.digest)).toEqual(['digest-1'])
  })

  test('a slow or failing watcher never holds up an append, nor the other watchers', async () => {
    const b = new MemoryRelayBackend()
    await b.open({ owner: 'o', expiresAt: Date.now() + HOUR, filters: {} })
    let slowCalls = 0
    b.watch('o', 0, () => {
      slowCalls++
      throw new Error('listener bug')
    })
    const seen: number[] = []
    b.watch('o', 0, (e) => seen.push(e.seq))
    const started = performance.now()
    for (let i = 0; i < 200; i++) await b.append('o', entry(i, { sender: `s${i}` }), LIMITS)
    // Appends resolved without calling any listener: they are called on a later microtask.
    expect(performance.now() - started).toBeLessThan(500)
    await tick()
    expect(seen).toHaveLength(200)
    expect(slowCalls).toBe(200)
  })

  test('close stops the watchers and forgets everything', async () => {
    const b = new MemoryRelayBackend()
    await b.open({ owner: 'o', expiresAt: Date.now() + HOUR, filters: {} })
    const seen: number[] = []
    b.watch('o', 0, (e) => seen.push(e.seq))
    await b.append('o', entry(1), LIMITS)
    await tick()
    await b.close()
    expect(b.size).toBe(0)
    await b.open({ owner: 'o', expiresAt: Date.now() + HOUR, filters: {} })
    await b.append('o', entry(2), LIMITS)
    await tick()
    expect(seen).toHaveLength(1)
  })
})
