import type { IncomingMessage, ServerResponse } from 'node:http'
import { IntentcastError } from '../errors.js'
import { problemFor, problemResponse } from '../http/problem.js'

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

type NodeListener = (req: IncomingMessage, res: ServerResponse) => void

/**
 * Adapts a fetch-standard handler to `node:http`. The body is handed over as a stream with
 * backpressure, so the handler's size limit and deadline apply to bytes as they arrive. A
 * request the adapter cannot even turn into a Request (a bad Host, a bad header) gets a 400
 * problem; nothing a client sends can throw out of the listener.
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
  handler: (request: Request) => Promise<Response>,
  options: NodeListenerOptions = {},
): NodeListener {
  const drainBytes = options.drainBytes ?? 1_048_576
  const drainMs = options.drainMs ?? 2_000
  return (req, res) => {
    serve(handler, req, res).then(
      () => finish(req, drainBytes, drainMs),
      () => {
        // Only a failure while writing the answer gets here (the client went away): drop the connection.
        req.socket.destroy()
      },
    )
  }
}

async function serve(
  handler: (request: Request) => Promise<Response>,
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
    response = await handler(request)
  } catch {
    // The vendor handler never throws; another handler might. Say nothing about why.
    response = problemResponse(problemFor(undefined))
  }
  await write(res, response, req)
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

/** Writes the answer with its length: the handler's answers are small and complete, never streams. */
async function write(res: ServerResponse, response: Response, req: IncomingMessage): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer())
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
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
