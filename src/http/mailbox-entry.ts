import { sha256 } from '../crypto/sha256.js'
import { signAccess } from '../envelope/sign.js'
import { IntentcastError } from '../errors.js'
import type { KeyPair } from '../keys/key-pair.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { utf8 } from '../lib/utf8.js'
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from '../model/media-types.js'
import type { SealKeyPair } from '../seal/keys.js'
import { SEALED_TYPES } from './media-type.js'
import { openBody } from './sealed-body.js'

/** A relay mailbox entry as a reader takes it: its place, its envelope, and its messages. */
export interface ReadEntry {
  readonly seq: number
  /** A body media type: JWS or COSE, sealed or not. */
  readonly type: string
  /**
   * The message, and for an acceptance its agreement: JWS strings, or COSE bytes. A sealed
   * entry has one part, the sealed body, until `openEntry` opens it.
   */
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
    typeof type === 'string' &&
    (type === MEDIA_TYPE_JWS || type === MEDIA_TYPE_COSE || SEALED_TYPES.has(type)) &&
    Array.isArray(parts) &&
    parts.length >= 1 &&
    parts.length <= (SEALED_TYPES.has(type) ? 1 : 2) &&
    parts.every((p) => typeof p === 'string' && p.length > 0)
  if (!ok) throw new IntentcastError('ERR_MALFORMED', 'a mailbox entry is not {"seq", "type", "parts"}')
  // Text stays text: a JWS, or a JWE; COSE parts, sealed or not, travel in base64url.
  const text = type === MEDIA_TYPE_JWS || SEALED_TYPES.get(type) === MEDIA_TYPE_JWS
  const messages = text
    ? (parts as string[])
    : (parts as string[]).map((p) => decodeBase64url(p, 'a COSE part of a mailbox entry'))
  return { seq: seq as number, type, messages }
}

/**
 * A sealed entry opened with `keys`, as the plain entry it carries; a plain entry as it is.
 * Rejects with the codes of `open` for an entry that is not for these keys: a reader passes it
 * over, since anyone may post to a mailbox.
 */
export async function openEntry(entry: ReadEntry, keys: readonly SealKeyPair[], maxBytes: number): Promise<ReadEntry> {
  const plain = SEALED_TYPES.get(entry.type)
  if (plain === undefined) return entry
  const { messages } = await openBody(entry.type, entry.messages[0]!, () => keys, maxBytes)
  return { seq: entry.seq, type: plain, messages }
}

/**
 * The access message a sealed body is posted to a mailbox with (spec §Relay binding, Posting to
 * a mailbox): signed by the sender, naming the mailbox URL, with the body's SHA-256 as its `jti`,
 * so the relay counts the body against the sender and the message serves for that body only.
 */
export function sealedPostAccess(key: KeyPair, mailbox: string, body: string | Uint8Array): Promise<string> {
  const jti = encodeBase64url(sha256(typeof body === 'string' ? utf8(body) : body))
  return signAccess(key, { audience: mailbox, expiresIn: 300, jti })
}
