import { shortDid } from '../../keys/did-key.js'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { signIntent, type IntentBody } from '../../envelope/sign.js'
import { verify } from '../../envelope/verify.js'
import { IntentcastError } from '../../errors.js'
import type { PrivateJwk } from '../../keys/did-key.js'
import { generateKeyPair, importKeyPair, type KeyPair } from '../../keys/key-pair.js'
import type { CastProgress } from '../../wallet/cast-types.js'
import { castIntent } from '../../wallet/cast.js'
import type { VendorTarget } from '../../wallet/discover.js'
import type { Command } from '../command.js'
import { readJson, readMessageArg } from '../io.js'
import { dealTermsText, money } from '../text.js'

function positiveInt(value: string | boolean | undefined, what: string): number | undefined {
  if (typeof value !== 'string') return undefined
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${what} must be a positive whole number`)
  return Number(value)
}

/**
 * The signed intent: the argument itself, or an intent body (JSON with `want`) signed here, its
 * `replyTo` the signing key's mailbox at the relay when there is one. The key comes back when it
 * is known (given, or made here): a cast to a relay reads the answers with it.
 */
async function signedIntent(
  arg: string,
  keyFile: string | undefined,
  expires: string | undefined,
  relay: string | undefined,
): Promise<{ message: string; oneOffKey: boolean; key: KeyPair | undefined }> {
  const text = readMessageArg(arg)
  let body: unknown
  if (text.startsWith('{')) {
    try {
      body = JSON.parse(text)
    } catch (cause) {
      throw new IntentcastError('ERR_INVALID_ARGUMENT', `${arg} is neither a signed intent nor JSON`, { cause })
    }
  }
  const key = keyFile === undefined ? undefined : await importKeyPair(readJson(keyFile) as PrivateJwk)
  if (typeof body === 'object' && body !== null && 'want' in body) {
    const keyPair = key ?? (await generateKeyPair())
    const expiresIn = expires === undefined ? {} : { expiresIn: /^\d+$/.test(expires) ? Number(expires) : expires }
    const withReplyTo = relay === undefined ? body : { ...body, replyTo: `${relay}/mailboxes/${keyPair.did}` }
    return {
      message: await signIntent(withReplyTo as IntentBody, keyPair, expiresIn),
      oneOffKey: key === undefined,
      key: keyPair,
    }
  }
  if (key) {
    const issuer = (await verify(text, { expect: 'intent' })).issuer
    if (issuer !== key.did)
      throw new IntentcastError(
        'ERR_ISSUER_MISMATCH',
        `--key is ${shortDid(key.did)}, but the intent is signed by ${shortDid(issuer)}`,
      )
  }
  return { message: text, oneOffKey: false, key }
}

/** `--relay`, as a cast takes it: the relay's URL without a trailing slash, as its mailboxes are spelt. */
function relayArg(value: string | boolean | undefined): string | undefined {
  if (typeof value !== 'string') return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `--relay ${value.slice(0, 64)} is not a URL`, { cause })
  }
  return url.href.replace(/\/+$/, '')
}

/** A vendor as the cast's lines name it: its origin, or the DID of one met through the relay. */
function vendorText(vendor: VendorTarget): string {
  return vendor.relay !== undefined && vendor.did !== undefined
    ? `${shortDid(vendor.did)} (through the relay)`
    : vendor.origin
}

export const cast: Command = {
  name: 'cast',
  summary:
    'cast one intent to vendor sites and a relay: a progress line per vendor, then the offers, ranked, and the failures',
  usage:
    '<intent> [<vendor-url>...] [--relay <url>] [--key <private.jwk.json>] [--expires <span>] [--timeout <ms>] [--collect <ms>] [--concurrency <n>] [--save <dir>]',
  help: [
    '<intent> is a signed intent (a token, a file holding one, or -), or a JSON file holding an intent',
    'body ({"want": {...}, "terms": {...}}), which is then signed here.',
    'Each vendor is discovered at <vendor-url>/.well-known/intentcast (https, or http on loopback),',
    'sent the intent, and its offer verified: signed by one of its listed keys, addressed to the',
    "intent's signer, answering this intent. A vendor that fails is reported; the cast goes on.",
    '',
    '--relay <url>       also cast to the relay at <url> (e.g. https://relay.example/relay), which passes the',
    '                    intent on to the vendors subscribed to intents like it; their offers, and later',
    "                    ones from vendors above that answered without one, come to the intent's mailbox",
    "                    there, read with the intent's key (an intent body is signed with replyTo that",
    '                    mailbox; a signed intent needs --key)',
    '--collect <ms>      how long to read the mailbox at the relay for offers (default: --timeout), less',
    '                    once every vendor it delivered the intent to has answered',
    '--key <file>        the key to sign an intent body with (default: a one-off key, which is not kept,',
    '                    so nobody can counter or accept with it); given with a signed intent, it must',
    '                    be the key that signed it',
    "--expires <span>    an intent body's lifetime, e.g. 2h (default 1d)",
    '--timeout <ms>      what each vendor gets, discovery and retries included (default 10000)',
    '--concurrency <n>   vendors talked to at once (default 8)',
    '--save <dir>        write the signed intent and each ranked offer there (intent.jws, offer-1.jws, …),',
    '                    ready for `intentcast negotiate <dir>/intent.jws <dir>/offer-1.jws`',
    '',
    'exit status: 0 when at least one offer ranks, 1 when none does (every vendor failed, answered',
    'with no offer yet, or broke a hard limit) or on an error.',
  ],
  options: {
    key: { type: 'string', short: 'k' },
    expires: { type: 'string' },
    timeout: { type: 'string' },
    concurrency: { type: 'string' },
    save: { type: 'string' },
    relay: { type: 'string' },
    collect: { type: 'string' },
  },
  async run([intentArg, ...vendors], values, out) {
    const relay = relayArg(values.relay)
    if (!intentArg || (vendors.length === 0 && relay === undefined))
      // The message predates --relay, which is named in the usage line: scripts may match it.
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'cast needs an intent and at least one vendor URL')
    const timeoutMs = positiveInt(values.timeout, '--timeout')
    const collectMs = positiveInt(values.collect, '--collect')
    const concurrency = positiveInt(values.concurrency, '--concurrency')
    const { message, oneOffKey, key } = await signedIntent(
      intentArg,
      typeof values.key === 'string' ? values.key : undefined,
      typeof values.expires === 'string' ? values.expires : undefined,
      relay,
    )
    if (relay !== undefined && key === undefined)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        "--relay reads the answers in the intent's mailbox with the key that signed it: pass --key",
      )
    const intent = await verify(message, { expect: 'intent' })
    const want = intent.payload.want
    const to = [
      ...(vendors.length > 0 ? [`${vendors.length} vendor${vendors.length === 1 ? '' : 's'}`] : []),
      ...(relay !== undefined ? [`the relay ${relay}`] : []),
    ].join(' and ')
    out.line(
      `casting ${want.quantity ?? 1} × ${want.item.name}${want.maxPrice ? `, at most ${money(want.maxPrice)}` : ''} (intent ${intent.digest.slice(0, 12)}…, signed by ${shortDid(intent.issuer)}) to ${to}`,
    )
    if (oneOffKey) out.line('  signed with a one-off key that is not kept: pass --key to be able to counter or accept')
    const width = Math.max(...[...vendors, ...(relay !== undefined ? [relay] : [])].map((v) => v.length))
    const onProgress = (e: CastProgress): void => {
      if (e.type === 'offer') {
        const who = e.relay !== undefined && e.vendor.startsWith('did:') ? shortDid(e.vendor) : e.vendor
        out.line(
          `  ✓ ${who.padEnd(width)}  offer ${money(e.offer.payload.price)} under ${e.offer.payload.terms.agreement}${e.relay !== undefined ? ' through the relay' : ''} (signature, addressee and thread verified)`,
        )
      } else if (e.type === 'relayed')
        out.line(
          `  ⇢ ${e.vendor.padEnd(width)}  took the intent; delivered it to ${e.delivered} vendor${e.delivered === 1 ? '' : 's'}`,
        )
      else if (e.type === 'pending') out.line(`  … ${e.vendor.padEnd(width)}  took the intent; no offer yet (202)`)
      else if (e.type === 'failed') out.line(`  ✗ ${e.vendor.padEnd(width)}  ${e.failure.code}: ${e.failure.message}`)
    }
    const result = await castIntent(message, [...vendors, ...(relay !== undefined ? [{ relay }] : [])], {
      ...(timeoutMs !== undefined && { timeoutMs }),
      ...(collectMs !== undefined && { collectMs }),
      ...(concurrency !== undefined && { concurrency }),
      ...(relay !== undefined && key !== undefined && { castKey: key }),
      onProgress,
    })
    const save = typeof values.save === 'string' ? values.save : undefined
    if (save !== undefined) {
      mkdirSync(save, { recursive: true })
      writeFileSync(join(save, 'intent.jws'), message + '\n')
      result.offers.forEach((o, i) =>
        writeFileSync(join(save, `offer-${i + 1}.jws`), (o.proposal.message as string) + '\n'),
      )
    }
    out.result(
      () => {
        out.line('')
        if (result.offers.length === 0) out.line('no offer ranks')
        else out.line('offers, best first')
        result.offers.forEach((o, i) => {
          const p = o.proposal.payload
          out.line(
            `  ${i + 1}. ${vendorText(o.vendor)}  ${money(p.price)}  score ${o.score.toFixed(2)}  ${dealTermsText(p.terms)}`,
          )
          for (const r of o.reasons) out.line(`       ${r}`)
        })
        if (result.excluded.length > 0) {
          out.line('excluded (breaks a hard limit)')
          for (const x of result.excluded)
            out.line(`  ${vendorText(x.vendor)}  ${money(x.proposal.payload.price)}  ${x.reasons.join(' ')}`)
        }
        if (result.pending.length > 0) out.line(`pending (no offer yet): ${result.pending.join(', ')}`)
        if (result.failures.length > 0) {
          out.line('failures')
          for (const f of result.failures) out.line(`  ${f.vendor}  ${f.code}: ${f.message}`)
        }
        if (save !== undefined)
          out.line(
            `saved the intent and ${result.offers.length} offer${result.offers.length === 1 ? '' : 's'} in ${save}`,
          )
      },
      {
        intent: { digest: intent.digest, issuer: intent.issuer, message },
        offers: result.offers.map((o, i) => ({
          rank: i + 1,
          vendor: o.vendor.origin,
          ...(o.vendor.relay !== undefined && { relay: o.vendor.relay, did: o.vendor.did }),
          score: o.score,
          reasons: o.reasons,
          digest: o.proposal.digest,
          issuer: o.proposal.issuer,
          payload: o.proposal.payload,
          message: o.proposal.message,
        })),
        excluded: result.excluded.map((x) => ({
          vendor: x.vendor.origin,
          ...(x.vendor.relay !== undefined && { relay: x.vendor.relay, did: x.vendor.did }),
          reasons: x.reasons,
          digest: x.proposal.digest,
          payload: x.proposal.payload,
          message: x.proposal.message,
        })),
        pending: result.pending,
        failures: result.failures,
        relays: result.relays,
      },
    )
    return result.offers.length > 0 ? 0 : 1
  },
}
