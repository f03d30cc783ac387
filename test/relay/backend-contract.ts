/**
 * The RelayBackend contract (src/relay/backend.ts, spec §Relay binding, Mailboxes): what every
 * backend does, whatever it keeps mailboxes in. A backend's test file runs it with a factory that
 * makes a fresh, empty backend on the clock it is given:
 *
 * ```ts
 * backendContract('MemoryRelayBackend', async ({ now }) => new MemoryRelayBackend({ now }))
 * ```
 *
 * The clock starts at the real time and moves only when a test moves it, so expiry is tested
 * without waiting.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { MailboxEntry, MailboxLimits, NewEntry, RelayBackend } from '../../src/relay/backend.js'

/** Makes a fresh backend, sharing nothing with any other, that reads time from `now`. */
export type MakeBackend = (options: { readonly now: () => number }) => Promise<RelayBackend>

const HOUR = 3_600_000
/** The spec's reference bounds. */
export const LIMITS: MailboxLimits = { perSender: 16, entries: 1024, bytes: 4 * 2 ** 20 }

/** A DID nobody else uses (a backend does not check DIDs; the relay has). */
export const someDid = (): string => `did:key:z6Mk${randomBytes(16).toString('hex')}`
/** A digest-shaped string nobody else uses. */
export const someDigest = (): string => randomBytes(32).toString('base64url')

