/**
 * Hostile requests, one fault each, and the answer the spec gives each: the status and code of
 * §HTTP binding, Problems. First the faults of the request itself (its body, its size, its media
 * type), then the faults of a message in it (hostile-messages.ts), then a replay. A vendor that
 * answers a sender's bytes with a 500, or takes what it must refuse, fails the check of that
 * fault and no other.
 */
import { signIntent } from '../envelope/sign.js'
import { generateKeyPair } from '../keys/key-pair.js'
import { randomId } from '../lib/random.js'
import { MEDIA_TYPE_JWS } from '../model/media-types.js'
import type { KitContext } from './customer.js'
import { intent, MESSAGE_FAULTS, PROBLEMS, type Hostile } from './hostile-messages.js'
import { expectProblem, probe, summary, type Probe } from './probe.js'
import { expectThat, type Checklist } from './report.js'

const acceptPost = (answer: Probe): void =>
  expectThat(
    answer.headers.get('accept-post')?.includes(MEDIA_TYPE_JWS),
    'the 415 has no Accept-Post listing the media types',
  )

/** Requests that are wrong before any message in them is read. */
const REQUEST_FAULTS: readonly Hostile[] = [
  {
    id: 'hostile.malformed',
    section: `§Verification (steps 4-5); ${PROBLEMS}`,
    title: 'a body that is no JWS is 400 ERR_MALFORMED',
    status: 400,
    code: 'ERR_MALFORMED',
    request: async () => ({ body: 'this.is-not-a.jws!' }),
  },
  {
    id: 'hostile.body-form',
    section: '§HTTP binding, Request bodies',
    title: 'an intent with a final newline is 400 ERR_MALFORMED',
    status: 400,
    code: 'ERR_MALFORMED',
    request: async (ctx, key) => ({ body: `${await intent(ctx, key)}\n` }),
  },
  {
    id: 'hostile.too-large',
    section: '§HTTP binding, Limits on the vendor side',
    title: 'a body one byte over the limit is 413 ERR_TOO_LARGE',
    status: 413,
    code: 'ERR_TOO_LARGE',
    request: async (ctx) => ({ body: 'A'.repeat(ctx.maxBodyBytes + 1) }),
  },
  {
    id: 'hostile.media-type',
    section: '§HTTP binding, Request bodies',
    title: 'Content-Type text/plain is 415 with Accept-Post',
    status: 415,
    code: 'ERR_MALFORMED',
    request: async (ctx, key) => ({ body: await intent(ctx, key), headers: { 'content-type': 'text/plain' } }),
    also: acceptPost,
  },
  {
    id: 'hostile.content-encoding',
    section: '§HTTP binding, Request bodies',
    title: 'Content-Encoding gzip is 415 with Accept-Post',
    status: 415,
    code: 'ERR_MALFORMED',
    request: async (ctx, key) => ({ body: await intent(ctx, key), headers: { 'content-encoding': 'gzip' } }),
    also: acceptPost,
  },
]

/** Sends every hostile request, each from a fresh key, and then the replay check. */
export async function checkHostile(list: Checklist, ctx: KitContext): Promise<void> {
  for (const h of [...REQUEST_FAULTS, ...MESSAGE_FAULTS]) {
    const { status, code, request, also, ...spec } = h
    await list.check(spec, async () => {
      const { body, headers } = await request(ctx, await generateKeyPair())
      const answer = await probe(ctx.http, ctx.site.endpoint, {
        method: 'POST',
        headers: { 'content-type': MEDIA_TYPE_JWS, ...headers },
        body,
      })
      expectProblem(answer, status, code)
      also?.(answer)
    })
  }
  await list.check(
    {
      id: 'hostile.replay',
      section: `§Verification (step 20); §HTTP binding, Retries`,
      title: "another intent reusing an issuer's jti (other bytes) is 409 ERR_REPLAY",
    },
    async () => {
      const key = await generateKeyPair()
      const jti = randomId()
      const post = (body: string): Promise<Probe> =>
        probe(ctx.http, ctx.site.endpoint, { method: 'POST', headers: { 'content-type': MEDIA_TYPE_JWS }, body })
      const first = await post(await signIntent(ctx.want, key, { jti, expiresIn: '1h' }))
      expectThat(first.status === 200 || first.status === 202, `the first intent was not taken: ${summary(first)}`)
      // Another message (another expiry), from the same issuer with the same jti.
      const second = await signIntent(ctx.want, key, { jti, expiresIn: '2h' })
      expectProblem(await post(second), 409, 'ERR_REPLAY')
    },
  )
}
