import { IntentcastError } from '../errors.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { MAX_MESSAGES, type Thread } from './thread.js'
import { verifyThread } from './verify-thread.js'

/**
 * A thread as text, for a store that keeps strings (Redis, a SQL `text` or `jsonb` column): its
 * messages in order, each as it was signed. A JWS stays the string it is; a COSE message, being
 * bytes, is written in base64url. Nothing else is kept: the parsed payloads, digests and state
 * all follow from the bytes, so a record cannot say anything its signatures do not.
 *
 * @example
 * ```ts
 * await db.query('INSERT INTO threads (intent, record) VALUES ($1, $2)', [thread.intent.digest, encodeThread(thread)])
 * ```
 */
export function encodeThread(thread: Thread): string {
  return JSON.stringify({
    messages: thread.messages.map((m) =>
      typeof m.message === 'string' ? { jws: m.message } : { cose: encodeBase64url(m.message) },
    ),
  })
}

/**
 * The thread `encodeThread` wrote, verified again from its bytes (`verifyThread`: signatures,
 * links and moves, judged by the messages' own times). A record is the keeper's own data, but
 * whoever can write to the database should not be able to make a thread say something no party
 * signed. Rejects with ERR_MALFORMED for text that is not such a record.
 *
 * @example
 * ```ts
 * const { rows } = await db.query('SELECT record FROM threads WHERE intent = $1', [digest])
 * const thread = rows[0] && (await decodeThread(rows[0].record))
 * ```
 */
export async function decodeThread(record: string): Promise<Thread> {
  let parsed: unknown
  try {
    parsed = JSON.parse(record)
  } catch {
    throw malformed()
  }
  const items = (parsed as { messages?: unknown } | null)?.messages
  // Counted before anything is decoded or verified: a record is read on every move.
  if (!Array.isArray(items) || items.length > MAX_MESSAGES) throw malformed()
  const messages = items.map((item: unknown): string | Uint8Array => {
    const { jws, cose } = (item ?? {}) as { jws?: unknown; cose?: unknown }
    if (typeof jws === 'string') return jws
    if (typeof cose === 'string') return decodeBase64url(cose, 'a stored COSE message')
    throw malformed()
  })
  // Each message was within a size limit when it was taken; the vendor's own replies can be a
  // little larger than the body limit, so the record's own largest message is the limit.
  const maxBytes = Math.max(1, ...messages.map((m) => m.length))
  return verifyThread(messages, { maxBytes })
}

function malformed(): IntentcastError {
  return new IntentcastError(
    'ERR_MALFORMED',
    `not a thread record: expected {"messages":[{"jws"|"cose": …}, …]}, at most ${MAX_MESSAGES} of them`,
  )
}
