/**
 * The COSE binding's sealed form (spec §Encrypted envelopes, COSE): a tagged COSE_Encrypt
 * (RFC 9052 §5.1) with one recipient, direct key agreement ECDH-ES + HKDF-256 (RFC 9053 §6.3)
 * with an ephemeral X25519 key, and the content in A256GCM.
 *
 *     96([ << {1: 3, 3: "application/intentcast+cose"} >>, {5: iv}, ciphertext ‖ tag,
 *          [[ << {1: -25} >>, {? 4: kid, -1: {1: 1, -1: 4, -2: x}}, h'' ]] ])
 *
 * Every item is in deterministic CBOR and read back strictly (src/cose), so one sealed message
 * has one encoding. X25519 and AES-GCM are src/crypto/seal-crypto.ts's (node:crypto, or WebCrypto);
 * HKDF-SHA256 is @noble/hashes'.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { decodeCbor } from '../cose/cbor-decode.js'
import { encodeCbor } from '../cose/cbor-encode.js'
import { CborTag, type CborValue } from '../cose/cbor-value.js'
import { COSE_HEADER } from '../cose/constants.js'
import { sealCrypto } from '../crypto/seal-crypto.js'
import { IntentcastError } from '../errors.js'
import { randomBytes } from '../lib/random.js'
import { utf8 } from '../lib/utf8.js'
import { MEDIA_TYPE_COSE } from '../model/media-types.js'
import { selectKey, type OpenWith, type SealFixed, type SealTo } from './recipient.js'

/** CBOR tag of a COSE_Encrypt (RFC 9052 §2), and its encoded head. */
const TAG = 96
const TAG_HEAD = [0xd8, 0x60]
/** A256GCM (RFC 9053 §4.1). */
const A256GCM = 3
/** ECDH-ES + HKDF-256 (RFC 9053 §6.3.1). */
const ECDH_ES_HKDF_256 = -25
/** Header labels beyond src/cose's: the IV (RFC 9052 §3.1) and the ephemeral key (RFC 9053 §6.3.1). */
const IV = 5
const EPHEMERAL_KEY = -1
/** COSE_Key labels and values of an X25519 key (RFC 9053 §7.2): kty OKP, crv X25519, x. */
const KTY = 1
const CRV = -1
const X = -2
const OKP = 1
const X25519 = 4

/** The labels each bucket may hold; any other label is ERR_MALFORMED. */
const LABELS = {
  protected: [COSE_HEADER.alg, COSE_HEADER.contentType],
  unprotected: [IV],
  recipientProtected: [COSE_HEADER.alg],
  recipientUnprotected: [EPHEMERAL_KEY, COSE_HEADER.kid],
} as const

/** The layer-0 protected header: the content algorithm and the inner media type. Its bytes are the AAD's. */
const PROTECTED = encodeCbor(
  new Map<number, CborValue>([
    [COSE_HEADER.alg, A256GCM],
    [COSE_HEADER.contentType, MEDIA_TYPE_COSE],
  ]),
)
/** The recipient's protected header; its bytes go into the KDF context. */
const RECIPIENT_PROTECTED = encodeCbor(new Map([[COSE_HEADER.alg, ECDH_ES_HKDF_256]]))

const malformed = (message: string, cause?: unknown) =>
  new IntentcastError('ERR_MALFORMED', `sealed COSE: ${message}`, cause === undefined ? undefined : { cause })

/** Seals a COSE body (one tagged COSE message, or the array `[acceptance, agreement]`) to `to`. */
export async function sealCose(body: Uint8Array, to: SealTo, fixed?: SealFixed): Promise<Uint8Array> {
  const backend = sealCrypto()
  const ephemeral = { d: fixed?.ephemeralSeed ?? randomBytes(32) }
  const shared = await backend.agree(ephemeral, to.x)
  if (shared === undefined) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the recipient is not a usable X25519 public key')
  }
  const iv = fixed?.iv ?? randomBytes(12)
  const ciphertext = await backend.encrypt(contentKey(shared, RECIPIENT_PROTECTED), iv, body, encStructure(PROTECTED))
  const recipientUnprotected = new Map<number, CborValue>([
    [
      EPHEMERAL_KEY,
      new Map<number, CborValue>([
        [KTY, OKP],
        [CRV, X25519],
        [X, await backend.publicKey(ephemeral)],
      ]),
    ],
  ])
  if (to.kid !== undefined) recipientUnprotected.set(COSE_HEADER.kid, utf8(to.kid))
  return encodeCbor(
    new CborTag(TAG, [
      PROTECTED,
      new Map([[IV, iv]]),
      ciphertext,
      [[RECIPIENT_PROTECTED, recipientUnprotected, new Uint8Array(0)]],
    ]),
  )
}

