/**
 * A mailbox as a Server-Sent Events stream (spec §Relay binding, Reading a mailbox): each entry
 * an event `message` with `id` its `seq` and `data` its JSON, a comment every 15 seconds, the end
 * when the access message or the mailbox ends, and a reader with more than `streamBufferBytes`
 * of events unread dropped (it resumes with Last-Event-ID).
 *
 * Memory stays bounded whatever the reader does. The stream's queue counts bytes (its
 * highWaterMark is `streamBufferBytes`), and:
 * - entries already in the mailbox are read a page at a time and queued only while the queue has
 *   room (`pull`), so a reader catching up on a full mailbox is paced, never dropped for it;
 * - once caught up, new entries come from `backend.watch` as they are appended, and an append
 *   that leaves more than `streamBufferBytes` unread drops the reader at once: its queue is
 *   discarded (the stream errors), and the watch is stopped.
 * So the queue holds at most the buffer and one event, and one page more is held while catching
 * up. And the streams are counted: at most MAX_STREAMS_PER_MAILBOX on one mailbox and
 * `limits.streams` in the whole relay process, a new stream past either ending the oldest (it
 * resumes with Last-Event-ID), so one access message cannot hold memory without bound. `toNodeListener` reads the stream only as fast as the socket takes it, so an unread event
 * stays in this queue and is counted.
 */
import type { MailboxEntry } from './backend.js'
import { utf8 } from '../lib/utf8.js'
import { entryJson } from './answers.js'
import { report } from './failure.js'
import type { Relay } from './state.js'

/** The comment line's period (spec: every 15 seconds), which keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000
/** Entries read at once while catching up. */
const PAGE = 16
const HEARTBEAT = utf8(': keep-alive\n\n')
/**
 * Streams open on one mailbox at once. Its owner needs one (a few while a reconnect overlaps the
 * stream it replaces); more would only let one access message buffer more memory.
 */
export const MAX_STREAMS_PER_MAILBOX = 4

/** Ends the stream for a reader that left too much unread. */
class SlowReader extends Error {
  constructor(limit: number) {
    super(`the reader left more than ${limit} bytes of events unread; resume with Last-Event-ID`)
  }
}

export function eventStream(relay: Relay, owner: string, after: number, endsAt: number): Response {
  const limit = relay.options.streamBufferBytes
  /** The last `seq` queued for the reader. */
  let last = after
  /** While catching up: the last `seq` read from the backend, the entries read but not yet queued, and whether the backlog is done. */
  let readTo = after
  const pending: MailboxEntry[] = []
  let caughtUp = false
  let live = false
  let ended = false
  let stopWatch: (() => void) | undefined
  let heartbeat: ReturnType<typeof setInterval> | undefined
  let end: ReturnType<typeof setTimeout> | undefined
  let controller!: ReadableStreamDefaultController<Uint8Array>

  const cleanUp = (): void => {
    ended = true
    stopWatch?.()
    clearInterval(heartbeat)
    clearTimeout(end)
    relay.streams.delete(close)
    const mine = relay.mailboxStreams.get(owner)
    mine?.delete(close)
    if (mine?.size === 0) relay.mailboxStreams.delete(owner)
    pending.length = 0
  }
  const close = (): void => {
    if (ended) return
    cleanUp()
    controller.close()
  }
  const fail = (error: unknown): void => {
    if (ended) return
    cleanUp()
    controller.error(error)
  }
  const send = (entry: MailboxEntry): void => {
    last = entry.seq
    controller.enqueue(utf8(`id: ${entry.seq}\nevent: message\ndata: ${JSON.stringify(entryJson(entry))}\n\n`))
  }

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
        // The oldest streams make room (Sets iterate in insertion order).
        let mine = relay.mailboxStreams.get(owner)
        if (mine === undefined) relay.mailboxStreams.set(owner, (mine = new Set()))
        while (mine.size >= MAX_STREAMS_PER_MAILBOX) mine.values().next().value!()
        while (relay.streams.size >= relay.options.maxStreams) relay.streams.values().next().value!()
        // The oldest may have been this mailbox's last, and taken its set with it.
        if (!relay.mailboxStreams.has(owner)) relay.mailboxStreams.set(owner, mine)
        mine.add(close)
        relay.streams.add(close)
        heartbeat = setInterval(() => {
          if (!ended) controller.enqueue(HEARTBEAT)
        }, HEARTBEAT_MS)
        end = setTimeout(close, Math.max(0, endsAt - Date.now()))
      },
      async pull() {
        // Fills the queue up to the buffer from the backlog, a page at a time, then goes live.
        while (!live && !ended && (controller.desiredSize ?? 0) > 0) {
          if (pending.length > 0) {
            send(pending.shift()!)
            continue
          }
          if (caughtUp) {
            goLive()
            return
          }
          let page: MailboxEntry[]
          try {
            page = await relay.backend.read(owner, readTo, PAGE)
          } catch (e) {
            report(relay.options.onError, e)
            fail(e)
            return
          }
          if (ended) return
          pending.push(...page)
          readTo = page.at(-1)?.seq ?? readTo
          caughtUp = page.length < PAGE
        }
      },
      cancel() {
        // The reader went away: stop watching for it.
        cleanUp()
      },
    },
    { highWaterMark: limit, size: (chunk) => chunk.byteLength },
  )

  const goLive = (): void => {
    live = true
    try {
      stopWatch = relay.backend.watch(owner, last, (entry) => {
        // The watch starts with what is already there: anything sent while catching up is skipped.
        if (ended || entry.seq <= last) return
        send(entry)
        if ((controller.desiredSize ?? 0) < 0) fail(new SlowReader(limit))
      })
    } catch (e) {
      report(relay.options.onError, e)
      fail(e)
    }
  }

  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      // Proxies that buffer answers (nginx) would hold the events back.
      'x-accel-buffering': 'no',
    },
  })
}
