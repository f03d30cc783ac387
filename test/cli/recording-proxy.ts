/**
 * A loopback proxy in front of a vendor, recording the media type of every message that goes
 * through it each way: how a test sees that moves and answers travel sealed, which neither side's
 * output shows. The vendor takes its endpoint from the request's Host, which stays the proxy's, so
 * a wallet that discovered the vendor through the proxy keeps talking through it.
 */
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One POST through the proxy: the media type sent, and the status and media type that came back. */
export interface Exchange {
  readonly sent: string
  readonly status: number
  readonly answered: string
}

/**
 * Starts a proxy to `target` (an http origin on loopback); `close` stops it. While `lose` is set, each answer is lost on the way back: the vendor did the work, and the
 * connection is cut before the client reads a byte of its answer.
 */
export async function recordingProxy(target: string) {
  const to = new URL(target)
  const posts: Exchange[] = []
  const control = { lose: false }
  const server = createServer((req, res) => {
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (req.method === 'POST')
          posts.push({
            sent: String(req.headers['content-type']),
            status: answer.statusCode ?? 0,
            answered: String(answer.headers['content-type']),
          })
        if (control.lose) {
          answer.resume()
          req.socket.destroy()
          return
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${address.port}`,
    posts,
    control,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
