/**
 * `cast --save`, `counter` and `accept` when something is wrong: every failure is one line on
 * standard error with its code, never a stack trace, and an acceptance whose answer was lost is
 * fetched again with the very same bytes.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoVendor, type DemoVendor, type VendorEvent } from '../../src/cli/demo-vendor.js'
import { generateKeyPair, signIntent, type IntentBody } from '../../src/index.js'
import { recordingProxy } from './recording-proxy.js'
import { run, scratch } from './support.js'

const { dir, file } = scratch('intentcast-cli-negotiation-errors-')
const want: IntentBody = {
  want: { item: { name: 'cargo bike' }, maxPrice: { amount: '2000.00', currency: 'EUR' } },
  terms: { agreements: ['SD-BASE'] },
}

/** One line with the command and the code, and nothing else: no stack trace. */
function oneLine(r: { code: number; stdout: string; stderr: string }, command: string, code: string): string {
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  expect(r.stderr).toMatch(new RegExp(`^intentcast ${command}: ${code}: [^\\n]+\\n$`))
  return r.stderr.slice(`intentcast ${command}: ${code}: `.length, -1)
}

let events: VendorEvent[]
let vendor: DemoVendor
let proxy: Awaited<ReturnType<typeof recordingProxy>>
let state: string

beforeAll(async () => {
  events = []
  vendor = await startDemoVendor({ price: '1800.00', onEvent: (e) => events.push(e) })
  proxy = await recordingProxy(vendor.origin)
  state = join(dir, 'state.json')
  expect((await run('cast', file('want.json', want), proxy.origin, '--save', state)).code).toBe(0)
})
afterAll(async () => {
  await proxy.close()
  await vendor.close()
})

describe('counter and accept refuse what they cannot use', () => {
  it('a missing, unreadable or foreign state', async () => {
    expect(oneLine(await run('counter', '--offer', '1'), 'counter', 'ERR_INVALID_ARGUMENT')).toBe(
      'counter needs --state <file> from `intentcast cast --save`',
    )
    const missing = join(dir, 'nowhere.json')
    expect(oneLine(await run('accept', '--state', missing, '--offer', '1'), 'accept', 'ERR_INVALID_ARGUMENT')).toBe(
      `cannot read ${missing}`,
    )
    const foreign = file('foreign.json', { agreements: ['SD-BASE'] })
    expect(oneLine(await run('counter', '--state', foreign, '--offer', '1'), 'counter', 'ERR_INVALID_ARGUMENT')).toBe(
      `${foreign} is not a negotiation state written by \`intentcast cast --save\` (no "format": "intentcast-cli-state")`,
    )
    const text = file('text.json', 'not json')
    expect(oneLine(await run('accept', '--state', text, '--offer', '1'), 'accept', 'ERR_INVALID_ARGUMENT')).toBe(
      `${text} is not JSON`,
    )
  })

  it('an offer the state does not hold, or a bad option', async () => {
    expect(oneLine(await run('accept', '--state', state), 'accept', 'ERR_INVALID_ARGUMENT')).toBe(
      `accept needs --offer <n, digest or vendor>; ${state} holds offers 1 to 1`,
    )
    expect(oneLine(await run('counter', '--state', state, '--offer', '9'), 'counter', 'ERR_INVALID_ARGUMENT')).toBe(
      `--offer 9: ${state} holds offers 1 to 1`,
    )
    expect(
      oneLine(await run('counter', '--state', state, '--offer', 'zzzzzzzz'), 'counter', 'ERR_INVALID_ARGUMENT'),
    ).toBe(`--offer zzzzzzzz: no offer or move in ${state} has a digest starting so`)
    expect(oneLine(await run('counter', '--state', state, '--offer', 'a b'), 'counter', 'ERR_INVALID_ARGUMENT')).toBe(
      "--offer takes the offer's number, a digest, or the vendor's origin or DID, not a b",
    )
    expect(
      oneLine(
        await run('counter', '--state', state, '--offer', 'http://127.0.0.1:1'),
        'counter',
        'ERR_INVALID_ARGUMENT',
      ),
    ).toBe('--offer http://127.0.0.1:1: no offer from that vendor')
    expect(
      oneLine(
        await run('counter', '--state', state, '--offer', '1', '--price', 'cheap'),
        'counter',
        'ERR_INVALID_ARGUMENT',
      ),
    ).toBe('--price must be a decimal amount such as 1800.00')
    expect(
      oneLine(
        await run('counter', '--state', state, '--offer', '1', '--deliver-by', 'friday'),
        'counter',
        'ERR_INVALID_ARGUMENT',
      ),
    ).toMatch(/^deal: deliverBy: /)
    expect(
      oneLine(
        await run('accept', '--state', state, '--offer', '1', '--timeout', 'soon'),
        'accept',
        'ERR_INVALID_ARGUMENT',
      ),
    ).toBe('--timeout must be a positive whole number')
    const details = file('details.json', { phone: 42 })
    expect(
      oneLine(
        await run('accept', '--state', state, '--offer', '1', '--details', details),
        'accept',
        'ERR_INVALID_ARGUMENT',
      ),
    ).toMatch(/^details: /)
    // --out naming the state file would write the agreement over the wallet's secret.
    expect(
      oneLine(await run('accept', '--state', state, '--offer', '1', '--out', state), 'accept', 'ERR_INVALID_ARGUMENT'),
    ).toBe(`--out ${state} is the state file; write the agreement elsewhere`)
    // Nothing was sent for any of them: the vendor saw the intent only.
    expect(events.map((e) => e.event)).toEqual(['intent'])
  })

  it('cast --save <file>.json: only for a body signed by its wallet, and never over a file', async () => {
    const key = file('k.jwk', (await generateKeyPair()).privateJwk)
    expect(
      oneLine(
        await run('cast', file('w2.json', want), vendor.origin, '--key', key, '--save', join(dir, 'k.json')),
        'cast',
        'ERR_INVALID_ARGUMENT',
      ),
    ).toMatch(/^--save .*k\.json keeps the wallet that signs the intent and every move after it: give an intent body/)
    const signed = await signIntent(want, await generateKeyPair())
    expect(
      oneLine(await run('cast', signed, vendor.origin, '--save', join(dir, 's.json')), 'cast', 'ERR_INVALID_ARGUMENT'),
    ).toMatch(/keeps the wallet that signs the intent/)
    expect(
      oneLine(await run('cast', file('w3.json', want), vendor.origin, '--save', state), 'cast', 'ERR_INVALID_ARGUMENT'),
    ).toBe(`${state} exists, and may hold a negotiation in progress; choose another path or remove it`)
    // A cast that fails leaves no state behind, so the same command can run again.
    const bad = join(dir, 'bad-terms.json')
    const refused = await run(
      'cast',
      file('w5.json', { ...want, terms: { agreements: ['NOPE'] } }),
      vendor.origin,
      '--save',
      bad,
    )
    expect(oneLine(refused, 'cast', 'ERR_INVALID_ARGUMENT')).toBe(
      'invalid intent: terms.agreements.0: an IEEE 7012 agreement from the roster, such as "SD-BASE", or its DPV IRI',
    )
    expect(existsSync(bad)).toBe(false)
    // A directory saved with --key holds the messages, for `negotiate`, and no wallet to go on with.
    const saved = join(dir, 'with-key')
    expect((await run('cast', file('w4.json', want), vendor.origin, '--key', key, '--save', saved)).code).toBe(0)
    expect(oneLine(await run('counter', '--state', saved, '--offer', '1'), 'counter', 'ERR_INVALID_ARGUMENT')).toBe(
      `${saved} holds no state.json: \`cast --save\` keeps one for an intent body it signs itself, without --key`,
    )
    expect(events.map((e) => e.event)).toEqual(['intent', 'intent'])
  })
})

