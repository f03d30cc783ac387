import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createWalletConformance,
  formatReport,
  runVendorConformance,
  WALLET_STEPS,
  type ConformanceReport,
} from '../../conformance/index.js'
import type { IntentBody } from '../../envelope/sign.js'
import { IntentcastError } from '../../errors.js'
import { parseDuration } from '../../lib/time.js'
import { toNodeListener } from '../../vendor/index.js'
import { positiveInt, stringArg } from '../args.js'
import type { Command } from '../command.js'
import { readJson } from '../io.js'
import type { Output } from '../output.js'

/** Options that belong to one mode only: given to the other, they are a mistake worth naming. */
const VENDOR_ONLY = ['intent', 'timeout', 'max-body']
const WALLET_ONLY = ['port', 'decoy-port', 'host', 'casts', 'for']

/** The table, or with --json the report as one document. */
function print(out: Output, report: ConformanceReport): void {
  out.result(() => formatReport(report).forEach((line) => out.line(line)), report)
}

function port(value: string | undefined, name: string): number {
  if (value === undefined) return 0
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `--${name} must be a number from 0 to 65535`)
  return Number(value)
}

/** Serves a fetch-standard handler on `host:port`; resolves its URL and a way to stop it. */
async function listen(
  handler: (request: Request) => Promise<Response>,
  portNumber: number,
  host: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(toNodeListener(handler))
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause: Error) =>
      reject(new IntentcastError('ERR_INVALID_ARGUMENT', `cannot listen on ${host}:${portNumber}: ${cause.message}`)),
    )
    server.listen(portNumber, host, resolve)
  })
  const address = server.address() as AddressInfo
  const at = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${at}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * Resolves with why the wait ended: the wallet finished, the time ran out, or SIGINT/SIGTERM.
 * Every listener and timer is removed when it ends, so nothing outlives the command.
 */
function waitFor(done: Promise<void>, seconds: number): Promise<string> {
  return new Promise((resolve) => {
    let ended = false
    const end = (why: string) => (): void => {
      if (ended) return
      ended = true
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      clearTimeout(timer)
      resolve(why)
    }
    const onInt = end('SIGINT')
    const onTerm = end('SIGTERM')
    process.once('SIGINT', onInt)
    process.once('SIGTERM', onTerm)
    const timer = setTimeout(end(`${seconds} s passed`), seconds * 1000)
    void done.then(end('the wallet did everything the checks look at'))
  })
}

async function vendorMode(url: string | undefined, values: Record<string, string | boolean | undefined>, out: Output) {
  if (url === undefined)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'conformance vendor needs the URL of the vendor to test')
  const intentFile = stringArg(values, 'intent')
  const timeoutMs = positiveInt(values.timeout, '--timeout')
  const maxBodyBytes = positiveInt(values['max-body'], '--max-body')
  const report = await runVendorConformance(url, {
    ...(intentFile !== undefined && { intent: readJson(intentFile) as IntentBody }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(maxBodyBytes !== undefined && { maxBodyBytes }),
  })
  print(out, report)
  return report.passed ? 0 : 1
}

async function walletMode(values: Record<string, string | boolean | undefined>, out: Output) {
  const host = stringArg(values, 'host') ?? '127.0.0.1'
  const casts = positiveInt(values.casts, '--casts')
  const span = stringArg(values, 'for')
  const seconds = span === undefined ? 300 : parseDuration(/^\d+$/.test(span) ? Number(span) : span, '--for')
  const kit = await createWalletConformance(casts === undefined ? {} : { casts })
  const vendor = await listen(kit.vendor, port(stringArg(values, 'port'), 'port'), host)
  let decoy: Awaited<ReturnType<typeof listen>>
  try {
    decoy = await listen(kit.decoy, port(stringArg(values, 'decoy-port'), 'decoy-port'), host)
  } catch (e) {
    await vendor.close()
    throw e
  }
  const steps = WALLET_STEPS.map((s) => s.replace('as many times as asked', `until it has cast ${casts ?? 2} times`))
  if (out.json) out.event('', { event: 'listening', vendor: vendor.url, decoy: decoy.url, steps, seconds })
  else {
    out.line(`conformance vendor listening at ${vendor.url}`)
    out.line(`  decoy ${decoy.url}   (its endpoint redirects: the wallet must refuse to follow)`)
    out.line('have the wallet under test:')
    steps.forEach((s, i) => out.line(`  ${i + 1}. ${s}`))
    out.line(`the report follows once it has, or after ${seconds} s (Ctrl-C ends the wait early)`)
  }
  const why = await waitFor(kit.done, seconds)
  const report = await kit.report()
  await Promise.all([vendor.close(), decoy.close()])
  if (out.json) out.event('', { event: 'report', reason: why, ...report })
  else {
    out.line(`(${why})`)
    print(out, report)
  }
  return report.passed ? 0 : 1
}

