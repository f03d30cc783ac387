/**
 * `npx tsx bench/relay-nats.ts`: what NatsRelayBackend costs, against a nats-server with JetStream
 * (file storage) started on a free loopback port, as the tests do. Prints one JSON document.
 *
 * An append is four round trips (read the record, reserve, publish, write the seq), and the
 * record it reads and writes grows with the mailbox (about 85 bytes per live entry), so appends
 * are measured into an empty mailbox and into one with 1,000 entries; fan-out (one intent into
 * many vendor mailboxes) is appends to different mailboxes in flight at once.
 */
import { randomBytes } from 'node:crypto'
import type { NewEntry } from '../src/relay/backend.js'
import { NatsRelayBackend } from '../src/relay/nats.js'
import { testNats } from '../test/relay/nats-support.js'
import { measure, median } from './harness.js'

const nats = await testNats('relay NATS benchmark')
if (!nats) process.exit(0)
const nc = await nats.connection('bench')
const backend = await NatsRelayBackend.create(nc, { prefix: `bench${randomBytes(3).toString('hex')}` })
const HOUR = 3_600_000
const ROOMY = { perSender: 100_000, entries: 100_000, bytes: 2 ** 30 }
// A typical intent as posted: one JWS of about 900 bytes.
const PART = `eyJ.${randomBytes(660).toString('base64url')}.sig`
const entry = (): NewEntry => ({
  type: 'application/intentcast+jws',
  parts: [PART],
  digest: randomBytes(32).toString('base64url'),
  sender: 'did:key:z6MkRelay',
  expiresAt: Date.now() + HOUR,
})
const mailbox = async (): Promise<string> => {
  const owner = `did:key:z6Mk${randomBytes(16).toString('hex')}`
  await backend.open({ owner, expiresAt: Date.now() + HOUR, filters: {} })
  return owner
}

const results: unknown[] = []
let small = await mailbox()
let appended = 0
results.push(
  await measure('append, sequential, mailboxes of up to 100 entries', 1, async () => {
    if (++appended % 100 === 0) small = await mailbox()
    await backend.append(small, entry(), ROOMY)
  }),
)
const big = await mailbox()
for (let i = 0; i < 1000; i += 50)
  await Promise.all(Array.from({ length: 50 }, () => backend.append(big, entry(), ROOMY)))
results.push(
  await measure(
    'append, sequential, into a mailbox of 1,000 entries',
    1,
    () => backend.append(big, entry(), ROOMY),
    1000,
  ),
)
const fanout = await Promise.all(Array.from({ length: 64 }, mailbox))
results.push(
  await measure('append, 64 in flight to 64 mailboxes (fan-out)', 64, () =>
    Promise.all(fanout.map((owner) => backend.append(owner, entry(), ROOMY))),
  ),
)
results.push(await median('read 100 of 1,000 entries', 30, () => backend.read(big, 0, 100)))
const watched = await mailbox()
let arrived = (): void => {}
const stopWatch = backend.watch(watched, 0, () => arrived())
await new Promise((resolve) => setTimeout(resolve, 200))
results.push(
  await median('append, until a running watch delivers it', 50, async () => {
    const delivered = new Promise<void>((resolve) => (arrived = resolve))
    await backend.append(watched, entry(), ROOMY)
    await delivered
  }),
)
stopWatch()

console.log(JSON.stringify({ server: nc.info?.version, results }, null, 2))
await backend.close()
await nats.close()
