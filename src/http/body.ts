import { IntentcastError, isIntentcastError, type IntentcastErrorCode } from '../errors.js'

/** A Request or a Response: anything with headers and a body stream. */
interface HasBody {
  readonly headers: Headers
  readonly body: ReadableStream<Uint8Array> | null
}

export interface ReadBodyOptions {
  readonly maxBytes: number
  /** Milliseconds the whole body may take to arrive (a trickled body is refused, not waited for). */
  readonly timeoutMs?: number
  /** The code for a stream that fails mid-way: the peer went away. */
  readonly failure: IntentcastErrorCode
  readonly what: string
}

/**
 * Reads a body, refusing it by its declared Content-Length first and then by the bytes that
 * actually arrive, so no more than `maxBytes` is ever held. On any refusal the stream is
 * cancelled: whoever feeds it stops reading from the network.
 */
export async function readBody(message: HasBody, options: ReadBodyOptions): Promise<Uint8Array> {
  const { maxBytes, what } = options
  const declared = message.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes) {
    message.body?.cancel().catch(() => {})
    throw new IntentcastError(
      'ERR_TOO_LARGE',
      `the ${what} declares ${declared.slice(0, 20)} bytes; the limit is ${maxBytes}`,
    )
  }
  if (message.body === null) return new Uint8Array(0)
  const reader = message.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const late =
    options.timeoutMs === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new IntentcastError('ERR_TIMEOUT', `the ${what} did not arrive within ${options.timeoutMs} ms`)),
            options.timeoutMs,
          )
        })
  try {
    for (;;) {
      const { done, value } = await (late ? Promise.race([reader.read(), late]) : reader.read())
      if (done) break
      size += value.byteLength
      if (size > maxBytes)
        throw new IntentcastError('ERR_TOO_LARGE', `the ${what} exceeds the limit of ${maxBytes} bytes`)
      chunks.push(value)
    }
  } catch (e) {
    reader.cancel().catch(() => {})
    if (isIntentcastError(e)) throw e
    throw new IntentcastError(options.failure, `the ${what} could not be read`, { cause: e })
  } finally {
    clearTimeout(timer)
  }
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