/** Opens a sealed COSE_Encrypt (spec §Encrypted envelopes, COSE steps 2 to 5); the size is checked already. */
export async function openCose(sealed: Uint8Array, keys: readonly OpenWith[], maxBytes: number): Promise<Uint8Array> {
  const parts = parseCose(sealed, maxBytes)
  const privateKey = selectKey(keys, parts.kid)
  const backend = sealCrypto()
  const shared = await backend.agree(privateKey, parts.x)
  if (shared === undefined) {
    throw new IntentcastError('ERR_DECRYPT', 'the sealed message does not decrypt: its ephemeral key is of low order')
  }
  const key = contentKey(shared, parts.recipientProtected)
  const plaintext = await backend.decrypt(key, parts.iv, parts.ciphertext, encStructure(parts.protected))
  // Everything else was checked: a tag that fails means another key, or an altered byte.
  if (plaintext === undefined)
    throw new IntentcastError('ERR_DECRYPT', 'the sealed message does not decrypt with this key')
  if (plaintext.length === 0) throw malformed('a sealed body is never empty')
  return plaintext
}

/**
 * The content key (RFC 9053 §5.1, §6.3): HKDF-SHA256 of the shared secret, no salt, info the
 * COSE_KDF_Context (§5.2) `[3, [nil, nil, nil], [nil, nil, nil], [256, recipient protected]]`:
 * AlgorithmID A256GCM, no party information, a 256-bit key, and the recipient's protected bytes
 * as received.
 */
function contentKey(shared: Uint8Array, recipientProtected: Uint8Array): Uint8Array {
  const noParty = [null, null, null]
  const context = encodeCbor([A256GCM, noParty, noParty, [256, recipientProtected]])
  // An absent salt is HashLen zero bytes (RFC 5869 §2.2), which noble's hkdf takes as undefined.
  return hkdf(sha256, shared, undefined, context, 32)
}

/** The AAD of AES-GCM: the Enc_structure `["Encrypt", protected, h'']` (RFC 9052 §5.3). */
const encStructure = (protectedBytes: Uint8Array) => encodeCbor(['Encrypt', protectedBytes, new Uint8Array(0)])

/** What decryption needs from a sealed COSE_Encrypt, once every check has passed. */
interface SealedCose {
  readonly protected: Uint8Array
  readonly iv: Uint8Array
  readonly ciphertext: Uint8Array
  readonly recipientProtected: Uint8Array
  readonly x: Uint8Array
  readonly kid: Uint8Array | undefined
}

/**
 * Reads a sealed COSE_Encrypt strictly, in the order of the spec: structure (ERR_MALFORMED), the
 * two algorithms (ERR_UNSUPPORTED_ALG), the content type (ERR_TYPE_MISMATCH), then the values the
 * algorithms require (ERR_MALFORMED). Structure comes first as the algorithms cannot be read
 * before it; the values come last, since another algorithm has other values (a wrapped key, no
 * ephemeral key) and is reported as the algorithm it is.
 */