describe('an acceptance whose answer was lost', () => {
  it('is kept in the state and sent again, byte for byte, which fetches the agreement', async () => {
    proxy.control.lose = true
    const lost = await run('accept', '--state', state, '--offer', '1', '--timeout', '3000')
    proxy.control.lose = false
    expect(oneLine(lost, 'accept', 'ERR_UNREACHABLE')).toMatch(
      new RegExp(
        `^could not reach ${proxy.origin}.*; the acceptance is kept in ${state}: run this accept again to fetch the agreement$`,
      ),
    )
    // The vendor countersigned, and the state holds the acceptance in flight.
    expect(events.filter((e) => e.event === 'agreement')).toHaveLength(1)
    const record = Object.values(JSON.parse(readFileSync(state, 'utf8')).negotiations)[0] as string
    expect(JSON.parse(record).agreement).toBeDefined()
    // A counter now would start a second answer to the same offer.
    expect(
      oneLine(
        await run('counter', '--state', state, '--offer', '1', '--price', '1700.00'),
        'counter',
        'ERR_INVALID_ARGUMENT',
      ),
    ).toBe('an acceptance of offer 1 is in flight: run `intentcast accept` again to fetch its agreement')
    const sent = proxy.posts.length
    const again = await run('accept', '--state', state, '--offer', '1', '--json')
    expect(again.stderr).toBe('')
    expect(again.code).toBe(0)
    const doc = JSON.parse(again.stdout)
    expect(doc).toMatchObject({ made: 'resent', agreement: { digest: (events.at(-1) as { digest: string }).digest } })
    expect(proxy.posts.length).toBe(sent + 1)
    // The vendor answered the same bytes from its store: it countersigned once.
    expect(events.filter((e) => e.event === 'agreement')).toHaveLength(1)
    expect(
      oneLine(
        await run('counter', '--state', state, '--offer', '1', '--price', '1700.00'),
        'counter',
        'ERR_INVALID_ARGUMENT',
      ),
    ).toBe(`offer 1 already ended in agreement ${doc.agreement.digest}: there is nothing to counter`)
  })
})
