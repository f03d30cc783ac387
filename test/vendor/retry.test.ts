/**
 * Retries (issue 9, findings 3, 5 and 6; spec §HTTP binding, Retries): the same bytes sent again
 * get the answer they got the first time, whoever sends them and whatever the replay store has
 * forgotten. Each test failed before: with ERR_REPLAY, or with a second thread over the first.
 */
import { describe, expect, test, vi } from 'vitest'
import { generateKeyPair, MemoryReplayStore, signIntent, verify } from '../../src/index.js'
import { createVendorHandler, MemoryThreadStore } from '../../src/vendor/index.js'
import { acceptanceFor, intentBody, offerFor, postTo, vendorOptions } from './support.js'

async function started(replay = new MemoryReplayStore()) {
  const key = await generateKeyPair()
  const threads = new MemoryThreadStore()
  let decided = 0
  const handler = createVendorHandler(
    vendorOptions(key, '1900.00', {
      stores: { replay, threads },
      on: { intent: (intent) => (decided++, offerFor('1900.00')(intent)) },
    }),
  )
  await handler.ready
  return { key, handler, threads, decided: () => decided }
}

/** The customer's acceptance of `offer` and its half-signed agreement, joined as one body. */
const accepting = (customer: Awaited<ReturnType<typeof generateKeyPair>>, intent: string, offer: string) =>
  acceptanceFor(customer, [intent, offer])

describe('the same bytes again get the first answer', () => {
  test('a lost countersigned agreement is fetched again by sending the same acceptance (finding 5)', async () => {
    const { handler } = await started()
    const customer = await generateKeyPair()
    const intent = await signIntent(intentBody(), customer)
    const offer = await (await postTo(handler, intent)).text()
    const body = await accepting(customer, intent, offer)
    const first = await postTo(handler, body)
    expect(first.status).toBe(200)
    const agreement = await first.text() // imagine this answer lost on the way
    const again = await postTo(handler, body)
    expect(again.status).toBe(200)
    expect(await again.text()).toBe(agreement)
    expect((await verify(agreement, { expect: 'agreement' })).signers).toHaveLength(2)
  })

  test('a lost agreement is fetched again after the acceptance itself has expired', async () => {
    const { handler } = await started()
    const customer = await generateKeyPair()
    const intent = await signIntent(intentBody(), customer)
    const offer = await (await postTo(handler, intent)).text()
    const body = await acceptanceFor(customer, [intent, offer])
    const agreement = await (await postTo(handler, body)).text()
    const acceptance = await verify(body.split('\n')[0]!, { expect: 'acceptance' })
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime((acceptance.payload.exp! + 600) * 1000) // ten minutes after it expired
      const again = await postTo(handler, body)
      expect(again.status).toBe(200)
      expect(await again.text()).toBe(agreement)
    } finally {
      vi.useRealTimers()
    }
  })

  test('a competitor that forwards a broadcast intent first does not block the customer (finding 6)', async () => {
    const { handler, decided } = await started()
    const intent = await signIntent(intentBody(), await generateKeyPair())
    const forwarded = await postTo(handler, intent) // the competitor, first
    const own = await postTo(handler, intent) // the customer's own delivery
    expect(own.status).toBe(200)
    expect(await own.text()).toBe(await forwarded.text())
    expect(decided()).toBe(1)
  })

  test('an intent the replay store has forgotten never opens a second thread (finding 3)', async () => {
    const { handler, threads, decided } = await started(new MemoryReplayStore({ maxEntries: 10 }))
    const customer = await generateKeyPair()
    const intent = await signIntent(intentBody(), customer)
    const offer = await (await postTo(handler, intent)).text()
    expect((await postTo(handler, await accepting(customer, intent, offer))).status).toBe(200)
    // A flood of cheap, valid intents makes the bounded replay store forget the first one.
    for (let i = 0; i < 30; i++)
      expect((await postTo(handler, await signIntent(intentBody(), customer))).status).toBe(200)
    const again = await postTo(handler, intent)
    expect(again.status).toBe(200)
    expect(await again.text()).toBe(offer)
    expect(decided()).toBe(31)
    const digest = (await verify(intent, { expect: 'intent' })).digest
    expect(threads.get(digest)?.state()).toBe('agreed')
  })
})
