/**
 * The relay under benchmark, in its own process: `createRelayHandler` on loopback with the
 * backend named by BACKEND (`memory`, or `nats` on NATS_URL). Prints `listening <port>`, then
 * answers `GET /bench/memory` (after a full collection) with its heap, for the per-mailbox
 * figure, and the CPU time it has used, for the per-intent cost.
 */
import { createServer } from 'node:http'
import { connect } from '@nats-io/transport-node'
import { createRelayHandler, MemoryRelayBackend, toNodeListener, type RelayBackend } from '../../src/relay/index.js'
import { NatsRelayBackend } from '../../src/relay/nats.js'

const port = Number(process.env.PORT ?? 0)
const url = `http://127.0.0.1:${port}/relay`
const backend: RelayBackend =
  process.env.BACKEND === 'nats'
    ? await NatsRelayBackend.create(await connect({ servers: process.env.NATS_URL! }), {
        prefix: `bench${process.pid}`,
      })
    : new MemoryRelayBackend()
// Every subscriber and caster is one key on loopback: the per-sender bound is not what is measured.
const relay = createRelayHandler({ url, backend, limits: { entries: 100_000, bytes: 256 * 2 ** 20 } })
await relay.ready
const listener = toNodeListener(relay)
const server = createServer((req, res) => {
  if (req.url === '/bench/memory') {
    ;(globalThis as { gc?: () => void }).gc?.()
    res.end(JSON.stringify({ ...process.memoryUsage(), cpu: process.cpuUsage() }))
    return
  }
  listener(req, res)
})
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`))
// An orderly exit on SIGTERM, so that a run under --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0))
