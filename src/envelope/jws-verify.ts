import { verifyPrepared } from '../crypto/prepared.js'
import { sha256Async } from '../crypto/sha256-async.js'
import { IntentcastError } from '../errors.js'
import { didOfKid } from '../keys/did-key.js'
import { resolvePublicKey } from '../keys/resolve.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { parseJsonStrict } from '../lib/json.js'
import { fromUtf8, utf8 } from '../lib/utf8.js'
import { JWS_TYP, type Kind, type PayloadOf } from '../model/kinds.js'
import {
  checkAudience,
  checkKid,
  checkSchema,
  checkTime,
  expectKind,
  keyFaultFirst,
  verified,
  type InternalVerifyOptions,
  type VerifiedOf,
} from './checks.js'
import { parseGeneralJws, type GeneralJws } from './general.js'
import { parseProtectedHeader, type ParsedHeader } from './header.js'

function parsePayload(segment: string): Record<string, unknown> {
  const p = parseJsonStrict(fromUtf8(decodeBase64url(segment, 'JWS payload'), 'JWS payload'), 'JWS payload')
  if (typeof p !== 'object' || p === null || Array.isArray(p))
    throw new IntentcastError('ERR_MALFORMED', 'JWS payload is not a JSON object')
  return p as Record<string, unknown>
}

async function checkSignature(
  header: ParsedHeader,
  signingInput: Uint8Array,
  signature: string,
  options: InternalVerifyOptions,
): Promise<void> {
  const key = await resolvePublicKey(header.kid, didOfKid(header.kid), options.resolveKey)
  await keyFaultFirst([key], async () => {
    if (!(await verifyPrepared(key, signingInput, decodeBase64url(signature, 'JWS signature'))))
      throw new IntentcastError('ERR_SIGNATURE_INVALID', 'signature does not verify')
  })
}

/** A compact JWS: every kind but the agreement. */
export async function checkCompact(message: string, options: InternalVerifyOptions): Promise<VerifiedOf<Kind>> {
  const dot1 = message.indexOf('.')
  const dot2 = message.indexOf('.', dot1 + 1)
  if (dot1 < 0 || dot2 < 0 || message.indexOf('.', dot2 + 1) >= 0)
    throw new IntentcastError('ERR_MALFORMED', 'not a compact JWS (three dot-separated parts)')
  const header = parseProtectedHeader(message.slice(0, dot1))
  expectKind(header.kind, options.expect)
  if (header.kind === 'agreement')
    throw new IntentcastError('ERR_MALFORMED', 'an agreement uses the JWS JSON serialization')
  const raw = parsePayload(message.slice(dot1 + 1, dot2))
  checkKid(header.kid, raw.iss)
  const signingInput = utf8(message.slice(0, dot2))
  await checkSignature(header, signingInput, message.slice(dot2 + 1), options)
  const payload = checkSchema(header.kind, raw) as PayloadOf<Exclude<Kind, 'agreement'>>
  checkTime(payload, options)
  checkAudience(header.kind, payload, options)
  return verified(
    header.kind,
    payload,
    [payload.iss],
    options.digest ?? encodeBase64url(await sha256Async(signingInput)),
    header,
    message,
  )
}

/**
 * Checks an agreement's signatures, parties and payload. With one signature (as `countersign`
 * sees it) the signer may be either party; with two they must be customer then vendor.
 */
export async function verifyAgreementSignatures(
  jws: GeneralJws,
  options: InternalVerifyOptions,
): Promise<{ payload: PayloadOf<'agreement'>; signers: string[]; header: ParsedHeader }> {
  const headers = jws.signatures.map((s) => parseProtectedHeader(s.protected))
  // The JSON serialization is for agreements only: every header must say so, whatever the caller expects.
  for (const h of headers) {
    if (h.kind !== 'agreement')
      throw new IntentcastError(
        'ERR_TYPE_MISMATCH',
        `an agreement's signatures carry typ ${JWS_TYP.agreement}, not ${h.typ.slice(0, 64)}`,
      )
  }
  expectKind('agreement', options.expect)
  const raw = parsePayload(jws.payload)
  const signers = checkSigners(
    headers.map((h) => h.kid),
    raw.parties,
  )
  for (let i = 0; i < headers.length; i++) {
    await checkSignature(
      headers[i]!,
      utf8(`${jws.signatures[i]!.protected}.${jws.payload}`),
      jws.signatures[i]!.signature,
      options,
    )
  }
  const payload = checkSchema('agreement', raw)
  checkTime(payload, options)
  return { payload, signers, header: headers[0]! }
}

/**
 * An agreement's signers, by kid, must be its parties: customer then vendor when both have
 * signed, either one when one has. Returns their DIDs in signature order.
 */
export function checkSigners(kids: readonly string[], parties: unknown): string[] {
  const p = (typeof parties === 'object' && parties !== null ? parties : {}) as { customer?: unknown; vendor?: unknown }
  const signers = kids.map(didOfKid)
  const expected = kids.length === 2 ? [p.customer, p.vendor] : [signers[0] === p.vendor ? p.vendor : p.customer]
  kids.forEach((kid, i) => {
    try {
      checkKid(kid, expected[i])
    } catch {
      throw new IntentcastError('ERR_ISSUER_MISMATCH', 'agreement signers must be its parties, customer first')
    }
  })
  return signers
}

/** An agreement in the JWS JSON serialization, which must carry both signatures. */
export async function checkAgreementJson(message: string, options: InternalVerifyOptions): Promise<VerifiedOf<Kind>> {
  const jws = parseGeneralJws(message)
  const { payload, signers, header } = await verifyAgreementSignatures(jws, options)
  if (signers.length !== 2)
    throw new IntentcastError(
      'ERR_SIGNATURE_INVALID',
      "an agreement needs both parties' signatures; this one has one (see countersign)",
    )
  checkAudience('agreement', payload, options)
  const digest = options.digest ?? encodeBase64url(await sha256Async(utf8(jws.payload)))
  return verified('agreement', payload, signers, digest, header, message)
}
