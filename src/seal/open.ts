import { compactDecrypt, importJWK } from 'jose'
import { maxBytesOf } from '../envelope/checks.js'
import { prepareVerifyOptions, verify, type Verified, type VerifyOptions } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import { fromUtf8 } from '../lib/utf8.js'
import type { Kind } from '../model/kinds.js'
import type { SealKeyPair } from './keys.js'
import { checkSeal, SEAL_ALG, SEAL_ENC } from './profile.js'

/** Options of `open`. */
export interface OpenOptions {
  /** The largest JWE accepted, checked before any parsing. Default 65,536 bytes. */
  maxBytes?: number
}

const OPTION_KEYS = new Set(['maxBytes'])

/**
 * Decrypts a sealed message (spec §Encrypted envelopes, steps 1 to 4) and returns the signed
 * message inside, unverified: verify it next with `verify`, or use `openAndVerify`.
 *
 * @param jwe A compact JWE, as `seal` makes it.
 * @param recipient The recipient's encryption key pair.
 * @throws IntentcastError ERR_TOO_LARGE over `maxBytes`; ERR_MALFORMED for anything but a compact
 *   JWE of the profile; ERR_UNSUPPORTED_ALG for another `alg` or `enc`; ERR_TYPE_MISMATCH for a
 *   `cty` that is not `intentcast+jws`; ERR_DECRYPT when it was sealed to another key or altered.
 * @example
 * ```ts
 * import { verify } from 'intentcast'
 * import { open } from 'intentcast/seal'
 * const offer = await verify(await open(jwe, myReplyKeys), { expect: 'offer', audience: me.did })
 * ```
 */
export async function open(jwe: string, recipient: SealKeyPair, options?: OpenOptions): Promise<string> {
  const maxBytes = maxBytesOf(openOptions(options))
  const key = await importRecipient(recipient)
  if (typeof jwe !== 'string') throw new IntentcastError('ERR_MALFORMED', 'a sealed message is a string')
  // The length in UTF-16 units, not UTF-8 bytes: a JWE is ASCII, where the two agree, and a
  // string with anything else in it fails as malformed right after.
  if (jwe.length > maxBytes) throw new IntentcastError('ERR_TOO_LARGE', `the sealed message exceeds ${maxBytes} bytes`)
  checkSeal(jwe)
  let plaintext: Uint8Array
  try {
    ;({ plaintext } = await compactDecrypt(jwe, key, {
      keyManagementAlgorithms: [SEAL_ALG],
      contentEncryptionAlgorithms: [SEAL_ENC],
    }))
  } catch (cause) {
    // checkSeal has refused every header and shape jose could object to, so what is left is the
    // key agreement (a low-order epk) or the GCM tag: the JWE was sealed to another key, or altered.
    throw new IntentcastError('ERR_DECRYPT', 'the sealed message does not decrypt with this key', { cause })
  }
  return fromUtf8(plaintext, 'sealed message')
}

/**
 * Opens a sealed message and verifies the message inside with every check of `verify`
 * (spec §Encrypted envelopes, step 5). With `audience` (the recipient's signing DID), the inner
 * message must also name it: a message sealed to one party is addressed to that party, so an
 * inner message without `aud`, or a message addressed to someone else and re-sealed to us, is
 * refused with ERR_AUDIENCE. The encryption key and the signing DID are separate keys; the
 * caller pairs them (the ones it published side by side).
 *
 * @throws IntentcastError the codes of `open`, then those of `verify`.
 * @example
 * ```ts
 * import { openAndVerify } from 'intentcast/seal'
 * const offer = await openAndVerify(jwe, myReplyKeys, { expect: 'offer', audience: me.did })
 * offer.payload.price
 * ```
 */
export async function openAndVerify<K extends Kind = Kind>(
  jwe: string,
  recipient: SealKeyPair,
  options?: VerifyOptions<K>,
): Promise<Verified<K, 'jws'>> {
  const prepared = prepareVerifyOptions(options, undefined, 'openAndVerify')
  const message = await open(
    jwe,
    recipient,
    prepared.maxBytes === undefined ? undefined : { maxBytes: prepared.maxBytes },
  )
  const out = await verify<K>(message, prepared)
  if (prepared.audience !== undefined && out.kind !== 'agreement' && !('aud' in out.payload)) {
    throw new IntentcastError('ERR_AUDIENCE', 'a sealed message must name its recipient in aud')
  }
  return out
}

function openOptions(options: OpenOptions | undefined): OpenOptions {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'open options must be an object')
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key))
      throw new IntentcastError('ERR_INVALID_ARGUMENT', `open has no option "${key.slice(0, 32)}"`)
  }
  return options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }
}

/**
 * Imported keys by key pair: importing a JWK costs more than the decryption itself, and a
 * recipient opens many messages with one key pair. Weak, so a dropped key pair is not kept. A key
 * pair is taken as immutable, as `sealKeyPairFromSeed` makes it (frozen).
 */
const imported = new WeakMap<object, Promise<CryptoKey>>()

/** The recipient's private key for jose; anything but an X25519 key pair is the caller's mistake. */
function importRecipient(recipient: SealKeyPair): Promise<CryptoKey> {
  const cached = typeof recipient === 'object' && recipient !== null ? imported.get(recipient) : undefined
  if (cached !== undefined) return cached
  const key = importPrivate(recipient)
  // Only a key that imported is kept, so a bad argument is refused every time it is passed.
  key.then(
    () => imported.set(recipient, key),
    () => undefined,
  )
  return key
}

async function importPrivate(recipient: SealKeyPair): Promise<CryptoKey> {
  const j = (recipient as Partial<SealKeyPair> | null)?.privateJwk
  if (typeof j !== 'object' || j === null || j.kty !== 'OKP' || j.crv !== 'X25519' || typeof j.d !== 'string') {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the recipient is an X25519 key pair (generateSealKeyPair)')
  }
  try {
    return await importJWK({ kty: 'OKP', crv: 'X25519', x: j.x, d: j.d }, SEAL_ALG)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'the recipient is not a valid X25519 key pair', { cause })
  }
}
