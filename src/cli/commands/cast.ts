// Over 250 lines on purpose: one command, and its two ways to cast (a body through a wallet that
// can counter and accept later, a signed intent as it is) share its flags, its output and its save.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { verify } from '../../envelope/verify.js'
import { IntentcastError } from '../../errors.js'
import { shortDid } from '../../keys/did-key.js'
import type { Want } from '../../model/intent.js'
import type { CastProgress, CastResult } from '../../wallet/cast-types.js'
import { castIntent } from '../../wallet/cast.js'
import type { VendorTarget } from '../../wallet/discover.js'
import { Wallet } from '../../wallet/wallet.js'
import { positiveInt, stringArg } from '../args.js'
import { expiresIn, numberOffers, readIntentArg, relayArg, saveFiles, signWithKey } from '../cast-input.js'
import type { Command } from '../command.js'
import type { Output } from '../output.js'
import { messageText } from '../pick.js'
import { StateFile } from '../state.js'
import { dealTermsText, money } from '../text.js'

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
    '<intent> [<vendor-url>...] [--relay <url>] [--key <private.jwk.json>] [--expires <span>] [--timeout <ms>] [--collect <ms>] [--concurrency <n>] [--save <file.json|dir>]',
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
    '--key <file>        the key to sign an intent body with; given with a signed intent, it must be the',
    '                    key that signed it. Without it, a body is signed by a wallet under a fresh key,',
    '                    which also signs the counters and acceptances after it: kept with --save, not',
    '                    otherwise',
    "--expires <span>    an intent body's lifetime, e.g. 2h (default 1d)",
    '--timeout <ms>      what each vendor gets, discovery and retries included (default 10000)',
    '--concurrency <n>   vendors talked to at once (default 8)',
    '--save <file>.json  keep the negotiation there, for `intentcast counter` and `intentcast accept`',
    '                    (--state <file>): the wallet that signed the intent (a new file, mode 0600: it',
    '                    holds the secret), and every offer by its number, the excluded ones included,',
    '                    with the reasons. Needs an intent body, and no --key.',
    '--save <dir>        write the signed intent and every offer there (intent.jws, offer-1.jws, …, the',
    '                    excluded after the ranked), ready for `intentcast negotiate <dir>/intent.jws',
    '                    <dir>/offer-1.jws`; and, for a body signed without --key, <dir>/state.json as above',
    '',
    'An intent signed here names a reply key derived from its signing key: vendors seal their answers to it.',
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
    const relay = relayArg(stringArg(values, 'relay'))
    if (!intentArg || (vendors.length === 0 && relay === undefined))
      // The message predates --relay, which is named in the usage line: scripts may match it.
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'cast needs an intent and at least one vendor URL')
    const timeoutMs = positiveInt(values.timeout, '--timeout')
    const collectMs = positiveInt(values.collect, '--collect')
    const concurrency = positiveInt(values.concurrency, '--concurrency')
    const keyFile = stringArg(values, 'key')
    const expires = stringArg(values, 'expires')
    const save = stringArg(values, 'save')
    const intentArgument = readIntentArg(intentArg)
    // A body cast without --key is signed by a wallet, whose keys also sign every move after it:
    // kept in the state file when saving, so that `counter` and `accept` can carry on.
    const byWallet = 'body' in intentArgument && keyFile === undefined
    const stateOnly = save?.endsWith('.json') === true
    if (stateOnly && !byWallet)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `--save ${save} keeps the wallet that signs the intent and every move after it: give an intent body, without --key (or --save a directory, for \`intentcast negotiate\`)`,
      )
    if (relay !== undefined && !byWallet && keyFile === undefined)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        "--relay reads the answers in the intent's mailbox with the key that signed it: pass --key",
      )
    const to = [
      ...(vendors.length > 0 ? [`${vendors.length} vendor${vendors.length === 1 ? '' : 's'}`] : []),
      ...(relay !== undefined ? [`the relay ${relay}`] : []),
    ].join(' and ')
    const header = (want: Want, signed: string): void =>
      out.line(
        `casting ${want.quantity ?? 1} × ${want.item.name}${want.maxPrice ? `, at most ${money(want.maxPrice)}` : ''} (${signed}) to ${to}`,
      )
    // Said once, before the first progress line: a wallet signs the body inside the cast, and a
    // body it refuses must leave no line saying it was cast.
    let announce: (() => void) | undefined
    const announced = (): void => {
      announce?.()
      announce = undefined
    }
    const width = Math.max(...[...vendors, ...(relay !== undefined ? [relay] : [])].map((v) => v.length))
    const options = {
      ...(timeoutMs !== undefined && { timeoutMs }),
      ...(collectMs !== undefined && { collectMs }),
      ...(concurrency !== undefined && { concurrency }),
      onProgress: (e: CastProgress) => {
        announced()
        progress(out, e, width)
      },
    }
    const targets = [...vendors, ...(relay !== undefined ? [{ relay }] : [])]
    let result: CastResult
    let state: StateFile | undefined
    if ('body' in intentArgument && byWallet) {
      if (save !== undefined && !stateOnly) mkdirSync(save, { recursive: true })
      // Made before the cast, so that a path that cannot take it fails before anything is sent.
      state = save === undefined ? undefined : StateFile.create(stateOnly ? save : join(save, 'state.json'))
      const wallet = state?.wallet ?? Wallet.create()
      const signer = shortDid((await wallet.castKey(wallet.casts)).did)
      announce = () => {
        header(intentArgument.want, `signed by ${signer}, a fresh key`)
        if (state === undefined)
          out.line('  signed with a one-off key that is not kept: pass --save <file>.json to counter or accept later')
      }
      try {
        result = await wallet.cast(intentArgument.body, targets, { ...options, ...expiresIn(expires) })
      } catch (e) {
        state?.discard()
        throw e
      }
      state?.saveCast(
        { digest: result.intent.digest, message: messageText(result.intent.message) },
        numberOffers(result),
      )
    } else {
      const { message, key } = await signWithKey(intentArgument, keyFile, expires, relay)
      const intent = await verify(message, { expect: 'intent' })
      header(intent.payload.want, `intent ${intent.digest.slice(0, 12)}…, signed by ${shortDid(intent.issuer)}`)
      result = await castIntent(message, targets, { ...options, ...(key !== undefined && { castKey: key }) })
    }
    announced()
    const message = messageText(result.intent.message)
    if (save !== undefined && !stateOnly) saveFiles(save, message, result)
    report(out, result, save, state)
    return result.offers.length > 0 ? 0 : 1
  },
}

