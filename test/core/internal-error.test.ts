/**
 * The error policy (src/errors.ts), rule 3: a bug inside verify is ERR_INTERNAL, never a code
 * that blames the message (0.1 reported it as ERR_MALFORMED). A real bug cannot be planted from
 * the outside, so the schema step is replaced by one that fails the way a bug would: with a
 * TypeError.
 */
import { describe, expect, it, vi } from 'vitest'
import { expectCode, signSamples, SOON } from '../helpers/fixtures.js'

const bug = vi.hoisted(() => ({ planted: false }))

vi.mock('../../src/envelope/checks.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/envelope/checks.js')>()
  return {
    ...original,
    checkSchema: (...args: Parameters<typeof original.checkSchema>) => {
      if (bug.planted) throw new TypeError("Cannot read properties of undefined (reading 'x')")
      return original.checkSchema(...args)
    },
  }
})

const { verify } = await import('../../src/index.js')

describe('ERR_INTERNAL: an SDK bug is never the sender’s fault', () => {
  it('a TypeError inside verify becomes ERR_INTERNAL with the bug as its cause', async () => {
    const samples = await signSamples()
    bug.planted = true
    const e = await expectCode(verify(samples.intent, { now: SOON }), 'ERR_INTERNAL')
    expect(e.cause).toBeInstanceOf(TypeError)
    expect(e.message).not.toMatch(/malformed/i)
    bug.planted = false
    expect((await verify(samples.intent, { now: SOON })).kind).toBe('intent')
  })
})
