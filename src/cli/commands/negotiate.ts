import { shortDid } from '../../keys/did-key.js'
import { writeFileSync } from 'node:fs'
import { verify } from '../../envelope/verify.js'
import { IntentcastError } from '../../errors.js'
import { negotiate as decide } from '../../terms/negotiate.js'
import type { Command } from '../command.js'
import { readMessageArg } from '../io.js'
import { conflictText, dealTermsText, dealText, money, termSetText } from '../text.js'

const MEANING = {
  agreed: 'the proposal meets your terms: accept it as it stands',
  counter: 'the vendor can still move to your terms: counter with the deal below',
  rejected: 'it breaks a hard limit of yours, which no counter can settle',
} as const

export const negotiate: Command = {
  name: 'negotiate',
  summary:
    "answer a vendor's offer (or counter) to an intent: agreed, counter (with the deal to counter with) or rejected",
  usage: '<intent> <offer> [--out <counter.json>] [--now <iso-time>]',
  help: [
    "<intent> is the signed intent, <offer> the vendor's signed offer or counter to it: tokens, files",
    'holding them, or - for standard input. Both are verified first, and the offer must answer the intent.',
    '',
    '--out <file>   for a counter, write the counter body there, ready for',
    "               `intentcast sign counter <file> --key <the intent's key> --aud <the vendor's DID>`",
    '--now <time>   check times as of this RFC 3339 time',
    '',
    'exit status: 0 for agreed and counter, 1 for rejected (and for errors).',
  ],
  options: { out: { type: 'string', short: 'o' }, now: { type: 'string' } },
  async run([intentArg, offerArg], values, out) {
    if (!intentArg || !offerArg)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'negotiate needs an intent and an offer')
    const now = typeof values.now === 'string' ? { now: new Date(values.now) } : {}
    if (now.now && Number.isNaN(now.now.getTime()))
      throw new IntentcastError('ERR_INVALID_ARGUMENT', '--now must be an RFC 3339 time')
    const intent = await verify(readMessageArg(intentArg), { expect: 'intent', ...now })
    const offer = await verify(readMessageArg(offerArg), { expect: ['offer', 'counter'], ...now })
    const result = decide(intent, offer)
    const counter = result.outcome === 'counter' ? result.counter : undefined
    const counterBody = counter && { ...counter, inReplyTo: offer.digest, intent: intent.digest }
    if (counterBody && typeof values.out === 'string')
      writeFileSync(values.out, JSON.stringify(counterBody, null, 2) + '\n')
    const want = intent.payload.want
    const p = offer.payload
    const item = 'item' in p ? p.item.name : want.item.name // a counter names no item: the intent's
    out.result(
      () => {
        out.line(
          `intent   ${shortDid(intent.issuer)}  ${want.quantity ?? 1} × ${want.item.name}${want.maxPrice ? `, at most ${money(want.maxPrice)}` : ''}${want.deliverBy ? `, by ${want.deliverBy}` : ''}  ✓ verified`,
        )
        out.line(`         ${termSetText(intent.payload.terms, 'customer')}`)
        out.line(
          `${offer.kind.padEnd(8)} ${shortDid(offer.issuer)}  ${p.quantity} × ${item} for ${money(p.price)}${p.deliverBy ? `, by ${p.deliverBy}` : ''}  ✓ verified`,
        )
        out.line(`         ${dealTermsText(p.terms)}`)
        out.line('')
        out.line(`outcome  ${result.outcome}: ${MEANING[result.outcome]}`)
        if (result.conflicts.length === 0) out.line('conflicts  none')
        else {
          out.line('conflicts')
          for (const c of result.conflicts) out.line(`  ${conflictText(c)}`)
        }
        if (counter && counterBody) {
          out.line(`counter  ${dealText(counter, item)}`)
          if (typeof values.out === 'string')
            out.line(
              `  written to ${values.out}; sign it with: intentcast sign counter ${values.out} --key <the intent's key> --aud ${offer.issuer}`,
            )
          else out.lines(JSON.stringify(counterBody, null, 2))
        }
      },
      {
        outcome: result.outcome,
        terms: result.terms,
        conflicts: result.conflicts,
        ...(counter && { counter, counterBody }),
        ...(typeof values.out === 'string' && counterBody && { file: values.out }),
        intent: { digest: intent.digest, issuer: intent.issuer },
        offer: { kind: offer.kind, digest: offer.digest, issuer: offer.issuer },
      },
    )
    return result.outcome === 'rejected' ? 1 : 0
  },
}
