import { IntentcastError } from '../errors.js'
import { parseJsonStrict } from '../lib/json.js'

/**
 * The JWS JSON General Serialization used for agreements: one payload, one signature per party,
 * customer first. Only protected headers: an unprotected `header` member is refused.
 */
export interface GeneralJws {
  readonly payload: string
  readonly signatures: ReadonlyArray<{ readonly protected: string; readonly signature: string }>
}

/** Serialises with a fixed member order and no whitespace, so both parties hold identical bytes. */
export function serializeGeneralJws(jws: GeneralJws): string {
  const sigs = jws.signatures.map((s) => `{"protected":"${s.protected}","signature":"${s.signature}"}`)
  return `{"payload":"${jws.payload}","signatures":[${sigs.join(',')}]}`
}

const SEGMENT = /^[A-Za-z0-9_-]+$/

function segment(v: unknown, what: string): string {
  if (typeof v !== 'string' || !SEGMENT.test(v))
    throw new IntentcastError('ERR_MALFORMED', `agreement ${what} is not a base64url string`)
  return v
}

export function parseGeneralJws(text: string): GeneralJws {
  if (typeof text !== 'string') throw new IntentcastError('ERR_MALFORMED', 'an agreement is a string (JWS JSON)')
  const j = parseJsonStrict(text, 'agreement JSON')
  if (typeof j !== 'object' || j === null || Array.isArray(j))
    throw new IntentcastError('ERR_MALFORMED', 'agreement is not a JSON object')
  const { payload, signatures, ...rest } = j as Record<string, unknown>
  if (Object.keys(rest).length > 0)
    throw new IntentcastError('ERR_MALFORMED', `agreement member ${Object.keys(rest)[0]!.slice(0, 32)} is not allowed`)
  if (!Array.isArray(signatures) || signatures.length < 1 || signatures.length > 2) {
    throw new IntentcastError('ERR_MALFORMED', 'agreement needs a signatures array of one or two entries')
  }
  return {
    payload: segment(payload, 'payload'),
    signatures: signatures.map((s: unknown, i) => {
      if (typeof s !== 'object' || s === null || Array.isArray(s))
        throw new IntentcastError('ERR_MALFORMED', `agreement signature ${i} is not an object`)
      const { protected: p, signature, ...more } = s as Record<string, unknown>
      if (Object.keys(more).length > 0)
        throw new IntentcastError(
          'ERR_MALFORMED',
          `agreement signature member ${Object.keys(more)[0]!.slice(0, 32)} is not allowed`,
        )
      return { protected: segment(p, 'protected header'), signature: segment(signature, 'signature') }
    }),
  }
}
