/**
 * Bodies that may be sealed (spec §Encrypted envelopes, Bodies): the one place where a reader of
 * bodies (the vendor handler, the wallet, a relay's reader) opens a sealed one and reads what is
 * inside as the plain body it carries, so every later step sees the signed messages as if they
 * had come in the clear, and knows only that they came sealed.
 */
import { IntentcastError } from '../errors.js'
import { fromUtf8, utf8 } from '../lib/utf8.js'
import { open } from '../seal/open.js'
import type { SealKeyPair } from '../seal/keys.js'
import { MEDIA_TYPE_JWS } from '../model/media-types.js'
import { BODY_DECODERS, SEALED_TYPES, splitJwsBody, type BodyMessages } from './media-type.js'

/** Every media type a body may come in: the plain ones, then the sealed ones. */
export const BODY_TYPES: readonly string[] = [...BODY_DECODERS.keys(), ...SEALED_TYPES.keys()]

/** A body's messages, and whether they came sealed. */
export interface OpenedBody {
  readonly messages: BodyMessages
  readonly sealed: boolean
}

/**
 * The messages of a body of media type `type` (one of `BODY_TYPES`), opening it first with the
 * reader's `keys` when it is sealed; they are asked for only then, so a plain body costs nothing
 * of them. A sealed body for a reader with no keys is refused as one sealed to another key
 * (ERR_DECRYPT): the reader cannot read it, whoever sent it.
 *
 * `body` is bytes as read from a request, or the text of a body kept as text (a mailbox entry).
 *
 * @throws IntentcastError the codes of `open` (ERR_MALFORMED, ERR_UNSUPPORTED_ALG,
 *   ERR_TYPE_MISMATCH, ERR_DECRYPT), then ERR_MALFORMED for a plain body the decoder refuses.
 */
export async function openBody(
  type: string,
  body: Uint8Array | string,
  keys: () => readonly SealKeyPair[] | Promise<readonly SealKeyPair[]>,
  maxBytes: number,
): Promise<OpenedBody> {
  const plain = SEALED_TYPES.get(type)
  if (plain === undefined) {
    const decode = BODY_DECODERS.get(type)
    if (decode === undefined)
      throw new IntentcastError('ERR_MALFORMED', `media type ${type.slice(0, 64)} is not a body`)
    return { messages: decode(typeof body === 'string' ? utf8(body) : body), sealed: false }
  }
  const recipient = await keys()
  if (recipient.length === 0) throw new IntentcastError('ERR_DECRYPT', 'this reader takes no sealed bodies')
  // A JWE is text and opens to text; a COSE_Encrypt is bytes and opens to bytes.
  const messages =
    plain === MEDIA_TYPE_JWS
      ? splitJwsBody(
          await open(typeof body === 'string' ? body : fromUtf8(body, 'sealed body'), recipient, { maxBytes }),
        )
      : BODY_DECODERS.get(plain)!(await open(typeof body === 'string' ? utf8(body) : body, recipient, { maxBytes }))
  return { messages, sealed: true }
}
