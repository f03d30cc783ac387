import * as z from 'zod/mini'
import { IntentcastError } from '../errors.js'
import { didFromJwk, kidForDid } from '../keys/did-key.js'
import type { KeyPair } from '../keys/key-pair.js'
import { HttpUrl, NumericDate, PROTOCOL_VERSION } from './primitives.js'
import { parseWith } from './parse.js'

/**
 * One signing key in the vendor document: an Ed25519 JWK whose `kid` is the DID URL its
 * messages carry. A `retired` key has an `exp`: messages it signs are accepted until then, so a
 * vendor can rotate without breaking threads already open (spec §HTTP binding, Keys).
 */
export interface VendorKey {
  readonly kty: 'OKP'
  readonly crv: 'Ed25519'
  readonly x: string
  readonly kid: string
  readonly use: 'sig'
  readonly status: 'current' | 'retired'
  /** NumericDate; required for a retired key. */
  readonly exp?: number
}

/** `/.well-known/intentcast`. */
export interface VendorDocument {
  readonly v: typeof PROTOCOL_VERSION
  /** The vendor's signed terms declaration (compact JWS). */
  readonly terms: string
  /** The absolute URL that takes messages. */
  readonly endpoint: string
  readonly mediaTypes: readonly string[]
  readonly keys: { readonly keys: readonly VendorKey[] }
}

export function vendorKey(keyPair: KeyPair, status: VendorKey['status'], exp?: number): VendorKey {
  const { kty, crv, x } = keyPair.publicJwk
  return { kty, crv, x, kid: kidForDid(keyPair.did), use: 'sig', status, ...(exp !== undefined && { exp }) }
}

/** The DID a listed key signs as. */
export function didOfVendorKey(key: VendorKey): string {
  return didFromJwk({ kty: key.kty, crv: key.crv, x: key.x })
}

/** The keys whose signatures count at `now`: current ones, and retired ones before their `exp`. */
export function liveKeys(keys: readonly VendorKey[], now: Date = new Date()): VendorKey[] {
  const t = now.getTime() / 1000
  return keys.filter((k) => k.status === 'current' || (k.exp !== undefined && k.exp > t))
}

const Key = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
  kid: z.string().check(z.maxLength(600)),
  use: z.optional(z.literal('sig')),
  status: z.enum(['current', 'retired']),
  exp: z.optional(NumericDate),
})

// Members this version does not know are ignored, so a vendor can add some without breaking older wallets.
const Document = z.object({
  v: z.literal(PROTOCOL_VERSION),
  terms: z.string().check(z.maxLength(16_384)),
  endpoint: HttpUrl,
  mediaTypes: z.array(z.string().check(z.maxLength(128))).check(z.minLength(1), z.maxLength(16)),
  keys: z.object({ keys: z.array(Key).check(z.minLength(1), z.maxLength(32)) }),
})

/** Checks a fetched vendor document. Throws ERR_SCHEMA, or ERR_KEY_UNRESOLVED for a key whose kid is not its own. */
export function parseVendorDocument(json: unknown): VendorDocument {
  const document = parseWith(Document, json, 'vendor document', 'ERR_SCHEMA')
  const keys = document.keys.keys.map((k): VendorKey => {
    if (k.status === 'retired' && k.exp === undefined)
      throw new IntentcastError('ERR_SCHEMA', 'vendor document: a retired key needs an exp')
    const key: VendorKey = {
      kty: k.kty,
      crv: k.crv,
      x: k.x,
      kid: k.kid,
      use: 'sig',
      status: k.status,
      ...(k.exp !== undefined && { exp: k.exp }),
    }
    if (kidForDid(didOfVendorKey(key)) !== key.kid)
      throw new IntentcastError('ERR_KEY_UNRESOLVED', "vendor document: a key's kid is not the DID URL of its x")
    return key
  })
  return { ...document, keys: { keys } }
}
