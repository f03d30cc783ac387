/**
 * A later offer (`handler.offer`) made again is the same sealed bytes (src/seal/seal.ts
 * `sealOnce`), so the relay, which keeps a body once by its digest, holds it once.
 */
import { afterEach, expect, test } from 'vitest'
import { signAccess, type Verified } from '../../src/index.js'
import { Wallet } from '../../src/wallet/index.js'
import { offerFor, intentBody, startVendor, type Running } from '../wallet/support.js'
import { startRelay } from '../wallet/relay-support.js'

const running: Running[] = []
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.close()
})

test('the same later offer, posted twice, is one entry in the cast mailbox', async () => {
  const relay = await startRelay()
  running.push(relay)
  const waiting: Verified<'intent'>[] = []
  const slow = await startVendor({ onIntent: (i) => (waiting.push(i), null), relays: [relay.url] })
  running.push(slow)
  const wallet = Wallet.create()
  const cast = await wallet.cast(intentBody(), [slow.origin, { relay: relay.url }], { collectMs: 100 })
  const intent = waiting[0]!
  const first = await slow.handler.offer(intent, offerFor('1700.00')(intent))
  const again = await slow.handler.offer(intent, offerFor('1700.00')(intent))
  expect(again).toEqual(first) // the vendor gives back the same signed offer ...

  const castKey = await wallet.castKey(cast.castIndex)
  const url = `${relay.url}/mailboxes/${castKey.did}`
  const res = await fetch(url, {
    headers: { authorization: `Intentcast ${await signAccess(castKey, { audience: url })}` },
  })
  const { entries } = (await res.json()) as { entries: Array<{ seq: number; type: string }> }
  // ... but the relay now holds it twice.
  expect(entries).toHaveLength(1)
})
