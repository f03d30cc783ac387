import { verify as verifyMessage, type VerifyOptions } from '../../envelope/verify.js'
import { IntentcastError, type IntentcastErrorCode } from '../../errors.js'
import type { Command } from '../command.js'
import { readMessageArg, whiteSpaceHint } from '../io.js'

/** The checks of spec §Verification in order, with the codes each can fail with. */
const CHECKS: ReadonlyArray<readonly [string, readonly IntentcastErrorCode[]]> = [
  ['size', ['ERR_TOO_LARGE']],
  ['structure and JSON', ['ERR_MALFORMED']],
  ['algorithm is EdDSA', ['ERR_UNSUPPORTED_ALG']],
  ['type', ['ERR_TYPE_MISMATCH']],
  ['kid names the issuer', ['ERR_ISSUER_MISMATCH']],
  ['key resolved', ['ERR_KEY_UNRESOLVED']],
  ['signature', ['ERR_SIGNATURE_INVALID']],
  ['schema', ['ERR_SCHEMA']],
  ['time', ['ERR_EXPIRED', 'ERR_NOT_YET_VALID']],
  ['audience', ['ERR_AUDIENCE']],
]

export const verify: Command = {
  name: 'verify',
  summary: 'verify a message; prints it and every check, exits 1 with the error code on failure',
  usage: '<token|file|-> [--expect <kind>] [--aud <did>] [--now <iso-time>]',
  help: [
    '--expect <kind>  fail unless the message is of this kind',
    '--aud <did>      fail unless the message is addressed to this DID',
    '--now <time>     check times as of this RFC 3339 time',
    '',
    'A file or - is read without the white space around it (the newline `intentcast sign … > file`',
    'writes, or an editor adds); a token argument is checked exactly as given, and one with a',
    'newline after it is malformed, which the failure says.',
  ],
  options: { expect: { type: 'string' }, aud: { type: 'string' }, now: { type: 'string' } },
  async run([arg], values, out) {
    if (!arg) throw new IntentcastError('ERR_INVALID_ARGUMENT', 'verify needs a token, a file or -')
    const message = readMessageArg(arg)
    const options = {
      ...(typeof values.expect === 'string' && { expect: values.expect }),
      ...(typeof values.aud === 'string' && { audience: values.aud }),
      ...(typeof values.now === 'string' && { now: new Date(values.now) }),
    } as VerifyOptions
    try {
      const v = await verifyMessage(message, options)
      out.result(
        () => {
          for (const [name] of CHECKS) out.line(`  ✓ ${name}`)
          out.line(`${v.kind} from ${v.issuer}`)
          out.line(`digest ${v.digest}`)
          out.lines(JSON.stringify(v.payload, null, 2))
        },
        {
          ok: true,
          kind: v.kind,
          issuer: v.issuer,
          signers: v.signers,
          digest: v.digest,
          header: v.header,
          payload: v.payload,
        },
      )
      return 0
    } catch (e) {
      if (!(e instanceof IntentcastError)) throw e
      const failed = CHECKS.findIndex(([, codes]) => codes.includes(e.code))
      // The library's message names what broke (a signature that is not base64url); a newline
      // pasted or piped after a token is the usual reason, and worth saying in so many words.
      const hint = e.code === 'ERR_MALFORMED' ? whiteSpaceHint(message) : undefined
      out.result(
        () => {
          CHECKS.forEach(([name], i) =>
            out.line(
              i < failed
                ? `  ✓ ${name}`
                : i === failed
                  ? `  ✗ ${name}: ${e.code} ${e.message}`
                  : `  · ${name} (not reached)`,
            ),
          )
          if (failed < 0) out.line(`  ✗ ${e.code} ${e.message}`)
          if (hint !== undefined) out.line(hint)
        },
        {
          ok: false,
          code: e.code,
          message: e.message,
          failedCheck: CHECKS[failed]?.[0] ?? null,
          ...(hint !== undefined && { hint }),
        },
      )
      return 1
    }
  },
}