export function parseCose(sealed: Uint8Array, maxBytes: number): SealedCose {
  // 1. Structure.
  if (sealed.length < TAG_HEAD.length || TAG_HEAD.some((b, i) => sealed[i] !== b)) {
    throw malformed(`a sealed COSE body starts with tag ${TAG} (0xd8 0x60)`)
  }
  let value: CborValue
  try {
    // The tag is matched as bytes and no tag is allowed inside, so none can hide in a header.
    value = decodeCbor(sealed.subarray(TAG_HEAD.length), { maxBytes })
  } catch (cause) {
    throw malformed(`COSE_Encrypt after the tag: ${(cause as Error).message}`, cause)
  }
  if (!Array.isArray(value) || value.length !== 4) throw malformed('COSE_Encrypt is an array of 4 items')
  const [protectedBytes, unprotected, ciphertext, recipients] = value
  const header = bucket(protectedBytes, 'protected', LABELS.protected)
  const unprotectedHeader = map(unprotected, 'unprotected header', LABELS.unprotected)
  if (!(ciphertext instanceof Uint8Array)) throw malformed('the ciphertext is not a byte string')
  if (!Array.isArray(recipients) || recipients.length !== 1) {
    throw malformed('COSE_Encrypt has exactly one recipient (direct key agreement)')
  }
  const recipient = recipients[0]
  // Three items: a fourth would be a further layer of recipients, which direct key agreement has not.
  if (!Array.isArray(recipient) || recipient.length !== 3) throw malformed('the recipient is an array of 3 items')
  const [recipientProtected, recipientUnprotectedValue, recipientCiphertext] = recipient
  const recipientHeader = bucket(recipientProtected, 'recipient protected', LABELS.recipientProtected)
  const recipientUnprotected = map(
    recipientUnprotectedValue,
    'recipient unprotected header',
    LABELS.recipientUnprotected,
  )

  // 2. Algorithms, then the content type.
  const alg = header.get(COSE_HEADER.alg)
  if (alg !== A256GCM)
    throw new IntentcastError('ERR_UNSUPPORTED_ALG', 'sealed COSE: the content alg is not A256GCM (3)')
  if (recipientHeader.get(COSE_HEADER.alg) !== ECDH_ES_HKDF_256) {
    throw new IntentcastError('ERR_UNSUPPORTED_ALG', 'sealed COSE: the recipient alg is not ECDH-ES + HKDF-256 (-25)')
  }
  if (header.get(COSE_HEADER.contentType) !== MEDIA_TYPE_COSE) {
    throw new IntentcastError('ERR_TYPE_MISMATCH', `sealed COSE: the content type is not ${MEDIA_TYPE_COSE}`)
  }

  // 3. The values ECDH-ES + HKDF-256 with A256GCM require.
  const iv = unprotectedHeader.get(IV)
  if (!(iv instanceof Uint8Array) || iv.length !== 12) throw malformed('the IV (5) is not 12 bytes')
  if (ciphertext.length < 16) throw malformed('the ciphertext is shorter than its 16-byte tag')
  // Direct key agreement derives the content key itself: there is no wrapped key to carry.
  if (!(recipientCiphertext instanceof Uint8Array) || recipientCiphertext.length !== 0) {
    throw malformed("the recipient's ciphertext is not the empty byte string")
  }
  const kid = recipientUnprotected.get(COSE_HEADER.kid)
  if (kid !== undefined && !(kid instanceof Uint8Array)) throw malformed('the kid (4) is not a byte string')
  return {
    protected: protectedBytes as Uint8Array,
    iv,
    ciphertext,
    recipientProtected: recipientProtected as Uint8Array,
    x: ephemeralX(recipientUnprotected.get(EPHEMERAL_KEY)),
    kid,
  }
}

/** The ephemeral key: a COSE_Key with exactly kty OKP, crv X25519 and a 32-byte x. */
function ephemeralX(key: CborValue | undefined): Uint8Array {
  if (!(key instanceof Map) || key.size !== 3) throw malformed('the ephemeral key (-1) is not an X25519 COSE_Key')
  const x = key.get(X)
  if (key.get(KTY) !== OKP || key.get(CRV) !== X25519 || !(x instanceof Uint8Array) || x.length !== 32) {
    throw malformed('the ephemeral key (-1) is not an X25519 COSE_Key with a 32-byte x')
  }
  return x
}

/**
 * A protected bucket: a byte string holding a deterministic map, or the empty byte string for
 * an empty bucket (RFC 9052 §3), so an encoded empty map is a second spelling and refused.
 */
function bucket(
  value: CborValue | undefined,
  what: string,
  labels: readonly number[],
): Map<number | string, CborValue> {
  if (!(value instanceof Uint8Array)) throw malformed(`the ${what} header is not a byte string`)
  if (value.length === 0) return new Map()
  let header: CborValue
  try {
    header = decodeCbor(value)
  } catch (cause) {
    throw malformed(`the ${what} header: ${(cause as Error).message}`, cause)
  }
  if (header instanceof Map && header.size === 0) throw malformed(`the ${what} header is an encoded empty map`)
  return map(header, `${what} header`, labels)
}

/** A header map holding only `labels`. */
function map(value: CborValue | undefined, what: string, labels: readonly number[]): Map<number | string, CborValue> {
  if (!(value instanceof Map)) throw malformed(`the ${what} is not a map`)
  for (const label of value.keys()) {
    if (!(labels as readonly (number | string)[]).includes(label)) {
      throw malformed(`the ${what} has label ${JSON.stringify(label).slice(0, 32)}, which the profile does not allow`)
    }
  }
  return value
}
