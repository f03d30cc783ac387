/**
 * One relay process for nats-faults.test.ts: a NatsRelayBackend on its own connection that
 * subscribes a vendor, then appends entries (entryOf) to the given mailboxes in turn, printing
 * `try <i>` before and `ok <i> <seq>` after each, until it is killed. Prints `ready` once
 * subscribed.
 *
 * Environment: NATS_URL, PREFIX (the backend's, and the run's name), OWNERS (mailbox owners, comma
 * separated, already open), VENDOR (a DID to subscribe), EXPIRES (the entries' end, in ms).
 */
import { connect } from '@nats-io/transport-node'
import { NatsRelayBackend } from '../../src/relay/nats.js'
import { entryOf } from './nats-support.js'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`nats-process: ${name} is not set`)
  return value
}
// Never outlive the test that started it, whatever happens to the test.
setTimeout(() => process.exit(3), 30_000).unref()

/** The spec's reference bounds (backend-contract.ts has them too, but imports vitest). */
const LIMITS = { perSender: 16, entries: 1024, bytes: 4 * 2 ** 20 }
const prefix = env('PREFIX')
const owners = env('OWNERS').split(',')
const expiresAt = Number(env('EXPIRES'))
const nc = await connect({ servers: env('NATS_URL'), maxReconnectAttempts: -1, reconnectTimeWait: 100 })
const backend = await NatsRelayBackend.create(nc, { prefix })
await backend.open({ owner: env('VENDOR'), expiresAt, filters: { categories: ['books'] } })
console.log('ready')
for (let i = 0; i < 10_000; i++) {
  console.log(`try ${i}`)
  const result = await backend.append(owners[i % owners.length]!, entryOf(prefix, i, expiresAt), LIMITS)
  if (!('seq' in result)) throw new Error(`nats-process: entry ${i} refused: ${result.refused}`)
  console.log(`ok ${i} ${result.seq}`)
}
