/**
 * `intentcast cast --relay` (spec §Relay binding, Casting to a relay): the command casts to the
 * relay beside the vendor sites, reads the intent's mailbox there with the intent's key, and
 * reports the vendors the relay reached. Against the real relay handler on loopback.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { generateKeyPair, signIntent } from '../../src/index.js'
import { run, scratch } from '../cli/support.js'
import { intentBody, startVendor, type Running } from './support.js'
import { startRelay, startRelayedVendor } from './relay-support.js'

const running: Running[] = []
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.close()
})
const track = <T extends Running>(r: T): T => (running.push(r), r)
const { file } = scratch('intentcast-cast-relay-')

describe('intentcast cast --relay', () => {
  test('an intent body is signed with replyTo the mailbox at the relay; the relayed offer ranks beside the direct one', async () => {
    const relay = track(await startRelay())
    const relayed = track(await startRelayedVendor(relay, { price: '1800.00' }))
    const direct = track(await startVendor({ price: '1900.00' }))
    const r = await run('cast', file('want.json', intentBody()), direct.origin, '--relay', `${relay.url}/`)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/ to 1 vendor and the relay http:\/\/127\.0\.0\.1:\d+\/relay$/)
    expect(r.stdout).toMatch(/⇢ http:\/\/127\.0\.0\.1:\d+\/relay +took the intent; delivered it to 1 vendor\n/)
    expect(r.stdout).toMatch(/✓ did:key:z6Mk\S+ +offer 1800\.00 EUR under SD-BASE through the relay/)
    expect(r.stdout).toMatch(/ {2}1\. did:key:z6Mk\S+ \(through the relay\) +1800\.00 EUR/)
    expect(r.stdout).toContain(`  2. ${direct.origin}  1900.00 EUR`)
    const json = await run('cast', file('want2.json', intentBody()), '--relay', relay.url, '--json')
    const doc = JSON.parse(json.stdout) as {
      intent: { message: string }
      offers: Array<{ vendor: string; relay?: string; did?: string }>
      relays: Array<{ relay: string; delivered: number }>
    }
    expect(doc.offers).toEqual([
      expect.objectContaining({ vendor: relay.origin, relay: relay.url, did: relayed.key.did }),
    ])
    expect(doc.relays).toEqual([expect.objectContaining({ relay: relay.url, delivered: 1 })])
  })

  test('a signed intent needs --key to read its mailbox; without a vendor or --relay there is nothing to cast to', async () => {
    const relay = track(await startRelay())
    const customer = await generateKeyPair()
    const intent = await signIntent({ ...intentBody(), replyTo: `${relay.url}/mailboxes/${customer.did}` }, customer)
    const r = await run('cast', intent, '--relay', relay.url)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^intentcast cast: ERR_INVALID_ARGUMENT: --relay reads the answers .* pass --key\n$/)
    const withKey = await run(
      'cast',
      intent,
      '--relay',
      relay.url,
      '--key',
      file('key.jwk', customer.privateJwk),
      '--collect',
      '300',
    )
    expect(withKey.stdout).toMatch(/delivered it to 0 vendors/)
    expect(withKey.code).toBe(1)
    expect((await run('cast', intent)).code).toBe(1)
  })
})
