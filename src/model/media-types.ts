/**
 * A message body: one intentcast JWS, or an acceptance and its agreement (spec §HTTP binding, Bodies).
 *
 * @example
 * ```ts
 * import { MEDIA_TYPE_JWS } from 'intentcast'
 *
 * await fetch(endpoint, { method: 'POST', headers: { 'content-type': MEDIA_TYPE_JWS }, body: intent })
 * ```
 */
export const MEDIA_TYPE_JWS = 'application/intentcast+jws'
/**
 * A message body in the COSE binding: one COSE message, or a CBOR array of an acceptance and its agreement.
 *
 * @example
 * ```ts
 * import { MEDIA_TYPE_COSE, signIntent } from 'intentcast'
 *
 * const intent = await signIntent(body, customer, { format: 'cose' }) // bytes
 * await fetch(endpoint, { method: 'POST', headers: { 'content-type': MEDIA_TYPE_COSE }, body: intent })
 * ```
 */
export const MEDIA_TYPE_COSE = 'application/intentcast+cose'
/**
 * A sealed body in the JWS binding: a compact JWE whose plaintext is an `intentcast+jws` body
 * (spec §Encrypted envelopes). Its own type, so whoever carries it knows not to look inside.
 */
export const MEDIA_TYPE_SEALED_JWS = 'application/intentcast+jwe'
/**
 * A sealed body in the COSE binding: a COSE_Encrypt (tag 96) whose plaintext is an
 * `intentcast+cose` body. `+cose` is the structured suffix of RFC 9596.
 */
export const MEDIA_TYPE_SEALED_COSE = 'application/intentcast-sealed+cose'
/**
 * RFC 9457 problem details.
 *
 * @example
 * ```ts
 * import { MEDIA_TYPE_PROBLEM } from 'intentcast'
 *
 * const answer = await fetch(endpoint, { method: 'POST', headers: { 'content-type': MEDIA_TYPE_JWS }, body: offer })
 * if (answer.headers.get('content-type') === MEDIA_TYPE_PROBLEM) console.error((await answer.json()).code) // e.g. 'ERR_EXPIRED'
 * ```
 */
export const MEDIA_TYPE_PROBLEM = 'application/problem+json'
/**
 * The vendor document and the other well-known files.
 *
 * @example
 * ```ts
 * import { MEDIA_TYPE_JSON, WELL_KNOWN_PATH } from 'intentcast'
 *
 * await fetch(new URL(WELL_KNOWN_PATH, 'https://velo.example'), { headers: { accept: MEDIA_TYPE_JSON } })
 * ```
 */
export const MEDIA_TYPE_JSON = 'application/json'

/**
 * The vendor document's path (RFC 8615).
 *
 * @example
 * ```ts
 * import { WELL_KNOWN_PATH } from 'intentcast'
 *
 * new URL(WELL_KNOWN_PATH, 'https://velo.example').href // 'https://velo.example/.well-known/intentcast'
 * ```
 */
export const WELL_KNOWN_PATH = '/.well-known/intentcast'
