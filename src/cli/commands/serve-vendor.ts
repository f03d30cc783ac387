import { IntentcastError } from '../../errors.js'
import { shortDid, type PrivateJwk } from '../../keys/did-key.js'
import { importKeyPair } from '../../keys/key-pair.js'
import { parseDuration } from '../../lib/time.js'
import { MEDIA_TYPE_JWS, WELL_KNOWN_PATH } from '../../model/media-types.js'
import type { Command } from '../command.js'
import { DEFAULT_VENDOR_TERMS, startDemoVendor } from '../demo-vendor.js'
import { readJson } from '../io.js'
import { readTermsArg } from '../terms-input.js'
import { money, termSetText } from '../text.js'

/** Resolves on SIGINT or SIGTERM, or after `seconds` when given. */
export function stopSignal(seconds: number | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => () => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      clearTimeout(timer)
      resolve(why)
    }
    const onInt = done('SIGINT')
    const onTerm = done('SIGTERM')
    process.once('SIGINT', onInt)
    process.once('SIGTERM', onTerm)
    const timer = seconds === undefined ? undefined : setTimeout(done(`${seconds} s passed`), seconds * 1000)
  })
}

export const serveVendor: Command = {
  name: 'serve-vendor',
  summary: 'run a demo vendor site: publishes its signed terms, answers intents with offers, countersigns agreements',
  usage:
    '[--port <n>] [--host <addr>] [--terms <file>] [--key <private.jwk.json>] [--name <text>] [--price <amount>] [--currency <code>] [--floor <amount>] [--for <span>]',
  help: [
    '--port <n>          the port (default 0: any free port; the origin is printed)',
    '--host <addr>       the address to listen on (default 127.0.0.1)',
    '--terms <file>      its terms: a TermSet, a declaration payload, or a signed declaration (verified,',
    "                    then signed again with this vendor's key)",
    `                    (default: ${termSetText(DEFAULT_VENDOR_TERMS, 'vendor')})`,
    '--key <file>        its signing key, a private JWK from `intentcast keygen` (default: a fresh key)',
    '--name <text>       the name in its terms declaration (default: Demo Vendor)',
    "--price <amount>    the price it offers for any intent (default: the intent's maximum price, else 100.00)",
    '--currency <code>   when the intent names no currency (default EUR)',
    '--floor <amount>    the lowest price it agrees to when countered (default: the price it offered)',
    '--for <span>        stop by itself after this long, e.g. 90s or 10m (default: run until stopped)',
    '',
    'It stops on Ctrl-C (SIGINT) or SIGTERM. It logs each intent, counter and agreement; with --json,',
    'one JSON document per line: {"event":"listening",...} first, then one per event.',
    'Everything is kept in memory: a restart forgets its threads.',
  ],
  options: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    terms: { type: 'string' },
    key: { type: 'string', short: 'k' },
    name: { type: 'string' },
    price: { type: 'string' },
    currency: { type: 'string' },
    floor: { type: 'string' },
    for: { type: 'string' },
  },
  async run(_args, values, out) {
    const str = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined)
    const port = str('port')
    if (port !== undefined && !/^\d{1,5}$/.test(port))
      throw new IntentcastError('ERR_INVALID_ARGUMENT', '--port must be a number from 0 to 65535')
    const seconds =
      str('for') === undefined
        ? undefined
        : parseDuration(/^\d+$/.test(str('for')!) ? Number(str('for')) : str('for')!, '--for')
    const termsArg = str('terms') === undefined ? undefined : await readTermsArg(str('terms')!, 'vendor')
    const keyFile = str('key')
    const name = str('name') ?? termsArg?.name
    const say = (human: string, data: Record<string, unknown>) =>
      out.event(`${new Date().toISOString().slice(11, 19)}  ${human}`, data)
    const vendor = await startDemoVendor({
      ...(port !== undefined && { port: Number(port) }),
      ...(str('host') !== undefined && { host: str('host')! }),
      ...(keyFile !== undefined && { keyPair: await importKeyPair(readJson(keyFile) as PrivateJwk) }),
      ...(termsArg && { terms: termsArg.terms }),
      ...(name !== undefined && { name }),
      ...(str('price') !== undefined && { price: str('price')! }),
      ...(str('currency') !== undefined && { currency: str('currency')! }),
      ...(str('floor') !== undefined && { floor: str('floor')! }),
      onEvent: (e) => {
        if (e.event === 'intent')
          say(`intent ${e.digest.slice(0, 10)}… from ${shortDid(e.from)}: ${e.item} → offer ${money(e.offer)}`, {
            ...e,
          })
        if (e.event === 'counter')
          say(
            `counter ${e.digest.slice(0, 10)}… at ${money(e.price)} → ${e.answer === 'agree' ? 'agreed (restated as our counter)' : 'no answer (202)'}`,
            { ...e },
          )
        if (e.event === 'agreement')
          say(
            `agreement ${e.digest.slice(0, 10)}… countersigned with ${shortDid(e.customer)}: ${money(e.price)}, ${e.terms}`,
            { ...e },
          )
      },
    })
    if (out.json)
      out.event('', {
        event: 'listening',
        origin: vendor.origin,
        did: vendor.did,
        name: vendor.name,
        terms: vendor.terms,
        document: vendor.origin + WELL_KNOWN_PATH,
      })
    else {
      out.line(`${vendor.name} listening at ${vendor.origin}`)
      out.line(`  document  ${vendor.origin}${WELL_KNOWN_PATH}`)
      out.line(`  key       ${vendor.did}`)
      out.line(`  terms     ${termSetText(vendor.terms, 'vendor')}`)
      out.line(`  takes     ${MEDIA_TYPE_JWS}`)
      out.line(
        `cast to it: intentcast cast <intent> ${vendor.origin}   (Ctrl-C stops it${seconds !== undefined ? `; it stops by itself after ${seconds} s` : ''})`,
      )
    }
    const why = await stopSignal(seconds)
    await vendor.close()
    out.event(`stopped (${why})`, { event: 'stopped', reason: why })
    return 0
  },
}