/** Resolves once `check` holds, polling; fails with `what` after `ms`. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export function backendContract(name: string, makeBackend: MakeBackend): void {
  describe(`RelayBackend contract: ${name}`, () => {
    let clock = 0
    let backend: RelayBackend
    const sender = someDid()

    beforeEach(async () => {
      clock = Date.now()
      backend = await makeBackend({ now: () => clock })
    })
    afterEach(async () => {
      await backend.close()
    })

    /** A new entry, from `sender` unless told, until an hour from the clock. */
    const entry = (over: Partial<NewEntry> = {}): NewEntry => ({
      type: 'application/intentcast+jws',
      parts: [`eyJ.${randomBytes(12).toString('base64url')}.sig`],
      digest: someDigest(),
      sender,
      expiresAt: clock + HOUR,
      ...over,
    })
    const castMailbox = async (expiresAt = clock + HOUR): Promise<string> => {
      const owner = someDid()
      expect(await backend.open({ owner, expiresAt, intent: someDigest() })).toBe(true)
      return owner
    }
    const seqOf = async (owner: string, e: NewEntry, limits = LIMITS): Promise<number> => {
      const result = await backend.append(owner, e, limits)
      if (!('seq' in result) || result.duplicate) throw new Error(`not taken: ${JSON.stringify(result)}`)
      return result.seq
    }
    const withSeq = (e: NewEntry, seq: number): MailboxEntry => ({ ...e, seq })

    describe('open and info', () => {
      test('a cast mailbox opens for its intent; the same intent again is fine, another is refused', async () => {
        const owner = someDid()
        const intent = someDigest()
        const expiresAt = clock + HOUR
        expect(await backend.open({ owner, expiresAt, intent })).toBe(true)
        expect(await backend.info(owner)).toEqual({ owner, expiresAt, intent })
        expect(await backend.open({ owner, expiresAt, intent })).toBe(true)
        expect(await backend.open({ owner, expiresAt: expiresAt + HOUR, intent: someDigest() })).toBe(false)
        expect(await backend.open({ owner, expiresAt, filters: {} })).toBe(false)
        expect(await backend.info(owner)).toEqual({ owner, expiresAt, intent })
      })

      test('a newer subscription replaces a vendor mailbox’s filters and end; its entries stay', async () => {
        const owner = someDid()
        expect(await backend.open({ owner, expiresAt: clock + HOUR, filters: { categories: ['books'] } })).toBe(true)
        const e = entry()
        const seq = await seqOf(owner, e)
        const filters = { regions: ['DE'] }
        expect(await backend.open({ owner, expiresAt: clock + 2 * HOUR, filters })).toBe(true)
        expect(await backend.info(owner)).toEqual({ owner, expiresAt: clock + 2 * HOUR, filters })
        expect(await backend.read(owner, 0, 100)).toEqual([withSeq(e, seq)])
        expect(await backend.open({ owner, expiresAt: clock + HOUR, intent: someDigest() })).toBe(false)
      })

      test('no mailbox: no info, append refused as closed, nothing to read', async () => {
        const owner = someDid()
        expect(await backend.info(owner)).toBeUndefined()
        expect(await backend.append(owner, entry(), LIMITS)).toEqual({ refused: 'closed' })
        expect(await backend.read(owner, 0, 100)).toEqual([])
      })

      test('an ended mailbox takes and gives nothing, and opens again empty', async () => {
        const owner = await castMailbox(clock + 1_000)
        const first = await seqOf(owner, entry())
        clock += 1_000
        expect(await backend.info(owner)).toBeUndefined()
        expect(await backend.append(owner, entry(), LIMITS)).toEqual({ refused: 'closed' })
        expect(await backend.read(owner, 0, 100)).toEqual([])
        expect(await backend.open({ owner, expiresAt: clock + HOUR, intent: someDigest() })).toBe(true)
        expect(await backend.read(owner, 0, 100)).toEqual([])
        const e = entry()
        const again = await seqOf(owner, e)
        expect(again).toBeGreaterThan(first)
        expect(await backend.read(owner, 0, 100)).toEqual([withSeq(e, again)])
      })
    })

    describe('append and read', () => {
      test('seq only grows; read gives entries as posted, oldest first, after `after`, at most `limit`', async () => {
        const owner = await castMailbox()
        const posted = [
          entry(),
          entry({ parts: ['eyJ.a.b', 'eyJ.c.d'] }),
          entry({ type: 'application/intentcast+cose' }),
        ]
        const seqs: number[] = []
        for (const e of posted) seqs.push(await seqOf(owner, e))
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
        expect(new Set(seqs).size).toBe(3)
        const all = posted.map((e, i) => withSeq(e, seqs[i]!))
        expect(await backend.read(owner, 0, 100)).toEqual(all)
        expect(await backend.read(owner, seqs[0]!, 1)).toEqual([all[1]])
        expect(await backend.read(owner, seqs[2]!, 100)).toEqual([])
      })

      test('mailboxes are apart: an entry is read from its own mailbox only', async () => {
        const a = await castMailbox()
        const b = await castMailbox()
        const e = entry()
        const seq = await seqOf(a, e)
        expect(await backend.read(b, 0, 100)).toEqual([])
        expect(await backend.read(a, 0, 100)).toEqual([withSeq(e, seq)])
      })

      test('the same digest again gets the same seq, and is kept once', async () => {
        const owner = await castMailbox()
        const e = entry()
        const seq = await seqOf(owner, e)
        expect(await backend.append(owner, e, LIMITS)).toEqual({ seq, duplicate: true })
        expect(await backend.read(owner, 0, 100)).toEqual([withSeq(e, seq)])
      })

      test('at most `perSender` entries from one sender; another sender is still taken', async () => {
        const owner = await castMailbox()
        const limits = { ...LIMITS, perSender: 3 }
        for (let i = 0; i < 3; i++) await seqOf(owner, entry(), limits)
        expect(await backend.append(owner, entry(), limits)).toEqual({ refused: 'sender' })
        await seqOf(owner, entry({ sender: someDid() }), limits)
        expect(await backend.read(owner, 0, 100)).toHaveLength(4)
      })

      test('at most `entries` entries', async () => {
        const owner = await castMailbox()
        const limits = { ...LIMITS, entries: 2 }
        await seqOf(owner, entry(), limits)
        await seqOf(owner, entry({ sender: someDid() }), limits)
        expect(await backend.append(owner, entry({ sender: someDid() }), limits)).toEqual({ refused: 'full' })
      })

      test('at most `bytes` of parts: up to the bound is taken, past it refused', async () => {
        const owner = await castMailbox()
        const limits = { ...LIMITS, bytes: 100 }
        await seqOf(owner, entry({ parts: ['a'.repeat(40), 'b'.repeat(20)] }), limits)
        expect(await backend.append(owner, entry({ parts: ['c'.repeat(41)] }), limits)).toEqual({ refused: 'full' })
        await seqOf(owner, entry({ parts: ['c'.repeat(40)] }), limits)
      })

      test('entries marked `posted` use at most `limits.posted`; the others the rest', async () => {
        const owner = await castMailbox()
        const limits = { ...LIMITS, entries: 4, bytes: 1_000, posted: { entries: 2, bytes: 100 } }
        const posted = (over: Partial<NewEntry> = {}): NewEntry => entry({ sender: someDid(), posted: true, ...over })
        await seqOf(owner, posted(), limits)
        expect(await backend.append(owner, posted({ parts: ['x'.repeat(90)] }), limits)).toEqual({ refused: 'full' })
        await seqOf(owner, posted(), limits)
        expect(await backend.append(owner, posted(), limits)).toEqual({ refused: 'full' })
        await seqOf(owner, entry({ sender: someDid() }), limits)
        await seqOf(owner, entry({ sender: someDid(), parts: ['x'.repeat(90)] }), limits)
        expect(await backend.append(owner, entry({ sender: someDid() }), limits)).toEqual({ refused: 'full' })
      })

      test('a duplicate is answered even when the mailbox is full', async () => {
        const owner = await castMailbox()
        const limits = { ...LIMITS, perSender: 1, entries: 1 }
        const e = entry()
        const seq = await seqOf(owner, e, limits)
        expect(await backend.append(owner, e, limits)).toEqual({ seq, duplicate: true })
      })
    })

    describe('expiry', () => {
      test('an expired entry is not read, and frees its place in the bounds', async () => {
        const owner = await castMailbox()
        const limits = { ...LIMITS, perSender: 1 }
        await seqOf(owner, entry({ expiresAt: clock + 1_000 }), limits)
        const later = entry()
        expect(await backend.append(owner, later, limits)).toEqual({ refused: 'sender' })
        clock += 1_000
        expect(await backend.read(owner, 0, 100)).toEqual([])
        const seq = await seqOf(owner, later, limits)
        expect(await backend.read(owner, 0, 100)).toEqual([withSeq(later, seq)])
      })

      test('a watch does not deliver expired entries', async () => {
        const owner = await castMailbox()
        await seqOf(owner, entry({ expiresAt: clock + 1_000 }))
        const kept = entry()
        const seq = await seqOf(owner, kept)
        clock += 1_000
        const seen: MailboxEntry[] = []
        const stop = backend.watch(owner, 0, (e) => seen.push(e))
        await eventually('the live entry', () => seen.length === 1)
        stop()
        expect(seen).toEqual([withSeq(kept, seq)])
      })
    })

    describe('watch', () => {
      test('entries already there first, then new ones as they come, in order, after `after`; stop ends it', async () => {
        const owner = await castMailbox()
        const posted = [entry(), entry()]
        const seqs = [await seqOf(owner, posted[0]!), await seqOf(owner, posted[1]!)]
        const seen: MailboxEntry[] = []
        const stop = backend.watch(owner, seqs[0]!, (e) => seen.push(e))
        await eventually('the entry already there', () => seen.length === 1)
        posted.push(entry(), entry({ sender: someDid() }))
        seqs.push(await seqOf(owner, posted[2]!), await seqOf(owner, posted[3]!))
        await eventually('the new entries', () => seen.length === 3)
        expect(seen).toEqual([1, 2, 3].map((i) => withSeq(posted[i]!, seqs[i]!)))
        stop()
        await seqOf(owner, entry())
        await new Promise((resolve) => setTimeout(resolve, 200))
        expect(seen).toHaveLength(3)
      })

      test('every watcher gets every entry; a duplicate is not delivered again', async () => {
        const owner = await castMailbox()
        const one: number[] = []
        const two: number[] = []
        const stops = [backend.watch(owner, 0, (e) => one.push(e.seq)), backend.watch(owner, 0, (e) => two.push(e.seq))]
        const e = entry()
        const seqs = [await seqOf(owner, e)]
        await backend.append(owner, e, LIMITS)
        seqs.push(await seqOf(owner, entry()))
        await eventually('both watchers', () => one.length === 2 && two.length === 2)
        await new Promise((resolve) => setTimeout(resolve, 100))
        expect(one).toEqual(seqs)
        expect(two).toEqual(seqs)
        for (const stop of stops) stop()
      })
    })

    describe('subscribers', () => {
      test('every open vendor mailbox with its filters; no cast mailbox, none that ended', async () => {
        const vendor = someDid()
        const brief = someDid()
        const filters = { categories: ['books'], regions: ['DE'] }
        await backend.open({ owner: vendor, expiresAt: clock + HOUR, filters })
        await backend.open({ owner: brief, expiresAt: clock + 1_000, filters: {} })
        await castMailbox()
        const owners = async (): Promise<string[]> => (await backend.subscribers()).map((s) => s.owner).sort()
        expect(await owners()).toEqual([vendor, brief].sort())
        expect((await backend.subscribers()).find((s) => s.owner === vendor)).toEqual({
          owner: vendor,
          expiresAt: clock + HOUR,
          filters,
        })
        clock += 1_000
        expect(await owners()).toEqual([vendor])
      })
    })
  })
}
