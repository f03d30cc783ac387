/**
 * The JWS binding's sealed form (spec §Encrypted envelopes, JWE): a compact JWE with direct key
 * agreement ECDH-ES over X25519 (RFC 8037) and A256GCM, whose `cty` names the body inside.
 * Nothing else is accepted, so there is no algorithm to negotiate.
 *
 * Written here on src/crypto/seal-crypto.ts rather than with `jose`: sealing and opening are the
 * hot path (every answer a vendor sends, every one a wallet reads), and jose's WebCrypto calls
 * cost about a millisecond per JWE on Node, five times a signature, where node:crypto does the
 * same work synchronously in under a tenth of that. The profile is one algorithm pair, so what is
 * left to write is the header, one SHA-256 of the Concat KDF and the compact serialization;
 * jose stays in the tests, which hold this code to it byte for byte (test/seal/jose.test.ts) and
 * to the vectors it made.
 */
import { sealCrypto } from '../crypto/seal-crypto.js'
import { sha256 } from '../crypto/sha256.js'
import { IntentcastError } from '../errors.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { concatBytes } from '../lib/bytes.js'
import { randomBytes } from '../lib/random.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8, utf8 } from '../lib/utf8.js'
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from '../model/media-types.js'
import { selectKey, type OpenWith, type SealFixed, type SealTo } from './recipient.js'

export const JWE_ALG = 'ECDH-ES'
export const JWE_ENC = 'A256GCM'
/** The `cty` of a sealed JWS body: its media type without `application/` (RFC 7516 §4.1.12). */
export const JWE_CTY = MEDIA_TYPE_JWS.slice('application/'.length)
/** The COSE binding's `cty`, named only to say why it is refused: that binding seals in COSE. */
const COSE_CTY = MEDIA_TYPE_COSE.slice('application/'.length)

/** The header members a sealed JWE may carry; anything else (`zip`, `jku`, `crit`, …) is refused. */
const HEADER_MEMBERS = new Set(['alg', 'enc', 'cty', 'epk', 'kid'])

const malformed = (message: string) => new IntentcastError('ERR_MALFORMED', message)

/**
 * Seals a JWS body (one JWS, or an acceptance and its agreement) to `to`. The header's members
 * are in the order jose writes them (`alg`, `enc`, `cty`, `kid`, then `epk` as `x`, `crv`,
 * `kty`), so a vector made with either reads the same.
 */
export async function sealJwe(body: string, to: SealTo, fixed?: SealFixed): Promise<string> {
  const backend = sealCrypto()
  const ephemeral = { d: fixed?.ephemeralSeed ?? randomBytes(32) }
  const shared = await backend.agree(ephemeral, to.x)
  // The body and key are the SDK's own and checked: what can fail is a low-order recipient key.
  if (shared === undefined)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the recipient is not a usable X25519 public key')
  const epk = { x: encodeBase64url(await backend.publicKey(ephemeral)), crv: 'X25519', kty: 'OKP' }
  const header = { alg: JWE_ALG, enc: JWE_ENC, cty: JWE_CTY, ...(to.kid !== undefined && { kid: to.kid }), epk }
  const h = encodeBase64url(utf8(JSON.stringify(header)))
  const iv = fixed?.iv ?? randomBytes(12)
  const sealed = await backend.encrypt(concatKdf(shared), iv, utf8(body), utf8(h))
  const tag = sealed.subarray(sealed.length - 16)
  return `${h}..${encodeBase64url(iv)}.${encodeBase64url(sealed.subarray(0, sealed.length - 16))}.${encodeBase64url(tag)}`
}

