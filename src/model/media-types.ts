/** A message body: one intentcast JWS, or an acceptance and its agreement (spec §HTTP binding, Bodies). */
export const MEDIA_TYPE_JWS = 'application/intentcast+jws'
/** A message body in the COSE binding: one COSE message, or a CBOR array of an acceptance and its agreement. */
export const MEDIA_TYPE_COSE = 'application/intentcast+cose'
/** RFC 9457 problem details. */
export const MEDIA_TYPE_PROBLEM = 'application/problem+json'
/** The vendor document and the other well-known files. */
export const MEDIA_TYPE_JSON = 'application/json'

/** The vendor document's path (RFC 8615). */
export const WELL_KNOWN_PATH = '/.well-known/intentcast'
