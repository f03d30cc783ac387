/**
 * The wallet's stores (issue 9): its negotiations, kept so that a Wallet over the same secret and
 * stores carries them on after a restart, and its agreements, the record the vendor keeps too.
 * Against real vendors on loopback; a "restart" is a new Wallet object over the same secret and
 * the same store objects, which is all a persistent store adds.
 */
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import {
  MemoryNegotiationStore,
  Wallet,
  type FetchLike,
  type NegotiationStore,
  type WalletStores,
} from '../../src/wallet/index.js'
import { MemoryAgreementStore, type AgreementStore } from '../../src/index.js'
import { dealAt, intentBody, startVendor, type Running } from './support.js'

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
})
const track = <T extends Running>(r: T): T => (running.push(r), r)

/** A store as a caller writes one for a file or a database: async, keeping nothing but strings. */
class AsyncStore implements NegotiationStore {
  readonly records = new Map<string, string>()
  async get(id: string): Promise<string | undefined> {
    return this.records.get(id)
  }
  async put(id: string, record: string): Promise<void> {
    this.records.set(id, record)
  }
  async delete(id: string): Promise<void> {
    this.records.delete(id)
  }
  async list(): Promise<Array<[string, string]>> {
    return [...this.records]
  }
}

/** A wallet and its stores, and the same wallet after a restart: a new object over the same secret and stores. */
function walletWithStores() {
  const stores: Required<WalletStores> = { negotiations: new AsyncStore(), agreements: new MemoryAgreementStore() }
  const wallet = Wallet.create({ stores })
  const restart = (): Wallet => Wallet.fromSecret(wallet.exportSecret(), { casts: wallet.casts }, { stores })
  return { wallet, restart, stores }
}

/** A fetch that delivers the request and loses the answer, as a dropped connection does. */
const losesAnswers: FetchLike = async (url, init) => {
  await fetch(url, init)
  throw new TypeError('fetch failed: connection reset')
}

/** A fetch that never reaches the vendor. */
const offline: FetchLike = async () => {
  throw new TypeError('fetch failed: network down')
}

/** A fetch answering every request with the problem `code` at `status`, as a vendor does. */
const answers =
  (status: number, code: string): FetchLike =>
  async () =>
    new Response(JSON.stringify({ type: `https://intentcast.dev/errors#${code}`, title: code, status, code }), {
      status,
      headers: { 'content-type': 'application/problem+json' },
    })

async function agreementsOf(store: AgreementStore): Promise<readonly string[]> {
  return (await store.list()).digests
}

