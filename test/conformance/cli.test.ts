import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/main.js'
import { Wallet } from '../../src/wallet/index.js'
import { dealOf } from '../../src/index.js'
import { run } from '../cli/support.js'
import { intentBody, serve } from '../vendor/support.js'
import { BROKEN_VENDORS } from './broken-vendors.js'
import { referenceVendor } from './support.js'

describe('intentcast conformance vendor <url>', () => {
  it('prints the table against a live vendor and exits 0 when every check passes', async () => {
    // No configured origin: the document names the endpoint on the port it is served on.
    const { handler } = await referenceVendor({ http: {} })
    const vendor = await serve(handler)
    try {
      const human = await run('conformance', 'vendor', vendor.origin)
      expect(human.stderr).toBe('')
      expect(human.code).toBe(0)
      expect(human.stdout).toContain(`intentcast conformance, vendor mode: ${vendor.origin}`)
      expect(human.stdout).toMatch(/✓ hostile\.expired +§Verification \(step 18\); §HTTP binding, Problems/)
      expect(human.stdout).toContain('conformant: every check passed')
      const json = await run('conformance', 'vendor', vendor.origin, '--json', '--timeout', '5000')
      expect(json.code).toBe(0)
      const report = JSON.parse(json.stdout)
      expect(report).toMatchObject({ mode: 'vendor', passed: true })
      expect(report.checks.every((c: { section: string }) => c.section.startsWith('§'))).toBe(true)
    } finally {
      await vendor.close()
    }
  })

  it('exits 1 against a broken vendor, marking the failed check with what it expects and what came', async () => {
    const broken = BROKEN_VENDORS.find((b) => b.fails.includes('hostile.signature'))!
    const vendor = await serve(await broken.make({ http: {} }))
    try {
      const r = await run(
        'conformance',
        'vendor',
        'https://vendor.example'.replace('https://vendor.example', vendor.origin),
      )
      expect(r.code).toBe(1)
      expect(r.stdout).toContain('✗ hostile.signature')
      expect(r.stdout).toContain('expects: a bad signature is 401 ERR_SIGNATURE_INVALID')
      expect(r.stdout).toContain('got:     expected 401 ERR_SIGNATURE_INVALID, got 500 ERR_INTERNAL')
      expect(r.stdout).toContain('not conformant: 1 check failed')
    } finally {
      await vendor.close()
    }
  })

  it('passes --intent and --max-body on; refuses a missing URL, a missing mode and the other mode’s options', async () => {
    expect((await run('conformance')).stderr).toContain('conformance vendor <url>')
    expect((await run('conformance', 'vendor')).stderr).toContain('ERR_INVALID_ARGUMENT')
    expect((await run('conformance', 'vendor', 'http://127.0.0.1:9', '--port', '1')).stderr).toContain(
      '--port is an option of conformance wallet',
    )
    expect((await run('conformance', 'wallet', '--intent', 'x.json')).stderr).toContain(
      '--intent is an option of conformance vendor',
    )
    expect((await run('conformance', 'vendor', 'http://127.0.0.1:9', '--max-body', 'lots')).stderr).toContain(
      '--max-body must be a positive whole number',
    )
  })

  it('has help naming both modes and their options', async () => {
    const r = await run('conformance', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('usage: intentcast conformance vendor <url>')
    expect(r.stdout).toContain('intentcast conformance wallet')
    for (const option of ['--intent', '--max-body', '--decoy-port', '--casts', '--for'])
      expect(r.stdout).toContain(option)
    expect((await run('--help')).stdout).toMatch(/conformance +test a vendor endpoint, or a wallet/)
  })
})

describe('intentcast conformance wallet', () => {
  it('serves the conformance vendor and its decoy, and reports once the wallet is done', async () => {
    let stdout = ''
    let started: Promise<void> | undefined
    const write = (s: string): void => {
      stdout += s
      const first = JSON.parse(stdout.split('\n')[0]!) as { event: string; vendor: string; decoy: string }
      // The wallet under test starts once the sites are listening, as a person would start it.
      if (started === undefined && first.event === 'listening')
        started = (async () => {
          const wallet = Wallet.create()
          const cast = await wallet.cast(intentBody(), [first.vendor, first.decoy])
          const offer = cast.offers[0]!
          const { reply } = await wallet.counter(offer, dealOf(offer.proposal.payload))
          await wallet.accept(reply ?? offer)
          await wallet.cast(intentBody(), [first.vendor])
        })()
    }
    const code = await main(['conformance', 'wallet', '--json', '--for', '30s'], write, (s) => (stdout += s))
    await started
    const [listening, report] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(listening).toMatchObject({ event: 'listening', steps: expect.any(Array) })
    expect(report).toMatchObject({
      event: 'report',
      mode: 'wallet',
      passed: true,
      reason: expect.stringContaining('the wallet did'),
    })
    expect(code).toBe(0)
  })

  it('reports after --for when the wallet never comes, and exits 1', async () => {
    const r = await run('conformance', 'wallet', '--for', '1')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('conformance vendor listening at http://127.0.0.1:')
    expect(r.stdout).toContain('(1 s passed)')
    expect(r.stdout).toContain('✗ wallet.discovery')
  })
})
