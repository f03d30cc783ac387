import { maxBytesOf } from '../envelope/checks.js'
import { prepareVerifyOptions, verify, type Verified, type VerifyOptions } from '../envelope/verify.js'
import { loadNative } from '../crypto/native.js'
import { IntentcastError } from '../errors.js'
import type { Kind } from '../model/kinds.js'
import { coseBinding, jweBinding } from './bindings.js'
import type { SealKeyPair } from './keys.js'
import { openWith } from './recipient.js'

/** Options of `open`. */
export interface OpenOptions {
  /** The largest sealed message accepted, checked before any parsing. Default 65,536 bytes. */
  maxBytes?: number
}

const OPTION_KEYS = new Set(['maxBytes'])

/**
 * Decrypts a sealed body (spec §Encrypted envelopes, steps 1 to 5) and returns it as it was
 * sealed, unverified: a string from a JWE, bytes from a COSE_Encrypt. Verify what is inside next:
 * with `verify` for one message, or as the request body it is; `openAndVerify` does both for one
 * message.
 *
 * @param sealed A compact JWE (a string) or a tagged COSE_Encrypt (bytes), as `seal` makes them.
 * @param recipient The recipient's key pair, or its key pairs when it rotates keys: the pair whose
 *   `publicJwk.kid` is the `kid` the sealed header names, or the first pair when it names none.
 * @throws IntentcastError ERR_TOO_LARGE over `maxBytes`; ERR_MALFORMED for anything outside the
 *   profile; ERR_UNSUPPORTED_ALG for other algorithms; ERR_TYPE_MISMATCH for another content
 *   type; ERR_DECRYPT when no key has the header's `kid`, or the body was sealed to another key
 *   or altered. ERR_INVALID_ARGUMENT for an unknown option or a recipient that is not key pairs.
 * @example
 * ```ts
 * import { verify } from 'intentcast'
 * import { open } from 'intentcast/seal'
 * const offer = await verify(await open(jwe, myReplyKeys), { expect: 'offer', audience: me.did })
 * const body = await open(sealedBytes, [currentKeys, previousKeys]) // a Uint8Array
 * ```
 */
export function open(
  sealed: string,
  recipient: SealKeyPair | readonly SealKeyPair[],
  options?: OpenOptions,
): Promise<string>
export function open(
  sealed: Uint8Array,
  recipient: SealKeyPair | readonly SealKeyPair[],
  options?: OpenOptions,
): Promise<Uint8Array>
export function open(
  sealed: string | Uint8Array,
  recipient: SealKeyPair | readonly SealKeyPair[],
  options?: OpenOptions,
): Promise<string | Uint8Array>
export async function open(
  sealed: string | Uint8Array,
  recipient: SealKeyPair | readonly SealKeyPair[],
  options?: OpenOptions,
): Promise<string | Uint8Array> {
  // The caller's mistakes first: they are not the sender's.
  const maxBytes = maxBytesOf(openOptions(options))
  const keys = await openWith(recipient)
  // Opening runs on node:crypto once the native backend has loaded (src/crypto/open-key.ts); a
  // runtime without it opens on WebCrypto.
  await loadNative().catch(() => undefined)
  if (typeof sealed === 'string') {
    // The length in UTF-16 units, not UTF-8 bytes: a JWE is ASCII, where the two agree, and a
    // string with anything else in it fails as malformed right after.
    if (sealed.length > maxBytes) throw tooLarge(maxBytes)
    return (await jweBinding()).openJwe(sealed, keys)
  }
  if (sealed instanceof Uint8Array) {
    if (sealed.length > maxBytes) throw tooLarge(maxBytes)
    return (await coseBinding()).openCose(sealed, keys, maxBytes)
  }
  throw new IntentcastError('ERR_MALFORMED', 'a sealed message is a string (JWE) or bytes (COSE)')
}

/**
 * Opens a sealed message and verifies the one message inside with every check of `verify`
 * (spec §Encrypted envelopes, step 6): a JWS from a JWE, a COSE message from a COSE_Encrypt. With
 * `audience` (the recipient's signing DID), the inner message must also name it: a message sealed
 * to one party is addressed to that party, so an inner message without `aud`, or a message
 * addressed to someone else and re-sealed to us, is refused with ERR_AUDIENCE. The encryption key
 * and the signing DID are separate keys; the caller pairs them (the ones it published side by
 * side). A body of two messages (an acceptance and its agreement) is opened with `open` and read
 * as the request body it is.
 *
 * @throws IntentcastError the codes of `open`, then those of `verify`.
 * @example
 * ```ts
 * import { openAndVerify } from 'intentcast/seal'
 * const offer = await openAndVerify(jwe, myReplyKeys, { expect: 'offer', audience: me.did })
 * offer.payload.price
 * ```
 */
export function openAndVerify<K extends Kind = Kind>(
  sealed: string,
  recipient: SealKeyPair | readonly SealKeyPair[],
  options?: VerifyOptions<K>,
): Promise<Verified<K, 'jws'>>
export function openAndVerify<K extends Kind = Kind>(
  sealed: Uint8Array,
  recipient: SealKeyPair | readonly SealKeyPair[],
  options?: VerifyOptions<K>,
): Promise<Verified<K, 'cose'>>
export function openAndVerify<K extends Kind = Kind>(
  sealed: string | Uint8Array,
  recipient: SealKeyPair | readonly SealKeyPair[],
  options?: VerifyOptions<K>,
): Promise<Verified<K>>
export async function openAndVerify<K extends Kind = Kind>(
  sealed: string | Uint8Array,
  recipient: SealKeyPair | readonly SealKeyPair[],
  options?: VerifyOptions<K>,
): Promise<Verified<K>> {
  const prepared = prepareVerifyOptions(options, undefined, 'openAndVerify')
  const message = await open(
    sealed,
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

const tooLarge = (maxBytes: number) =>
  new IntentcastError('ERR_TOO_LARGE', `the sealed message exceeds ${maxBytes} bytes`)

/**
 * The checks of opening that need no key (spec §Encrypted envelopes, Opening, steps 1 to 4): what
 * a carrier that holds no key (a relay) can still refuse before it stores a body as sealed.
 * Internal to the SDK; not in `intentcast/seal`.
 *
 * @throws IntentcastError ERR_TOO_LARGE, ERR_MALFORMED, ERR_UNSUPPORTED_ALG, ERR_TYPE_MISMATCH.
 */
export async function checkSealed(sealed: string | Uint8Array, maxBytes: number): Promise<void> {
  if (sealed.length > maxBytes) throw tooLarge(maxBytes)
  if (typeof sealed === 'string') (await jweBinding()).checkJwe(sealed)
  else (await coseBinding()).parseCose(sealed, maxBytes)
}
