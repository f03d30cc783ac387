/**
 * Sealed bodies at a relay (spec §Relay binding, Posting to a mailbox; §Encrypted envelopes):
 * the relay holds no key, so it checks what it can without one, counts each sealed post against
 * the key that signed its access message, and keeps it as long as a plain one would be kept.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { digest, generateKeyPair, signIntent, signOffer, type KeyPair } from '../../src/index.js'
import { sealedPostAccess } from '../../src/http/mailbox-entry.js'
import { MemoryRelayBackend } from '../../src/relay/index.js'
import { generateSealKeyPair, seal } from '../../src/seal/index.js'
import { offerBody } from '../helpers/fixtures.js'
import { cast, intentBody, post, read, relayInProcess, subscribe, type TestRelay } from '../relay/support.js'

const JWE = 'application/intentcast+jwe'
const SEALED_COSE = 'application/intentcast-sealed+cose'
const relays: TestRelay[] = []
afterEach(async () => {
  for (const r of relays.splice(0)) await r.close()
})

async function castWithReplyKey(relay: TestRelay) {
  const key = await generateKeyPair()
  const reply = await generateSealKeyPair()
  const mailbox = `${relay.url}/mailboxes/${key.did}`
  const intent = await signIntent({ ...intentBody(), replyTo: mailbox, replyKey: reply.publicJwk }, key)
  await cast(relay, intent)
  return { key, reply, intent, mailbox, path: `/mailboxes/${key.did}` }
}

/** `Authorization: Intentcast <access>` for posting `body` to `mailbox`, signed by `key`. */
const accessFor = async (key: KeyPair, mailbox: string, body: string | Uint8Array) => ({
  authorization: `Intentcast ${await sealedPostAccess(key, mailbox, body)}`,
})

