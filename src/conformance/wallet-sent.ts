/**
 * The wallet's requests as the checks read them: each body the wallet posted, opened with the
 * conformance vendor's key and verified as of the time it arrived, and the vendor's threads, which
 * hold the offers and counters the wallet's moves answer.
 */
import { verify, type Verified } from '../envelope/verify.js'
import { isIntentcastError } from '../errors.js'
import { essence } from '../http/problem.js'
import { openBody } from '../http/sealed-body.js'
import type { SealKey } from '../model/seal-key.js'
import type { SealKeyPair } from '../seal/keys.js'
import { Thread } from '../thread/thread.js'
import { CheckFailure } from './report.js'
import type { Recorded, WalletSites } from './wallet-vendor.js'

/** The largest body opened: the vendor's own limit. */
const MAX_BODY = 65_536

/** One message body the wallet posted to the vendor's endpoint, opened and verified. */
export interface Sent {
  readonly record: Recorded
  readonly sealed: boolean
  readonly messages: readonly (string | Uint8Array)[]
  /** The first message, verified as of its arrival; absent when it did not open or verify. */
  readonly first?: Verified
  readonly error?: string
}

/** Opens a posted body with the vendor's key, if sealed, and verifies its first message as of its arrival. */
export async function decode(record: Recorded, sealKey: SealKeyPair): Promise<Sent> {
  let sealed = false
  let messages: readonly (string | Uint8Array)[] = []
  try {
    const type = essence(record.headers.get('content-type'))
    const opened = await openBody(type, record.body, () => [sealKey], MAX_BODY)
    sealed = opened.sealed
    messages = opened.messages
    const first = await verify(messages[0]!, { now: new Date(record.at) })
    return { record, sealed, messages, first }
  } catch (e) {
    const error = isIntentcastError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e)
    return { record, sealed, messages, error }
  }
}

/** Each message once: a retry of the same bytes is not another cast. */
export function unique<S extends Sent & { first: Verified }>(sent: S[]): S[] {
  const seen = new Set<string>()
  return sent.filter((s) => !seen.has(s.first.digest) && seen.add(s.first.digest))
}

/**
 * The vendor's thread up to and including the message `digest`: the thread as it stood when the
 * wallet answered that message. A digest the vendor never sent or took fails the check.
 */
export function threadThrough(sites: WalletSites, digest: string): Thread {
  // A MemoryThreadStore answers synchronously.
  const stored = sites.threads.get(digest)
  if (stored === undefined) throw new CheckFailure(`a move answers ${digest}, which is in no thread of the vendor's`)
  const thread = new Thread(stored.intent)
  for (const m of stored.messages.slice(1)) {
    thread.add(m)
    if (m.digest === digest) return thread
  }
  throw new CheckFailure(`a move answers ${digest}, which is in no thread of the vendor's`)
}

/** The encryption key the vendor named last in the thread. */
export function vendorSealKey(thread: Thread): SealKey | undefined {
  return thread.proposals.filter((p) => p.issuer !== thread.intent.issuer && p.payload.replyKey).at(-1)?.payload
    .replyKey
}
