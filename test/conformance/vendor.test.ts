import { describe, expect, it } from 'vitest'
import { runVendorConformance } from '../../src/conformance/vendor.js'
import { formatReport } from '../../src/conformance/report.js'
import { BROKEN_VENDORS } from './broken-vendors.js'
import { ORIGIN, idsOf, inProcess, referenceVendor } from './support.js'

describe('conformance vendor: our own handler', () => {
  it('passes every check, each naming its spec section', async () => {
    const { handler } = await referenceVendor()
    const report = await runVendorConformance(`${ORIGIN}/shop`, { fetch: inProcess(handler) })
    expect(idsOf(report, 'fail')).toEqual([])
    expect(idsOf(report, 'skip')).toEqual([])
    expect(report).toMatchObject({ mode: 'vendor', target: ORIGIN, passed: true })
    for (const c of report.checks) expect(c.section).toMatch(/^§/)
    // Every class the issue names, in all three variants where it applies.
    for (const id of [
      'discovery.document',
      'discovery.terms',
      'discovery.seal-keys',
      'offer.jws',
      'offer.jws-sealed',
      'offer.cose-sealed',
      'sealed.offer.jws-sealed',
      'sealed.offer.cose-sealed',
      'counter.jws-sealed',
      'acceptance.cose-sealed',
      'retry.acceptance.jws',
      'reseal.acceptance.jws-sealed',
      'withdrawal.agreement.jws',
      'withdrawal.intent',
      'hostile.malformed',
      'hostile.signature',
      'hostile.type',
      'hostile.expired',
      'hostile.not-yet-valid',
      'hostile.audience',
      'hostile.too-large',
      'hostile.media-type',
      'hostile.schema',
      'hostile.replay',
    ])
      expect(idsOf(report, 'pass')).toContain(id)
    const table = formatReport(report).join('\n')
    expect(table).toContain('conformant: every check passed')
    expect(table).toMatch(/✓ hostile\.signature +§Verification \(step 16\); §HTTP binding, Problems/)
  })

  it('passes a vendor that declines to offer (202), saying so, and skips what needs an offer', async () => {
    const { handler } = await referenceVendor({ on: { intent: () => null } })
    const report = await runVendorConformance(ORIGIN, { fetch: inProcess(handler) })
    expect(idsOf(report, 'fail')).toEqual([])
    expect(report.passed).toBe(true)
    const offer = report.checks.find((c) => c.id === 'offer.jws')!
    expect(offer).toMatchObject({ status: 'pass', detail: expect.stringContaining('202') })
    // The same intent bytes again are ERR_REPLAY: the spec's answer after a 202.
    expect(report.checks.find((c) => c.id === 'retry.intent.jws-sealed')).toMatchObject({ status: 'pass' })
    expect(idsOf(report, 'skip')).toEqual(
      expect.arrayContaining(['counter.jws', 'acceptance.cose-sealed', 'withdrawal.intent', 'withdrawal.after']),
    )
  })

  it('rejects only the caller’s mistakes: a URL that is not http(s), an unknown option, a bad intent body', async () => {
    await expect(runVendorConformance('ftp://vendor.example')).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    await expect(runVendorConformance(ORIGIN, { retries: 3 } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    })
    const { handler } = await referenceVendor()
    await expect(
      runVendorConformance(ORIGIN, { fetch: inProcess(handler), intent: { want: {} } as never }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
  })

  it('fails the document checks, and skips the rest, for a site with no vendor document', async () => {
    const report = await runVendorConformance(ORIGIN, {
      fetch: async () => new Response('<h1>Not Found</h1>', { status: 404, headers: { 'content-type': 'text/html' } }),
    })
    expect(report.passed).toBe(false)
    expect(idsOf(report, 'fail')).toEqual(['discovery.document'])
    expect(idsOf(report, 'skip')).toEqual(['messages'])
  })
})

describe('conformance vendor: each broken vendor fails exactly the checks it breaks', () => {
  for (const broken of BROKEN_VENDORS) {
    it(broken.name, async () => {
      const report = await runVendorConformance(ORIGIN, { fetch: inProcess(await broken.make()) })
      expect(report.passed).toBe(false)
      expect(idsOf(report, 'fail').sort()).toEqual([...broken.fails].sort())
      expect(idsOf(report, 'skip').sort()).toEqual([...(broken.skips ?? [])].sort())
      for (const id of broken.fails) expect(report.checks.find((c) => c.id === id)!.detail, id).toMatch(/\S/)
    })
  }
})
