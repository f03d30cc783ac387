import { IntentcastError } from '../errors.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8, utf8 } from '../lib/utf8.js'
import { kindOfJwsTyp, type Kind } from '../model/kinds.js'
import { BoundedCache } from '../lib/bounded-cache.js'

/**
 * The protected header of every intentcast JWS: exactly these three members. Anything else
 * (`jwk`, `jku`, `x5u`, `crit`, `b64`) is refused, so a message can never bring its own key
 * or change how its bytes are read.
 */
export interface ProtectedHeader {
  readonly alg: 'EdDSA'
  readonly typ: string
  readonly kid: string
}

export interface ParsedHeader extends ProtectedHeader {
  readonly kind: Kind
}

export function encodeProtectedHeader(typ: string, kid: string): string {
  return encodeBase64url(utf8(JSON.stringify({ alg: 'EdDSA', kid, typ })))
}

// Headers repeat: one signer sends many messages of one kind. Parsing is a pure function of
// the segment, so a small cache saves a base64 decode and a JSON parse per message.
const cache = new BoundedCache<string, ParsedHeader>(512)

/** Parses and checks one protected header segment. The checks run in spec order (§Verification). */
export function parseProtectedHeader(segment: string): ParsedHeader {
  const hit = cache.get(segment)
  if (hit) return hit
  const h = parseJsonStrict(fromUtf8(decodeBase64url(segment, 'JWS header'), 'JWS header'), 'JWS header')
  if (typeof h !== 'object' || h === null || Array.isArray(h)) {
    throw new IntentcastError('ERR_MALFORMED', 'JWS header is not a JSON object')
  }
  const { alg, typ, kid, ...rest } = h as Record<string, unknown>
  if (alg !== 'EdDSA') {
    throw new IntentcastError(
      'ERR_UNSUPPORTED_ALG',
      `alg ${JSON.stringify(alg)?.slice(0, 32)} is not allowed; intentcast signs with EdDSA (Ed25519) only`,
    )
  }
  const kind = typeof typ === 'string' ? kindOfJwsTyp(typ) : undefined
  if (kind === undefined)
    throw new IntentcastError(
      'ERR_TYPE_MISMATCH',
      `typ ${JSON.stringify(typ)?.slice(0, 64)} is not an intentcast message type`,
    )
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 600)
    throw new IntentcastError('ERR_MALFORMED', 'JWS header needs a kid (a DID URL)')
  const extra = Object.keys(rest)
  if (extra.length > 0)
    throw new IntentcastError('ERR_MALFORMED', `JWS header member ${extra[0]!.slice(0, 32)} is not allowed`)
  const parsed: ParsedHeader = Object.freeze({ alg, typ: typ as string, kid, kind })
  cache.set(segment, parsed)
  return parsed
}
