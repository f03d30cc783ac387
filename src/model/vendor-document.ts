import * as z from 'zod/mini'
import { IntentcastError } from '../errors.js'
import { didFromJwk, kidForDid } from '../keys/did-key.js'
import type { KeyPair } from '../keys/key-pair.js'
import { expecting } from './expected.js'
import { HttpUrl, NumericDate, PROTOCOL_VERSION, Version } from './primitives.js'
import { parseWith } from './parse.js'
import { sealKeyThumbprint } from './thumbprint.js'

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

/**
 * One encryption key in the vendor document (`sealKeys`): an X25519 JWK whose `kid` is its
 * RFC 7638 thumbprint. Each is derived from one signing key and listed with that key's status
 * and `exp`, so the two rotate together (spec §Encrypted envelopes, Keys).
 */
export interface VendorSealKey {
  readonly kty: 'OKP'
  readonly crv: 'X25519'
  readonly x: string
  readonly kid: string
  readonly use: 'enc'
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
  /**
   * The keys to seal messages to the vendor with. A JWKS of its own beside `keys`, so a 0.1
   * wallet, which ignores members it does not know, still reads the document.
   */
  readonly sealKeys?: { readonly keys: readonly VendorSealKey[] }
}

export function vendorKey(keyPair: KeyPair, status: VendorKey['status'], exp?: number): VendorKey {
  const { kty, crv, x } = keyPair.publicJwk
  return { kty, crv, x, kid: kidForDid(keyPair.did), use: 'sig', status, ...(exp !== undefined && { exp }) }
}

/** The DID a listed key signs as. */
export function didOfVendorKey(key: VendorKey): string {
  return didFromJwk({ kty: key.kty, crv: key.crv, x: key.x })
}

/** The keys that count at `now`: current ones, and retired ones before their `exp`. */
export function liveKeys<K extends VendorKey | VendorSealKey>(keys: readonly K[], now: Date = new Date()): K[] {
  const t = now.getTime() / 1000
  return keys.filter((k) => k.status === 'current' || (k.exp !== undefined && k.exp > t))
}

const PublicKey = z.string(expecting('a public key: 43 base64url characters')).check(z.regex(/^[A-Za-z0-9_-]{43}$/))
const Status = z.enum(['current', 'retired'], expecting('"current" or "retired"'))

const Key = z.object({
  kty: z.literal('OKP', expecting('"OKP": an Ed25519 key')),
  crv: z.literal('Ed25519', expecting('"Ed25519": a signing key is an Ed25519 key')),
  x: PublicKey,
  kid: z.string(expecting("the key's DID URL, of at most 600 characters")).check(z.maxLength(600)),
  use: z.optional(z.literal('sig', expecting('"sig": a signing key signs'))),
  status: Status,
  exp: z.optional(NumericDate),
})

const SealKeyEntry = z.object({
  kty: z.literal('OKP', expecting('"OKP": an X25519 key')),
  crv: z.literal('X25519', expecting('"X25519": a seal key is an X25519 key')),
  x: PublicKey,
  kid: z.string(expecting("the key's RFC 7638 thumbprint, of at most 64 characters")).check(z.maxLength(64)),
  use: z.literal('enc', expecting('"enc": a seal key encrypts')),
  status: Status,
  exp: z.optional(NumericDate),
})

// Members this version does not know are ignored, so a vendor can add some without breaking older wallets.
const Document = z.object({
  v: Version,
  terms: z
    .string(expecting('a signed terms declaration (compact JWS) of at most 16,384 characters'))
    .check(z.maxLength(16_384)),
  endpoint: HttpUrl,
  mediaTypes: z
    .array(
      z.string(expecting('a media type of at most 128 characters')).check(z.maxLength(128)),
      expecting('a list of 1 to 16 media types'),
    )
    .check(z.minLength(1), z.maxLength(16)),
  keys: z.object({ keys: z.array(Key, expecting('a list of 1 to 32 keys')).check(z.minLength(1), z.maxLength(32)) }),
  sealKeys: z.optional(
    z.object({
      keys: z.array(SealKeyEntry, expecting('a list of 1 to 32 seal keys')).check(z.minLength(1), z.maxLength(32)),
    }),
  ),
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
  const sealKeys = document.sealKeys?.keys.map((k): VendorSealKey => {
    if (k.status === 'retired' && k.exp === undefined)
      throw new IntentcastError('ERR_SCHEMA', 'vendor document: a retired seal key needs an exp')
    if (sealKeyThumbprint(k.x) !== k.kid)
      throw new IntentcastError(
        'ERR_KEY_UNRESOLVED',
        "vendor document: a seal key's kid is not the thumbprint of its x",
      )
    const { kty, crv, x, kid, use, status, exp } = k
    return { kty, crv, x, kid, use, status, ...(exp !== undefined && { exp }) }
  })
  const { sealKeys: _listed, ...rest } = document
  return { ...rest, keys: { keys }, ...(sealKeys !== undefined && { sealKeys: { keys: sealKeys } }) }
}
