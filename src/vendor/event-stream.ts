/**
 * Server-Sent Events as a relay sends them (WHATWG HTML, §9.2 Server-sent events), read from a
 * fetch body: lines ending in LF, CR LF or CR; `field: value` lines; a blank line ends an event;
 * lines starting with `:` are comments (a relay's keep-alives). Only what a mailbox stream uses
 * is kept: `event`, `data` and `id`; `retry` and unknown fields are ignored, as the standard says.
 *
 * The stream comes from a relay, which the vendor does not trust with its memory: an event
 * larger than `maxEventBytes` ends the reading (ERR_TOO_LARGE) instead of growing a buffer.
 */
import { IntentcastError } from '../errors.js'

/** One event: its type (`message` when unnamed), its data (lines joined by LF) and its id, if any. */
export interface ServerSentEvent {
  readonly event: string
  readonly data: string
  readonly id: string | undefined
}

/**
 * Yields the events of `body` as they come; ends when the stream does, or when `signal` aborts.
 * The reader is cancelled on abort rather than left to the fetch: an aborted fetch does not
 * always error a body already being read, and a read left pending would hold the caller forever.
 */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
  maxEventBytes: number,
  signal: AbortSignal,
  onChunk: () => void = () => {},
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader()
  const cancel = (): void => void reader.cancel().catch(() => {})
  if (signal.aborted) cancel()
  signal.addEventListener('abort', cancel, { once: true })
  const decoder = new TextDecoder('utf-8')
  let buffer = ''
  let data: string[] = []
  let size = 0
  let event = ''
  let id: string | undefined
  // A CR at the end of a chunk may be the first half of CR LF: its LF must not end a second line.
  let afterCr = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      onChunk()
      buffer += decoder.decode(value, { stream: true })
      for (;;) {
        const end = lineEnd(buffer)
        if (end === -1) break
        const line = buffer.slice(0, end)
        const cr = buffer.charCodeAt(end) === 13
        buffer = buffer.slice(end + (cr && buffer.charCodeAt(end + 1) === 10 ? 2 : 1))
        if (afterCr && line === '' && end === 0 && !cr) {
          afterCr = false
          continue
        }
        afterCr = cr && buffer.length === 0
        if (line === '') {
          if (data.length > 0) yield { event: event || 'message', data: data.join('\n'), id }
          data = []
          size = 0
          event = ''
          continue
        }
        if (line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon === -1 ? line : line.slice(0, colon)
        let value = colon === -1 ? '' : line.slice(colon + 1)
        if (value.startsWith(' ')) value = value.slice(1)
        if (field === 'data') {
          size += value.length + 1
          if (size > maxEventBytes) throw tooLarge(maxEventBytes)
          data.push(value)
        } else if (field === 'event') event = value
        else if (field === 'id' && !value.includes('\0')) id = value
      }
      if (buffer.length + size > maxEventBytes) throw tooLarge(maxEventBytes)
    }
  } finally {
    signal.removeEventListener('abort', cancel)
    cancel()
  }
}

/** The index of the first CR or LF in `s`, or -1. */
function lineEnd(s: string): number {
  const lf = s.indexOf('\n')
  const cr = s.indexOf('\r')
  if (cr === -1) return lf
  if (lf === -1) return cr
  return Math.min(cr, lf)
}

function tooLarge(max: number): IntentcastError {
  return new IntentcastError('ERR_TOO_LARGE', `an event from the relay exceeds ${max} bytes`)
}
