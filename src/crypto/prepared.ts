/**
 * Keys imported once, verified many times: the hot path of message verification.
 *
 * Internal to the SDK (not exported from `intentcast/crypto`). The rule's prechecks run here,
 * in front of whichever backend is chosen, so every backend answers by the same rule.
 */
import { IntentcastError } from '../errors.js'
import { abytes } from './bytes.js'
import type { Engine, Signer, Verifier } from './engine.js'
import { alone } from './load.js'
import { loadNative } from './native.js'
import { checkKeyEncoding, checkSignatureBytes, hasCurvePoint } from './rule.js'
import { sha256Async } from './sha256-async.js'
import { BoundedCache } from '../lib/bounded-cache.js'
import { encodeBase64url } from '../lib/base64url.js'
import { equalBytes } from '../lib/bytes.js'

/** `native`: node:crypto or WebCrypto. `noble`: pure JS, works everywhere. */
export type Ed25519Backend = 'native' | 'noble'

export interface PreparedPublicKey {
  /** The 32-byte key. Owned by this object: do not mutate. */
  readonly raw: Uint8Array
  readonly backend: Ed25519Backend
}

export interface PreparedPrivateKey {
  /** The 32-byte public key of this private key. */
  readonly publicKey: Uint8Array
  readonly backend: Ed25519Backend
}

// Symbol-keyed, so the imported key handles stay out of the public type and of JSON.stringify.
const VERIFY = Symbol('verify')
const SIGN = Symbol('sign')

interface PublicKeyHandle extends PreparedPublicKey {
  readonly [VERIFY]: Verifier
}

interface PrivateKeyHandle extends PreparedPrivateKey {
  readonly [SIGN]: Signer
}

let defaultBackend: Promise<Ed25519Backend> | undefined

/**
 * `backend` if named; otherwise the default, found once: `native` where the runtime offers
 * Ed25519 (node:crypto, or WebCrypto with Ed25519), else `noble`.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if `backend` is neither `native` nor `noble`.
 */
export function resolveBackend(backend?: Ed25519Backend): Promise<Ed25519Backend> {
  if (backend === 'native' || backend === 'noble') return Promise.resolve(backend)
  if (backend !== undefined)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `unknown Ed25519 backend: ${String(backend).slice(0, 32)}; use native or noble`,
    )
  defaultBackend ??= loadNative().then(
    () => 'native' as const,
    () => 'noble' as const,
  )
  return defaultBackend
}

function engine(backend: Ed25519Backend): Promise<Engine> {
  // Loaded on demand: where native Ed25519 exists (every current runtime) the pure-JS curve
  // code is never fetched, which keeps the browser bundle small.
  return backend === 'native' ? loadNative() : import('./noble.js').then((m) => m.nobleEngine)
}

/**
 * Checks a public key's bytes against the rule and imports it into the backend, once.
 *
 * Rule step 5 (the key is a point on the curve) costs a square root in JavaScript, about 60 µs,
 * as much as the signature check itself, and every intent comes from a fresh key. It is not run
 * here but proven by the first signature the key verifies: RFC 8032 verification decodes the key
 * first (§5.1.7 step 1), so no signature verifies under a key off the curve. A caller whose
 * signature check fails asks `requireCurvePoint` before reporting it, and so reports the key's
 * fault first, as if the key had been refused here.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if `raw` is not a Uint8Array.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if `backend` is not a known backend.
 * @throws {IntentcastError} `ERR_KEY_UNRESOLVED` if `raw` is not 32 bytes or breaks rule steps 3
 *   and 4 (non-canonical, small order), or the backend refuses it for being off the curve.
 */
export async function preparePublicKey(raw: Uint8Array, backend?: Ed25519Backend): Promise<PreparedPublicKey> {
  abytes(raw, 'publicKey')
  const chosen = await resolveBackend(backend)
  if (!checkKeyEncoding(raw)) throw unacceptable()
  const owned = Uint8Array.from(raw) // the caller may reuse its buffer
  let verify: Verifier
  try {
    verify = await (await engine(chosen)).importPublicKey(owned)
  } catch (e) {
    // noble decodes the point on import; a backend refusing a key off the curve refuses it by the rule.
    if (!hasCurvePoint(owned)) throw unacceptable()
    throw e
  }
  const key: PublicKeyHandle = { raw: owned, backend: chosen, [VERIFY]: verify }
  return Object.freeze(key)
}

const unacceptable = () => new IntentcastError('ERR_KEY_UNRESOLVED', 'not an acceptable Ed25519 public key')

/** Rule step 5 for each prepared key, once known: proven by a verified signature, or computed. */
const onCurve = new WeakMap<PreparedPublicKey, boolean>()

/**
 * Rule step 5 for a prepared key: throws unless the key is a point on the curve. Free for a key
 * that has verified a signature; otherwise computed once and remembered with the key.
 * @throws {IntentcastError} `ERR_KEY_UNRESOLVED` if the key is not on the curve.
 */