describe('a wallet resumes its negotiations after a restart', () => {
  test('cast → restart → counter → restart → accept: the vendor and the wallet keep the same agreement', async () => {
    const vendorAgreements: AgreementStore = new MemoryAgreementStore()
    const shop = track(await startVendor({ price: '1900.00', onCounter: () => 'agree', agreements: vendorAgreements }))
    const other = track(await startVendor({ price: '1950.00' }))
    const { wallet, restart, stores } = walletWithStores()

    const { offers } = await wallet.cast(intentBody(), [shop.origin, other.origin])
    expect(offers).toHaveLength(2)

    const resumed = restart()
    const open = await resumed.negotiations()
    expect(open.map((n) => [n.vendor.origin, n.proposal.digest, n.castIndex, n.accepting]).sort()).toEqual(
      offers.map((o) => [o.vendor.origin, o.proposal.digest, 0, false]).sort(),
    )
    const fromShop = open.find((n) => n.vendor.origin === shop.origin)!
    expect(fromShop.thread.state()).toBe('open')
    expect(fromShop.vendor.keys).toEqual(offers.find((o) => o.vendor.origin === shop.origin)!.vendor.keys)

    // The vendor's counter takes the offer's place in the store.
    const { reply } = await resumed.counter(fromShop, dealAt('1850.00'))
    const afterCounter = await restart().negotiations()
    expect(afterCounter).toHaveLength(2)
    const countered = afterCounter.find((n) => n.vendor.origin === shop.origin)!
    expect(countered.proposal.digest).toBe(reply!.proposal.digest)
    expect(countered.thread.messages.map((m) => m.kind)).toEqual(['intent', 'offer', 'counter', 'counter'])

    const last = restart()
    const { agreement, thread } = await last.accept(countered)
    expect(agreement.payload.price.amount).toBe('1850.00')
    expect(thread.state()).toBe('agreed')

    // The agreed negotiation leaves the store; the other vendor's stays.
    expect((await last.negotiations()).map((n) => n.vendor.origin)).toEqual([other.origin])
    expect(last.agreements).toBe(stores.agreements)
    // Both sides list the one agreement, and find it by any of its thread's digests, byte for byte.
    expect(await agreementsOf(last.agreements)).toEqual([agreement.digest])
    expect(await agreementsOf(vendorAgreements)).toEqual([agreement.digest])
    for (const digest of [agreement.digest, thread.intent.digest, thread.acceptance!.digest]) {
      const mine = await last.agreements.get(digest)
      const theirs = await vendorAgreements.get(digest)
      expect(mine!.agreement!.message).toBe(agreement.message)
      expect(theirs!.agreement!.message).toBe(agreement.message)
      expect(mine!.messages.map((m) => m.message)).toEqual(theirs!.messages.map((m) => m.message))
    }
  })

  test('a vendor that answers a counter later (202) leaves the record at the proposal still to answer', async () => {
    const vendor = track(await startVendor())
    const { wallet, restart } = walletWithStores()
    const { offers } = await wallet.cast(intentBody(), [vendor.origin])
    const { reply } = await wallet.counter(offers[0]!, dealAt('1.00'))
    expect(reply).toBeUndefined()
    const [open] = await restart().negotiations()
    expect(open!.proposal.digest).toBe(offers[0]!.proposal.digest)
    expect(open!.thread.messages).toHaveLength(2)
  })

  test('each cast index a record shows in use counts as handed out, also to a wallet restored with a lower count', async () => {
    const vendor = track(await startVendor())
    const stores = { negotiations: new AsyncStore(), agreements: new MemoryAgreementStore() }
    const wallet = Wallet.create({ stores })
    await wallet.nextCastKey()
    await wallet.nextCastKey()
    const { castIndex } = await wallet.cast(intentBody(), [vendor.origin])
    expect(castIndex).toBe(2)
    const behind = Wallet.fromSecret(wallet.exportSecret(), { casts: 0 }, { stores })
    expect(await behind.negotiations()).toHaveLength(1)
    expect(behind.casts).toBe(3)
    expect((await behind.nextCastKey()).index).toBe(3)
  })
})

