import type { CborMapKey, CborValue } from '../cose/cbor-value.js'
import { IntentcastError } from '../errors.js'

/**
 * The CBOR key of every claim and member name (spec §COSE binding, key assignments). One table
 * serves every nesting level, so an implementation needs no per-kind tables. Keys 1, 3, 4, 6
 * and 7 are CWT's (iss, aud, exp, iat, cti); all keys fit in one byte (-24…23).
 * Map keys inside `attributes` are the customer's own names and stay text.
 *
 * @example
 * ```ts
 * import { CBOR_KEYS } from 'intentcast'
 *
 * CBOR_KEYS.iss // 1, as in CWT
 * CBOR_KEYS.agreements // -1
 * (decodeCbor(payloadBytes) as Map<number, unknown>).get(CBOR_KEYS.want) // an intent's want, read from its COSE payload
 * ```
 */
export const CBOR_KEYS: Readonly<Record<string, number>> = Object.freeze({
  iss: 1,
  v: 2,
  aud: 3,
  exp: 4,
  want: 5,
  iat: 6,
  jti: 7,
  terms: 8,
  item: 9,
  quantity: 10,
  price: 11,
  deliverBy: 12,
  inReplyTo: 13,
  intent: 14,
  note: 15,
  replyTo: 16,
  region: 17,
  maxPrice: 18,
  name: 19,
  category: 20,
  attributes: 21,
  amount: 22,
  currency: 23,
  agreements: -1,
  strict: -2,
  conditions: -3,
  id: -4,
  value: -5,
  unit: -6,
  type: -7,
  better: -8,
  required: -9,
  agreement: -10,
  party: -11,
  parties: -12,
  customer: -13,
  vendor: -14,
  refs: -15,
  offer: -16,
  acceptance: -17,
  withdraws: -18,
  reason: -19,
  role: -20,
  url: -21,
  replyKey: -22,
  details: -23,
  disclosures: -24,
})

const NAMES: ReadonlyMap<number, string> = new Map(Object.entries(CBOR_KEYS).map(([name, key]) => [key, name]))

/** A JSON payload as CBOR: known member names become their integer keys. */
export function claimsToCbor(value: unknown, freeKeys = false): CborValue {
  if (Array.isArray(value)) return value.map((v) => claimsToCbor(v))
  if (typeof value !== 'object' || value === null) return value as CborValue
  const map = new Map<CborMapKey, CborValue>()
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined) continue
    map.set(freeKeys ? name : (CBOR_KEYS[name] ?? name), claimsToCbor(v, name === 'attributes'))
  }
  return map
}

/**
 * A decoded CBOR payload as the JSON-shaped payload the schemas check. Integer keys must be in
 * the table; a text key spelling a name that has an integer key is a second encoding of the
 * same claim and is refused. Unknown text keys pass through for the schema to refuse.
 */
export function claimsFromCbor(value: CborValue, freeKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => claimsFromCbor(v))
  if (!(value instanceof Map)) {
    if (value instanceof Uint8Array || (typeof value === 'object' && value !== null)) {
      throw new IntentcastError('ERR_SCHEMA', 'COSE payload: byte strings and tags are not claim values')
    }
    return value
  }
  const out: Record<string, unknown> = {}
  for (const [key, v] of value) {
    let name: string
    if (typeof key === 'number') {
      if (freeKeys) throw new IntentcastError('ERR_SCHEMA', 'COSE payload: attribute names are text')
      const known = NAMES.get(key)
      if (known === undefined) throw new IntentcastError('ERR_SCHEMA', `COSE payload: unknown claim key ${key}`)
      name = known
    } else {
      // Own names only: `toString` is no claim, and goes to the schema like any unknown name.
      if (!freeKeys && Object.hasOwn(CBOR_KEYS, key))
        throw new IntentcastError('ERR_MALFORMED', `COSE payload: "${key}" must use its integer key ${CBOR_KEYS[key]}`)
      if (key === '__proto__' || key === 'constructor' || key === 'prototype')
        throw new IntentcastError('ERR_MALFORMED', `COSE payload has a "${key}" key`)
      name = key
    }
    out[name] = claimsFromCbor(v, name === 'attributes')
  }
  return out
}
