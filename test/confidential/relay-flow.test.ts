/**
 * Through a relay, in both bindings: a counter that discloses a precise want and an acceptance
 * with contact details reach the vendor, which is told exactly what was disclosed.
 */
import { afterEach, expect, test } from 'vitest'
import type { AcceptanceContext, CounterContext } from '../../src/vendor/index.js'
import { Wallet } from '../../src/wallet/index.js'
import { dealAt, intentBody, type Running } from '../wallet/support.js'
import { startRelay, startRelayedVendor } from '../wallet/relay-support.js'

const running: Running[] = []
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.close()
})

for (const format of ['jws', 'cose'] as const) {
  test(`${format}: counter with disclose and accept with details through a relay`, async () => {
    const relay = await startRelay()
    running.push(relay)
    const counters: CounterContext['disclosed'][] = []
    const accepted: AcceptanceContext['disclosed'][] = []
    const vendor = await startRelayedVendor(relay, {
      onCounter: (_c, { disclosed }) => (counters.push(disclosed), 'agree'),
      onAcceptance: (_a, { disclosed }) => void accepted.push(disclosed),
    })
    running.push(vendor)
    const wallet = Wallet.create()
    const cast = await wallet.cast(intentBody(), [{ relay: relay.url }], {
      format,
      collectMs: 3_000,
      precise: { region: '10115 Berlin, Invalidenstr. 1' },
    })
    expect(cast.offers).toHaveLength(1)
    const { reply } = await wallet.counter(cast.offers[0]!, dealAt('1850.00'), {
      disclose: ['region'],
      timeoutMs: 5_000,
    })
    expect(counters).toEqual([{ precise: { region: '10115 Berlin, Invalidenstr. 1' } }])
    const { agreement } = await wallet.accept(reply!, { details: { email: 'ada@example.org' }, timeoutMs: 5_000 })
    expect(accepted).toEqual([{ details: { email: 'ada@example.org' } }])
    expect(agreement.payload.details).toBeDefined()
    expect(vendor.errors).toEqual([])
  })
}
