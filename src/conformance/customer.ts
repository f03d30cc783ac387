/**
 * The kit's customer: what a wallet does, done with the SDK's own functions so that every byte it
 * sends is known to be right, and every answer is judged against the spec rather than against a
 * wallet's tolerance. One customer per thread, each with a fresh cast key, as a wallet casts.
 */
import type { IntentBody } from '../envelope/sign.js'
import { verify, type Format, type Verified } from '../envelope/verify.js'
import { kidForDid } from '../keys/did-key.js'
import { generateKeyPair, type KeyPair } from '../keys/key-pair.js'
import { equalBytes } from '../lib/bytes.js'
import { mediaTypeOf } from '../http/media-type.js'
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, MEDIA_TYPE_SEALED_COSE, MEDIA_TYPE_SEALED_JWS } from '../model/media-types.js'
import type { SealKey } from '../model/seal-key.js'
import { sealKeyPairOf, type SealKeyPair } from '../seal/keys.js'
import { open } from '../seal/open.js'
import { seal } from '../seal/seal.js'
import type { Kind } from '../model/kinds.js'
import { probe, textOf, type Probe, type ProbeOptions } from './probe.js'
import { expectThat } from './report.js'
import type { VendorSite } from './vendor-discovery.js'

/**
 * One way of running a thread: its envelope, and whether the intent names a reply key (so that
 * the vendor seals its answers and names a key the customer seals its moves to).
 */
export interface Variant {
  readonly name: 'jws' | 'jws-sealed' | 'cose-sealed'
  readonly format: Format
  readonly sealed: boolean
}

/** What every message check needs: the transport, the vendor, the intent body and the body limit. */
export interface KitContext {
  readonly http: ProbeOptions
  readonly site: VendorSite
  /** The intents' body, without `replyKey`: each variant adds its own. */
  readonly want: IntentBody
  /** The vendor's body limit, in bytes. */
  readonly maxBodyBytes: number
}

/** A customer's keys for one thread: the cast key, its reply key, and the relationship key. */
export interface Customer {
  readonly castKey: KeyPair
  /** Set when the intent names it (a sealed variant). */
  readonly replyKey?: SealKeyPair
  /** Signs the agreement and is named as `party` in the acceptance, as a wallet's vendor key is. */
  readonly partyKey: KeyPair
}

/** A fresh customer, with a reply key derived from the cast key when the variant seals. */
export async function newCustomer(sealed: boolean): Promise<Customer> {
  const castKey = await generateKeyPair()
  const partyKey = await generateKeyPair()
  return { castKey, partyKey, ...(sealed && { replyKey: await sealKeyPairOf(castKey) }) }
}

/** The intent body of a variant: the kit's want, with the customer's reply key or without one. */
export function intentBodyFor(ctx: KitContext, customer: Customer): IntentBody {
  const { replyKey: _theirs, ...body } = ctx.want
  return { ...body, ...(customer.replyKey && { replyKey: customer.replyKey.publicJwk }) }
}

/** POSTs one body to the vendor's endpoint, in its envelope's media type (sealed or not). */
export function post(ctx: KitContext, body: string | Uint8Array): Promise<Probe> {
  return probe(ctx.http, ctx.site.endpoint, { method: 'POST', headers: { 'content-type': mediaTypeOf(body) }, body })
}

/** A move to the vendor, sealed to the key it named last in the thread when the variant seals. */
export async function sealedMove<B extends string | Uint8Array>(
  body: B,
  variant: Variant,
  vendorKey: SealKey | undefined,
): Promise<B> {
  return variant.sealed && vendorKey !== undefined ? ((await seal(body, vendorKey)) as B) : body
}

/** A 200 answer's message, and whether it came sealed. */
export interface Answered {
  readonly message: string | Uint8Array
  readonly sealed: boolean
}

/**
 * The message in a 200 answer: in the request's binding (JWS or COSE), sealed or not, and never
 * cached. Whether it should have been sealed is a check of its own for an offer (`sealed.offer.*`),
 * and part of the check of every later answer (`messageIn`).
 */
export async function answered(answer: Probe, variant: Variant, customer: Customer): Promise<Answered> {
  const plain = variant.format === 'jws' ? MEDIA_TYPE_JWS : MEDIA_TYPE_COSE
  const sealedType = variant.format === 'jws' ? MEDIA_TYPE_SEALED_JWS : MEDIA_TYPE_SEALED_COSE
  expectThat(
    answer.mediaType === plain || answer.mediaType === sealedType,
    `the answer is ${answer.mediaType || 'untyped'}, not ${plain} or ${sealedType}`,
  )
  expectThat(
    /\bno-store\b/.test(answer.headers.get('cache-control') ?? ''),
    'the answer is not Cache-Control: no-store',
  )
  const sealed = answer.mediaType === sealedType
  expectThat(!sealed || customer.replyKey !== undefined, 'the answer is sealed, though the intent named no replyKey')
  const body = variant.format === 'jws' ? textOf(answer) : answer.body
  return { message: sealed ? await open(body, customer.replyKey!) : body, sealed }
}

/**
 * The message in a 200 answer, which must be sealed to the customer's reply key exactly when the
 * intent named one (§Encrypted envelopes, Which bodies are sealed).
 */
export async function messageIn(answer: Probe, variant: Variant, customer: Customer): Promise<string | Uint8Array> {
  const { message, sealed } = await answered(answer, variant, customer)
  expectThat(
    sealed === (customer.replyKey !== undefined),
    'the answer is in the clear, though the intent named a replyKey',
  )
  return message
}

/**
 * Verifies a vendor's message to the customer: of the kind expected, addressed to the cast key,
 * in the envelope the customer used, and signed by a key the vendor document lists as live.
 */
export async function fromVendor<K extends Kind>(
  message: string | Uint8Array,
  kind: K,
  ctx: KitContext,
  customer: Customer,
  variant: Variant,
): Promise<Verified<K>> {
  const m = await verify(message, { expect: kind, audience: customer.castKey.did })
  expectThat(m.format === variant.format, `the ${kind} is in ${m.format}, not in the request's envelope`)
  expectThat(
    ctx.site.keys.some((k) => k.kid === kidForDid(m.issuer)),
    `the ${kind} is signed by ${m.issuer.slice(0, 80)}, which the vendor document does not list as live`,
  )
  return m
}

/** Two bodies are the same bytes. */
export function sameBody(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b
  return equalBytes(a, b)
}
