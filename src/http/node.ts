// Over 250 lines on purpose: the one node:http adapter, whose reading, writing, streaming and
// draining rules depend on each other (a request counted until its answer is written or abandoned).
/**
 * The one adapter from a fetch-standard handler to `node:http`, shared by the vendor and the relay
 * entries (each re-exports it as `toNodeListener`). Only types come from node:http: the adapter
 * works on the objects the server hands it, so the library stays platform-neutral.
 */
import type { ClientInfo } from './client-info.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { load } from '../crypto/load.js'
import { IntentcastError } from '../errors.js'
import { essence, problemFor, problemResponse } from './problem.js'
import { bodyOf } from './respond.js'
import { utf8 } from '../lib/utf8.js'

/**
 * How `toNodeListener` treats a body it has stopped reading.
 *
 * @example
 * ```ts
 * createServer(toNodeListener(handler, { drainBytes: 65_536, drainMs: 500 }))
 * ```
 */
export interface NodeListenerOptions {
  /**
   * After answering a request whose body was not read to the end, how many more bytes to read
   * and drop, so the client gets to read the answer before the connection closes (a close with
   * unread data resets it). Default 1 MiB.
   */
  readonly drainBytes?: number
  /** And for how long, in milliseconds. Default 2,000. */
  readonly drainMs?: number
}

/**
 * A `node:http` request listener, as `createServer` and `server.on('request', …)` take it.
 *
 * @example
 * ```ts
 * const listener: NodeListener = toNodeListener(handler)
 * createServer(listener).listen(8080)
 * ```
 */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void

/** The media type of a Server-Sent Events stream: the one answer written as it comes. */
const EVENT_STREAM = 'text/event-stream'

/**
 * Adapts a fetch-standard handler to `node:http`. The body is handed over as a stream with
 * backpressure, so the handler's size limit and deadline apply to bytes as they arrive. A
 * request the adapter cannot even turn into a Request (a bad Host, a bad header) gets a 400
 * problem; nothing a client sends can throw out of the listener. Answers are written with their
 * length, except an event stream (`text/event-stream`), which is written as it comes, read from
 * the handler only as fast as the client takes it, and cancelled when the client goes away. The
 * handler is told the client's address (`ClientInfo`), which a Request cannot carry.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { createVendorHandler, toNodeListener } from 'intentcast/vendor'
 *
 * createServer(toNodeListener(createVendorHandler(options))).listen(8080)
 * ```
 */
export function toNodeListener(
  handler: (request: Request, client: ClientInfo) => Promise<Response>,
  options: NodeListenerOptions = {},
): NodeListener {
  const drainBytes = options.drainBytes ?? 1_048_576
  const drainMs = options.drainMs ?? 2_000
  return (req, res) => {
    // Counted while answered, so that signatures made and checked meanwhile go to the thread pool
    // when other requests are waiting (src/crypto/load.ts).
    load.serving++
    serve(handler, req, res).then(
      () => {
        load.serving--
        finish(req, drainBytes, drainMs)
      },
      () => {
        load.serving--
        // Only a failure while writing the answer gets here (the client went away): drop the connection.
        req.socket.destroy()
      },
    )
  }
}

async function serve(
  handler: (request: Request, client: ClientInfo) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let request: Request
  try {
    request = toRequest(req)
  } catch (cause) {
    await write(
      res,
      problemResponse(
        problemFor(new IntentcastError('ERR_MALFORMED', 'the request line or headers are not valid HTTP', { cause })),
      ),
      req,
    )
    return
  }
  let response: Response
  try {
    response = await handler(
      request,
      req.socket.remoteAddress === undefined ? {} : { address: req.socket.remoteAddress },
    )
  } catch {
    // The SDK's handlers never throw; another handler might. Say nothing about why.
    response = problemResponse(problemFor(undefined))
  }
  if (essence(response.headers.get('content-type')) === EVENT_STREAM && response.body !== null && req.method !== 'HEAD')
    await stream(res, response, response.body)
  else await write(res, response, req)
}

function toRequest(req: IncomingMessage): Request {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true
  const url = new URL(req.url ?? '/', `${encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`)
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(url, {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody && { body: bodyStream(req), duplex: 'half' }),
  })
}

