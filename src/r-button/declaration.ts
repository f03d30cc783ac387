/**
 * Verifying a `terms` declaration (a compact JWS) in the element, without `verify`.
 *
 * `verify` takes every kind in both envelopes: it carries every kind's zod schema and loads the
 * CBOR code for COSE, about 45 KB min+gzip with its lazily loaded parts, where the whole element
 * may weigh 25. The element reads one kind in one envelope, so this is spec §Verification for
 * exactly that: steps 1-18 with `expect: 'terms'`, in the spec's order, so a declaration fails
 * here with the code `verify` gives it. No step is skipped: the signature is checked by the
 * Ed25519 rule and the payload against the TermsPayload rules (schema.ts).
 * test/browser/declaration.test.ts holds the two to the same answer on the spec's vectors and on
 * generated declarations.
 * @module
 */
import { parseGeneralJws } from '../envelope/general.js'
import { IntentcastError } from '../errors.js'
import { didOfKid, kidForDid, publicKeyFromDid } from '../keys/did-key.js'
import { decodeBase64url } from '../lib/base64url.js'
import { parseJsonStrict } from '../lib/json.js'
import { DEFAULT_MAX_BYTES } from '../lib/limits.js'
import { fromUtf8, utf8 } from '../lib/utf8.js'
import { checkPublicKeyBytes } from '../crypto/rule.js'
import type { TermsPayload } from '../model/terms.js'
import { checkTermsPayload } from './schema.js'
import { verifySignature, type SignatureBackend } from './signature.js'

/** The `typ` of a declaration (src/model/kinds.ts, `JWS_TYP.terms`). */
const TERMS_TYP = 'intentcast-terms+jws'
/**
 * Every `typ` of the table (`JWS_TYP`): step 7 refuses any other with ERR_TYPE_MISMATCH before
 * steps 8 and 9 look at `kid` and extra members; a known `typ` of another kind is refused only
 * at step 10, after them.
 */
const KNOWN_TYP = /^intentcast-(intent|offer|counter|terms|acceptance|agreement|withdrawal|subscription|access)\+jws$/
/** Seconds of clock skew allowed on `exp` and `iat`, as `verify`'s default. */
const TOLERANCE = 30

/** Options for tests and vectors; the element uses the defaults. */
export interface DeclarationOptions {
  /** Milliseconds since the epoch. Default: now. */
  readonly now?: number
  /** Default 65,536, as `verify`. */
  readonly maxBytes?: number
  /** Default: whichever this runtime has (signature.ts). */
  readonly backend?: SignatureBackend
}

/** A declaration that passed every check: its payload, and the DID that signed it. */
export interface VerifiedDeclaration {
  readonly payload: TermsPayload
  readonly issuer: string
}

const malformed = (message: string): IntentcastError => new IntentcastError('ERR_MALFORMED', message)

/** Steps 5 (decoding) and 12: base64url, UTF-8, strict JSON, an object. */
function decodeObject(segment: string, what: string): Record<string, unknown> {
  const value = parseJsonStrict(fromUtf8(decodeBase64url(segment, what), what), what)
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(`${what} is not a JSON object`)
  return value as Record<string, unknown>
}

/** Steps 5-9: the protected header, as `parseProtectedHeader` checks it. Returns `typ` and `kid`. */
function checkHeader(segment: string): { typ: string; kid: string } {
  const { alg, typ, kid, ...rest } = decodeObject(segment, 'JWS header')
  if (alg !== 'EdDSA')
    throw new IntentcastError(
      'ERR_UNSUPPORTED_ALG',
      `alg ${JSON.stringify(alg)?.slice(0, 32)} is not allowed; intentcast signs with EdDSA (Ed25519) only`,
    )
  if (typeof typ !== 'string' || !KNOWN_TYP.test(typ))
    throw new IntentcastError(
      'ERR_TYPE_MISMATCH',
      `typ ${JSON.stringify(typ)?.slice(0, 64)} is not an intentcast message type`,
    )
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 600)
    throw malformed('JWS header needs a kid (a DID URL)')
  const extra = Object.keys(rest)[0]
  if (extra !== undefined) throw malformed(`JWS header member ${extra.slice(0, 32)} is not allowed`)
  return { typ, kid }
}

