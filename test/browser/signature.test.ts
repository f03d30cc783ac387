/**
 * The element's Ed25519 (src/r-button/signature.ts) answers every vector of the intentcast rule
 * as the spec does, on both of its backends: WebCrypto (here Node's) and the pure-JS fallback a
 * browser without native Ed25519 gets.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { signatureBackend, verifySignature, type SignatureBackend } from '../../src/r-button/signature.js'

interface Case {
  readonly name: string
  readonly public_key: string
  readonly message: string
  readonly signature: string
  readonly expected?: boolean
}

const read = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../spec/vectors/ed25519/${file}`, import.meta.url), 'utf8'))
const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16))

const cases: Array<[string, Case]> = [
  ...(read('rfc8032.json') as { vectors: Case[] }).vectors.map(
    (v) => [`RFC 8032 ${v.name}`, { ...v, expected: true }] as [string, Case],
  ),
  ...(read('speccheck.json') as { cases: Case[] }).cases.map((c) => [`speccheck: ${c.name}`, c] as [string, Case]),
  ...(read('constructed.json') as { cases: Case[] }).cases.map((c) => [`constructed: ${c.name}`, c] as [string, Case]),
]

describe.each<SignatureBackend>(['webcrypto', 'noble'])('verifySignature on %s', (backend) => {
  it('answers every Ed25519 rule vector as expected', async () => {
    expect(cases.length).toBe(100) // 5 from RFC 8032, 12 speccheck cases, 83 constructed
    const wrong: string[] = []
    for (const [name, c] of cases) {
      const ok = await verifySignature(hex(c.public_key), hex(c.message), hex(c.signature), backend)
      if (ok !== c.expected) wrong.push(`${name}: got ${ok}`)
    }
    expect(wrong).toEqual([])
  })

  it('refuses a signature of the wrong length and a key of the wrong length', async () => {
    const [, good] = cases[0]!
    expect(await verifySignature(hex(good.public_key), hex(good.message), hex(good.signature), backend)).toBe(true)
    expect(await verifySignature(hex(good.public_key), hex(good.message), hex(good.signature).slice(1), backend)).toBe(
      false,
    )
    expect(await verifySignature(hex(good.public_key).slice(1), hex(good.message), hex(good.signature), backend)).toBe(
      false,
    )
  })
})

it('picks WebCrypto where the runtime has Ed25519 in it', async () => {
  expect(await signatureBackend()).toBe('webcrypto')
})
