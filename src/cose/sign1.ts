import { encodeCbor } from './cbor-encode.js'
import { CborTag } from './cbor-value.js'
import { COSE_TAG, type CoseHeaderMap } from './constants.js'
import { requireKey, signEdDSA, verifyEdDSA, type CoseSigningKey } from './eddsa.js'
import type { ResolveCoseKey } from './sign.js'
import { checkHeaders, decodeProtected, prepareSignerHeaders } from './headers.js'
import {
  EXTERNAL_AAD,
  type VerifyCoseOptions,
  decodeCoseMessage,
  invalid,
  readBytes,
  readHeaderMap,
  readPayload,
  requirePayload,
} from './message.js'

/**
 * The headers `signCoseSign1` writes.
 *
 * @example
 * ```ts
 * const options: CoseSign1Options = { protectedHeader: new Map([[COSE_HEADER.kid, new TextEncoder().encode('key-1')]]) }
 * ```
 */
export interface CoseSign1Options {
  /** `alg` is set to EdDSA (-8) when absent; any other `alg` is refused. */
  readonly protectedHeader: CoseHeaderMap
  /** Headers outside the signature. Default: none. */
  readonly unprotectedHeader?: CoseHeaderMap
}

/**
 * A COSE_Sign1 whose signature verified: its payload and both header buckets, decoded.
 *
 * @example
 * ```ts
 * const { payload, protectedHeader }: VerifiedCoseSign1 = await verifyCoseSign1(bytes, publicKey)
 * ```
 */
export interface VerifiedCoseSign1 {
  /** The signed content. */
  readonly payload: Uint8Array
  /** The protected header parameters, decoded. */
  readonly protectedHeader: CoseHeaderMap
  /** The unprotected header parameters (not covered by the signature). */
  readonly unprotectedHeader: CoseHeaderMap
  /** The Sig_structure the signature covers (RFC 9052 §4.4): what a digest of the message hashes. */
  readonly toBeSigned: Uint8Array
}

/**
 * Signs `payload` as a tagged COSE_Sign1 (RFC 9052 §4.2) with EdDSA over Ed25519, in
 * deterministic encoding, so the same inputs always give the same bytes.
 * @param privateKey - the 32-byte Ed25519 private key (seed), or a function that signs with it.
 *
 * @example
 * ```ts
 * import { COSE_HEADER, signCoseSign1 } from 'intentcast/cose'
 * import { randomPrivateKey } from 'intentcast/crypto'
 *
 * const utf8 = (s: string) => new TextEncoder().encode(s)
 * const bytes = await signCoseSign1(utf8('hello'), randomPrivateKey(), { protectedHeader: new Map([[COSE_HEADER.kid, utf8('key-1')]]) })
 * ```
 */
export async function signCoseSign1(
  payload: Uint8Array,
  privateKey: CoseSigningKey,
  options: CoseSign1Options,
): Promise<Uint8Array> {
  requirePayload(payload)
  if (typeof options !== 'object' || options === null) invalid('options with a protectedHeader are required')
  const { protectedBytes, unprotectedHeader } = prepareSignerHeaders(options.protectedHeader, options.unprotectedHeader)
  const signature = await signEdDSA(privateKey, toBeSigned(protectedBytes, payload))
  return encodeCbor(new CborTag(COSE_TAG.sign1, [protectedBytes, unprotectedHeader, payload, signature]))
}

/**
 * Verifies a tagged COSE_Sign1 from a stranger against one raw Ed25519 public key, or the key
 * `resolveKey` finds from the checked headers (a protocol layer reads the signer from `kid`): strict
 * deterministic CBOR, `alg` exactly EdDSA in the protected header, no label in both buckets,
 * no `crit` this layer does not understand, an attached payload, and a valid signature.
 * Applies no protocol rules beyond COSE.
 * @throws ERR_TOO_LARGE, ERR_MALFORMED, ERR_UNSUPPORTED_ALG, ERR_SIGNATURE_INVALID; and
 *   ERR_INVALID_ARGUMENT for a bad key or option.
 *
 * @example
 * ```ts
 * import { COSE_HEADER, verifyCoseSign1 } from 'intentcast/cose'
 *
 * const { payload } = await verifyCoseSign1(bytes, publicKey) // one known key
 * const byKid = await verifyCoseSign1(bytes, (protectedHeader) => keys.get(new TextDecoder().decode(protectedHeader.get(COSE_HEADER.kid) as Uint8Array))!)
 * ```
 */
export async function verifyCoseSign1(
  bytes: Uint8Array,
  publicKey: Uint8Array | ResolveCoseKey,
  options: VerifyCoseOptions = {},
): Promise<VerifiedCoseSign1> {
  if (typeof publicKey !== 'function') requireKey(publicKey, 'publicKey')
  const [protectedField, unprotectedField, payloadField, signatureField] = decodeCoseMessage(
    bytes,
    'COSE_Sign1',
    options,
  )
  const protectedBytes = readBytes(protectedField, 'COSE_Sign1 protected header')
  const protectedHeader = decodeProtected(protectedBytes, 'COSE_Sign1')
  const unprotectedHeader = readHeaderMap(unprotectedField, 'COSE_Sign1')
  const payload = readPayload(payloadField)
  const signature = readBytes(signatureField, 'signature')
  checkHeaders(protectedHeader, unprotectedHeader, 'wire', 'required')
  let key = publicKey
  if (typeof key === 'function') {
    key = await key(protectedHeader, unprotectedHeader, 0)
    requireKey(key, 'the key resolveKey returned')
  }
  const signed = toBeSigned(protectedBytes, payload)
  await verifyEdDSA(key, signed, signature, 'COSE_Sign1 signature')
  return { payload, protectedHeader, unprotectedHeader, toBeSigned: signed }
}

/** Sig_structure for COSE_Sign1 (RFC 9052 §4.4), with empty external_aad: the bytes signed. */
export function toBeSigned(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['Signature1', protectedBytes, EXTERNAL_AAD, payload])
}
