/**
 * Every edge case, on every way to verify: both backends through the public entry, and the
 * prepared-key path with the curve math inline and on the thread pool. All must give the
 * answer the rule gives.
 */
import { describe, expect, it } from 'vitest'
import { verifyEd25519 } from '../../src/crypto/index.js'
import { preparePublicKey, verifyPrepared } from '../../src/crypto/prepared.js'
import { checkPublicKeyBytes } from '../../src/crypto/rule.js'
import { constructed, type EdgeCase, speccheck } from './vectors.js'

async function answers(c: EdgeCase) {
  const prepared = async (backend: 'native' | 'noble', inline: boolean) => {
    if (!checkPublicKeyBytes(c.publicKey)) return false
    return verifyPrepared(await preparePublicKey(c.publicKey, backend), c.message, c.signature, inline)
  }
  return {
    native: await verifyEd25519(c.publicKey, c.message, c.signature, { backend: 'native' }),
    noble: await verifyEd25519(c.publicKey, c.message, c.signature, { backend: 'noble' }),
    nativeInline: await prepared('native', true),
    nativeThreadPool: await prepared('native', false),
    noblePrepared: await prepared('noble', true),
  }
}

describe.each([
  ['speccheck (Taming the many EdDSAs)', speccheck],
  ['constructed', constructed],
] as const)('%s vectors', (_, cases) => {
  it.each(cases)('$name -> $expected', async (c) => {
    const expected = c.expected
    expect(await answers(c)).toEqual({
      native: expected,
      noble: expected,
      nativeInline: expected,
      nativeThreadPool: expected,
      noblePrepared: expected,
    })
  })
})

describe('the vector files', () => {
  it('cover speccheck cases 0-11 with exactly one valid (case 3)', () => {
    expect(speccheck.map((c) => c.name.split(':')[0])).toEqual(speccheck.map((_, i) => `speccheck ${i}`))
    expect(speccheck.filter((c) => c.expected).map((c) => c.name.split(':')[0])).toEqual(['speccheck 3'])
  })

  it('name every case once', () => {
    const names = [...speccheck, ...constructed].map((c) => c.name)
    expect(new Set(names).size).toBe(names.length)
  })
})