/** The request body as a web stream that pauses the socket while the handler is not reading. */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on('data', (chunk: Buffer) => {
          if (!open) return
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
          if ((controller.desiredSize ?? 0) <= 0) req.pause()
        })
        req.on('end', () => {
          if (open) controller.close()
          open = false
        })
        req.on('close', () => {
          // Closed before the end: the client went away mid-body.
          if (open) controller.error(new Error('the client closed the connection before the body ended'))
          open = false
        })
        req.pause()
      },
      pull() {
        req.resume()
      },
      cancel() {
        open = false
        req.pause()
      },
    },
    { highWaterMark: 65_536, size: (chunk) => chunk.byteLength },
  )
}

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  return headers
}

/** Writes a complete answer with its length. */
async function write(res: ServerResponse, response: Response, req: IncomingMessage): Promise<void> {
  // A client gone while the handler worked has had its 'close' already: waiting for it below
  // would never end, and the request would stay counted in load.serving for good.
  if (res.destroyed) throw new Error('the client went away before the answer was written')
  const made = bodyOf(response)
  const body = typeof made === 'string' ? utf8(made) : (made ?? new Uint8Array(await response.arrayBuffer()))
  const headers = headersOf(response)
  if (response.status !== 204 && response.status !== 304) headers['content-length'] = String(body.byteLength)
  res.writeHead(response.status, headers)
  // 'finish' when the answer is handed to the OS; a client that went away first gives 'close'
  // without 'finish', which must settle this too or the request would hang here for ever.
  await new Promise<void>((resolve, reject) => {
    res.once('close', () =>
      res.writableFinished ? resolve() : reject(new Error('the client went away before the answer was written')),
    )
    res.end(req.method === 'HEAD' ? undefined : body)
  })
}

/**
 * Writes an event stream chunk by chunk. The next chunk is read from the handler only once the
 * socket has taken the last one ('drain'), so a client that stops reading leaves the unread
 * events queued in the handler's stream, which bounds them, rather than in node's buffers,
 * which would grow without end. A client that goes away cancels the stream: the handler stops
 * watching for it.
 */
async function stream(res: ServerResponse, response: Response, body: ReadableStream<Uint8Array>): Promise<void> {
  if (res.destroyed) {
    // As in write, and the handler's stream is told, so it stops watching for events.
    await body.cancel().catch(() => {})
    throw new Error('the client went away before the event stream began')
  }
  res.writeHead(response.status, headersOf(response))
  // Sends the headers now: an event stream may stay silent for a while before its first event.
  res.flushHeaders()
  const reader = body.getReader()
  let gone = false
  let wake: (() => void) | undefined
  const onClose = (): void => {
    gone = true
    reader.cancel().catch(() => {})
    wake?.()
  }
  res.once('close', onClose)
  const drained = (): Promise<void> =>
    new Promise((resolve) => {
      wake = () => {
        res.off('drain', wake!)
        wake = undefined
        resolve()
      }
      res.once('drain', wake)
    })
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done || gone) break
      if (!res.write(value) && !gone) await drained()
    }
  } catch {
    // The handler dropped the stream (a reader too slow to keep), or it failed: end the connection
    // without the terminating chunk, so the client sees the stream broken rather than complete.
    res.off('close', onClose)
    res.destroy()
    return
  }
  res.off('close', onClose)
  if (gone) throw new Error('the client went away during the event stream')
  await new Promise<void>((resolve, reject) => {
    res.once('close', () =>
      res.writableFinished ? resolve() : reject(new Error('the client went away before the stream ended')),
    )
    res.end()
  })
}

/**
 * Once answered, a request whose body is still coming is read and dropped, up to a cap in bytes
 * and time, and then the connection is closed. Closing at once would reset the connection with
 * the client's bytes unread, and a reset can destroy the answer before the client reads it; a
 * client that finishes its body keeps its connection.
 */
function finish(req: IncomingMessage, drainBytes: number, drainMs: number): void {
  if (req.complete || req.destroyed) return
  let dropped = 0
  const timer = setTimeout(() => req.socket.destroy(), drainMs)
  timer.unref()
  req.removeAllListeners('data')
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.byteLength
    if (dropped > drainBytes) req.socket.destroy()
  })
  req.on('end', () => clearTimeout(timer))
  req.on('close', () => clearTimeout(timer))
  req.resume()
}
