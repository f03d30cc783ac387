/**
 * Hostile sealed bodies (spec §Encrypted envelopes, Opening): whatever a sealed body opens to,
 * the vendor answers a 4xx with its code, never a 500; a sealed acceptance sent again as other
 * ciphertext gets the same agreement; the wallet's mailbox reader passes over what it cannot open.
 */
import { CompactEncrypt } from 'jose'
import { describe, expect, test } from 'vitest'
import { generateKeyPair, signAcceptance, signAgreement, signIntent, Thread, verify } from '../../src/index.js'
import { discloseClaims } from '../../src/disclose/index.js'
import { open, seal, generateSealKeyPair, type SealPublicJwk } from '../../src/seal/index.js'
import { sealKeyPairOf } from '../../src/seal/keys.js'
import { openEntry, mailboxEntryOf } from '../../src/http/mailbox-entry.js'
import { Wallet } from '../../src/wallet/index.js'
import { dealAt, intentBody, vendorHandler } from '../wallet/support.js'
import { encodeCbor } from '../../src/cose/cbor-encode.js'

const endpoint = 'https://shop.example/intentcast/messages'
const post = (type: string, body: string | Uint8Array<ArrayBuffer>) =>
  new Request(endpoint, { method: 'POST', headers: { 'content-type': type }, body })

/** A JWE of the profile around arbitrary plaintext, with any cty. */
async function jwe(plaintext: Uint8Array, to: SealPublicJwk, cty = 'intentcast+jws'): Promise<string> {
  const key = await globalThis.crypto.subtle.importKey(
    'raw',
    Buffer.from(to.x, 'base64url'),
    { name: 'X25519' },
    false,
    [],
  )
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', cty, ...(to.kid && { kid: to.kid }) })
    .encrypt(key)
}

async function shop() {
  const { handler, key } = await vendorHandler()
  const vendorSeal = (await sealKeyPairOf(key)).publicJwk
  return { handler, key, vendorSeal }
}

async function codeOf(res: Response): Promise<[number, string | undefined]> {
  const body = (await res.json().catch(() => ({}))) as { code?: string }
  return [res.status, body.code]
}

describe('vendor: sealed bodies that open to hostile plaintext are 4xx with a code', () => {
  const enc = new TextEncoder()
  const cases: Array<[string, Uint8Array, string?]> = [
    ['empty', new Uint8Array(0)],
    ['non-UTF-8', new Uint8Array([0xff, 0xfe, 0xfd])],
    ['three lines', enc.encode('a.b.c\nd.e.f\ng.h.i')],
    ['trailing newline', enc.encode('a.b.c\n')],
    ['COSE array in a JWE', encodeCbor([new Uint8Array([1]), new Uint8Array([2])])],
    ['cty intentcast+cose', enc.encode('a.b.c'), 'intentcast+cose'],
    ['a JWE inside a JWE', enc.encode('a.b.c.d.e')],
  ]
  for (const [name, plaintext, cty] of cases) {
    test(name, async () => {
      const { handler, vendorSeal } = await shop()
      const [status, code] = await codeOf(
        await handler(post('application/intentcast+jwe', await jwe(plaintext, vendorSeal, cty))),
      )
      expect(status).toBeGreaterThanOrEqual(400)
      expect(status).toBeLessThan(500)
      expect(code).toMatch(/^ERR_/)
    })
  }
  test('a JWE to a kid the vendor has no key for: ERR_DECRYPT', async () => {
    const { handler, vendorSeal } = await shop()
    const res = await handler(
      post('application/intentcast+jwe', await jwe(enc.encode('a.b.c'), { ...vendorSeal, kid: 'K'.repeat(43) })),
    )
    expect(await codeOf(res)).toEqual([400, 'ERR_DECRYPT'])
  })
  test('sealed COSE that opens to junk bytes', async () => {
    const { handler, vendorSeal } = await shop()
    const sealed = await seal(new Uint8Array([0x82, 0x41, 0x01]), vendorSeal)
    const [status] = await codeOf(await handler(post('application/intentcast-sealed+cose', new Uint8Array(sealed))))
    expect(status).toBe(400)
  })
})

describe('a sealed acceptance sent again as other ciphertext gets the same agreement', () => {
  test('idempotent by the messages inside', async () => {
    const { handler } = await vendorHandler()
    const castKey = await Wallet.create().castKey(0)
    const replyKeys = await sealKeyPairOf(castKey)
    const intentJws = await signIntent({ ...intentBody(), replyKey: replyKeys.publicJwk }, castKey)
    const offer = await verify(
      await open(await (await handler(post('application/intentcast+jws', intentJws))).text(), replyKeys),
      { expect: 'offer' },
    )
    const intent = await verify(intentJws, { expect: 'intent' })
    const { claim, disclosures } = await discloseClaims({ email: 'ada@example.org' })
    const acceptance = await signAcceptance(
      {
        inReplyTo: offer.digest,
        intent: intent.digest,
        ...dealAt('1900.00'),
        details: claim,
        disclosures: [...disclosures],
      },
      castKey,
      { audience: offer.issuer },
    )
    const thread = new Thread(intent).add(offer).add(await verify(acceptance, { expect: 'acceptance' }))
    const agreement = await signAgreement(thread.agreementBody(), castKey)
    const body = `${acceptance}\n${agreement}`
    const a = await handler(post('application/intentcast+jwe', await seal(body, offer.payload.replyKey!)))
    const b = await handler(post('application/intentcast+jwe', await seal(body, offer.payload.replyKey!)))
    expect([a.status, b.status]).toEqual([200, 200])
    expect(await open(await a.text(), replyKeys)).toBe(await open(await b.text(), replyKeys))
  })
})

describe('mailbox entries that do not open are passed over, one by one', () => {
  test('junk, a foreign key, and hostile COSE do not stop the good entry', async () => {
    const castKey = await generateKeyPair()
    const mine = await sealKeyPairOf(castKey)
    const other = await generateSealKeyPair()
    const good = await seal('a.b.c', mine.publicJwk)
    const raw = [
      { seq: 1, type: 'application/intentcast+jwe', parts: ['....'] },
      { seq: 2, type: 'application/intentcast+jwe', parts: [await seal('a.b.c', other.publicJwk)] },
      {
        seq: 3,
        type: 'application/intentcast-sealed+cose',
        parts: [Buffer.from([0xd8, 0x60, 0x84, 0xa1, 0x00]).toString('base64url')],
      },
      { seq: 4, type: 'application/intentcast+jwe', parts: [good] },
    ]
    const opened = await Promise.all(
      raw.map((e) =>
        openEntry(mailboxEntryOf(e, 0), [mine], 8 * 2 ** 20).catch((x: unknown) => (x as { code: string }).code),
      ),
    )
    expect(opened.slice(0, 3)).toEqual(expect.arrayContaining([expect.stringMatching(/^ERR_(MALFORMED|DECRYPT)$/)]))
    for (const o of opened.slice(0, 3)) expect(o).toMatch(/^ERR_(MALFORMED|DECRYPT)$/)
    expect(opened[3]).toMatchObject({ seq: 4, type: 'application/intentcast+jws', messages: ['a.b.c'] })
  })
})