describe('a store of files, as NegotiationStore documents it', () => {
  test('ids are file names; a wallet over the directory resumes and agrees', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'intentcast-negotiations-'))
    try {
      const file = (id: string) => join(dir, `${id}.json`)
      const negotiations: NegotiationStore = {
        get: (id) =>
          readFile(file(id), 'utf8').catch((e: NodeJS.ErrnoException) =>
            e.code === 'ENOENT' ? undefined : Promise.reject(e),
          ),
        put: async (id, record) => {
          await writeFile(`${file(id)}.tmp`, record)
          await rename(`${file(id)}.tmp`, file(id))
        },
        delete: (id) => rm(file(id), { force: true }),
        list: async () => {
          const ids = (await readdir(dir)).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5))
          return Promise.all(ids.map(async (id) => [id, await readFile(file(id), 'utf8')] as const))
        },
      }
      const vendor = track(await startVendor())
      const wallet = Wallet.create({ stores: { negotiations } })
      await wallet.cast(intentBody(), [vendor.origin], { format: 'cose' })
      const [name] = await readdir(dir)
      expect(name).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.json$/)

      const restored = Wallet.fromSecret(wallet.exportSecret(), { casts: wallet.casts }, { stores: { negotiations } })
      const [open] = await restored.negotiations()
      const { agreement } = await restored.accept(open!)
      expect(agreement.format).toBe('cose')
      expect(await readdir(dir)).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('an acceptance whose answer was lost is sent again, byte for byte', () => {
  test.each(['jws', 'cose'] as const)(
    '%s: the vendor countersigned, the answer was lost; after a restart, accept gets the agreement the vendor kept',
    async (format) => {
      const vendorAgreements: AgreementStore = new MemoryAgreementStore()
      const vendor = track(await startVendor({ agreements: vendorAgreements }))
      const { wallet, restart } = walletWithStores()
      const { offers } = await wallet.cast(intentBody(), [vendor.origin], { format })
      const sent: Array<string | Uint8Array> = []
      const recording =
        (inner: FetchLike): FetchLike =>
        (url, init) => {
          sent.push(init.body as string | Uint8Array)
          return inner(url, init)
        }

      await expect(
        wallet.accept(offers[0]!, { fetch: recording(losesAnswers), retries: 1, backoffMs: 1 }),
      ).rejects.toMatchObject({ code: 'ERR_UNREACHABLE' })
      // The vendor holds an agreement the wallet never saw.
      const [digest] = await agreementsOf(vendorAgreements)
      expect(digest).toBeDefined()
      expect(await agreementsOf(wallet.agreements)).toEqual([])

      // Without the record, a new acceptance is all a wallet could send, and the thread has one.
      const forgetful = Wallet.fromSecret(wallet.exportSecret(), { casts: wallet.casts })
      await expect(forgetful.accept(offers[0]!)).rejects.toMatchObject({ code: 'ERR_ILLEGAL_MOVE' })

      const resumed = restart()
      const [inFlight] = await resumed.negotiations()
      expect(inFlight!.accepting).toBe(true)
      expect(inFlight!.proposal.digest).toBe(offers[0]!.proposal.digest)
      // The negotiation is the thread as accept was given it: the acceptance is the record's.
      expect(inFlight!.thread.messages.map((m) => m.kind)).toEqual(['intent', 'offer'])

      const { agreement, thread } = await resumed.accept(inFlight!, { fetch: recording(fetch) })
      expect(agreement.format).toBe(format)
      expect(agreement.digest).toBe(digest)
      expect(agreement.message).toEqual((await vendorAgreements.get(digest!))!.agreement!.message)
      expect(thread.state()).toBe('agreed')
      // Every attempt sent the same bytes: the two lost ones and the one answered.
      expect(sent).toHaveLength(3)
      for (const body of sent.slice(1)) expect(body).toEqual(sent[0])

      expect(await agreementsOf(resumed.agreements)).toEqual([digest])
      expect(await resumed.negotiations()).toEqual([])
    },
  )

  test('the same Wallet retrying accept with the negotiation it holds sends the same acceptance', async () => {
    const vendor = track(await startVendor())
    const wallet = Wallet.create()
    const { offers } = await wallet.cast(intentBody(), [vendor.origin])
    await expect(wallet.accept(offers[0]!, { fetch: losesAnswers, retries: 0 })).rejects.toMatchObject({
      code: 'ERR_UNREACHABLE',
    })
    const { agreement } = await wallet.accept(offers[0]!)
    expect(agreement.signers).toHaveLength(2)
    expect(await agreementsOf(wallet.agreements)).toEqual([agreement.digest])
  })

  test('a refusal puts the record back without the refused acceptance; a 5xx or no answer keeps it', async () => {
    const vendor = track(await startVendor())
    const { wallet, restart } = walletWithStores()
    const { offers } = await wallet.cast(intentBody(), [vendor.origin])
    const offer = offers[0]!
    const accepting = async () => (await restart().negotiations()).map((n) => n.accepting)

    await expect(wallet.accept(offer, { fetch: offline, retries: 0 })).rejects.toMatchObject({
      code: 'ERR_UNREACHABLE',
    })
    expect(await accepting()).toEqual([true])
    // The vendor's own failure, or a rate limit: it may have taken the acceptance, or will.
    await expect(wallet.accept(offer, { fetch: answers(500, 'ERR_INTERNAL') })).rejects.toMatchObject({
      code: 'ERR_INTERNAL',
    })
    await expect(wallet.accept(offer, { fetch: answers(429, 'ERR_UNREACHABLE') })).rejects.toMatchObject({
      code: 'ERR_UNREACHABLE',
    })
    expect(await accepting()).toEqual([true])
    // A refusal of those bytes: sending them again is pointless, so the next accept signs anew.
    await expect(wallet.accept(offer, { fetch: answers(409, 'ERR_ILLEGAL_MOVE') })).rejects.toMatchObject({
      code: 'ERR_ILLEGAL_MOVE',
    })
    expect(await accepting()).toEqual([false])
    const { agreement } = await wallet.accept(offer)
    expect(agreement.signers).toHaveLength(2)

    // Accepting again what is agreed is refused, and leaves no record behind.
    await expect(wallet.accept(offer)).rejects.toMatchObject({ code: 'ERR_ILLEGAL_MOVE' })
    expect(await restart().negotiations()).toEqual([])
  })

  test('a store that cannot keep the acceptance stops it before it is sent', async () => {
    let posts = 0
    const vendor = track(await startVendor())
    const negotiations = new AsyncStore()
    const wallet = Wallet.create({ stores: { negotiations } })
    const { offers } = await wallet.cast(intentBody(), [vendor.origin])
    const full = new Error('disk full')
    negotiations.put = async () => {
      throw full
    }
    const counting: FetchLike = (url, init) => (posts++, fetch(url, init))
    await expect(wallet.accept(offers[0]!, { fetch: counting })).rejects.toBe(full)
    expect(posts).toBe(0)
    // And a cast whose offers cannot be kept says so.
    await expect(wallet.cast(intentBody(), [vendor.origin])).rejects.toBe(full)
  })
})

