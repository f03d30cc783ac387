/**
 * Hostile messages: each a message with one fault in it, posted whole and well-formed, so the
 * vendor's answer must be the code of the first step of §Verification (or of the endpoint's
 * processing) that the fault fails, with the status §HTTP binding, Problems gives that code.
 */
import { signAcceptance, signCounter, signIntent, signOffer, type SignOptions } from '../envelope/sign.js'
import { generateKeyPair, type KeyPair } from '../keys/key-pair.js'
import { kidForDid } from '../keys/did-key.js'
import { randomId } from '../lib/random.js'
import { JWS_TYP } from '../model/kinds.js'
import type { KitContext } from './customer.js'
import { claimsOf, flipSignature, signRawJws } from './forge.js'
import type { Probe } from './probe.js'
import { expectThat, type CheckSpec } from './report.js'

/** One hostile request: what it is, the body and headers it sends, and the answer it must get. */
export interface Hostile extends CheckSpec {
  readonly status: number
  readonly code: string
  readonly request: (ctx: KitContext, key: KeyPair) => Promise<{ body: string; headers?: Record<string, string> }>
  /** What else the answer must carry (a header its status calls for). */
  readonly also?: (answer: Probe) => void
}

/** Where every code's status is given. */
export const PROBLEMS = '§HTTP binding, Problems'
const HOUR = 3_600_000

/** A digest of nothing: well-formed, naming no message anywhere. */
const nowhere = (): string => (randomId() + randomId()).slice(0, 43)

/** A valid intent of the kit's body, signed by `key`: what each fault is made from. */
export const intent = (
  ctx: KitContext,
  key: KeyPair,
  options: Omit<SignOptions<'jws'>, 'format'> = {},
): Promise<string> => signIntent(ctx.want, key, { expiresIn: '1h', ...options })

const wwwAuthenticate = (answer: Probe): void =>
  expectThat(
    answer.headers.get('www-authenticate') === 'IntentcastJWS',
    `the 401 has WWW-Authenticate ${answer.headers.get('www-authenticate') ?? '(none)'}, not IntentcastJWS`,
  )

/** The messages, each with one fault, in the order of the verification steps they fail. */
export const MESSAGE_FAULTS: readonly Hostile[] = [
  {
    id: 'hostile.alg',
    section: `§Verification (step 6); ${PROBLEMS}`,
    title: 'alg "none" is 400 ERR_UNSUPPORTED_ALG',
    status: 400,
    code: 'ERR_UNSUPPORTED_ALG',
    request: async (ctx, key) => ({
      body: await signRawJws(
        { alg: 'none', kid: kidForDid(key.did), typ: JWS_TYP.intent },
        claimsOf(await intent(ctx, key)),
        key,
      ),
    }),
  },
  {
    id: 'hostile.signature',
    section: `§Verification (step 16); ${PROBLEMS}`,
    title: 'a bad signature is 401 ERR_SIGNATURE_INVALID with WWW-Authenticate: IntentcastJWS',
    status: 401,
    code: 'ERR_SIGNATURE_INVALID',
    request: async (ctx, key) => ({ body: flipSignature(await intent(ctx, key)) }),
    also: wwwAuthenticate,
  },
  {
    id: 'hostile.issuer',
    section: `§Verification (step 13); ${PROBLEMS}`,
    title: "an iss that is not the kid's DID is 401 ERR_ISSUER_MISMATCH",
    status: 401,
    code: 'ERR_ISSUER_MISMATCH',
    request: async (ctx, key) => {
      const other = await generateKeyPair()
      const body = await signRawJws(
        { alg: 'EdDSA', kid: kidForDid(other.did), typ: JWS_TYP.intent },
        claimsOf(await intent(ctx, key)),
        other,
      )
      return { body }
    },
    also: wwwAuthenticate,
  },
  {
    id: 'hostile.type',
    section: `§Verification (step 10); ${PROBLEMS}`,
    title: 'an offer sent to the vendor (wrong typ for the endpoint) is 422 ERR_TYPE_MISMATCH',
    status: 422,
    code: 'ERR_TYPE_MISMATCH',
    request: async (ctx, key) => {
      const customer = await generateKeyPair()
      const body = await signOffer(
        {
          inReplyTo: nowhere(),
          item: ctx.want.want.item,
          quantity: 1,
          price: { amount: '1.00', currency: 'EUR' },
          terms: { agreement: ctx.want.terms.agreements[0]! },
        },
        key,
        { audience: customer.did },
      )
      return { body }
    },
  },
  {
    id: 'hostile.lone-acceptance',
    section: '§HTTP binding, Request bodies',
    title: 'an acceptance without its agreement is 422 ERR_TYPE_MISMATCH',
    status: 422,
    code: 'ERR_TYPE_MISMATCH',
    request: async (ctx, key) => {
      const body = await signAcceptance(
        {
          inReplyTo: nowhere(),
          intent: nowhere(),
          quantity: 1,
          price: { amount: '1.00', currency: 'EUR' },
          terms: { agreement: ctx.want.terms.agreements[0]! },
        },
        key,
        { audience: ctx.site.terms.issuer },
      )
      return { body }
    },
  },
  {
    id: 'hostile.schema',
    section: `§Verification (step 17); §Strict parsing`,
    title: 'an intent with a claim its kind does not have is 422 ERR_SCHEMA',
    status: 422,
    code: 'ERR_SCHEMA',
    request: async (ctx, key) => ({
      body: await signRawJws(
        { alg: 'EdDSA', kid: kidForDid(key.did), typ: JWS_TYP.intent },
        { ...claimsOf(await intent(ctx, key)), smuggled: 'claim' },
        key,
      ),
    }),
  },
  {
    id: 'hostile.expired',
    section: `§Verification (step 18); ${PROBLEMS}`,
    title: 'an expired intent is 422 ERR_EXPIRED',
    status: 422,
    code: 'ERR_EXPIRED',
    request: async (ctx, key) => ({ body: await intent(ctx, key, { now: new Date(Date.now() - 2 * HOUR) }) }),
  },
  {
    id: 'hostile.not-yet-valid',
    section: `§Verification (step 18); ${PROBLEMS}`,
    title: 'an intent issued an hour ahead is 422 ERR_NOT_YET_VALID',
    status: 422,
    code: 'ERR_NOT_YET_VALID',
    request: async (ctx, key) => ({ body: await intent(ctx, key, { now: new Date(Date.now() + HOUR) }) }),
  },
  {
    id: 'hostile.audience',
    section: '§HTTP binding, Processing (intent)',
    title: 'an intent cast to another vendor (aud) is 422 ERR_AUDIENCE',
    status: 422,
    code: 'ERR_AUDIENCE',
    request: async (ctx, key) => ({ body: await intent(ctx, key, { audience: (await generateKeyPair()).did }) }),
  },
  {
    id: 'hostile.broken-link',
    section: '§HTTP binding, Processing (counter)',
    title: 'a counter in a thread the vendor does not hold is 422 ERR_BROKEN_LINK',
    status: 422,
    code: 'ERR_BROKEN_LINK',
    request: async (ctx, key) => ({
      body: await signCounter(
        {
          inReplyTo: nowhere(),
          intent: nowhere(),
          quantity: 1,
          price: { amount: '1.00', currency: 'EUR' },
          terms: { agreement: ctx.want.terms.agreements[0]! },
        },
        key,
        { audience: ctx.site.terms.issuer },
      ),
    }),
  },
]
