import { generateKeyPair } from '../../keys/key-pair.js'
import type { Command } from '../command.js'
import { writeSecret } from '../io.js'

export const keygen: Command = {
  name: 'keygen',
  summary: 'create an Ed25519 identity: writes the private JWK, prints the DID',
  usage: '[--out <file>]',
  help: [
    '--out <file>   where to write the private JWK: a new file, mode 0600; an existing file or a',
    '               symbolic link there is refused, never overwritten or followed (default: print it)',
  ],
  options: { out: { type: 'string', short: 'o' } },
  async run(_args, values, out) {
    const pair = await generateKeyPair()
    const jwk = JSON.stringify(pair.privateJwk, null, 2) + '\n'
    if (typeof values.out === 'string') writeSecret(values.out, jwk)
    out.result(
      () => {
        out.line(pair.did)
        if (typeof values.out !== 'string') out.lines(jwk.trimEnd())
      },
      {
        did: pair.did,
        publicJwk: pair.publicJwk,
        ...(typeof values.out === 'string' ? { file: values.out } : { privateJwk: pair.privateJwk }),
      },
    )
    return 0
  },
}
