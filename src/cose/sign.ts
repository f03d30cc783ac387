import { encodeCbor } from './cbor-encode.js'
import { CborTag, type CborValue } from './cbor-value.js'
import { COSE_TAG, type CoseHeaderMap } from './constants.js'
import { requireKey, signEdDSA, verifyEdDSA, type CoseSigningKey } from './eddsa.js'
import { checkHeaders, decodeProtected, encodeProtected, prepareSignerHeaders, requireHeaderMap } from './headers.js'
import {
  EXTERNAL_AAD,
  type VerifyCoseOptions,
  decodeCoseMessage,
  invalid,
  malformed,
  readBytes,
  readHeaderMap,
  readPayload,
  requirePayload,
} from './message.js'

/**
 * One signer of a COSE_Sign: its key and its own headers (`signCoseSign`, `addCoseSignature`).
 *
 * @example
 * ```ts
 * const alice: CoseSigner = { privateKey: aliceSeed, protectedHeader: new Map([[COSE_HEADER.kid, new TextEncoder().encode('alice')]]) }
 * ```
 */
export interface CoseSigner {
  /** The 32-byte Ed25519 private key (seed), or a function that signs with it. */
  readonly privateKey: CoseSigningKey
  /** `alg` is set to EdDSA (-8) when absent; any other `alg` is refused. */
  readonly protectedHeader: CoseHeaderMap
  /** This signer's headers outside the signature. Default: none. */
  readonly unprotectedHeader?: CoseHeaderMap
}

/** The body headers of a COSE_Sign. They may not carry `alg`: that belongs to each signature. */
export interface CoseSignOptions {
  readonly protectedHeader?: CoseHeaderMap
  readonly unprotectedHeader?: CoseHeaderMap
}

/**
 * One signer's headers in a verified COSE_Sign, decoded.
 *
 * @example
 * ```ts
 * const kids = verified.signers.map((s: CoseSignerHeaders) => s.protectedHeader.get(COSE_HEADER.kid))
 * ```
 */
export interface CoseSignerHeaders {
  readonly protectedHeader: CoseHeaderMap
  readonly unprotectedHeader: CoseHeaderMap
}

/**
 * A COSE_Sign whose every signature verified: its payload, its body headers and each signer's.
 *
 * @example
 * ```ts
 * const { payload, signers }: VerifiedCoseSign = await verifyCoseSign(bytes, resolveKey)
 * ```
 */
export interface VerifiedCoseSign {
  /** The content every signer signed. */
  readonly payload: Uint8Array
  readonly protectedHeader: CoseHeaderMap
  readonly unprotectedHeader: CoseHeaderMap
  /** In message order, the same order as the keys resolveKey was asked for. */
  readonly signers: readonly CoseSignerHeaders[]
}

/**
 * Finds the public key of one signer from its headers (typically its `kid`). Whatever it
 * throws propagates unchanged, so a protocol layer can report an unknown signer its own way.
 */
export type ResolveCoseKey = (
  signerProtected: CoseHeaderMap,
  signerUnprotected: CoseHeaderMap,
  index: number,
  /** A COSE_Sign's body headers, checked already: what the message is, before any key is looked up. */
  body?: { readonly protectedHeader: CoseHeaderMap; readonly unprotectedHeader: CoseHeaderMap },
) => Uint8Array | Promise<Uint8Array>

/** One COSE_Signature as it stands in a message: its raw fields and its parsed headers. */
interface ParsedSignature extends CoseSignerHeaders {
  readonly fields: CborValue[]
  readonly protectedBytes: Uint8Array
  readonly signature: Uint8Array
}

