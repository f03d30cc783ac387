/**
 * `wallet` mode's judgement: what the wallet under test sent, read back from the recording of
 * every request the two sites took, each rule a check with its section. The wallet is judged
 * from its bytes as they came, at the time they came: a message is verified with `now` the time it
 * arrived, a sealed body is opened with the conformance vendor's own key, and each move is held to
 * the thread the vendor kept.
 */
import { verifyFirstSignature } from '../envelope/countersign.js'
import type { Verified } from '../envelope/verify.js'
import { essence } from '../http/problem.js'
import { sameJson } from '../lib/same.js'
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, WELL_KNOWN_PATH } from '../model/media-types.js'
import { sealKeyThumbprint } from '../model/thumbprint.js'
import { sealKeyPairOf } from '../seal/keys.js'
import { Checklist, expectThat, type CheckResult } from './report.js'
import { decode, threadThrough, unique, vendorSealKey, type Sent } from './wallet-sent.js'
import type { WalletSites } from './wallet-vendor.js'

const SEALED = '§Encrypted envelopes, Which bodies are sealed'

/** Judges the recording, expecting at least `casts` casts; the results in check order. */
export async function judgeWallet(sites: WalletSites, casts: number): Promise<readonly CheckResult[]> {
  const list = new Checklist()
  const endpoint = `${sites.basePath}/messages`
  const atVendor = sites.records.filter((r) => r.site === 'vendor')
  const posts = atVendor.filter((r) => r.method === 'POST')
  const sealKey = await sealKeyPairOf(sites.keyPair)
  const sent = await Promise.all(posts.filter((r) => r.path === endpoint).map((r) => decode(r, sealKey)))
  const ofKind = <K extends Verified['kind']>(kind: K): Array<Sent & { first: Verified<K> }> =>
    sent.filter((s): s is Sent & { first: Verified<K> } => s.first?.kind === kind)
  const intents = unique(ofKind('intent'))

  await list.check(
    {
      id: 'wallet.discovery',
      section: '§HTTP binding, Discovering',
      title: `the wallet reads ${WELL_KNOWN_PATH} before it posts to the vendor`,
    },
    async () => {
      expectThat(posts.length > 0, 'nothing was posted to the conformance vendor')
      const document = atVendor.find((r) => r.method === 'GET' && r.path === WELL_KNOWN_PATH)
      const firstPost = Math.min(...posts.map((r) => r.at))
      expectThat(document !== undefined && document.at <= firstPost, 'the first message came before any discovery')
    },
  )
  await list.check(
    {
      id: 'wallet.endpoint',
      section: '§HTTP binding, The endpoint',
      title: "every message goes to the document's endpoint, never to a path the wallet built",
    },
    async () => {
      const elsewhere = posts.filter((r) => r.path !== endpoint).map((r) => r.path.slice(0, 80))
      expectThat(elsewhere.length === 0, `posted to ${[...new Set(elsewhere)].join(', ')}, not ${endpoint}`)
      expectThat(sent.length > 0, 'nothing was posted to the endpoint')
    },
  )
  await list.check(
    {
      id: 'wallet.verifies',
      section: '§Verification; §Encrypted envelopes, Opening',
      title: 'every body opens and every message verifies as it arrives (signature, schema, time)',
    },
    async () => {
      const bad = sent.filter((s) => s.error !== undefined).map((s) => s.error!)
      expectThat(bad.length === 0, `${bad.length} of ${sent.length} failed: ${bad[0]}`)
      return `${sent.length} bod${sent.length === 1 ? 'y' : 'ies'}`
    },
  )
  await list.check(
    {
      id: 'wallet.intent',
      section: `${SEALED}; §HTTP binding, Casting`,
      title: "each intent comes in the clear, in its envelope's media type, naming a replyKey",
    },
    async () => {
      expectThat(intents.length > 0, 'the wallet cast no intent that verifies')
      for (const { record, sealed, messages, first } of intents) {
        expectThat(!sealed && messages.length === 1, 'an intent came sealed, or with another message')
        const type = first.format === 'jws' ? MEDIA_TYPE_JWS : MEDIA_TYPE_COSE
        expectThat(
          essence(record.headers.get('content-type')) === type,
          `an intent came as ${record.headers.get('content-type')}`,
        )
        const key = first.payload.replyKey
        expectThat(key !== undefined, 'an intent names no replyKey: the vendor cannot seal its answers')
        expectThat(
          key.kid === undefined || key.kid === sealKeyThumbprint(key.x),
          "an intent's replyKey kid is not its thumbprint",
        )
      }
    },
  )
  await list.check(
    {
      id: 'wallet.fresh-key',
      section: '§HTTP binding, Wallet keys',
      title: `each of ${casts}+ casts is signed by a key no other cast used, with its own replyKey and jti`,
    },
    async () => {
      expectThat(
        intents.length >= casts,
        `saw ${intents.length} cast${intents.length === 1 ? '' : 's'}; cast ${casts} times`,
      )
      const once = (values: unknown[]): boolean => new Set(values).size === values.length
      expectThat(once(intents.map((s) => s.first.issuer)), 'two casts are signed by one key: they are linkable')
      expectThat(
        once(intents.map((s) => s.first.payload.replyKey?.x)),
        'two casts name one replyKey: they are linkable',
      )
      expectThat(once(intents.map((s) => s.first.payload.jti)), 'two casts share a jti')
    },
  )
  const counters = ofKind('counter')
  const counterSpec = {
    id: 'wallet.counter',
    section: `${SEALED}; §Thread state machine, Moves`,
    title: "each counter is sealed to the vendor's key, signed by the cast key, a legal move in the thread",
  }
  if (counters.length === 0) list.skip(counterSpec, 'the wallet sent no counter (countering is optional)')
  else
    await list.check(counterSpec, async () => {
      for (const s of counters) {
        const thread = threadThrough(sites, s.first.payload.inReplyTo)
        thread.with(s.first)
        expectThat(
          s.sealed || vendorSealKey(thread) === undefined,
          'a counter came in the clear, though the vendor named a key',
        )
      }
    })
  const acceptances = ofKind('acceptance')
  await list.check(
    {
      id: 'wallet.acceptance',
      section: '§HTTP binding, Request bodies; §HTTP binding, Processing',
      title: 'the acceptance comes with the agreement signed by its party alone: the same deal, the thread’s agreement',
    },
    async () => {
      expectThat(acceptances.length > 0, 'the wallet accepted no offer')
      for (const s of acceptances) {
        expectThat(s.messages.length === 2, 'an acceptance came without its agreement')
        const thread = threadThrough(sites, s.first.payload.inReplyTo).with(s.first)
        const agreement = await verifyFirstSignature(s.messages[1]!, { now: new Date(s.record.at) })
        const body = thread.agreementBody()
        expectThat(
          agreement.signer === body.parties.customer,
          'the agreement is not signed by the party the acceptance names',
        )
        const { v: _v, iat: _iat, jti: _jti, ...payload } = agreement.payload
        expectThat(sameJson(payload, body), 'the agreement is not the one the thread arrived at')
        thread.agreementAllowed(agreement.payload)
      }
    },
  )
  const acceptanceSealed = {
    id: 'wallet.acceptance-sealed',
    section: SEALED,
    title: "the acceptance and its agreement travel sealed to the vendor's key",
  }
  if (acceptances.length === 0) list.skip(acceptanceSealed, 'the wallet accepted no offer')
  else
    await list.check(acceptanceSealed, async () => {
      for (const s of acceptances) {
        const thread = threadThrough(sites, s.first.payload.inReplyTo)
        expectThat(
          s.sealed || vendorSealKey(thread) === undefined,
          'an acceptance came in the clear, though the vendor named a key',
        )
      }
    })
  await list.check(
    {
      id: 'wallet.redirect',
      section: '§HTTP binding, Fetch limits',
      title: "a redirect from a vendor's endpoint is refused, never followed",
    },
    async () => {
      const redirected = sites.records.filter((r) => r.site === 'decoy' && r.method === 'POST' && r.path === endpoint)
      expectThat(redirected.length > 0, 'the wallet never posted to the decoy vendor: cast to it as well')
      const followed = sites.records.filter((r) => r.path === sites.trapPath)
      expectThat(followed.length === 0, `the wallet followed the redirect (${followed[0]?.method} ${sites.trapPath})`)
    },
  )
  await list.check(
    {
      id: 'wallet.credentials',
      section: '§HTTP binding, Security considerations',
      title: 'no request carries a cookie (the vendor document sets one) or other credentials',
    },
    async () => {
      const carrying = sites.records.filter((r) => r.headers.has('cookie') || r.headers.has('authorization'))
      expectThat(
        carrying.length === 0,
        `${carrying[0]?.method} ${carrying[0]?.path} carried ${carrying[0]?.headers.has('cookie') ? 'a cookie' : 'an Authorization'}`,
      )
      return `${sites.records.length} requests`
    },
  )
  return list.results
}
