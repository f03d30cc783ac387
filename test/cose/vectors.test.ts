/**
 * Replays the COSE vectors (scripts/vectors-cose.ts, written to spec/vectors/cose.json) as a
 * second implementation would: from their JSON alone, through `verify` and `parseIntentcastUri`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { coseVectors } from '../../scripts/vectors-cose.js'
import { isIntentcastError, verify, type VerifyOptions } from '../../src/index.js'
import { parseIntentcastUri } from '../../src/index.js'

interface Vectors {
  valid: Array<{
    name: string
    message: string
    options: Record<string, unknown>
    expected: { kind: string; digest: string; payload: unknown }
  }>
  invalid: Array<{ name: string; message: string; options: Record<string, unknown>; code: string }>
  links: {
    valid: Array<{ name: string; uri: string; message: string; terms?: string }>
    invalid: Array<{ name: string; uri: string; options?: { maxBytes?: number }; code: string }>
  }
}

const generated = await coseVectors()
const vectors = JSON.parse(JSON.stringify(generated)) as Vectors
const FILE = new URL('../../spec/vectors/cose.json', import.meta.url)
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))
const options = (o: Record<string, unknown>): VerifyOptions => ({
  ...o,
  ...(typeof o.now === 'string' && { now: new Date(o.now) }),
})

async function codeOf(action: () => unknown): Promise<string> {
  try {
    await action()
  } catch (e) {
    expect(isIntentcastError(e), String(e)).toBe(true)
    return (e as { code: string }).code
  }
  return 'no error'
}

describe('COSE vectors', () => {
  it('are deterministic, and the committed spec/vectors/cose.json is what the code produces', async () => {
    expect(JSON.stringify(await coseVectors())).toBe(JSON.stringify(generated))
    if (existsSync(FILE)) expect(JSON.parse(readFileSync(FILE, 'utf8'))).toEqual(vectors)
  })

  it('cover every kind and each required refusal', () => {
    expect(new Set(vectors.valid.map((v) => v.expected.kind))).toEqual(
      new Set(['intent', 'offer', 'counter', 'acceptance', 'agreement', 'terms', 'withdrawal']),
    )
    const names = vectors.invalid.map((v) => v.name).join('\n')
    for (const topic of [
      'duplicate map key',
      'indefinite-length',
      'non-minimal integer',
      'unknown tag',
      'oversized',
      'tampered signature',
      'wrong alg',
      'wrong typ',
      'kid names another DID',
      'unknown claim key',
      'text key for an integer-keyed claim',
    ]) {
      expect(names).toContain(topic)
    }
  })

  it.each(vectors.valid.map((v) => [v.name, v] as const))('valid: %s', async (_, v) => {
    const out = await verify(fromHex(v.message), options(v.options))
    expect(out.format).toBe('cose')
    expect(out.kind).toBe(v.expected.kind)
    expect(out.digest).toBe(v.expected.digest)
    expect(JSON.parse(JSON.stringify(out.payload))).toEqual(v.expected.payload)
  })

  it.each(vectors.invalid.map((v) => [`${v.name} → ${v.code}`, v] as const))('invalid: %s', async (_, v) => {
    expect(await codeOf(() => verify(fromHex(v.message), options(v.options)))).toBe(v.code)
  })

  it.each(vectors.links.valid.map((v) => [v.name, v] as const))('link: %s', (_, v) => {
    const link = parseIntentcastUri(v.uri)
    expect(Buffer.from(link.message).toString('hex')).toBe(v.message)
    expect(link.terms === undefined ? undefined : Buffer.from(link.terms).toString('hex')).toBe(v.terms)
  })

  it.each(vectors.links.invalid.map((v) => [`${v.name} → ${v.code}`, v] as const))('invalid link: %s', async (_, v) => {
    expect(await codeOf(() => parseIntentcastUri(v.uri, v.options))).toBe(v.code)
  })
})
