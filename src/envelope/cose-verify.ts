import { decodeCbor } from '../cose/cbor-decode.js'
import { COSE_HEADER } from '../cose/constants.js'
import { coseStructureOf } from '../cose/message.js'
import { verifyCoseSign, type VerifiedCoseSign } from '../cose/sign.js'
import { verifyCoseSign1 } from '../cose/sign1.js'
import type { PreparedPublicKey } from '../crypto/prepared.js'
import { IntentcastError } from '../errors.js'
import { didOfKid } from '../keys/did-key.js'
import { resolvePublicKey } from '../keys/resolve.js'
import type { Kind, PayloadOf } from '../model/kinds.js'
import {
  checkAudience,
  checkKid,
  checkSchema,
  checkTime,
  expectKind,
  keyFaultFirst,
  maxBytesOf,
  verified,
  type InternalVerifyOptions,
  type VerifiedOf,
} from './checks.js'
import { claimsFromCbor } from './cose-claims.js'
import { coseSignDigest, sigStructureDigest } from './digest.js'
import { readHeaders } from './cose-typ.js'
import { checkSigners } from './jws-verify.js'

const SIGN1_LABELS = [COSE_HEADER.alg, COSE_HEADER.kid, COSE_HEADER.typ]
const BODY_LABELS = [COSE_HEADER.typ]
const SIGNER_LABELS = [COSE_HEADER.alg, COSE_HEADER.kid]

/** The key `kid` names, added to `resolved` for `keyFaultFirst`. */
async function rawKey(kid: string, options: InternalVerifyOptions, resolved: PreparedPublicKey[]): Promise<Uint8Array> {
  const key = await resolvePublicKey(kid, didOfKid(kid), options.resolveKey)
  resolved.push(key)
  return key.raw
}

/** The claims of a COSE payload, strictly decoded, as the JSON-shaped object the schemas check. */
function decodeClaims(payload: Uint8Array, options: InternalVerifyOptions): Record<string, unknown> {
  const claims = decodeCbor(payload, { maxBytes: maxBytesOf(options) })
  if (!(claims instanceof Map)) throw new IntentcastError('ERR_MALFORMED', 'COSE payload is not a CBOR map')
  return claimsFromCbor(claims) as Record<string, unknown>
}

/** A COSE message: tag 18 (COSE_Sign1) for every kind but the agreement, tag 98 (COSE_Sign) for it. */
export function checkCose(bytes: Uint8Array, options: InternalVerifyOptions): Promise<VerifiedOf<Kind>> {
  const structure = coseStructureOf(bytes)
  if (structure === 'COSE_Sign1') return checkSign1(bytes, options)
  if (structure === 'COSE_Sign') return checkCoseAgreement(bytes, options)
  throw new IntentcastError('ERR_MALFORMED', 'COSE: a message starts with tag 18 (COSE_Sign1) or tag 98 (COSE_Sign)')
}

async function checkSign1(bytes: Uint8Array, options: InternalVerifyOptions): Promise<VerifiedOf<Kind>> {
  let header: { kind?: Kind; typ?: string; kid?: string } = {}
  const resolved: PreparedPublicKey[] = []
  const cose = await keyFaultFirst(resolved, () =>
    verifyCoseSign1(
      bytes,
      (protectedHeader, unprotectedHeader) => {
        header = readHeaders(protectedHeader, unprotectedHeader, SIGN1_LABELS)
        expectKind(header.kind!, options.expect)
        if (header.kind === 'agreement') throw new IntentcastError('ERR_MALFORMED', 'COSE: an agreement is a COSE_Sign')
        return rawKey(header.kid!, options, resolved)
      },
      { maxBytes: maxBytesOf(options) },
    ),
  )
  const kind = header.kind as Exclude<Kind, 'agreement'>
  const raw = decodeClaims(cose.payload, options)
  checkKid(header.kid!, raw.iss)
  const payload = checkSchema(kind, raw) as PayloadOf<Exclude<Kind, 'agreement'>>
  checkTime(payload, options)
  checkAudience(kind, payload, options)
  const digest = options.digest ?? sigStructureDigest(cose.toBeSigned)
  return verified(kind, payload, [payload.iss], digest, { alg: 'EdDSA', typ: header.typ!, kid: header.kid! }, bytes)
}

/**
 * Checks a COSE agreement's signatures, parties and payload: one signature (for `countersign`)
 * from either party, or two, customer then vendor.
 */
export async function verifyCoseAgreementSignatures(
  bytes: Uint8Array,
  options: InternalVerifyOptions,
): Promise<{
  payload: PayloadOf<'agreement'>
  signers: string[]
  kids: string[]
  typ: string
  cose: VerifiedCoseSign
}> {
  const kids: string[] = []
  let typ = ''
  const resolved: PreparedPublicKey[] = []
  const cose = await keyFaultFirst(resolved, () =>
    verifyCoseSign(
      bytes,
      (protectedHeader, unprotectedHeader, index, body) => {
        if (index === 0) {
          // The body says what the message is; check that before any key is looked up.
          const { kind, typ: t } = readHeaders(body!.protectedHeader, body!.unprotectedHeader, BODY_LABELS)
          if (kind !== 'agreement')
            throw new IntentcastError('ERR_TYPE_MISMATCH', `a COSE_Sign carries an agreement, not a ${kind}`)
          expectKind('agreement', options.expect)
          typ = t!
        }
        if (index > 1) throw new IntentcastError('ERR_MALFORMED', 'an agreement has at most two signatures')
        const { kid } = readHeaders(protectedHeader, unprotectedHeader, SIGNER_LABELS)
        kids.push(kid!)
        return rawKey(kid!, options, resolved)
      },
      { maxBytes: maxBytesOf(options) },
    ),
  )
  const raw = decodeClaims(cose.payload, options)
  const signers = checkSigners(kids, raw.parties)
  const payload = checkSchema('agreement', raw)
  checkTime(payload, options)
  return { payload, signers, kids, typ, cose }
}

async function checkCoseAgreement(bytes: Uint8Array, options: InternalVerifyOptions): Promise<VerifiedOf<Kind>> {
  const { payload, signers, kids, typ, cose } = await verifyCoseAgreementSignatures(bytes, options)
  if (signers.length !== 2)
    throw new IntentcastError(
      'ERR_SIGNATURE_INVALID',
      "an agreement needs both parties' signatures; this one has one (see countersign)",
    )
  checkAudience('agreement', payload, options)
  return verified(
    'agreement',
    payload,
    signers,
    options.digest ?? coseSignDigest(cose.payload),
    { alg: 'EdDSA', typ, kid: kids[0]! },
    bytes,
  )
}