/**
 * Signs `payload` as a tagged COSE_Sign (RFC 9052 §4.1) by every signer, in order, with EdDSA
 * over Ed25519, in deterministic encoding.
 *
 * @example
 * ```ts
 * import { COSE_HEADER, signCoseSign } from 'intentcast/cose'
 *
 * const utf8 = (s: string) => new TextEncoder().encode(s)
 * const bytes = await signCoseSign(utf8('agreed'), [
 *   { privateKey: aliceSeed, protectedHeader: new Map([[COSE_HEADER.kid, utf8('alice')]]) },
 *   { privateKey: bobSeed, protectedHeader: new Map([[COSE_HEADER.kid, utf8('bob')]]) },
 * ])
 * ```
 */
export async function signCoseSign(
  payload: Uint8Array,
  signers: readonly CoseSigner[],
  options: CoseSignOptions = {},
): Promise<Uint8Array> {
  requirePayload(payload)
  if (!Array.isArray(signers) || signers.length === 0) invalid('signCoseSign needs at least one signer')
  const protectedHeader = options.protectedHeader ?? new Map()
  const unprotectedHeader = options.unprotectedHeader ?? new Map()
  requireHeaderMap(protectedHeader, 'protectedHeader')
  requireHeaderMap(unprotectedHeader, 'unprotectedHeader')
  checkHeaders(protectedHeader, unprotectedHeader, 'caller', 'forbidden')
  const protectedBytes = encodeProtected(protectedHeader)
  const signatures: CborValue[] = []
  // Array.isArray above widened the type to any[]: the elements are still the caller's CoseSigners.
  for (const signer of signers as readonly CoseSigner[])
    signatures.push(await coseSignature(protectedBytes, payload, signer))
  return encodeCbor(new CborTag(COSE_TAG.sign, [protectedBytes, unprotectedHeader, payload, signatures]))
}

/**
 * Appends one more signature to an existing COSE_Sign, as the second party of an agreement
 * countersigning it. The message is strictly decoded, and re-encoding it is exact (it is in
 * deterministic encoding), so the body and every earlier signature stay byte for byte as they
 * were. Earlier signatures are not verified here: that needs their keys; call verifyCoseSign
 * first.
 *
 * @example
 * ```ts
 * import { addCoseSignature, COSE_HEADER, verifyCoseSign } from 'intentcast/cose'
 *
 * await verifyCoseSign(signedByAlice, resolveKey) // check what is there first
 * const both = await addCoseSignature(signedByAlice, { privateKey: bobSeed, protectedHeader: new Map([[COSE_HEADER.kid, new TextEncoder().encode('bob')]]) })
 * ```
 */
export async function addCoseSignature(
  bytes: Uint8Array,
  signer: CoseSigner,
  options: VerifyCoseOptions & { readonly position?: 'first' | 'last' } = {},
): Promise<Uint8Array> {
  const message = parseCoseSign(bytes, options)
  const added = await coseSignature(message.protectedBytes, message.payload, signer)
  // A protocol may fix the order of signers (an agreement: customer first), whoever signs first.
  const existing = message.signatures.map((s) => s.fields)
  const signatures = options.position === 'first' ? [added, ...existing] : [...existing, added]
  return encodeCbor(
    new CborTag(COSE_TAG.sign, [message.protectedBytes, message.unprotectedHeader, message.payload, signatures]),
  )
}

/**
 * Verifies a tagged COSE_Sign from a stranger: strict deterministic CBOR, well-formed body
 * headers without `alg`, and for every signature the same header rules as COSE_Sign1 (`alg`
 * exactly EdDSA, protected) and a signature that verifies under the key `resolveKey` returns.
 * All structure and headers are checked before resolveKey is first called.
 * @throws ERR_TOO_LARGE, ERR_MALFORMED, ERR_UNSUPPORTED_ALG, ERR_SIGNATURE_INVALID; and
 *   ERR_INVALID_ARGUMENT for a bad option or a key of the wrong shape from resolveKey.
 *
 * @example
 * ```ts
 * import { COSE_HEADER, verifyCoseSign } from 'intentcast/cose'
 *
 * const keys = new Map([['alice', alicePublicKey], ['bob', bobPublicKey]])
 * const { payload, signers } = await verifyCoseSign(bytes, (signer) => {
 *   const key = keys.get(new TextDecoder().decode(signer.get(COSE_HEADER.kid) as Uint8Array))
 *   if (!key) throw new Error('unknown signer')
 *   return key
 * })
 * ```
 */
