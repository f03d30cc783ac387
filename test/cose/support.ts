import { expect } from 'vitest'
import { IntentcastError, type IntentcastErrorCode } from '../../src/errors.js'

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'))
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Runs `action` and returns the IntentcastError it throws or rejects with; fails the test otherwise. */
export async function caught(action: () => unknown): Promise<IntentcastError> {
  try {
    await action()
  } catch (error) {
    if (error instanceof IntentcastError) return error
    throw new Error(`expected an IntentcastError, got ${String(error)}`, { cause: error })
  }
  throw new Error('expected an IntentcastError, but nothing was thrown')
}

export async function expectCode(action: () => unknown, code: IntentcastErrorCode): Promise<IntentcastError> {
  const error = await caught(action)
  expect(error.code, error.message).toBe(code)
  return error
}

/** Fixed seeds, so failures reproduce; Ed25519 is deterministic. */
export const seed = (byte: number): Uint8Array => new Uint8Array(32).fill(byte)
