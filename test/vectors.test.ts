import { hkdfSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  keyPairFromSeed,
  MemoryReplayStore,
  verify,
  verifyThread,
  isIntentcastError,
  type Verified,
  type VerifyOptions,
} from '../src/index.js'
import { allVectors } from '../scripts/vectors-all.js'
import {
  checkDisclosures,
  disclosedIn,
  disclosureDigest,
  parseDisclosure,
  verifyPresentation,
} from '../src/disclose/index.js'
import type { DigestSet } from '../src/model/primitives.js'
import { deriveSealKeyPair, open, openAndVerify, sealKeyPairFromSeed, type SealKeyPair } from '../src/seal/index.js'
import { Wallet } from '../src/wallet/index.js'

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../spec/vectors/${name}.json`, import.meta.url), 'utf8'))

/** A digest set of disclose.json, and the disclosures behind it. */
interface Commitment {
  claims: Record<string, unknown>
  digests: DigestSet
  disclosures: { salt: string; name: string; value: unknown; disclosure: string; digest: string }[]
}

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

/** The whole result a replayer compares (spec §Test vectors): kind, digest, issuer, signers and payload, as JSON. */
const result = (v: Verified) =>
  JSON.parse(
    JSON.stringify({ kind: v.kind, digest: v.digest, issuer: v.issuer, signers: v.signers, payload: v.payload }),
  ) as unknown

describe('valid message vectors verify, to the whole expected result', () => {
  for (const v of load('messages').valid) {
    it(v.name, async () => {
      const out = await verify(v.message, options(v.options))
      expect(result(out)).toEqual(v.expected)
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

describe('valid COSE message vectors verify, to the whole expected result', () => {
  for (const v of load('cose').valid) {
    it(v.name, async () => {
      const out = await verify(new Uint8Array(Buffer.from(v.message, 'hex')), options(v.options))
      expect(result(out)).toEqual(v.expected)
    })
  }
})

describe('thread vectors (state and status asked at `at`)', () => {
  for (const t of load('threads')) {
    it(t.name, async () => {
      if (t.code) {
        await expect(verifyThread(t.messages)).rejects.toMatchObject({ code: t.code })
      } else {
        const thread = await verifyThread(t.messages)
        expect(thread.state(new Date(t.at))).toBe(t.state)
        expect(thread.status(new Date(t.at))).toBe(t.status)
      }
    })
  }
})

describe('wallet key vectors (spec §HTTP binding, Wallet keys)', () => {
  const vectors = load('wallet')
  const master = new Uint8Array(Buffer.from(vectors.master, 'hex'))
  /** The derivation as the spec writes it, with node:crypto: not the SDK's code. */
  const hkdf = (info: string) =>
    Buffer.from(hkdfSync('sha256', master, Buffer.from(vectors.salt, 'utf8'), Buffer.from(info, 'utf8'), 32)).toString(
      'hex',
    )
  const wallet = Wallet.fromSecret(master)
  for (const c of vectors.casts) {
    it(`cast key ${c.index}: seed, DID and reply key`, async () => {
      expect(c.info).toBe(`cast/${c.index}`)
      expect(hkdf(c.info)).toBe(c.seed)
      expect((await keyPairFromSeed(new Uint8Array(Buffer.from(c.seed, 'hex')))).did).toBe(c.did)
      expect((await wallet.castKey(c.index)).did).toBe(c.did)
      expect((await deriveSealKeyPair(new Uint8Array(Buffer.from(c.seed, 'hex')))).publicJwk).toEqual(c.replyKey)
    })
  }
  for (const v of vectors.vendors) {
    it(`vendor key for ${v.vendor}: ${v.info}`, async () => {
      expect(hkdf(v.info)).toBe(v.seed)
      expect((await keyPairFromSeed(new Uint8Array(Buffer.from(v.seed, 'hex')))).did).toBe(v.did)
      expect((await wallet.vendorKey(v.vendor)).did).toBe(v.did)
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

describe('selective disclosure vectors (spec §Selective disclosure)', () => {
  const vectors = load('disclose')
  const at = { now: new Date(vectors.options.now as string) }
  /** `{disclosed}` or `{code}`: what the SDK answers, in the shape the vectors write it. */
  const outcome = (p: Promise<unknown>) =>
    p.then(
      (disclosed) => ({ disclosed }),
      (e: unknown) => ({ code: isIntentcastError(e) ? e.code : String(e) }),
    )
  const expected = (v: { code?: string; disclosed?: unknown }) =>
    v.code === undefined ? { disclosed: v.disclosed } : { code: v.code }
  const sets = (digests: (DigestSet | null)[]) => digests.map((set) => set ?? undefined)

  describe('RFC 9901’s disclosures', () => {
    for (const v of vectors.rfc9901.disclosures) {
      it(`§${v.section} ${v.contents[1]}: digest, then ${v.code ?? 'its contents'}`, async () => {
        expect(await disclosureDigest(v.disclosure)).toBe(v.digest)
        if (v.code !== undefined) {
          expect(() => parseDisclosure(v.disclosure)).toThrow(expect.objectContaining({ code: v.code }))
        } else {
          const [salt, name, value] = v.contents
          expect(parseDisclosure(v.disclosure)).toEqual({ salt, name, value })
        }
      })
    }
  })

  describe('checks', () => {
    for (const c of [...vectors.rfc9901.checks, ...vectors.checks]) {
      it(`${c.name} → ${c.code ?? 'disclosed'}`, async () => {
        expect(await outcome(checkDisclosures(sets(c.digests), c.disclosures))).toEqual(expected(c))
      })
    }
  })

  describe('commitments: each disclosure is [salt, name, value] as compact JSON, under its digest', () => {
    for (const [place, c] of Object.entries(vectors.commitments as Record<string, Commitment>)) {
      it(place, async () => {
        for (const d of c.disclosures) {
          expect(Buffer.from(d.disclosure, 'base64url').toString('utf8')).toBe(
            JSON.stringify([d.salt, d.name, d.value]),
          )
          expect(await disclosureDigest(d.disclosure)).toBe(d.digest)
        }
        expect(c.digests._sd).toEqual(c.disclosures.map((d) => d.digest))
        expect(c.digests._sd).toEqual([...c.digests._sd].sort())
        expect(Object.fromEntries(c.disclosures.map((d) => [d.name, d.value]))).toEqual(c.claims)
      })
    }
  })

  describe('messages', () => {
    const message = (name: string) => vectors.messages.find((m: { name: string }) => m.name === name)
    for (const v of vectors.messages) {
      it(v.name, async () => {
        const out = await verify(v.message, options(v.options))
        expect(result(out)).toEqual(v.expected)
      })
    }
    it('they commit to the digests of the commitments, and link by digest', async () => {
      const { precise, details } = vectors.commitments
      const [intent, offer, acceptance, agreement] = ['intent', 'offer', 'acceptance', 'agreement'].map(
        (n) => message(n).expected,
      )
      expect(intent.payload.want.precise).toEqual(precise.digests)
      expect(acceptance.payload.details).toEqual(details.digests)
      expect(agreement.payload.details).toEqual(details.digests)
      expect(acceptance.payload.disclosures).toEqual(
        [...details.disclosures, ...precise.disclosures].map((d: { disclosure: string }) => d.disclosure),
      )
      expect(intent.payload.replyKey).toEqual(vectors.keys.customer.replyKey)
      expect(offer.payload.replyKey).toEqual(vectors.keys.vendor.replyKey)
      expect(agreement.payload.refs).toEqual({
        intent: intent.digest,
        offer: offer.digest,
        acceptance: acceptance.digest,
      })
    })
    it('the reply keys are derived from the signing seeds', async () => {
      for (const k of Object.values(vectors.keys as Record<string, { seed: string; replyKey: unknown }>)) {
        const pair = await deriveSealKeyPair(new Uint8Array(Buffer.from(k.seed, 'hex')))
        expect(pair.publicJwk).toEqual(k.replyKey)
      }
    })
    it('they form one thread, agreed, and the acceptance discloses the details and the precise region', async () => {
      const thread = await verifyThread(vectors.messages.map((m: { message: string }) => m.message))
      expect(thread.state()).toBe('agreed')
      const verified = (name: string) => verify(message(name).message, options(message(name).options))
      expect(
        await disclosedIn(
          (await verified('acceptance')) as Verified<'acceptance'>,
          (await verified('intent')) as Verified<'intent'>,
        ),
      ).toEqual({ details: vectors.commitments.details.claims, precise: vectors.commitments.precise.claims })
    })
  })

  describe('presentations', () => {
    for (const v of [...vectors.presentations.valid, ...vectors.presentations.invalid]) {
      it(`${v.name} → ${v.code ?? 'disclosed'}`, async () => {
        const out = await outcome(verifyPresentation(v.presentation, at).then((p) => p.disclosed))
        expect(out).toEqual(expected(v))
      })
    }
  })
})
