/**
 * Attacks on the move pipeline with in-memory stores, from a hostile review (issue 9): strangers
 * occupying a thread's lock, agreements outliving the thread store, a second agreement after a
 * failed write, answers from the record, and hostile thread records. Each failed before its fix.
 */
import { describe, expect, test } from 'vitest'
import {
  generateKeyPair,
  MemoryAgreementStore,
  signCounter,
  signWithdrawal,
  decodeThread,
  verify,
} from '../../src/index.js'
import { createVendorHandler, MemoryThreadStore, type ThreadStore } from '../../src/vendor/index.js'
import { acceptanceFor, freshIntent, postTo, vendorOptions } from './support.js'

/** A MemoryThreadStore whose lock (a no-op here) counts who takes it: a shared store's lock is a write. */
function spiedStore(inner = new MemoryThreadStore()) {
  const locks: string[] = []
  let failNextSet = false
  const store: ThreadStore = {
    get: (d) => inner.get(d),
    set: (t, e) => {
      if (failNextSet) {
        failNextSet = false
        throw new Error('Redis blip between agreements.put and threads.set')
      }
      return inner.set(t, e)
    },
    async lock(intent, task) {
      locks.push(intent)
      return task()
    },
  }
  return { store, locks, failNextSet: () => void (failNextSet = true) }
}

async function vendor(threads: ThreadStore, agreements = new MemoryAgreementStore(), extra = {}) {
  const key = await generateKeyPair()
  const errors: unknown[] = []
  const handler = createVendorHandler(
    vendorOptions(key, '1900.00', { stores: { threads, agreements }, on: { error: (e) => errors.push(e) }, ...extra }),
  )
  await handler.ready
  return { key, handler, errors, agreements }
}

async function opened(handler: (r: Request) => Promise<Response>) {
  const { intent, customer } = await freshIntent()
  const offer = await (await postTo(handler, intent)).text()
  return { intent, customer, offer, intentDigest: (await verify(intent, { expect: 'intent' })).digest }
}

/** A counter from a stranger's fresh key, naming a thread by its (public) intent digest only. */
async function strangerCounter(vendorDid: string, intentDigest: string): Promise<string> {
  return signCounter(
    {
      quantity: 1,
      price: { amount: '1.00', currency: 'EUR' },
      terms: { agreement: 'SD-BASE' },
      inReplyTo: intentDigest, // the stranger never saw the offer: anything will do
      intent: intentDigest,
    },
    await generateKeyPair(),
    { audience: vendorDid },
  )
}

describe('a stranger cannot occupy a thread it is no party to', () => {
  test("a stranger's counter on a public intent is refused without taking the thread's lock", async () => {
    const spy = spiedStore()
    const { key, handler } = await vendor(spy.store)
    const { intentDigest } = await opened(handler)
    const before = spy.locks.length
    const response = await postTo(handler, await strangerCounter(key.did, intentDigest))
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    expect(spy.locks.length - before).toBe(0)
  })
})

describe('agreements outlive the thread store', () => {
  test('an agreement can be withdrawn after its thread left the thread store', async () => {
    const { handler, agreements } = await vendor(new MemoryThreadStore({ maxThreads: 2 }))
    const { intent, customer, offer } = await opened(handler)
    const agreement = await (await postTo(handler, await acceptanceFor(customer, [intent, offer]))).text()
    const a = await verify(agreement, { expect: 'agreement' })
    for (let i = 0; i < 3; i++) await opened(handler) // anyone's intents push it out
    expect(agreements.get(a.digest)?.state()).toBe('agreed')
    const withdrawal = await signWithdrawal({ withdraws: a.digest, reason: 'terminated' }, customer, {
      audience: a.signers[1]!,
    })
    const response = await postTo(handler, withdrawal)
    expect(
      response.status,
      JSON.stringify(
        await response
          .clone()
          .json()
          .catch(() => null),
      ),
    ).toBe(204)
  })

  test('the agreement store records that an agreement was withdrawn', async () => {
    const { handler, agreements } = await vendor(new MemoryThreadStore())
    const { intent, customer, offer } = await opened(handler)
    const agreement = await (await postTo(handler, await acceptanceFor(customer, [intent, offer]))).text()
    const a = await verify(agreement, { expect: 'agreement' })
    const withdrawal = await signWithdrawal({ withdraws: a.digest, reason: 'terminated' }, customer, {
      audience: a.signers[1]!,
    })
    expect((await postTo(handler, withdrawal)).status).toBe(204)
    expect(agreements.get(a.digest)?.state()).toBe('terminated')
  })

  test('one thread never gets two agreements, even when storing the thread failed once', async () => {
    const spy = spiedStore()
    const { handler, agreements, errors } = await vendor(spy.store)
    const { intent, customer, offer } = await opened(handler)
    const first = await acceptanceFor(customer, [intent, offer])
    spy.failNextSet()
    expect((await postTo(handler, first)).status).toBe(500)
    expect(errors).toHaveLength(1)
    // The retry gets the agreement (from the agreement store): the customer holds an agreement.
    expect((await postTo(handler, first)).status).toBe(200)
    // A second acceptance of the same offer (new jti) is taken as if nothing had been agreed.
    const second = await postTo(handler, await acceptanceFor(customer, [intent, offer]))
    expect(second.status).toBe(409)
    expect(agreements.size).toBe(1)
  })
})

describe('stored answers check what they answer', () => {
  test('the agreement store answers acceptances only', async () => {
    const { handler } = await vendor(new MemoryThreadStore({ maxThreads: 1 }))
    const { intent, customer, offer } = await opened(handler)
    expect((await postTo(handler, await acceptanceFor(customer, [intent, offer]))).status).toBe(200)
    await opened(handler) // the agreed thread leaves the thread store
    const response = await postTo(handler, `${intent}\n${intent}`)
    expect(response.status).not.toBe(200)
  })
})

describe('a thread record written by someone with access to the store', () => {
  test('more than 256 messages is refused before any is decoded or verified', async () => {
    const { intent } = await freshIntent()
    // Were any verified first, the second copy would fail as a duplicate, or the junk as malformed JWS.
    const record = JSON.stringify({
      messages: [{ jws: intent }, ...Array.from({ length: 300 }, () => ({ jws: 'junk' }))],
    })
    await expect(decodeThread(record)).rejects.toMatchObject({ code: 'ERR_MALFORMED', message: /at most 256/ })
  })
})
