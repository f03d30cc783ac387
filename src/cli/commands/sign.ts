import { countersign, signAgreement } from '../../envelope/countersign.js'
import {
  signAcceptance,
  signCounter,
  signIntent,
  signOffer,
  signTerms,
  signWithdrawal,
  type SignOptions,
} from '../../envelope/sign.js'
import { IntentcastError } from '../../errors.js'
import { importKeyPair } from '../../keys/key-pair.js'
import type { PrivateJwk } from '../../keys/did-key.js'
import type { Command } from '../command.js'
import { readJson, readMessageArg } from '../io.js'

const SIGNERS = {
  intent: signIntent,
  offer: signOffer,
  counter: signCounter,
  terms: signTerms,
  acceptance: signAcceptance,
  withdrawal: signWithdrawal,
} as const

export const sign: Command = {
  name: 'sign',
  summary: 'sign a message body (JSON) as a kind; countersign an agreement',
  usage: '<kind> <body.json> --key <private.jwk.json> [--aud <did>] [--expires <span>]',
  help: [
    'kinds: intent, offer, counter, terms, acceptance, withdrawal, agreement, countersign',
    '`sign agreement body.json` signs as the first party; `sign countersign <agreement>` adds the second',
    '--aud <did>       the addressee (required for offer, counter, acceptance)',
    '--expires <span>  lifetime such as 2h, 90s or 7d',
    '',
    'It prints the message and a newline, as a terminal wants; the newline is no part of the message:',
    '`intentcast sign … > m.jws` then `intentcast verify m.jws` reads the file without it, and so does',
    'every command that takes a message file. --json prints {"kind", "message"}.',
  ],
  options: { key: { type: 'string', short: 'k' }, aud: { type: 'string' }, expires: { type: 'string' } },
  async run([kind, file], values, out) {
    if (!kind || !file) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'sign needs a kind and a body file')
    if (typeof values.key !== 'string')
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'sign needs --key <private.jwk.json>')
    const keyPair = await importKeyPair(readJson(values.key) as PrivateJwk)
    const options: SignOptions<'jws'> = {
      ...(typeof values.aud === 'string' && { audience: values.aud }),
      ...(typeof values.expires === 'string' && {
        expiresIn: /^\d+$/.test(values.expires) ? Number(values.expires) : values.expires,
      }),
    }
    let message: string
    if (kind === 'agreement') message = await signAgreement(readJson(file) as never, keyPair)
    else if (kind === 'countersign') message = await countersign(readMessageArg(file), keyPair)
    else if (kind in SIGNERS)
      message = await SIGNERS[kind as keyof typeof SIGNERS](readJson(file) as never, keyPair, options)
    else throw new IntentcastError('ERR_INVALID_ARGUMENT', `unknown kind ${kind}`)
    out.result(() => out.line(message), { kind, message })
    return 0
  },
}
