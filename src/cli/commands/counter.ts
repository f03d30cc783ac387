import { IntentcastError } from '../../errors.js'
import { DECIMAL } from '../../model/primitives.js'
import { Deal, dealOf, sameDeal } from '../../model/deal.js'
import { parseWith } from '../../model/parse.js'
import { negotiate as decide } from '../../terms/negotiate.js'
import type { Negotiation } from '../../wallet/reply.js'
import { positiveInt, stringArg } from '../args.js'
import type { Command } from '../command.js'
import { isObject, readJson } from '../io.js'
import { messageText, openPicked, PICK_HELP, PICK_OPTIONS, vendorText } from '../pick.js'
import { dealText } from '../text.js'

type Values = Record<string, string | boolean | undefined>

/**
 * The deal to counter with: `--deal`'s, else the counter `negotiate` works out from the intent's
 * terms (every term that can move, moved), else the proposal's own; then each option given
 * replaces its field.
 */
function counterDeal(negotiation: Negotiation, values: Values): Deal {
  const file = stringArg(values, 'deal')
  let deal: Deal
  if (file !== undefined) {
    const body = readJson(file)
    if (!isObject(body)) throw new IntentcastError('ERR_INVALID_ARGUMENT', `${file} holds no deal`)
    // A counter body from `negotiate --out` carries its links beside the deal: only the deal is taken.
    deal = parseWith(Deal, dealOf(body as Deal), `${file} holds no deal`, 'ERR_INVALID_ARGUMENT')
  } else {
    const suggested = decide(negotiation.thread.intent, negotiation.proposal)
    deal = suggested.outcome === 'counter' ? suggested.counter : dealOf(negotiation.proposal.payload)
  }
  const price = stringArg(values, 'price')
  if (price !== undefined && !DECIMAL.test(price))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', '--price must be a decimal amount such as 1800.00')
  const quantity = positiveInt(values.quantity, '--quantity')
  const deliverBy = stringArg(values, 'deliver-by')
  const agreement = stringArg(values, 'agreement')
  return {
    ...deal,
    ...(quantity !== undefined && { quantity }),
    ...(price !== undefined && { price: { amount: price, currency: deal.price.currency } }),
    ...(deliverBy !== undefined && { deliverBy }),
    ...(agreement !== undefined && { terms: { ...deal.terms, agreement } }),
  }
}

export const counter: Command = {
  name: 'counter',
  summary: "counter a vendor's offer (or its counter) in a saved negotiation; records the vendor's answer",
  usage:
    '--state <file> --offer <n|digest|vendor> [--price <amount>] [--quantity <n>] [--deliver-by <time>] [--agreement <id>] [--deal <file>] [--note <text>] [--timeout <ms>]',
  help: [
    ...PICK_HELP,
    '',
    'The counter carries the deal `intentcast negotiate` works out from your intent (every term the',
    "vendor can still move on, moved to yours), or the vendor's own deal when nothing is left to move;",
    'then these replace its fields:',
    '--price <amount>    the price for the whole quantity, in the currency of the deal (e.g. 1800.00)',
    '--quantity <n>      the quantity',
    '--deliver-by <time> the delivery date, RFC 3339',
    '--agreement <id>    the IEEE 7012 agreement, e.g. SD-BASE: what a vendor whose agreement broke a hard',
    '                    limit of yours can still be asked for',
    '--deal <file>       the whole deal from a file: a Deal, or the counter body `negotiate --out` wrote',
    '--note <text>       free text for the vendor, signed with the counter',
    '',
    "The counter is signed with the intent's key and sealed to the vendor's encryption key when it names",
    "one. The vendor's answer (its own counter, verified) takes the offer's place in the state, with the",
    'thread so far, ready for `intentcast accept`; no answer yet (202) leaves the offer as it was, open to',
    'accept or to counter again.',
    '',
    'exit status: 0 when the counter was taken (answered or not), 1 on an error.',
  ],
  options: {
    ...PICK_OPTIONS,
    price: { type: 'string' },
    quantity: { type: 'string' },
    'deliver-by': { type: 'string' },
    agreement: { type: 'string' },
    deal: { type: 'string' },
    note: { type: 'string' },
  },
  async run(_args, values, out) {
    const { state, picked, timeoutMs } = await openPicked(values, 'counter')
    const name = picked.saved ? `offer ${picked.saved.n}` : 'the offer'
    if (picked.agreed)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `${name} already ended in agreement ${picked.agreed.agreement!.digest}: there is nothing to counter`,
      )
    const n = picked.negotiation
    if (n.accepting)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `an acceptance of ${name} is in flight: run \`intentcast accept\` again to fetch its agreement`,
      )
    const deal = counterDeal(n, values)
    if (sameDeal(deal, n.proposal.payload))
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `the counter would repeat the vendor's deal: accept ${name} as it stands, or change --price, --agreement, …`,
      )
    const note = stringArg(values, 'note')
    const { thread, reply } = await state.wallet.counter(n, deal, {
      ...(note !== undefined && { note }),
      ...(timeoutMs !== undefined && { timeoutMs }),
    })
    const mine = [...thread.messages].reverse().find((m) => m.kind === 'counter' && m.issuer === thread.intent.issuer)!
    const item = thread.intent.payload.want.item.name
    const vendor = n.vendor.did ?? n.vendor.origin
    const sealed = n.thread.proposals.some((p) => p.issuer === n.proposal.issuer && p.payload.replyKey)
    const answer = reply && decide(thread.intent, reply.proposal)
    const offerArg = picked.saved?.n ?? reply?.proposal.digest
    out.result(
      () => {
        out.line(`counter to ${name} from ${vendorText(vendor)}`)
        out.line(`  theirs   ${n.proposal.kind} ${dealText(n.proposal.payload, item)}`)
        out.line(
          `  yours    ${dealText(deal, item)}  (counter ${mine.digest.slice(0, 10)}…, signed${sealed ? ', sent sealed to the vendor' : ', sent'})`,
        )
        if (reply && answer) {
          out.line(`  answer   counter ${dealText(reply.proposal.payload, item)}  ✓ verified`)
          out.line(
            answer.outcome === 'agreed'
              ? `it meets your terms: intentcast accept --state ${state.path} --offer ${offerArg}`
              : `it still differs from your terms (${answer.outcome}): accept it, or counter again`,
          )
        } else
          out.line('  answer   none yet (202): the vendor may answer later; the offer stays open to accept or counter')
        out.line(`recorded in ${state.path}`)
      },
      {
        offer: picked.saved?.n ?? null,
        vendor,
        countered: { kind: n.proposal.kind, digest: n.proposal.digest },
        counter: { digest: mine.digest, payload: mine.payload, message: messageText(mine.message) },
        reply: reply
          ? {
              digest: reply.proposal.digest,
              issuer: reply.proposal.issuer,
              payload: reply.proposal.payload,
              message: messageText(reply.proposal.message),
              outcome: answer!.outcome,
            }
          : null,
        state: state.path,
      },
    )
    return 0
  },
}
