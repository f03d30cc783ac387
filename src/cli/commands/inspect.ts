import { shortDid } from '../../keys/did-key.js'
import { verify } from '../../envelope/verify.js'
import { IntentcastError } from '../../errors.js'
import { verifyThread } from '../../thread/verify-thread.js'
import type { Command } from '../command.js'
import { readMessages } from '../io.js'

export const inspect: Command = {
  name: 'inspect',
  summary: 'show a thread (one message per line, or a JSON array) or an agreement, human-readable',
  usage: '<file>',
  help: ['A thread file lists its messages in order, intent first. A file with one agreement shows the agreement.'],
  options: {},
  async run([file], _values, out) {
    if (!file) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'inspect needs a file')
    const messages = readMessages(file)
    if (messages.length === 1 && messages[0]!.startsWith('{')) {
      const a = await verify(messages[0]!, { expect: 'agreement' })
      const p = a.payload
      out.result(
        () => {
          out.line(`agreement ${a.digest}`)
          out.line(`  customer  ${p.parties.customer}`)
          out.line(`  vendor    ${p.parties.vendor}`)
          out.line(
            `  deal      ${p.quantity} × ${p.item.name} for ${p.price.amount} ${p.price.currency}${p.deliverBy ? `, by ${p.deliverBy}` : ''}`,
          )
          out.line(
            `  terms     ${p.terms.agreement}${(p.terms.conditions ?? []).map((c) => `, ${c.id}=${JSON.stringify(c.value)}`).join('')}`,
          )
          out.line(`  signed    ${new Date(p.iat * 1000).toISOString()} by both parties`)
        },
        { kind: 'agreement', digest: a.digest, payload: p, signers: a.signers },
      )
      return 0
    }
    const thread = await verifyThread(messages)
    out.result(
      () => {
        for (const m of thread.messages) {
          const p = m.payload as { price?: { amount: string; currency: string }; iat: number }
          out.line(
            `${new Date(p.iat * 1000).toISOString()}  ${m.kind.padEnd(10)} ${shortDid(m.issuer).padEnd(30)} ${p.price ? `${p.price.amount} ${p.price.currency}` : ''}`,
          )
        }
        out.line(`state: ${thread.state()} (${thread.status()})`)
      },
      {
        state: thread.state(),
        status: thread.status(),
        messages: thread.messages.map((m) => ({ kind: m.kind, issuer: m.issuer, digest: m.digest })),
      },
    )
    return 0
  },
}