describe('what the store holds is verified, never trusted', () => {
  /** One cast's record, and the id it is kept under. */
  async function oneRecord(vendor: Running) {
    const negotiations = new MemoryNegotiationStore()
    const wallet = Wallet.create({ stores: { negotiations } })
    const { offers } = await wallet.cast(intentBody(), [vendor.origin])
    const [[id, record]] = negotiations.list() as [[string, string]]
    return { wallet, offer: offers[0]!, id, record, json: JSON.parse(record) as Record<string, unknown> }
  }

  /** `json`'s thread with one character of message `index`'s signature changed. */
  function tamperedThread(thread: string, index: number): string {
    const parsed = JSON.parse(thread) as { messages: Array<{ jws: string }> }
    const jws = parsed.messages[index]!.jws
    const at = jws.lastIndexOf('.') + 10
    parsed.messages[index]!.jws = jws.slice(0, at) + (jws[at] === 'A' ? 'B' : 'A') + jws.slice(at + 1)
    return JSON.stringify(parsed)
  }

  test('a tampered, garbled or misfiled record is skipped and left in the store; the good ones resume', async () => {
    const vendor = track(await startVendor())
    const { wallet, offer, id, record, json } = await oneRecord(vendor)
    const stranger = await oneRecord(vendor)
    const variants: Record<string, string> = {
      'not JSON': 'not json',
      'not an object': '[]',
      empty: '{}',
      'another version': JSON.stringify({ ...json, v: 2 }),
      'an unknown member': JSON.stringify({ ...json, extra: 1 }),
      'another cast index': JSON.stringify({ ...json, castIndex: 1 }),
      'a negative cast index': JSON.stringify({ ...json, castIndex: -1 }),
      'a cast index past the last': JSON.stringify({ ...json, castIndex: 2 ** 40 }),
      'no vendor': JSON.stringify({ ...json, vendor: null }),
      'an origin that is not https': JSON.stringify({ ...json, vendor: { origin: 'ftp://x', endpoint: 'ftp://x/m' } }),
      'keys that are not keys': JSON.stringify({ ...json, vendor: { ...(json.vendor as object), keys: [{}] } }),
      'keys that are no list': JSON.stringify({ ...json, vendor: { ...(json.vendor as object), keys: 'x' } }),
      'a thread that is not one': JSON.stringify({ ...json, thread: '{"messages":[]}' }),
      'a forged offer': JSON.stringify({ ...json, thread: tamperedThread(json.thread as string, 1) }),
      'a thread that is only the intent': JSON.stringify({
        ...json,
        thread: JSON.stringify({
          messages: (JSON.parse(json.thread as string) as { messages: unknown[] }).messages.slice(0, 1),
        }),
      }),
      'an agreement with no acceptance': JSON.stringify({ ...json, agreement: { jws: 'x' } }),
      "another wallet's record": stranger.record,
    }
    for (const [what, variant] of Object.entries(variants)) {
      const negotiations = new MemoryNegotiationStore()
      negotiations.put(id, variant)
      const restored = Wallet.fromSecret(wallet.exportSecret(), { casts: 1 }, { stores: { negotiations } })
      expect(await restored.negotiations(), what).toEqual([])
      expect(negotiations.get(id), what).toBe(variant)
    }

    // All of them in one store, beside the good record under its id and a good one misfiled.
    const negotiations = new MemoryNegotiationStore()
    for (const [what, variant] of Object.entries(variants)) negotiations.put(what, variant)
    negotiations.put(`${id}x`, record)
    negotiations.put(id, record)
    const restored = Wallet.fromSecret(wallet.exportSecret(), { casts: 1 }, { stores: { negotiations } })
    const open = await restored.negotiations()
    expect(open.map((n) => n.proposal.digest)).toEqual([offer.proposal.digest])
    expect(negotiations.size).toBe(Object.keys(variants).length + 2)
    const { agreement } = await restored.accept(open[0]!)
    expect(agreement.signers).toHaveLength(2)
  })

  test('an acceptance in flight whose agreement was tampered with is not sent; the record is skipped', async () => {
    const vendor = track(await startVendor())
    const negotiations = new MemoryNegotiationStore()
    const wallet = Wallet.create({ stores: { negotiations } })
    const { offers } = await wallet.cast(intentBody(), [vendor.origin])
    await expect(wallet.accept(offers[0]!, { fetch: offline, retries: 0 })).rejects.toMatchObject({
      code: 'ERR_UNREACHABLE',
    })
    const [[id, record]] = negotiations.list() as [[string, string]]
    const json = JSON.parse(record) as { agreement: { jws: string } }
    const general = JSON.parse(json.agreement.jws) as { signatures: Array<{ signature: string }> }
    const s = general.signatures[0]!.signature
    general.signatures[0]!.signature = (s[0] === 'A' ? 'B' : 'A') + s.slice(1)
    const forged = JSON.stringify({ ...json, agreement: { jws: JSON.stringify(general) } })
    const otherEnvelope = JSON.stringify({ ...json, agreement: { cose: 'AAAA' } })
    for (const variant of [forged, otherEnvelope]) {
      negotiations.put(id, variant)
      expect(await wallet.negotiations()).toEqual([])
      expect(negotiations.get(id)).toBe(variant)
    }
    // accept finds no acceptance it can send again: it signs a new one, which the vendor takes
    // (the first never reached it).
    const { agreement } = await wallet.accept(offers[0]!)
    expect(agreement.signers).toHaveLength(2)
  })

  test('a negotiation that can no longer move is deleted (an expired offer); an acceptance in flight never is, for its age', async () => {
    const vendor = track(await startVendor())
    const negotiations = new MemoryNegotiationStore()
    const wallet = Wallet.create({ stores: { negotiations } })
    await wallet.cast(intentBody(), [vendor.origin])
    const later = new Date(Date.now() + 2 * 3_600_000)
    expect(await wallet.negotiations()).toHaveLength(1)
    expect(await wallet.negotiations({ now: later })).toEqual([])
    expect(negotiations.size).toBe(0)

    await wallet.cast(intentBody(), [vendor.origin])
    const [fresh] = await wallet.negotiations()
    await expect(wallet.accept(fresh!, { fetch: offline, retries: 0 })).rejects.toMatchObject({
      code: 'ERR_UNREACHABLE',
    })
    expect((await wallet.negotiations()).map((n) => n.accepting)).toEqual([true])
    // Two hours on the acceptance has expired, but the vendor would still answer its bytes.
    expect((await wallet.negotiations({ now: later })).map((n) => n.accepting)).toEqual([true])
    // A year on, still: the vendor answers those bytes with its agreement for as long as it keeps
    // the record, and they are the customer's only way back to it.
    const yearOn = new Date((fresh!.thread.intent.payload.exp + 365 * 86_400) * 1000)
    expect((await wallet.negotiations({ now: yearOn })).map((n) => n.accepting)).toEqual([true])
    expect(negotiations.size).toBe(1)
  })
})

