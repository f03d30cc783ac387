import { IntentcastError } from '../errors.js'
import { decodeBase64url } from '../lib/base64url.js'
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from '../model/media-types.js'

/** A relay mailbox entry as a reader takes it: its place, its envelope, and its messages. */
export interface ReadEntry {
  readonly seq: number
  readonly type: typeof MEDIA_TYPE_JWS | typeof MEDIA_TYPE_COSE
  /** The message, and for an acceptance its agreement: JWS strings, or COSE bytes. */
  readonly messages: readonly string[] | readonly Uint8Array[]
}

/**
 * One entry as a relay sent it (spec §Relay binding, Reading a mailbox), checked, since the relay
 * is not trusted with what its readers act on: a `seq` past `after`, a message media type, one
 * or two non-empty parts, COSE ones in base64url. Shared by the wallet's and the vendor's readers.
 */
export function mailboxEntryOf(value: unknown, after: number): ReadEntry {
  const { seq, type, parts } = (value ?? {}) as { seq?: unknown; type?: unknown; parts?: unknown }
  const ok =
    Number.isSafeInteger(seq) &&
    (seq as number) > after &&
    (type === MEDIA_TYPE_JWS || type === MEDIA_TYPE_COSE) &&
    Array.isArray(parts) &&
    parts.length >= 1 &&
    parts.length <= 2 &&
    parts.every((p) => typeof p === 'string' && p.length > 0)
  if (!ok) throw new IntentcastError('ERR_MALFORMED', 'a mailbox entry is not {"seq", "type", "parts"}')
  const messages =
    type === MEDIA_TYPE_JWS
      ? (parts as string[])
      : (parts as string[]).map((p) => decodeBase64url(p, 'a COSE part of a mailbox entry'))
  return { seq: seq as number, type, messages }
}
