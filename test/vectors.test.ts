import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MemoryReplayStore, verify, verifyThread, isIntentcastError, type VerifyOptions } from '../src/index.js'
import { allVectors } from '../scripts/vectors-all.js'
import { open, openAndVerify, sealKeyPairFromSeed, type SealKeyPair } from '../src/seal/index.js'

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../spec/vectors/${name}.json`, import.meta.url), 'utf8'))

function options(o: Record<string, unknown> = {}): VerifyOptions {
  return { ...o, ...(typeof o.now === 'string' && { now: new Date(o.now) }) }
}

describe('spec/vectors are what the code produces', () => {
  it('regenerating gives the committed files byte for byte (run `npm run vectors` after a wire change)', async () => {
    for (const [name, data] of Object.entries(await allVectors())) {
      expect(JSON.stringify(data, null, 2) + '\n', `spec/vectors/${name}.json is stale`).toBe(
        readFileSync(new URL(`../spec/vectors/${name}.json`, import.meta.url), 'utf8'),
      )
    }
  })
})

describe('valid message vectors verify', () => {
  for (const v of load('messages').valid) {
    it(v.name, async () => {
      const out = await verify(v.message, options(v.options))
      expect(out.kind).toBe(v.expected.kind)
      expect(out.digest).toBe(v.expected.digest)
    })
  }
  it('a replayed vector is refused the second time', async () => {
    const v = load('messages').valid[0]
    // The store keeps its own clock; pin it to the vector's time as verify's `now` is.
    const replay = new MemoryReplayStore({ now: () => Date.parse(v.options.now) })
    await verify(v.message, { ...options(v.options), replay })
    await expect(verify(v.message, { ...options(v.options), replay })).rejects.toMatchObject({ code: 'ERR_REPLAY' })
  })
})

describe('invalid message vectors fail with their code', () => {
  for (const v of load('messages').invalid) {
    it(`${v.name} → ${v.code}`, async () => {
      const err = await verify(v.message, options(v.options)).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isIntentcastError(err), String(err)).toBe(true)
      expect((err as { code: string }).code).toBe(v.code)
    })
  }
})

describe('thread vectors', () => {
  for (const t of load('threads')) {
    it(t.name, async () => {
      if (t.code) {
        await expect(verifyThread(t.messages)).rejects.toMatchObject({ code: t.code })
      } else {
        const thread = await verifyThread(t.messages)
        expect(thread.state()).toBe(t.state)
        expect(thread.status()).toBe(t.status)
      }
    })
  }
})

describe('sealed message vectors (spec §Encrypted envelopes)', () => {
  const vectors = load('seal')
  const keys = vectors.keys as Record<string, SealKeyPair & { seed: string }>
  it('the keys come from their seeds', async () => {
    for (const k of Object.values(keys)) {
      const pair = await sealKeyPairFromSeed(new Uint8Array(Buffer.from(k.seed, 'hex')))
      expect(pair.publicJwk).toEqual(k.publicJwk)
    }
  })
  for (const v of vectors.valid) {
    it(v.name, async () => {
      expect(await open(v.jwe, keys[v.recipient]!)).toBe(v.message)
      const out = await openAndVerify(v.jwe, keys[v.recipient]!, options(v.options))
      expect(out.kind).toBe(v.expected.kind)
      expect(out.digest).toBe(v.expected.digest)
    })
  }
  for (const v of vectors.invalid) {
    it(`${v.name} → ${v.code}`, async () => {
      await expect(openAndVerify(v.jwe, keys[v.recipient]!, options(v.options))).rejects.toMatchObject({ code: v.code })
    })
  }
})