/**
 * `intentcast conformance vendor <url>` and `intentcast conformance wallet`: the conformance kit
 * (src/conformance) from a terminal, its report as a table or, with --json, as JSON.
 */
export const conformance: Command = {
  name: 'conformance',
  summary: "test a vendor endpoint, or a wallet, against the spec: a pass/fail table naming each check's section",
  usage:
    'vendor <url> [--intent <body.json>] [--timeout <ms>] [--max-body <bytes>]\n       intentcast conformance wallet [--port <n>] [--decoy-port <n>] [--host <addr>] [--casts <n>] [--for <span>]',
  help: [
    'vendor <url>: drives the vendor at <url> (any implementation) through the HTTP binding: its vendor',
    'document; whole threads (intent, offer, counter, acceptance with the agreement, the same acceptance',
    'again, withdrawal) in JWS, sealed JWS and, when the vendor takes it, sealed COSE; a withdrawn intent;',
    'and hostile requests, each of which must get the status and code the spec gives it. It casts fresh',
    'keys every time and leaves threads and agreements in the vendor: point it at a test deployment.',
    'A vendor may answer an intent or a counter with 202; that passes, and what needs the answer is skipped.',
    '  --intent <file>     the intent body to cast ({"want": {...}, "terms": {...}}), for a vendor that offers',
    '                      only on some items (default: one "conformance test item" on its first agreement)',
    '  --timeout <ms>      per request (default 10000)',
    "  --max-body <bytes>  the vendor's body limit: one byte more must be 413 (default 65536)",
    '',
    'wallet: serves a conformance vendor, and a decoy vendor whose endpoint redirects, for a wallet under',
    'test; prints their URLs and what to do with the wallet, then judges every request the wallet sent:',
    'discovery, the endpoint, signatures, a fresh key and a replyKey per cast, counters and the acceptance',
    "sealed to the vendor's key, the acceptance and agreement body, no redirect followed, no cookies.",
    '  --port <n>          the vendor port (default 0: any free port); --decoy-port <n> the decoy port',
    '  --host <addr>       the address to listen on (default 127.0.0.1)',
    '  --casts <n>         how many casts the wallet must make (default 2)',
    '  --for <span>        how long to wait for the wallet, e.g. 90s or 10m (default 5m)',
    '',
    'Each check names its spec section (spec/intentcast.md). --json prints the report as JSON (wallet:',
    'one JSON document per line, {"event":"listening",...} then {"event":"report",...}).',
    'exit status: 0 when every check passed (skipped checks do not count), 1 otherwise.',
  ],
  options: {
    intent: { type: 'string' },
    timeout: { type: 'string' },
    'max-body': { type: 'string' },
    port: { type: 'string', short: 'p' },
    'decoy-port': { type: 'string' },
    host: { type: 'string' },
    casts: { type: 'string' },
    for: { type: 'string' },
  },
  async run([mode, url, ...extra], values, out) {
    if (mode !== 'vendor' && mode !== 'wallet')
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        'conformance is `conformance vendor <url>` or `conformance wallet`',
      )
    const foreign = (mode === 'vendor' ? WALLET_ONLY : VENDOR_ONLY).find((o) => values[o] !== undefined)
    if (foreign !== undefined)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `--${foreign} is an option of conformance ${mode === 'vendor' ? 'wallet' : 'vendor'}`,
      )
    const unexpected = mode === 'vendor' ? extra[0] : url
    if (unexpected !== undefined)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `conformance ${mode} takes no argument ${unexpected.slice(0, 64)}`,
      )
    return mode === 'vendor' ? vendorMode(url, values, out) : walletMode(values, out)
  },
}
