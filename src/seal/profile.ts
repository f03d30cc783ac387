import { IntentcastError } from '../errors.js'
import { decodeBase64url } from '../lib/base64url.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8 } from '../lib/utf8.js'
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from '../model/media-types.js'

/**
 * The JWE profile (spec §Encrypted envelopes): compact serialization, direct key agreement
 * ECDH-ES with X25519 (RFC 8037), content encrypted with A256GCM, and a `cty` naming the
 * signed message inside. Nothing else is accepted, so there is no algorithm to negotiate.
 */
export const SEAL_ALG = 'ECDH-ES'
export const SEAL_ENC = 'A256GCM'

/** The `cty` of a sealed JWS: its media type without `application/` (RFC 7516 §4.1.12). */
export const SEAL_CTY_JWS = MEDIA_TYPE_JWS.slice('application/'.length)
/** Reserved for the COSE binding's messages, once they can be sealed (not yet: spec §Encrypted envelopes). */
const SEAL_CTY_COSE = MEDIA_TYPE_COSE.slice('application/'.length)

/** The header members a sealed message may carry; anything else (`zip`, `jku`, `crit`, …) is refused. */
const HEADER_MEMBERS = new Set(['alg', 'enc', 'cty', 'epk', 'kid'])

const malformed = (message: string) => new IntentcastError('ERR_MALFORMED', message)

/**
 * Checks a compact JWE's shape and header against the profile, before any key is used (jose
 * decrypts it afterwards).
 * Every part is decoded as canonical base64url: a lenient decoder would let two spellings of
 * one tag both decrypt, so a changed character could pass unnoticed.
 */
export function checkSeal(jwe: string): void {
  const parts = jwe.split('.')
  if (parts.length !== 5) throw malformed('a sealed message is a compact JWE: five parts separated by dots')
  const [h, k, i, c, t] = parts as [string, string, string, string, string]
  const header = parseJsonStrict(fromUtf8(decodeBase64url(h, 'JWE header'), 'JWE header'), 'JWE header')
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw malformed('JWE header is not an object')
  for (const key of Object.keys(header)) {
    if (!HEADER_MEMBERS.has(key)) throw malformed(`JWE header member "${key.slice(0, 32)}" is not allowed`)
  }
  const { alg, enc, cty, epk, kid } = header as Record<string, unknown>
  if (alg !== SEAL_ALG || enc !== SEAL_ENC) {
    throw new IntentcastError('ERR_UNSUPPORTED_ALG', `only alg ${SEAL_ALG} with enc ${SEAL_ENC} is accepted`)
  }
  if (cty !== SEAL_CTY_JWS) {
    throw new IntentcastError(
      'ERR_TYPE_MISMATCH',
      cty === SEAL_CTY_COSE ? 'a sealed COSE message is not supported yet' : `cty is not ${SEAL_CTY_JWS}`,
    )
  }
  if (kid !== undefined && typeof kid !== 'string') throw malformed('JWE kid is not a string')
  checkEpk(epk)
  // ECDH-ES in direct mode derives the content key itself: there is no wrapped key to carry.
  if (k.length !== 0) throw malformed('JWE encrypted key must be empty with ECDH-ES')
  if (decodeBase64url(i, 'JWE iv').length !== 12) throw malformed('JWE iv is not 96 bits')
  if (decodeBase64url(t, 'JWE tag').length !== 16) throw malformed('JWE tag is not 128 bits')
  decodeBase64url(c, 'JWE ciphertext')
}

/** The ephemeral public key: an X25519 JWK with exactly `kty`, `crv` and a 32-byte `x`. */
function checkEpk(epk: unknown): void {
  if (typeof epk !== 'object' || epk === null || Array.isArray(epk)) throw malformed('JWE epk is missing')
  const { kty, crv, x, ...rest } = epk as Record<string, unknown>
  if (kty !== 'OKP' || crv !== 'X25519' || typeof x !== 'string' || Object.keys(rest).length > 0) {
    throw malformed('JWE epk is not an X25519 public JWK')
  }
  if (decodeBase64url(x, 'JWE epk x').length !== 32) throw malformed('JWE epk x is not 32 bytes')
}