export function requireCurvePoint(key: PreparedPublicKey): void {
  let on = onCurve.get(key)
  if (on === undefined) onCurve.set(key, (on = hasCurvePoint(key.raw)))
  if (!on) throw unacceptable()
}

/**
 * Imported public keys by their bytes and backend, shared by every path that verifies: the
 * envelopes resolve a signer's key (src/keys/resolve.ts) and the COSE layer then verifies with
 * the key's bytes (`verifyEd25519`); without one cache for both, a message from a fresh key paid
 * the import and the rule's curve check twice. A key that breaks the rule is not kept: it is
 * refused again each time.
 */
const imported = new BoundedCache<string, Promise<PreparedPublicKey>>(1024)

/** `preparePublicKey`, once per key and backend while the key is among the last 1,024 used. */
export async function importedPublicKey(raw: Uint8Array, backend?: Ed25519Backend): Promise<PreparedPublicKey> {
  abytes(raw, 'publicKey')
  const chosen = await resolveBackend(backend)
  const id = chosen + String.fromCharCode(...raw)
  let key = imported.get(id)
  if (key === undefined) {
    key = preparePublicKey(raw, chosen)
    key.catch(() => imported.delete(id))
    imported.set(id, key)
  }
  return key
}

/**
 * Imports a 32-byte RFC 8032 private key (the seed) into the backend, once.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if `seed` is not a Uint8Array.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if `seed` is not 32 bytes or `backend` is not a known backend.
 */
export async function preparePrivateKey(seed: Uint8Array, backend?: Ed25519Backend): Promise<PreparedPrivateKey> {
  abytes(seed, 'privateKey', 32)
  const chosen = await resolveBackend(backend)
  const { publicKey, sign } = await (await engine(chosen)).importPrivateKey(seed)
  const key: PrivateKeyHandle = { publicKey, backend: chosen, [SIGN]: sign }
  return Object.freeze(key)
}

/**
 * Verifies `signature` on `message` under a prepared key, by the rule.
 *
 * `inline: true` verifies synchronously on this thread, fastest when nothing else is waiting.
 * `inline: false` hands the curve math to libuv's thread pool (node `crypto.verify` with a
 * callback), so all cores work when many verifications are queued. Ignored by the noble and
 * WebCrypto backends. Default: inline when nothing else is in flight (src/crypto/load.ts).
 *
 * Resolves to false, never rejects, for a signature that does not verify, including one of
 * the wrong length or one that breaks the rule.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if `key` is not from `preparePublicKey` or an argument is not a Uint8Array.
 */
export async function verifyPrepared(
  key: PreparedPublicKey,
  message: Uint8Array,
  signature: Uint8Array,
  inline = alone(),
): Promise<boolean> {
  const verify = (key as Partial<PublicKeyHandle>)[VERIFY]
  if (verify === undefined)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', '"key" expected a PreparedPublicKey from preparePublicKey()')
  abytes(message, 'message')
  abytes(signature, 'signature')
  if (await signedHere(key.raw, message, signature)) return true
  const valid = checkSignatureBytes(signature) && (await verify(message, signature, inline))
  if (valid) onCurve.set(key, true)
  return valid
}

/**
 * Signatures this process made a moment ago, by their bytes: the key and a digest of the message
 * each was made over. A party verifies what it has just signed to get its verified form (a
 * vendor its offer, a wallet its acceptance), and the signature it made itself is valid by
 * construction: recognising the very triple (key, message, signature) spares the curve math,
 * about a signature check per move. Bounded: only the last few are ever asked for.
 */
const signed = new BoundedCache<string, { readonly publicKey: Uint8Array; readonly digest: Uint8Array }>(256)

async function signedHere(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const made = signature.length === 64 ? signed.get(encodeBase64url(signature)) : undefined
  return (
    made !== undefined && equalBytes(made.publicKey, publicKey) && equalBytes(made.digest, await sha256Async(message))
  )
}

/**
 * Signs `message` with a prepared private key; resolves to the 64-byte signature. `inline` as
 * for `verifyPrepared`: on node:crypto, `false` signs on libuv's thread pool.
 * @throws {IntentcastError} ERR_INVALID_ARGUMENT if `key` is not from `preparePrivateKey` or `message` is not a Uint8Array.
 */
export async function signPrepared(
  key: PreparedPrivateKey,
  message: Uint8Array,
  inline = alone(),
): Promise<Uint8Array> {
  const sign = (key as Partial<PrivateKeyHandle>)[SIGN]
  if (sign === undefined)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', '"key" expected a PreparedPrivateKey from preparePrivateKey()')
  abytes(message, 'message')
  // Our own copy, signed and hashed alike: a caller changing its buffer while this awaits must
  // not have the changed bytes remembered as signed.
  const bytes = Uint8Array.from(message)
  const digest = await sha256Async(bytes)
  const signature = await sign(bytes, inline)
  signed.set(encodeBase64url(signature), { publicKey: Uint8Array.from(key.publicKey), digest })
  return signature
}
