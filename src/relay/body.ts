/**
 * Reading a posted body as the HTTP binding does (spec §HTTP binding, Request bodies and Limits):
 * a media type and coding the relay reads (415 otherwise, with Accept-Post, the body unread),
 * the body limit before reading and while reading, a deadline, then the envelope's decoder: one
 * message, or an acceptance and its agreement.
 */
import { IntentcastError } from '../errors.js'
import { readBody } from '../http/body.js'
import { BODY_DECODERS, SEALED_TYPES } from '../http/media-type.js'
import { essence } from '../http/problem.js'
import { fromUtf8 } from '../lib/utf8.js'
import { MEDIA_TYPE_JWS } from '../model/media-types.js'
import { checkSealed } from '../seal/open.js'
import { ACCEPTED_TYPES } from './answers.js'
import type { Relay } from './state.js'

/**
 * A body's messages, and the media type they came as (which a mailbox entry keeps). A sealed
 * body is one part, as it came: the relay cannot open it (spec §Encrypted envelopes).
 */
export interface Posted {
  readonly type: string
  readonly first: string | Uint8Array
  readonly second: string | Uint8Array | undefined
  readonly sealed: boolean
}

/** Thrown for a body the relay does not read at all: answered 415. */
export class Unsupported extends IntentcastError {
  constructor(what: string) {
    super('ERR_MALFORMED', `${what} is not accepted; send ${ACCEPTED_TYPES}, uncompressed`)
  }
}

export async function readPosted(request: Request, relay: Relay): Promise<Posted> {
  const type = essence(request.headers.get('content-type'))
  const decode = BODY_DECODERS.get(type)
  const sealedIn = SEALED_TYPES.get(type)
  if (!decode && !sealedIn) throw new Unsupported(`media type ${type.slice(0, 64) || '(none)'}`)
  const encoding = request.headers.get('content-encoding')
  if (encoding !== null && encoding.toLowerCase() !== 'identity')
    throw new Unsupported(`content coding ${encoding.slice(0, 32)}`)
  const body = await readBody(request, {
    maxBytes: relay.options.maxBodyBytes,
    timeoutMs: relay.options.bodyTimeoutMs,
    failure: 'ERR_MALFORMED',
    what: 'request body',
  })
  if (sealedIn !== undefined) {
    // Kept as it came, text or bytes, once it looks like what its type says.
    const sealed = sealedIn === MEDIA_TYPE_JWS ? fromUtf8(body, 'request body') : body
    // What can be checked without a key is: the relay stores sealed bodies, not anything else.
    await checkSealed(sealed, relay.options.maxBodyBytes)
    return { type, first: sealed, second: undefined, sealed: true }
  }
  const [first, second] = decode!(body) as readonly [string | Uint8Array, (string | Uint8Array)?]
  return { type, first, second, sealed: false }
}

/** The body of an endpoint that takes one message only (an intent, a subscription). */
export async function readOne(request: Request, relay: Relay, what: string): Promise<Posted> {
  const posted = await readPosted(request, relay)
  if (posted.sealed) throw new IntentcastError('ERR_TYPE_MISMATCH', `a ${what} is not sealed: every reader may read it`)
  if (posted.second !== undefined)
    throw new IntentcastError('ERR_TYPE_MISMATCH', `the body is one ${what}, not an acceptance and its agreement`)
  return posted
}