export async function verifyCoseSign(
  bytes: Uint8Array,
  resolveKey: ResolveCoseKey,
  options: VerifyCoseOptions = {},
): Promise<VerifiedCoseSign> {
  if (typeof resolveKey !== 'function') invalid('resolveKey must be a function')
  const message = parseCoseSign(bytes, options)
  for (const [index, signer] of message.signatures.entries()) {
    const publicKey = await resolveKey(signer.protectedHeader, signer.unprotectedHeader, index, message)
    requireKey(publicKey, `the key resolveKey returned for signature ${index}`)
    const tbs = toBeSigned(message.protectedBytes, signer.protectedBytes, message.payload)
    await verifyEdDSA(publicKey, tbs, signer.signature, `COSE_Sign signature ${index}`)
  }
  return {
    payload: message.payload,
    protectedHeader: message.protectedHeader,
    unprotectedHeader: message.unprotectedHeader,
    signers: message.signatures.map(({ protectedHeader, unprotectedHeader }) => ({
      protectedHeader,
      unprotectedHeader,
    })),
  }
}

function parseCoseSign(bytes: Uint8Array, options: VerifyCoseOptions) {
  const [protectedField, unprotectedField, payloadField, signaturesField] = decodeCoseMessage(
    bytes,
    'COSE_Sign',
    options,
  )
  const protectedBytes = readBytes(protectedField, 'COSE_Sign protected header')
  const protectedHeader = decodeProtected(protectedBytes, 'COSE_Sign')
  const unprotectedHeader = readHeaderMap(unprotectedField, 'COSE_Sign')
  const payload = readPayload(payloadField)
  checkHeaders(protectedHeader, unprotectedHeader, 'wire', 'forbidden')
  if (!Array.isArray(signaturesField) || signaturesField.length === 0) {
    malformed('COSE_Sign signatures must be a non-empty array')
  }
  const signatures = signaturesField.map((entry, index): ParsedSignature => {
    const where = `COSE_Sign signature ${index}`
    if (!Array.isArray(entry) || entry.length !== 3) malformed(`${where} must be an array of 3 items`)
    const signerProtectedBytes = readBytes(entry[0], `${where} protected header`)
    const signerProtected = decodeProtected(signerProtectedBytes, where)
    const signerUnprotected = readHeaderMap(entry[1], where)
    checkHeaders(signerProtected, signerUnprotected, 'wire', 'required')
    return {
      fields: entry,
      protectedBytes: signerProtectedBytes,
      protectedHeader: signerProtected,
      unprotectedHeader: signerUnprotected,
      signature: readBytes(entry[2], `${where} signature`),
    }
  })
  return { protectedBytes, protectedHeader, unprotectedHeader, payload, signatures }
}

async function coseSignature(bodyProtected: Uint8Array, payload: Uint8Array, signer: CoseSigner): Promise<CborValue[]> {
  if (typeof signer !== 'object' || signer === null) invalid('a signer must be { privateKey, protectedHeader }')
  const { protectedBytes, unprotectedHeader } = prepareSignerHeaders(signer.protectedHeader, signer.unprotectedHeader)
  const signature = await signEdDSA(signer.privateKey, toBeSigned(bodyProtected, protectedBytes, payload))
  return [protectedBytes, unprotectedHeader, signature]
}

/** Sig_structure for one COSE_Signature (RFC 9052 §4.4), with empty external_aad. */
function toBeSigned(bodyProtected: Uint8Array, signProtected: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['Signature', bodyProtected, signProtected, EXTERNAL_AAD, payload])
}
