// Over 250 lines on purpose: the terms, negotiation and HTTP commands are tested against each other,
// on shared fixtures (the terms, the intent, the demo vendors) and one child-process helper.
/**
 * The CLI's terms, negotiation and HTTP commands: `terms match`, `negotiate`, `serve-vendor` and
 * `cast`, the last two against each other on loopback (in-process and as a real child process).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { startDemoVendor, type DemoVendor, type VendorEvent } from '../../src/cli/demo-vendor.js'
import { run, scratch } from './support.js'
import {
  generateKeyPair,
  signIntent,
  signOffer,
  signTerms,
  verify,
  type IntentBody,
  type TermSet,
} from '../../src/index.js'

const { dir, file } = scratch('intentcast-cli-commands-')

const retention = (days: string) => ({ id: 'retention-days', value: days, unit: 'day' })
const deletion = { id: 'deletion-on-request', value: true }
const mine: TermSet = {
  agreements: ['SD-BASE'],
  strict: true,
  conditions: [retention('30'), { ...deletion, required: true }],
}
const litTerms: TermSet = { agreements: ['SD-BASE'], conditions: [retention('30'), deletion] }
const partialTerms: TermSet = { agreements: ['SD-BASE'], conditions: [retention('90'), deletion] }
const darkTerms: TermSet = { agreements: ['SD-BASE-ATP'] }
const want: IntentBody = {
  want: { item: { name: 'cargo bike' }, quantity: 1, maxPrice: { amount: '2000.00', currency: 'EUR' } },
  terms: mine,
}

describe('intentcast terms match', () => {
  it('lit: a TermSet file against a signed vendor declaration (verified), exit 0', async () => {
    const vendor = await generateKeyPair()
    const declaration = await signTerms({ role: 'vendor', name: 'Lit Cycles', terms: litTerms }, vendor)
    const r = await run('terms', 'match', file('mine.json', mine), file('lit.jws', declaration))
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe('⊂⊃   lit: the vendor meets every term you ask for')
    expect(r.stdout).toContain(`Lit Cycles, signed declaration by ${vendor.did.slice(0, 20)}`)
    expect(r.stdout).toContain('agreed     SD-BASE; deletion on request; data retention 30 days')
    expect(r.stdout).toContain('conflicts  none')
    expect(r.stderr).toBe('')
  })

  it('partial: a declaration payload file; the conflict sentence; exit 0', async () => {
    const r = await run(
      'terms',
      'match',
      file('mine2.json', mine),
      file('partial.json', { role: 'vendor', name: 'Partial Bikes', terms: partialTerms }),
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^⊂ ⊃ +partial:/)
    expect(r.stdout).toContain(
      '~ retention-days (negotiable): The vendor states data retention of 90 days; you allow at most 30 days.',
    )
    expect(r.stdout).toContain('proposed   SD-BASE; deletion on request; data retention 30 days')
  })

  it('dark: exit 1, every conflict in words; --json has the whole match', async () => {
    const customer = await generateKeyPair()
    const mineSigned = await signTerms({ role: 'customer', terms: mine }, customer)
    const r = await run('terms', 'match', mineSigned, file('dark.json', darkTerms))
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^⊂ {2}⊃ dark: a hard limit of yours is not met/)
    expect(r.stdout).toContain('✗ agreement (hard limit): The vendor takes none of SD-BASE, and you accept no others.')
    expect(r.stdout).toContain('✗ deletion-on-request (hard limit)')
    expect(r.stderr).toBe('')
    const j = await run('terms', 'match', mineSigned, file('dark2.json', darkTerms), '--json')
    expect(j.code).toBe(1)
    const doc = JSON.parse(j.stdout)
    expect(doc).toMatchObject({
      state: 'dark',
      customer: { source: 'signed declaration', signer: customer.did },
      vendor: { source: 'term set' },
    })
    expect(doc.conflicts.map((c: { term: string; required: boolean }) => [c.term, c.required])).toEqual([
      ['agreement', true],
      ['deletion-on-request', true],
      ['retention-days', false],
    ])
    expect(doc.status).toMatch(/#AgreementRefused$/)
  })

  it('refuses the wrong role, a bad TermSet and a tampered declaration, in one line with the code', async () => {
    const customer = await generateKeyPair()
    const mineSigned = await signTerms({ role: 'customer', terms: mine }, customer)
    const role = await run('terms', 'match', file('m3.json', mine), mineSigned)
    expect(role.code).toBe(1)
    expect(role.stderr).toMatch(
      /^intentcast terms match: ERR_INVALID_ARGUMENT: .* is a customer's terms declaration, not a vendor's\n$/,
    )
    const bad = await run('terms', 'match', file('m4.json', mine), file('bad.json', { agreements: ['NOPE'] }))
    expect(bad.stderr).toMatch(
      /^intentcast terms match: ERR_SCHEMA: .*agreements\.0: an IEEE 7012 agreement from the roster, such as "SD-BASE", or its DPV IRI\n$/,
    )
    const tampered = mineSigned.slice(0, -3) + (mineSigned.endsWith('AAA') ? 'BBB' : 'AAA')
    const t = await run('terms', 'match', tampered, file('lit2.json', litTerms))
    expect(t.code).toBe(1)
    expect(t.stderr).toMatch(/^intentcast terms match: ERR_SIGNATURE_INVALID: /)
    expect(t.stdout).toBe('')
    expect((await run('terms', 'match', file('m5.json', mine))).stderr).toContain('ERR_INVALID_ARGUMENT')
  })
})

describe('intentcast negotiate', () => {
  async function thread(offerTerms: TermSet, price = '1750.00') {
    const customer = await generateKeyPair()
    const vendor = await generateKeyPair()
    const intent = await signIntent(want, customer, { expiresIn: '1h' })
    const v = await verify(intent)
    const offer = await signOffer(
      {
        inReplyTo: v.digest,
        item: want.want.item,
        quantity: 1,
        price: { amount: price, currency: 'EUR' },
        terms: {
          agreement: offerTerms.agreements[0]!,
          ...(offerTerms.conditions && { conditions: offerTerms.conditions }),
        },
      },
      vendor,
      { audience: customer.did },
    )
    return { customer, vendor, intent, offer, digest: v.digest }
  }

  it('counter: prints the conflicts and the deal to counter with; --out writes a body `sign counter` takes', async () => {
    const t = await thread(partialTerms)
    const counterFile = join(dir, 'counter.json')
    const r = await run('negotiate', file('n-intent.jws', t.intent), t.offer, '--out', counterFile)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('outcome  counter')
    expect(r.stdout).toContain(
      '~ retention-days (negotiable): The vendor states data retention of 90 days; you allow at most 30 days.',
    )
    expect(r.stdout).toContain(
      'counter  1 × cargo bike for 1750.00 EUR; SD-BASE; deletion on request; data retention 30 days',
    )
    expect(r.stdout).toContain(`--aud ${t.vendor.did}`)
    const body = JSON.parse(readFileSync(counterFile, 'utf8'))
    expect(body).toMatchObject({
      intent: t.digest,
      price: { amount: '1750.00' },
      terms: { agreement: 'SD-BASE', conditions: expect.arrayContaining([retention('30')]) },
    })
    // The body is ready to sign with the intent's key and send to the vendor.
    const key = file('n-customer.jwk', t.customer.privateJwk)
    const signed = await run('sign', 'counter', counterFile, '--key', key, '--aud', t.vendor.did)
    expect(signed.code).toBe(0)
    expect((await verify(signed.stdout.trim(), { expect: 'counter', audience: t.vendor.did })).payload.inReplyTo).toBe(
      (await verify(t.offer)).digest,
    )

    const j = await run('negotiate', t.intent, t.offer, '--json')
    expect(JSON.parse(j.stdout)).toMatchObject({
      outcome: 'counter',
      counter: { price: { amount: '1750.00' } },
      counterBody: { intent: t.digest },
      conflicts: [{ term: 'retention-days', required: false }],
    })
  })

  it('agreed exits 0 with no conflicts; rejected exits 1 with the hard limit', async () => {
    const ok = await thread(litTerms)
    const a = await run('negotiate', ok.intent, ok.offer)
    expect(a.code).toBe(0)
    expect(a.stdout).toContain('outcome  agreed')
    expect(a.stdout).toContain('conflicts  none')
    expect(a.stdout).not.toContain('counter  ')

    // A price over the customer's maximum is a hard limit a counter can still meet.
    const over = await thread(litTerms, '2100.00')
    const c = JSON.parse((await run('negotiate', over.intent, over.offer, '--json')).stdout)
    expect(c).toMatchObject({ outcome: 'counter', counter: { price: { amount: '2000.00', currency: 'EUR' } } })
    expect(c.conflicts).toContainEqual(expect.objectContaining({ term: 'price', required: true }))

    // An agreement outside the customer's strict list is one no counter can settle.
    const dark = await thread(darkTerms)
    const r = await run('negotiate', dark.intent, dark.offer, '--json')
    expect(r.code).toBe(1)
    const doc = JSON.parse(r.stdout)
    expect(doc.outcome).toBe('rejected')
    expect(doc.conflicts).toContainEqual(expect.objectContaining({ term: 'agreement', required: true }))
    expect(doc.counter).toBeUndefined()
    const human = await run('negotiate', dark.intent, dark.offer)
    expect(human.code).toBe(1)
    expect(human.stdout).toContain('outcome  rejected: it breaks a hard limit of yours, which no counter can settle')
    expect(human.stdout).toContain('✗ agreement (hard limit): ')
  })

  it('verifies both messages and their link first', async () => {
    const a = await thread(partialTerms)
    const b = await thread(partialTerms)
    const cross = await run('negotiate', a.intent, b.offer)
    expect(cross.code).toBe(1)
    expect(cross.stderr).toMatch(/^intentcast negotiate: ERR_BROKEN_LINK: /)
    const swapped = await run('negotiate', a.offer, a.intent)
    expect(swapped.stderr).toMatch(/^intentcast negotiate: ERR_TYPE_MISMATCH: expected intent, got offer\n$/)
    const late = await run('negotiate', a.intent, a.offer, '--now', new Date(Date.now() + 86_400_000 * 2).toISOString())
    expect(late.stderr).toMatch(/ERR_EXPIRED/)
  })
})

describe('intentcast serve-vendor and cast on loopback', () => {
  const vendors: DemoVendor[] = []
  afterAll(async () => {
    await Promise.all(vendors.map((v) => v.close()))
  })

  it('casts to demo vendors: a progress line per vendor, then the ranked offers, the excluded and the failures', async () => {
    const events: VendorEvent[] = []
    const lit = await startDemoVendor({
      name: 'Lit Cycles',
      terms: litTerms,
      price: '1890.00',
      onEvent: (e) => events.push(e),
    })
    const dark = await startDemoVendor({ name: 'Dark Wheels', terms: darkTerms, price: '1500.00' })
    const partial = await startDemoVendor({ name: 'Partial Bikes', terms: partialTerms, price: '1750.00' })
    vendors.push(lit, dark, partial)
    const customer = await generateKeyPair()
    const key = file('cast-customer.jwk', customer.privateJwk)
    const nobody = 'http://127.0.0.1:1'
    const save = join(dir, 'cast-out')
    const r = await run(
      'cast',
      file('want.json', want),
      lit.origin,
      dark.origin,
      partial.origin,
      nobody,
      '--key',
      key,
      '--timeout',
      '3000',
      '--save',
      save,
    )
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(
      new RegExp(
        `^casting 1 × cargo bike, at most 2000\\.00 EUR \\(intent .*, signed by ${customer.did.slice(0, 20)}.*\\) to 4 vendors$`,
      ),
    )
    // One progress line per vendor, in whatever order they answer.
    const progress = lines.filter((l) => /^ {2}[✓…✗] /.test(l))
    expect(progress).toHaveLength(4)
    expect(progress).toContainEqual(
      expect.stringMatching(new RegExp(`✓ ${lit.origin} +offer 1890\\.00 EUR under SD-BASE`)),
    )
    expect(progress).toContainEqual(expect.stringMatching(new RegExp(`✓ ${partial.origin} +offer 1750\\.00 EUR`)))
    expect(progress).toContainEqual(
      expect.stringMatching(new RegExp(`✓ ${dark.origin} +offer 1500\\.00 EUR under SD-BASE-ATP`)),
    )
    expect(progress).toContainEqual(expect.stringMatching(/✗ http:\/\/127\.0\.0\.1:1 +ERR_UNREACHABLE: /))
    expect(r.stdout).toMatch(new RegExp(`offers, best first\\n {2}1\\. ${lit.origin} +1890\\.00 EUR +score 1\\.00`))
    expect(r.stdout).toMatch(new RegExp(`\\n {2}2\\. ${partial.origin} +1750\\.00 EUR +score 0\\.75`))
    expect(r.stdout).toMatch(
      new RegExp(
        `excluded \\(breaks a hard limit; a counter may settle it\\)\\n {2}3\\. ${dark.origin} +1500\\.00 EUR +The vendor offers SD-BASE-ATP`,
      ),
    )
    expect(r.stdout).toMatch(/failures\n {2}http:\/\/127\.0\.0\.1:1 +ERR_UNREACHABLE/)
    expect(events).toMatchObject([
      { event: 'intent', from: customer.did, item: 'cargo bike', offer: { amount: '1890.00', currency: 'EUR' } },
    ])

    // With --key there is no wallet to keep: the directory holds the messages alone, the excluded
    // offer numbered after the ranked ones.
    expect(readdirSync(save).sort()).toEqual(['intent.jws', 'offer-1.jws', 'offer-2.jws', 'offer-3.jws'])
    expect(r.stdout).toContain(`saved the intent and 3 offers in ${save}\n`)
    // The saved files feed `negotiate`: offer-2 (partial) gets a counter.
    const n = await run('negotiate', join(save, 'intent.jws'), join(save, 'offer-2.jws'))
    expect(n.code).toBe(0)
    expect(n.stdout).toContain('outcome  counter')
    expect((await run('negotiate', join(save, 'intent.jws'), join(save, 'offer-1.jws'))).stdout).toContain(
      'outcome  agreed',
    )
  })

  it('--json gives one document with the ranked offers (and their tokens) and the failures; no offer ranks: exit 1', async () => {
    const lit = await startDemoVendor({ terms: litTerms })
    const dark = await startDemoVendor({ terms: darkTerms })
    vendors.push(lit, dark)
    const customer = await generateKeyPair()
    const intent = await signIntent(want, customer)
    const r = await run(
      'cast',
      intent,
      lit.origin,
      'http://127.0.0.1:1',
      '--json',
      '--timeout',
      '3000',
      '--concurrency',
      '1',
    )
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.offers).toHaveLength(1)
    expect(doc.offers[0]).toMatchObject({
      rank: 1,
      vendor: lit.origin,
      score: 1,
      issuer: lit.did,
      payload: { price: { amount: '2000.00', currency: 'EUR' } },
    })
    expect((await verify(doc.offers[0].message, { expect: 'offer', audience: customer.did })).digest).toBe(
      doc.offers[0].digest,
    )
    expect(doc.failures).toEqual([expect.objectContaining({ vendor: 'http://127.0.0.1:1', code: 'ERR_UNREACHABLE' })])

    const none = await run('cast', intent, dark.origin, '--json')
    expect(none.code).toBe(1)
    expect(JSON.parse(none.stdout)).toMatchObject({ offers: [], excluded: [{ vendor: dark.origin }] })
  })

  it('a body is signed with --key, or a one-off key (said so); a signed intent must match --key', async () => {
    const lit = await startDemoVendor({ terms: litTerms })
    vendors.push(lit)
    const oneOff = await run('cast', file('want2.json', want), lit.origin)
    expect(oneOff.code).toBe(0)
    expect(oneOff.stdout).toContain('signed with a one-off key that is not kept')
    const other = file('other.jwk', (await generateKeyPair()).privateJwk)
    const intent = await signIntent(want, await generateKeyPair())
    const r = await run('cast', intent, lit.origin, '--key', other)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^intentcast cast: ERR_ISSUER_MISMATCH: --key is did:key:/)
    expect((await run('cast', intent)).stderr).toBe(
      'intentcast cast: ERR_INVALID_ARGUMENT: cast needs an intent and at least one vendor URL\n',
    )
    expect((await run('cast', intent, lit.origin, '--timeout', 'soon')).stderr).toContain(
      '--timeout must be a positive whole number',
    )
  })

  it('the demo vendor agrees to a counter at or above its floor, and countersigns', async () => {
    const { Wallet } = await import('../../src/wallet/index.js')
    const { negotiate } = await import('../../src/terms/index.js')
    const events: VendorEvent[] = []
    const v = await startDemoVendor({
      name: 'Partial Bikes',
      terms: partialTerms,
      price: '1750.00',
      onEvent: (e) => events.push(e),
    })
    vendors.push(v)
    const wallet = Wallet.create()
    const cast = await wallet.cast(want, [v.origin])
    const offer = cast.offers[0]!
    const answer = negotiate(offer.thread.intent, offer.proposal)
    if (answer.outcome !== 'counter') throw new Error(`expected a counter, got ${answer.outcome}`)
    const low = await wallet.counter(offer, { ...answer.counter, price: { amount: '1500.00', currency: 'EUR' } })
    expect(low.reply).toBeUndefined()
    const fair = await wallet.counter(offer, answer.counter)
    expect(fair.reply?.proposal.payload.terms.conditions).toContainEqual(retention('30'))
    const { agreement } = await wallet.accept(fair.reply!)
    expect(agreement.signers[1]).toBe(v.did)
    expect(events.map((e) => [e.event, 'answer' in e ? e.answer : undefined])).toEqual([
      ['intent', undefined],
      ['counter', 'none'],
      ['counter', 'agree'],
      ['agreement', undefined],
    ])
  })

  it('refuses a bad configuration before listening', async () => {
    expect((await run('serve-vendor', '--price', 'cheap')).stderr).toBe(
      'intentcast serve-vendor: ERR_INVALID_ARGUMENT: price must be a decimal amount such as 1750.00\n',
    )
    expect((await run('serve-vendor', '--port', 'http')).code).toBe(1)
    expect((await run('serve-vendor', '--terms', file('sv-bad.json', { agreements: [] }))).stderr).toMatch(/ERR_SCHEMA/)
    expect((await run('serve-vendor', '--for', 'ever')).stderr).toMatch(/ERR_INVALID_ARGUMENT: --for must be/)
    await expect(startDemoVendor({ currency: 'euro' })).rejects.toThrow('currency must be an ISO 4217 code')
  })

  it('`intentcast serve-vendor` as a process: prints its origin, takes a cast, stops on SIGTERM (and by itself with --for)', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url))
    const spawnCli = (...args: string[]) =>
      spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      })

    /** Lines of a child's stdout as they come; bounded: the child is killed after `ms`. */
    function watch(child: ChildProcessByStdio<null, Readable, Readable>, ms: number) {
      let buffer = ''
      let stderr = ''
      const lines: string[] = []
      const waiters: Array<() => void> = []
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        buffer += s
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          lines.push(buffer.slice(0, i))
          buffer = buffer.slice(i + 1)
        }
        waiters.splice(0).forEach((w) => w())
      })
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
      const timer = setTimeout(() => child.kill('SIGKILL'), ms)
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('close', (code, signal) => {
          clearTimeout(timer)
          waiters.splice(0).forEach((w) => w())
          resolve({ code, signal })
        }),
      )
      async function line(n: number): Promise<string> {
        while (lines.length <= n) {
          if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`the vendor exited early: ${stderr}`)
          await new Promise<void>((resolve) => waiters.push(resolve))
        }
        return lines[n]!
      }
      return { line, exited, stderr: () => stderr }
    }

    const vendorKey = await generateKeyPair()
    const key = file('sv.jwk', vendorKey.privateJwk)
    const child = spawnCli(
      'serve-vendor',
      '--port',
      '0',
      '--json',
      '--key',
      key,
      '--terms',
      file('sv-terms.json', { role: 'vendor', name: 'Child Cycles', terms: litTerms }),
      '--price',
      '1800.00',
      '--for',
      '60',
    )
    const w = watch(child, 30_000)
    const listening = JSON.parse(await w.line(0))
    expect(listening).toMatchObject({
      event: 'listening',
      name: 'Child Cycles',
      did: vendorKey.did,
      origin: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    })
    const r = await run(
      'cast',
      file('want3.json', want),
      listening.origin,
      '--key',
      file('c3.jwk', (await generateKeyPair()).privateJwk),
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`✓ ${listening.origin}  offer 1800.00 EUR under SD-BASE`)
    expect(JSON.parse(await w.line(1))).toMatchObject({
      event: 'intent',
      item: 'cargo bike',
      offer: { amount: '1800.00' },
    })
    child.kill('SIGTERM')
    expect(await w.exited).toEqual({ code: 0, signal: null })
    expect(JSON.parse(await w.line(2))).toEqual({ event: 'stopped', reason: 'SIGTERM' })
    expect(w.stderr()).toBe('')

    // --for: it stops by itself, and says why.
    const brief = spawnCli('serve-vendor', '--for', '1s')
    const b = watch(brief, 20_000)
    expect(await b.line(0)).toMatch(/^Demo Vendor listening at http:\/\/127\.0\.0\.1:\d+$/)
    expect(await b.exited).toEqual({ code: 0, signal: null })
    expect(await b.line(6)).toMatch(/stopped \(1 s passed\)$/)
  })
})
