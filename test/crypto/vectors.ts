/** Loads the Ed25519 vector files of spec/vectors/ed25519 with their hex decoded. */
import { readFileSync } from 'node:fs'
import { etc } from '@noble/ed25519'

export const hex = etc.hexToBytes
export const toHex = etc.bytesToHex

const load = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../spec/vectors/ed25519/${name}.json`, import.meta.url), 'utf8'))

export interface SignedVector {
  name: string
  secretKey: Uint8Array
  publicKey: Uint8Array
  message: Uint8Array
  signature: Uint8Array
}

export interface EdgeCase {
  name: string
  publicKey: Uint8Array
  message: Uint8Array
  signature: Uint8Array
  expected: boolean
  why: string
}

interface RawCase {
  name: string
  number?: number
  public_key: string
  message: string
  signature: string
  expected: boolean
  why: string
}

export const rfc8032: SignedVector[] = (
  load('rfc8032') as { vectors: (Omit<RawCase, 'expected' | 'why'> & { secret_key: string })[] }
).vectors.map((v) => ({
  name: v.name,
  secretKey: hex(v.secret_key),
  publicKey: hex(v.public_key),
  message: hex(v.message),
  signature: hex(v.signature),
}))

const edge = (file: string, label: (c: RawCase) => string): EdgeCase[] =>
  (load(file) as { cases: RawCase[] }).cases.map((c) => ({
    name: label(c),
    publicKey: hex(c.public_key),
    message: hex(c.message),
    signature: hex(c.signature),
    expected: c.expected,
    why: c.why,
  }))

/** "Taming the many EdDSAs" cases 0-11. */
export const speccheck = edge('speccheck', (c) => `speccheck ${c.number}: ${c.name}`)
/** Cases built by scripts/vectors-ed25519.ts. */
export const constructed = edge('constructed', (c) => c.name)
