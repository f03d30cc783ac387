/**
 * Finishing a negotiation from the shell: `cast --save`, then `counter` and `accept` against demo
 * vendors on loopback, through the real CLI (in-process) and real HTTP, ending in an agreement
 * both sides signed and the vendor countersigned.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startDemoVendor, type DemoVendor, type VendorEvent } from '../../src/cli/demo-vendor.js'
import { verify, type IntentBody, type TermSet } from '../../src/index.js'
import { recordingProxy } from './recording-proxy.js'
import { run, scratch } from './support.js'

const { dir, file } = scratch('intentcast-cli-negotiation-')
const JWS = 'application/intentcast+jws'
const SEALED = 'application/intentcast+jwe'

const retention = (days: string) => ({ id: 'retention-days', value: days, unit: 'day' })
const mine: TermSet = { agreements: ['SD-BASE'], strict: true, conditions: [retention('30')] }
const want: IntentBody = {
  want: { item: { name: 'cargo bike' }, quantity: 1, maxPrice: { amount: '2000.00', currency: 'EUR' } },
  terms: mine,
}

const closing: Array<{ close(): Promise<void> }> = []
afterAll(async () => {
  await Promise.all(closing.map((c) => c.close()))
})

async function vendor(options: Parameters<typeof startDemoVendor>[0]): Promise<DemoVendor> {
  const v = await startDemoVendor(options)
  closing.push(v)
  return v
}

describe('cast --save, counter, accept', () => {
  it('finishes a negotiation: the counter answered, the agreement verified and kept; every move sealed', async () => {
    const events: VendorEvent[] = []
    const partial = await vendor({
      name: 'Partial Bikes',
      terms: { agreements: ['SD-BASE'], conditions: [retention('90')] },
      price: '1750.00',
      floor: '1700.00',
      onEvent: (e) => events.push(e),
    })
    const proxy = await recordingProxy(partial.origin)
    closing.push(proxy)
    const state = join(dir, 'e2e.json')

    const cast = await run('cast', file('want.json', want), proxy.origin, '--save', state)
    expect(cast.code).toBe(0)
    expect(cast.stdout.split('\n')[0]).toMatch(
      /^casting 1 × cargo bike, at most 2000\.00 EUR \(signed by did:key:z6Mk.*, a fresh key\) to 1 vendor$/,
    )
    expect(cast.stdout).toContain(`saved the intent and 1 offer in ${state}, with the wallet that signed it`)
    expect(cast.stdout).toContain(`intentcast counter --state ${state} --offer <n> --price <amount>`)
    // It holds the wallet's secret: its owner's alone.
    expect(statSync(state).mode & 0o077).toBe(0)
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({
      format: 'intentcast-cli-state',
      v: 1,
      casts: 1,
      offers: [{ n: 1, vendor: proxy.origin, excluded: false, score: expect.any(Number) }],
    })

    const counter = await run('counter', '--state', state, '--offer', '1', '--price', '1720.00', '--note', 'At 1720?')
    expect(counter.stderr).toBe('')
    expect(counter.code).toBe(0)
    expect(counter.stdout).toContain(`counter to offer 1 from ${proxy.origin}`)
    expect(counter.stdout).toContain('theirs   offer 1 × cargo bike for 1750.00 EUR; SD-BASE; data retention 90 days')
    // The price given, and the term the vendor could move on moved to the customer's.
    expect(counter.stdout).toMatch(
      /yours {4}1 × cargo bike for 1720\.00 EUR; SD-BASE; data retention 30 days {2}\(counter .*, signed, sent sealed to the vendor\)/,
    )
    expect(counter.stdout).toContain(
      'answer   counter 1 × cargo bike for 1720.00 EUR; SD-BASE; data retention 30 days  ✓ verified',
    )
    expect(counter.stdout).toContain(`it meets your terms: intentcast accept --state ${state} --offer 1`)

    const out = join(dir, 'agreement.jws')
    const accept = await run('accept', '--state', state, '--offer', '1', '--out', out)
    expect(accept.stderr).toBe('')
    expect(accept.code).toBe(0)
    const agreement = await verify(readFileSync(out, 'utf8').trim(), { expect: 'agreement' })
    expect(agreement.signers[1]).toBe(partial.did)
    expect(agreement.payload).toMatchObject({
      item: { name: 'cargo bike' },
      price: { amount: '1720.00', currency: 'EUR' },
      terms: { agreement: 'SD-BASE', conditions: [retention('30')] },
    })
    expect(accept.stdout).toContain(`agreement ${agreement.digest}\n`)
    expect(accept.stdout).toContain('deal      1 × cargo bike for 1720.00 EUR; SD-BASE; data retention 30 days')
    expect(accept.stdout).toContain(`written to ${out}`)
    // The vendor countersigned that very agreement.
    expect(events.map((e) => [e.event, 'answer' in e ? e.answer : undefined])).toEqual([
      ['intent', undefined],
      ['counter', 'agree'],
      ['agreement', undefined],
    ])
    expect(events[2]).toMatchObject({ digest: agreement.digest, price: { amount: '1720.00' } })
    // The file the CLI wrote passes its own verify and inspect.
    expect((await run('verify', out, '--expect', 'agreement')).code).toBe(0)
    expect((await run('inspect', out)).stdout).toContain(`agreement ${agreement.digest}`)

    // Every move after the intent went sealed to the vendor, and every answer sealed to the cast.
    expect(proxy.posts.map((p) => [p.sent.split(';')[0], p.answered.split(';')[0]])).toEqual([
      [JWS, SEALED], // the intent, which a vendor must read to match; its offer
      [SEALED, SEALED], // the counter; the vendor's counter
      [SEALED, SEALED], // the acceptance with the agreement; the countersigned agreement
    ])

    // The state keeps the agreement with its thread, and no open negotiation.
    const kept = JSON.parse(readFileSync(state, 'utf8'))
    expect(kept.negotiations).toEqual({})
    expect(kept.agreements).toHaveLength(1)
    // Accepting again prints the agreement kept, and sends nothing.
    const again = await run('accept', '--state', state, '--offer', '1', '--json')
    expect(again.code).toBe(0)
    const doc = JSON.parse(again.stdout)
    expect(doc).toMatchObject({ made: 'before', offer: 1, agreement: { digest: agreement.digest } })
    expect(doc.thread.map((m: { kind: string }) => m.kind)).toEqual([
      'intent',
      'offer',
      'counter',
      'counter',
      'acceptance',
      'agreement',
    ])
    expect(proxy.posts).toHaveLength(3)
  })

  it('keeps the offers a hard limit excluded, with their reasons, and counters them', async () => {
    const lit = await vendor({ terms: { agreements: ['SD-BASE'], conditions: [retention('30')] }, price: '1890.00' })
    const over = await vendor({ terms: { agreements: ['SD-BASE'] }, price: '2100.00', floor: '1900.00' })
    const atp = await vendor({ terms: { agreements: ['SD-BASE-ATP'] }, price: '1500.00' })
    const state = join(dir, 'excluded.json')
    const cast = await run(
      'cast',
      file('want2.json', want),
      lit.origin,
      over.origin,
      atp.origin,
      '--save',
      state,
      '--json',
    )
    expect(cast.code).toBe(0)
    const doc = JSON.parse(cast.stdout)
    expect(Object.keys(doc).sort()).toEqual(['excluded', 'failures', 'intent', 'offers', 'pending', 'relays', 'state'])
    expect(doc.state).toBe(state)
    expect(doc.offers).toMatchObject([{ rank: 1, vendor: lit.origin }])
    expect(doc.excluded).toHaveLength(2)
    const n = (origin: string): number => doc.excluded.find((x: { vendor: string }) => x.vendor === origin).n
    expect([n(over.origin), n(atp.origin)].sort()).toEqual([2, 3])
    const saved = JSON.parse(readFileSync(state, 'utf8')).offers
    expect(saved.find((o: { n: number }) => o.n === n(over.origin))).toMatchObject({
      vendor: over.origin,
      excluded: true,
      reasons: ['The vendor states price of 2100.00 EUR; you allow at most 2000.00 EUR.'],
    })
    expect(saved.find((o: { n: number }) => o.n === n(atp.origin)).reasons.join(' ')).toContain('SD-BASE-ATP')

    // Over the maximum price: the counter `negotiate` works out asks for the maximum, which this vendor takes.
    const c = await run('counter', '--state', state, '--offer', String(n(over.origin)), '--json')
    expect(c.code).toBe(0)
    const countered = JSON.parse(c.stdout)
    expect(Object.keys(countered).sort()).toEqual(['counter', 'countered', 'offer', 'reply', 'state', 'vendor'])
    expect(Object.keys(countered.reply).sort()).toEqual(['digest', 'issuer', 'message', 'outcome', 'payload'])
    expect(countered).toMatchObject({
      offer: n(over.origin),
      vendor: over.origin,
      countered: { kind: 'offer' },
      counter: { payload: { price: { amount: '2000.00', currency: 'EUR' } } },
      reply: { issuer: over.did, outcome: 'agreed', payload: { price: { amount: '2000.00' } } },
    })
    // Named by its vendor, the negotiation accepts the vendor's counter, its latest proposal.
    const a = await run('accept', '--state', state, '--offer', over.origin, '--json')
    expect(a.code).toBe(0)
    const accepted = JSON.parse(a.stdout)
    expect(Object.keys(accepted).sort()).toEqual(['agreement', 'made', 'offer', 'state', 'thread', 'vendor'])
    expect(Object.keys(accepted.agreement).sort()).toEqual(['digest', 'message', 'payload', 'signers'])
    expect((await verify(accepted.agreement.message, { expect: 'agreement' })).digest).toBe(accepted.agreement.digest)
    expect(accepted).toMatchObject({
      made: 'now',
      offer: n(over.origin),
      agreement: { signers: [expect.any(String), over.did], payload: { price: { amount: '2000.00' } } },
    })

    // An agreement outside the customer's strict list: no counter repeats the vendor's deal ...
    const same = await run('counter', '--state', state, '--offer', String(n(atp.origin)))
    expect(same.code).toBe(1)
    expect(same.stderr).toBe(
      `intentcast counter: ERR_INVALID_ARGUMENT: the counter would repeat the vendor's deal: accept offer ${n(atp.origin)} as it stands, or change --price, --agreement, …\n`,
    )
    // ... but one can ask for another agreement; this vendor takes only its own, and has no answer yet.
    const other = await run('counter', '--state', state, '--offer', String(n(atp.origin)), '--agreement', 'SD-BASE')
    expect(other.code).toBe(0)
    expect(other.stdout).toMatch(/yours {4}1 × cargo bike for 1500\.00 EUR; SD-BASE {2}\(counter/)
    expect(other.stdout).toContain('answer   none yet (202)')
    // The offer stays open, and can still be accepted.
    const atpAccepted = await run('accept', '--state', state, '--offer', String(n(atp.origin)), '--json')
    expect(JSON.parse(atpAccepted.stdout).agreement.payload.terms.agreement).toBe('SD-BASE-ATP')
  })

  it('--save <dir>: the intent and every offer by number for `negotiate`, and state.json for `counter`', async () => {
    const partial = await vendor({
      terms: { agreements: ['SD-BASE'], conditions: [retention('90')] },
      price: '1750.00',
    })
    const over = await vendor({ terms: { agreements: ['SD-BASE'] }, price: '2100.00' })
    const save = join(dir, 'cast-dir')
    const cast = await run('cast', file('want3.json', want), partial.origin, over.origin, '--save', save)
    expect(cast.code).toBe(0)
    expect(readdirSync(save).sort()).toEqual(['intent.jws', 'offer-1.jws', 'offer-2.jws', 'state.json'])
    expect(cast.stdout).toMatch(/excluded \(breaks a hard limit; a counter may settle it\)\n {2}2\. http/)
    const body = join(dir, 'counter-body.json')
    const n = await run('negotiate', join(save, 'intent.jws'), join(save, 'offer-2.jws'), '--out', body, '--json')
    expect(JSON.parse(n.stdout)).toMatchObject({ outcome: 'counter', counter: { price: { amount: '2000.00' } } })
    // The body `negotiate --out` wrote is a deal `counter --deal` sends.
    const d = await run('counter', '--state', save, '--offer', '2', '--deal', body, '--json')
    expect(d.code).toBe(0)
    expect(JSON.parse(d.stdout)).toMatchObject({ offer: 2, counter: { payload: { price: { amount: '2000.00' } } } })

    // The directory stands for its state.json; a digest's first characters name the offer.
    const digest = (await verify(readFileSync(join(save, 'offer-1.jws'), 'utf8').trim())).digest
    const c = await run('counter', '--state', save, '--offer', digest.slice(0, 8), '--price', '1700.00', '--json')
    expect(c.code).toBe(0)
    // The demo vendor's floor is its price: no answer yet.
    expect(JSON.parse(c.stdout)).toMatchObject({ offer: 1, countered: { digest }, reply: null })
  })
})