/** Opens a sealed JWE (spec §Encrypted envelopes, JWE steps 2 to 5); the size is checked already. */
export async function openJwe(jwe: string, keys: readonly OpenWith[]): Promise<string> {
  const { kid, epkX } = checkJwe(jwe)
  const key = selectKey(keys, kid === undefined ? undefined : utf8(kid))
  const [h, , i, c, t] = jwe.split('.') as [string, string, string, string, string]
  const backend = sealCrypto()
  const shared = await backend.agree(key, epkX)
  // A low-order epk, or a tag that fails: sealed to another key, or altered.
  const plaintext =
    shared &&
    (await backend.decrypt(
      concatKdf(shared),
      decodeBase64url(i, 'JWE iv'),
      concatBytes(decodeBase64url(c, 'JWE ciphertext'), decodeBase64url(t, 'JWE tag')),
      utf8(h),
    ))
  if (plaintext === undefined)
    throw new IntentcastError('ERR_DECRYPT', 'the sealed message does not decrypt with this key')
  if (plaintext.length === 0) throw malformed('a sealed body is never empty')
  return fromUtf8(plaintext, 'sealed body')
}

/**
 * Checks a compact JWE's shape and header against the profile, before any key is used, in the
 * order of the spec: structure, algorithms, content type, then the members' values.
 * Every part is decoded as canonical base64url: a lenient decoder would let two spellings of
 * one tag both decrypt, so a changed character could pass unnoticed.
 */
export function checkJwe(jwe: string): { kid: string | undefined; epkX: Uint8Array } {
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
  // Before the members' values: another algorithm has other members (an encrypted key, no epk),
  // and is reported as the algorithm it is, not as a malformed ECDH-ES.
  if (alg !== JWE_ALG || enc !== JWE_ENC) {
    throw new IntentcastError('ERR_UNSUPPORTED_ALG', `only alg ${JWE_ALG} with enc ${JWE_ENC} is accepted`)
  }
  if (cty !== JWE_CTY) {
    throw new IntentcastError(
      'ERR_TYPE_MISMATCH',
      cty === COSE_CTY ? 'a COSE body is sealed in COSE, not in a JWE' : `cty is not ${JWE_CTY}`,
    )
  }
  if (kid !== undefined && typeof kid !== 'string') throw malformed('JWE kid is not a string')
  const epkX = checkEpk(epk)
  // ECDH-ES in direct mode derives the content key itself: there is no wrapped key to carry.
  if (k.length !== 0) throw malformed('JWE encrypted key must be empty with ECDH-ES')
  if (decodeBase64url(i, 'JWE iv').length !== 12) throw malformed('JWE iv is not 96 bits')
  if (decodeBase64url(t, 'JWE tag').length !== 16) throw malformed('JWE tag is not 128 bits')
  decodeBase64url(c, 'JWE ciphertext')
  return { kid, epkX }
}

/** The ephemeral public key: an X25519 JWK with exactly `kty`, `crv` and a 32-byte `x`. Its `x`. */
function checkEpk(epk: unknown): Uint8Array {
  if (typeof epk !== 'object' || epk === null || Array.isArray(epk)) throw malformed('JWE epk is missing')
  const { kty, crv, x, ...rest } = epk as Record<string, unknown>
  if (kty !== 'OKP' || crv !== 'X25519' || typeof x !== 'string' || Object.keys(rest).length > 0) {
    throw malformed('JWE epk is not an X25519 public JWK')
  }
  const raw = decodeBase64url(x, 'JWE epk x')
  if (raw.length !== 32) throw malformed('JWE epk x is not 32 bytes')
  return raw
}

/**
 * The content key of ECDH-ES in direct mode (RFC 7518 §4.6.2): the Concat KDF of NIST SP 800-56A
 * with SHA-256, one round for a 256-bit key: SHA-256 of the round counter 1, Z, then the
 * AlgorithmID (the `enc`, A256GCM, length-prefixed), empty PartyUInfo and PartyVInfo (no `apu`,
 * `apv`: the profile allows neither), and the key length in bits.
 */
function concatKdf(shared: Uint8Array): Uint8Array {
  return sha256(concatBytes(ROUND_ONE, shared, OTHER_INFO))
}

const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff])
const ROUND_ONE = u32(1)
const OTHER_INFO = concatBytes(u32(JWE_ENC.length), utf8(JWE_ENC), u32(0), u32(0), u32(256))
