import * as z from 'zod/mini'
import { decodeBase64url } from '../lib/base64url.js'
import { expecting } from './expected.js'
import { strictObject } from './strict-object.js'

/**
 * The points of small order on Curve25519 and their non-canonical encodings (RFC 7748 §6.1,
 * libsodium's list), with the unused top bit cleared. Agreement with one gives a shared secret
 * an attacker knows (all zeros), so sealing to it must fail: it is refused as a claim, before the
 * message is taken, rather than when a vendor seals its answer to it.
 */
const LOW_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
]

/** A usable X25519 public key: 32 bytes in canonical base64url, not of small order. */
function isUsableX25519(x: string): boolean {
  let raw: Uint8Array
  try {
    raw = decodeBase64url(x, 'x')
  } catch {
    return false
  }
  if (raw.length !== 32) return false
  const hex = Array.from(raw, (b, i) => (i === 31 ? b & 0x7f : b).toString(16).padStart(2, '0')).join('')
  return !LOW_ORDER.includes(hex)
}

/**
 * An X25519 public key as a JWK (RFC 8037), to seal messages to (spec §Encrypted envelopes):
 * a wallet's per-cast reply key in an intent, a vendor's encryption key in its proposals. `kid`,
 * when present, is the key's RFC 7638 thumbprint, and goes into the header of what is sealed to it.
 */
export const SealKey = strictObject({
  kty: z.literal('OKP', expecting('"OKP": an X25519 key')),
  crv: z.literal('X25519', expecting('"X25519": a seal key is an X25519 key')),
  x: z
    .string(expecting('an X25519 public key: 43 base64url characters'))
    .check(
      z.regex(/^[A-Za-z0-9_-]{43}$/),
      z.refine(isUsableX25519, 'a usable X25519 public key: canonical base64url of 32 bytes, not of small order'),
    ),
  use: z.optional(z.literal('enc', expecting('"enc": a seal key encrypts'))),
  kid: z.optional(
    z.string(expecting("the key's RFC 7638 thumbprint: 43 base64url characters")).check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
  ),
})
export type SealKey = z.infer<typeof SealKey>