/**
 * An agreement (JWS JSON) handed over as a declaration: steps A1 and A2 as `verify` runs them,
 * then A3, which refuses it, since only a `terms` declaration is expected.
 */
function refuseAgreement(message: string): never {
  for (const s of parseGeneralJws(message).signatures) checkHeader(s.protected)
  throw new IntentcastError('ERR_TYPE_MISMATCH', 'expected terms, got agreement')
}

/**
 * Verifies a vendor's or a customer's signed terms declaration: every check of
 * `verify(jws, { expect: 'terms' })`, in the same order, with the same error codes.
 * @throws {IntentcastError} the code of the first check that fails (spec §Verification).
 * @example
 * ```ts
 * const { payload, issuer } = await verifyDeclaration(vendorDocument.terms)
 * payload.role // 'vendor' or 'customer': the caller decides which it wants
 * ```
 */
export async function verifyDeclaration(jws: string, options: DeclarationOptions = {}): Promise<VerifiedDeclaration> {
  // Steps 2-3: size before anything is parsed; a JWS in the JSON serialization is an agreement.
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  if (jws.length > maxBytes)
    throw new IntentcastError('ERR_TOO_LARGE', `message is ${jws.length} bytes; the limit is ${maxBytes}`)
  if (jws.charCodeAt(0) === 123 /* { */) refuseAgreement(jws)
  // Step 4.
  const dot1 = jws.indexOf('.')
  const dot2 = jws.indexOf('.', dot1 + 1)
  if (dot1 < 0 || dot2 < 0 || jws.indexOf('.', dot2 + 1) >= 0)
    throw malformed('not a compact JWS (three dot-separated parts)')
  // Steps 5-11.
  const { typ, kid } = checkHeader(jws.slice(0, dot1))
  if (typ !== TERMS_TYP) throw new IntentcastError('ERR_TYPE_MISMATCH', `expected terms, got ${typ.slice(11, -4)}`)
  // Step 12.
  const raw = decodeObject(jws.slice(dot1 + 1, dot2), 'JWS payload')
  // Step 13: `iss` is the DID of `kid`, and a did:key kid is the canonical one.
  const did = didOfKid(kid)
  if (raw.iss !== did) throw new IntentcastError('ERR_ISSUER_MISMATCH', 'kid does not name the issuer')
  if (did.startsWith('did:key:') && kid !== kidForDid(did))
    throw new IntentcastError('ERR_ISSUER_MISMATCH', 'a did:key kid is the DID, "#", and the key part of the DID')
  // Step 14: only did:key resolves here, as in `verify` without a `resolveKey`.
  if (!did.startsWith('did:key:'))
    throw new IntentcastError(
      'ERR_KEY_UNRESOLVED',
      `no resolver for ${did.slice(0, 64)}; only did:key resolves locally`,
    )
  const publicKey = publicKeyFromDid(did)
  if (!checkPublicKeyBytes(publicKey))
    throw new IntentcastError('ERR_KEY_UNRESOLVED', 'not an acceptable Ed25519 public key')
  // Steps 15-16.
  const signature = decodeBase64url(jws.slice(dot2 + 1), 'JWS signature')
  if (!(await verifySignature(publicKey, utf8(jws.slice(0, dot2)), signature, options.backend)))
    throw new IntentcastError('ERR_SIGNATURE_INVALID', 'signature does not verify')
  // Step 17.
  const payload = checkTermsPayload(raw)
  // Step 18.
  const now = Math.floor((options.now ?? Date.now()) / 1000)
  if (payload.exp !== undefined && payload.exp + TOLERANCE <= now)
    throw new IntentcastError('ERR_EXPIRED', `expired at ${new Date(payload.exp * 1000).toISOString()}`)
  if (payload.iat - TOLERANCE > now)
    throw new IntentcastError(
      'ERR_NOT_YET_VALID',
      `issued in the future (${new Date(payload.iat * 1000).toISOString()})`,
    )
  return { payload, issuer: did }
}