/** A progress line per vendor, as the cast goes. */
function progress(out: Output, e: CastProgress, width: number): void {
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

/** The cast's result: the offers numbered as `--offer` names them, the excluded after the ranked. */
function report(out: Output, result: CastResult, save: string | undefined, state: StateFile | undefined): void {
  const ranked = result.offers.length
  const all = ranked + result.excluded.length
  out.result(
    () => {
      out.line('')
      if (ranked === 0) out.line('no offer ranks')
      else out.line('offers, best first')
      result.offers.forEach((o, i) => {
        const p = o.proposal.payload
        out.line(
          `  ${i + 1}. ${vendorText(o.vendor)}  ${money(p.price)}  score ${o.score.toFixed(2)}  ${dealTermsText(p.terms)}`,
        )
        for (const r of o.reasons) out.line(`       ${r}`)
      })
      if (result.excluded.length > 0) {
        out.line('excluded (breaks a hard limit; a counter may settle it)')
        result.excluded.forEach((x, i) =>
          out.line(
            `  ${ranked + i + 1}. ${vendorText(x.vendor)}  ${money(x.proposal.payload.price)}  ${x.reasons.join(' ')}`,
          ),
        )
      }
      if (result.pending.length > 0) out.line(`pending (no offer yet): ${result.pending.join(', ')}`)
      if (result.failures.length > 0) {
        out.line('failures')
        for (const f of result.failures) out.line(`  ${f.vendor}  ${f.code}: ${f.message}`)
      }
      const saved = `the intent and ${all} offer${all === 1 ? '' : 's'}`
      if (state !== undefined) {
        out.line(`saved ${saved} in ${save}, with the wallet that signed it (keep it private)`)
        if (all > 0) {
          out.line(`  counter: intentcast counter --state ${save} --offer <n> --price <amount>`)
          out.line(`  accept:  intentcast accept --state ${save} --offer <n>`)
        }
      } else if (save !== undefined) out.line(`saved ${saved} in ${save}`)
    },
    {
      intent: {
        digest: result.intent.digest,
        issuer: result.intent.issuer,
        message: messageText(result.intent.message),
      },
      offers: result.offers.map((o, i) => ({
        rank: i + 1,
        vendor: o.vendor.origin,
        ...(o.vendor.relay !== undefined && { relay: o.vendor.relay, did: o.vendor.did }),
        score: o.score,
        reasons: o.reasons,
        digest: o.proposal.digest,
        issuer: o.proposal.issuer,
        payload: o.proposal.payload,
        message: messageText(o.proposal.message),
      })),
      excluded: result.excluded.map((x, i) => ({
        n: ranked + i + 1,
        vendor: x.vendor.origin,
        ...(x.vendor.relay !== undefined && { relay: x.vendor.relay, did: x.vendor.did }),
        reasons: x.reasons,
        digest: x.proposal.digest,
        issuer: x.proposal.issuer,
        payload: x.proposal.payload,
        message: messageText(x.proposal.message),
      })),
      pending: result.pending,
      failures: result.failures,
      relays: result.relays,
      ...(state !== undefined && { state: state.path }),
      ...(save !== undefined && state?.path !== save && { saved: save }),
    },
  )
}
