import { realpathSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { IntentcastError } from '../../errors.js'
import type { ContactDetails } from '../../disclose/claims.js'
import type { Verified } from '../../envelope/verify.js'
import { shortDid } from '../../keys/did-key.js'
import type { Thread } from '../../thread/thread.js'
import { stringArg } from '../args.js'
import type { Command } from '../command.js'
import { readJson } from '../io.js'
import { messageText, openPicked, PICK_HELP, PICK_OPTIONS, vendorText } from '../pick.js'
import { dealText } from '../text.js'

export const accept: Command = {
  name: 'accept',
  summary:
    "accept a vendor's offer (or its counter) in a saved negotiation; prints or writes the agreement both signed",
  usage:
    '--state <file> --offer <n|digest|vendor> [--out <agreement file>] [--details <contact.json>] [--timeout <ms>]',
  help: [
    ...PICK_HELP,
    '--out <file>        write the agreement there (default: print it)',
    '--details <file>    contact details for this vendor only (JSON: {"address": {...}, "email": ...}),',
    '                    sealed to it; the agreement commits to them by salted digests',
    '',
    "The acceptance is signed with the intent's key, names this wallet's own key for the vendor, which",
    'signs the agreement, and is kept in the state before it is sent: when the answer is lost, accept',
    'again, and the very same acceptance fetches the agreement the vendor countersigned. The agreement',
    'is checked (both signatures, the deal accepted) and kept in the state; accepting it again prints it.',
    'exit status: 0 with an agreement, 1 on an error (the vendor refused, or did not answer in time).',
  ],
  options: {
    ...PICK_OPTIONS,
    out: { type: 'string', short: 'o' },
    details: { type: 'string' },
  },
  async run(_args, values, out) {
    const detailsFile = stringArg(values, 'details')
    const details = detailsFile === undefined ? undefined : (readJson(detailsFile) as ContactDetails)
    const { state, picked, timeoutMs } = await openPicked(values, 'accept')
    const file = stringArg(values, 'out')
    // Checked before the acceptance is sent: writing the agreement over the state file would
    // lose the wallet's secret, and with it the key the agreement names.
    if (file !== undefined && sameFile(file, state.path))
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `--out ${file} is the state file; write the agreement elsewhere`,
      )
    let thread: Thread
    let resent = false
    if (picked.agreed) thread = picked.agreed
    else {
      resent = picked.negotiation.accepting
      try {
        thread = (
          await state.wallet.accept(picked.negotiation, {
            ...(details !== undefined && { details }),
            ...(timeoutMs !== undefined && { timeoutMs }),
          })
        ).thread
      } catch (e) {
        // The wallet keeps an acceptance whose answer did not come (and drops one the vendor
        // refused): the person at the shell is to know that the same command fetches it.
        if (e instanceof IntentcastError && state.holdsAcceptance(picked.negotiation))
          throw new IntentcastError(
            e.code,
            `${e.message}; the acceptance is kept in ${state.path}: run this accept again to fetch the agreement`,
            { cause: e },
          )
        throw e
      }
    }
    const agreement = thread.agreement as Verified<'agreement'>
    const message = messageText(agreement.message)
    if (file !== undefined) {
      try {
        writeFileSync(file, message + '\n')
      } catch (cause) {
        throw new IntentcastError(
          'ERR_INVALID_ARGUMENT',
          `cannot write ${file}; the agreement is kept in ${state.path}: run this accept again with another --out`,
          { cause },
        )
      }
    }
    const p = agreement.payload
    const vendor = picked.saved?.vendor ?? picked.negotiation?.vendor.did ?? picked.negotiation?.vendor.origin
    out.result(
      () => {
        out.line(
          `agreement ${agreement.digest}${picked.agreed ? '  (made before: kept in the state)' : resent ? '  (the acceptance sent again)' : ''}`,
        )
        if (vendor !== undefined) out.line(`  with      ${vendorText(vendor)}`)
        out.line(`  deal      ${dealText(p, p.item.name)}`)
        out.line(`  customer  ${shortDid(p.parties.customer)}   vendor  ${shortDid(p.parties.vendor)}`)
        out.line(`  ✓ signed by both, verified; kept in ${state.path}`)
        if (file !== undefined) out.line(`written to ${file}`)
        else out.line(message)
      },
      {
        agreement: {
          digest: agreement.digest,
          signers: agreement.signers,
          payload: p,
          message,
        },
        offer: picked.saved?.n ?? null,
        ...(vendor !== undefined && { vendor }),
        made: picked.agreed ? 'before' : resent ? 'resent' : 'now',
        thread: thread.messages.map((m) => ({ kind: m.kind, issuer: m.issuer, digest: m.digest })),
        ...(file !== undefined && { file }),
        state: state.path,
      },
    )
    return 0
  },
}

/** Whether two paths name one file: the same path, or the same file reached through a link. */
function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p)
    } catch {
      return resolve(p) // not there yet: it cannot be a link to the state file
    }
  }
  return real(a) === real(b)
}