describe('options', () => {
  const invalid = (f: () => unknown): void => {
    expect(f).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
  }

  test('a Wallet takes stores only, each with the methods the wallet calls', () => {
    const secret = new Uint8Array(32).fill(1)
    const negotiations = new MemoryNegotiationStore()
    const agreements = new MemoryAgreementStore()
    invalid(() => Wallet.create(null as never))
    invalid(() => Wallet.create({ store: { negotiations } } as never))
    invalid(() => Wallet.create({ stores: null } as never))
    invalid(() => Wallet.create({ stores: { threads: negotiations } } as never))
    invalid(() => Wallet.create({ stores: { negotiations: {} } } as never))
    invalid(() => Wallet.create({ stores: { negotiations: { ...negotiations, list: undefined } } } as never))
    invalid(() => Wallet.create({ stores: { agreements: { put() {}, get() {} } } } as never))
    invalid(() => Wallet.create({ stores: { agreements: 'redis' } } as never))
    invalid(() => Wallet.fromSecret(secret, {}, { stores: { negotiations }, casts: 3 } as never))
    // What is given is used, as given.
    expect(Wallet.fromSecret(secret, {}, { stores: { negotiations, agreements } }).agreements).toBe(agreements)
    expect(Wallet.create().agreements).toBeInstanceOf(MemoryAgreementStore)
    expect(Wallet.create({ stores: {} }).agreements).not.toBe(Wallet.create().agreements)
  })

  test('negotiations takes a valid now only', async () => {
    const wallet = Wallet.create()
    for (const bad of [null, { now: new Date(Number.NaN) }, { now: Date.now() }, { at: new Date() }]) {
      await expect(wallet.negotiations(bad as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    }
    expect(await wallet.negotiations({ now: new Date() })).toEqual([])
  })

  test('MemoryNegotiationStore takes positive whole bounds, and strings', () => {
    for (const bad of [null, { maxBytes: 0 }, { maxBytes: Number.NaN }, { maxNegotiations: 1.5 }, { max: 3 }]) {
      invalid(() => new MemoryNegotiationStore(bad as never))
    }
    const store = new MemoryNegotiationStore()
    invalid(() => store.put(1 as never, 'x'))
    invalid(() => store.put('x', { record: 1 } as never))
  })
})

describe('MemoryNegotiationStore stays within its bounds', () => {
  test('by count: the record written longest ago goes first; rewriting one makes it the newest', () => {
    const store = new MemoryNegotiationStore({ maxNegotiations: 3 })
    for (const id of ['a', 'b', 'c', 'd']) store.put(id, `record ${id}`)
    expect(store.list().map(([id]) => id)).toEqual(['b', 'c', 'd'])
    store.put('b', 'record b2')
    store.put('e', 'record e')
    expect(store.list()).toEqual([
      ['d', 'record d'],
      ['b', 'record b2'],
      ['e', 'record e'],
    ])
    expect(store.size).toBe(3)
  })

  test('by size: ids and records are counted, and one larger than the bound is not kept', () => {
    const store = new MemoryNegotiationStore({ maxBytes: 100 })
    const record = 'x'.repeat(39)
    store.put('a', record)
    store.put('b', record)
    expect(store.bytes).toBe(80)
    store.put('c', record)
    expect(store.list().map(([id]) => id)).toEqual(['b', 'c'])
    expect(store.bytes).toBe(80)
    store.put('b', 'short')
    expect(store.bytes).toBe(46)
    store.delete('b')
    store.delete('nothing here')
    expect(store.bytes).toBe(40)
    store.put('huge', 'x'.repeat(200))
    expect(store.get('huge')).toBeUndefined()
    expect(store.bytes).toBeLessThanOrEqual(100)
  })

  test('a wallet over a small store keeps the newest negotiations and still works', async () => {
    const vendors = await Promise.all([1, 2, 3].map(() => startVendor().then(track)))
    const negotiations = new MemoryNegotiationStore({ maxNegotiations: 2 })
    const wallet = Wallet.create({ stores: { negotiations } })
    await wallet.cast(intentBody(), [vendors[0]!.origin])
    await wallet.cast(intentBody(), [vendors[1]!.origin])
    await wallet.cast(intentBody(), [vendors[2]!.origin])
    const open = await wallet.negotiations()
    expect(open.map((n) => n.vendor.origin)).toEqual([vendors[1]!.origin, vendors[2]!.origin])
    expect(negotiations.size).toBe(2)
  })
})
