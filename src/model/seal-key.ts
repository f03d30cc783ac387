import * as z from 'zod/mini'
import { strictObject } from './strict-object.js'

/**
 * An X25519 public key as a JWK (RFC 8037), to seal messages to (spec §Encrypted envelopes):
 * a wallet's per-cast reply key in an intent, a vendor's encryption key in its proposals. `kid`,
 * when present, is the key's RFC 7638 thumbprint, and goes into the header of what is sealed to it.
 */
export const SealKey = strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('X25519'),
  x: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
  use: z.optional(z.literal('enc')),
  kid: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/))),
})
export type SealKey = z.infer<typeof SealKey>