describe('posting a sealed body', () => {
  test('without an access message: 401 ERR_KEY_UNRESOLVED, nothing stored', async () => {
    const relay = await relayInProcess()
    relays.push(relay)
    const c = await castWithReplyKey(relay)
    const vendor = await subscribe(relay, { categories: ['bicycles'] })
    const sealed = await seal(
      await signOffer(offerBody(digest(c.intent)), vendor, { audience: c.key.did }),
      c.reply.publicJwk,
    )
    const response = await post(relay, c.path, sealed, JWE)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Intentcast')
    expect(((await response.json()) as { code: string }).code).toBe('ERR_KEY_UNRESOLVED')
    expect((await read(relay, c.key)).entries).toEqual([])
  })

  test("a stranger's flood fills its own share only: the vendor's sealed offer is still taken", async () => {
    const relay = await relayInProcess()
    relays.push(relay)
    const c = await castWithReplyKey(relay)
    const vendor = await subscribe(relay, { categories: ['bicycles'] })
    const stranger = await generateKeyPair()
    const refused: number[] = []
    for (let i = 0; i < 20; i++) {
      const junk = await seal(`junk ${i}`, c.reply.publicJwk)
      const r = await post(relay, c.path, junk, JWE, await accessFor(stranger, c.mailbox, junk))
      if (r.status !== 202) refused.push(r.status)
    }
    // The per-sender bound (16) stops the stranger; everyone else's share is untouched.
    expect(refused).toEqual([409, 409, 409, 409])
    const offer = await seal(
      await signOffer(offerBody(digest(c.intent)), vendor, { audience: c.key.did }),
      c.reply.publicJwk,
    )
    expect((await post(relay, c.path, offer, JWE, await accessFor(vendor, c.mailbox, offer))).status).toBe(202)
    // The same bytes again are kept once.
    const again = await post(relay, c.path, offer, JWE, await accessFor(vendor, c.mailbox, offer))
    expect(again.status).toBe(202)
    expect((await read(relay, c.key)).entries).toHaveLength(17)
  })

  test('a flood of sealed posts from fresh keys: the mailbox keeps its bound, every refusal a 409, never a 500', async () => {
    const relay = await relayInProcess({ limits: { entries: 12 } })
    relays.push(relay)
    const c = await castWithReplyKey(relay)
    const statuses: number[] = []
    for (let i = 0; i < 30; i++) {
      const junk = await seal(`junk ${i}`, c.reply.publicJwk)
      statuses.push(
        (await post(relay, c.path, junk, JWE, await accessFor(await generateKeyPair(), c.mailbox, junk))).status,
      )
    }
    expect(new Set(statuses)).toEqual(new Set([202, 409]))
    expect((await read(relay, c.key)).entries.length).toBeLessThanOrEqual(12)
  })

  test('an access message seen in passing serves for its own body only: another is refused, the same is kept once', async () => {
    const relay = await relayInProcess()
    relays.push(relay)
    const c = await castWithReplyKey(relay)
    const vendor = await subscribe(relay, { categories: ['bicycles'] })
    const offer = await seal(
      await signOffer(offerBody(digest(c.intent)), vendor, { audience: c.key.did }),
      c.reply.publicJwk,
    )
    const seen = await accessFor(vendor, c.mailbox, offer)
    const first = await post(relay, c.path, offer, JWE, seen)
    expect(first.status).toBe(202)
    // Replayed with other bytes in the vendor's name: refused, nothing stored.
    const junk = await seal('junk', c.reply.publicJwk)
    const replayed = await post(relay, c.path, junk, JWE, seen)
    expect(replayed.status).toBe(422)
    expect(((await replayed.json()) as { code: string }).code).toBe('ERR_BROKEN_LINK')
    // The same post again (a retry): the same place.
    const again = await post(relay, c.path, offer, JWE, seen)
    expect(await again.json()).toEqual(await first.json())
    expect((await read(relay, c.key)).entries).toHaveLength(1)
  })

  const notSealed: Array<[string, string, string | Uint8Array<ArrayBuffer>]> = [
    ['four dots', JWE, '....'],
    ['five words', JWE, 'a.b.c.d.e'],
    [
      'a JWE of another algorithm',
      JWE,
      `${Buffer.from('{"alg":"RSA-OAEP","enc":"A256GCM"}').toString('base64url')}.a.b.c.d`,
    ],
    ['a COSE head and nothing', SEALED_COSE, new Uint8Array([0xd8, 0x60, 0x84])],
    ['a COSE head and garbage', SEALED_COSE, new Uint8Array([0xd8, 0x60, 0x84, 0xff, 0xff, 0xff])],
  ]
  for (const [name, type, body] of notSealed) {
    test(`${name}: refused by the checks that need no key (400), not stored`, async () => {
      const relay = await relayInProcess()
      relays.push(relay)
      const c = await castWithReplyKey(relay)
      const response = await post(relay, c.path, body, type, await accessFor(await generateKeyPair(), c.mailbox, body))
      expect(response.status).toBe(400)
      expect((await read(relay, c.key)).entries).toEqual([])
    })
  }

  test('in a cast mailbox a sealed offer is kept as long as the mailbox, as one in the clear is', async () => {
    let skew = 0
    const relay = await relayInProcess({ backend: new MemoryRelayBackend({ now: () => Date.now() + skew }) })
    relays.push(relay)
    const vendor = await subscribe(relay, { categories: ['bicycles'] })
    const c = await castWithReplyKey(relay)
    const plain = await signOffer(offerBody(digest(c.intent), '1.00'), vendor, {
      audience: c.key.did,
      expiresIn: '20h',
    })
    const hidden = await signOffer(offerBody(digest(c.intent), '2.00'), vendor, {
      audience: c.key.did,
      expiresIn: '20h',
    })
    expect((await post(relay, c.path, plain)).status).toBe(202)
    const sealed = await seal(hidden, c.reply.publicJwk)
    expect((await post(relay, c.path, sealed, JWE, await accessFor(vendor, c.mailbox, sealed))).status).toBe(202)
    skew = 2 * 3_600_000
    expect((await read(relay, c.key)).entries.map((e) => e.type)).toEqual(['application/intentcast+jws', JWE])
  })
})
