/**
 * `intentcast relay`: its arguments checked before it listens, and as a process: it prints its
 * URL, takes subscriptions and intents there, and stops on SIGTERM or by itself with --for.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Readable } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { generateKeyPair, signAccess, signIntent, signSubscription } from '../../src/index.js'
import { main } from '../../src/cli/main.js'
import { testNats } from '../relay/nats-support.js'
import { run } from './support.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const JWS = 'application/intentcast+jws'

/** The CLI as a child process, with its stdout lines as they come; killed after `ms`. */
function spawnCli(ms: number, ...args: string[]) {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/bin.ts', ...args],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const lines: string[] = []
  let buffer = ''
  let stderr = ''
  const waiters: Array<() => void> = []
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    buffer += s
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, i))
      buffer = buffer.slice(i + 1)
    }
    waiters.splice(0).forEach((w) => w())
  })
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
  const timer = setTimeout(() => child.kill('SIGKILL'), ms)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      waiters.splice(0).forEach((w) => w())
      resolve({ code, signal })
    }),
  )
  const line = async (n: number): Promise<string> => {
    while (lines.length <= n) {
      if (child.exitCode !== null) throw new Error(`exited before line ${n}: ${stderr}`)
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
    return lines[n]!
  }
  return { child, line, exited, stderr: () => stderr }
}

/**
 * Runs `intentcast relay <args> --json` in this process; `during` gets its URL once it listens,
 * and the relay stops by itself after --for.
 */
async function inProcess(args: string[], during: (url: string) => Promise<void>) {
  let stdout = ''
  let stderr = ''
  let listening!: (url: string) => void
  const url = new Promise<string>((resolve) => (listening = resolve))
  const exit = main(
    ['relay', '--json', ...args],
    (s) => {
      stdout += s
      const first = stdout.split('\n')[0]!
      if (stdout.includes('\n')) listening((JSON.parse(first) as { url: string }).url)
    },
    (s) => (stderr += s),
  )
  const code = await Promise.race([exit, url.then(during).then(() => exit)])
  return { code, stdout, stderr }
}

/** Subscribes a fresh vendor to everything at `url`, casts one intent there, and returns what the cast said. */
async function subscribeAndCast(url: string): Promise<{ delivered: number }> {
  const vendor = await generateKeyPair()
  const subscribed = await fetch(`${url}/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': JWS },
    body: await signSubscription({ filters: {} }, vendor, { audience: url }),
  })
  expect(subscribed.status).toBe(201)
  const intent = await signIntent(
    { want: { item: { name: 'bike' } }, terms: { agreements: ['SD-BASE'] } },
    await generateKeyPair(),
  )
  const cast = await fetch(`${url}/intents`, { method: 'POST', headers: { 'content-type': JWS }, body: intent })
  return (await cast.json()) as { delivered: number }
}

describe('intentcast relay', () => {
  test('arguments are checked before it listens', async () => {
    expect((await run('relay', '--port', 'http')).stderr).toBe(
      'intentcast relay: ERR_INVALID_ARGUMENT: --port must be a number from 0 to 65535\n',
    )
    expect((await run('relay', '--port', '70000')).code).toBe(1)
    expect((await run('relay', '--backend', 'redis')).stderr).toMatch(/--backend is memory or nats/)
    expect((await run('relay', '--nats', 'nats://x:4222')).stderr).toMatch(/--nats goes with --backend nats/)
    expect((await run('relay', '--for', 'ever')).stderr).toMatch(/ERR_INVALID_ARGUMENT: --for must be/)
    expect((await run('relay', '--url', 'relay.example', '--for', '1')).stderr).toMatch(/url is required/)
    const help = await run('relay', '--help')
    expect(help.stdout).toContain('usage: intentcast relay [--port <n>]')
    expect((await run('--help')).stdout).toMatch(/\n {2}relay +run a relay/)
  })

  test('as a process: prints its URL, takes a subscription and a cast there, stops on SIGTERM', async () => {
    const relay = spawnCli(30_000, 'relay', '--json', '--for', '60')
    const listening = JSON.parse(await relay.line(0)) as { event: string; url: string; backend: string }
    expect(listening).toEqual({
      event: 'listening',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/relay$/) as string,
      backend: 'memory',
    })
    const vendor = await generateKeyPair()
    const subscribed = await fetch(`${listening.url}/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': JWS },
      body: await signSubscription({ filters: {} }, vendor, { audience: listening.url }),
    })
    expect(subscribed.status).toBe(201)
    const intent = await signIntent(
      { want: { item: { name: 'bike' } }, terms: { agreements: ['SD-BASE'] } },
      await generateKeyPair(),
    )
    const cast = await fetch(`${listening.url}/intents`, {
      method: 'POST',
      headers: { 'content-type': JWS },
      body: intent,
    })
    expect(await cast.json()).toMatchObject({ delivered: 1 })
    const mailbox = `${listening.url}/mailboxes/${vendor.did}`
    const read = await fetch(mailbox, {
      headers: { authorization: `Intentcast ${await signAccess(vendor, { audience: mailbox })}` },
    })
    expect(((await read.json()) as { entries: Array<{ parts: string[] }> }).entries[0]!.parts).toEqual([intent])
    relay.child.kill('SIGTERM')
    expect(await relay.exited).toEqual({ code: 0, signal: null })
    expect(JSON.parse(await relay.line(1))).toEqual({ event: 'stopped', reason: 'SIGTERM' })

    const brief = spawnCli(20_000, 'relay', '--for', '1s', '--url', 'https://relay.example/market')
    expect(await brief.line(0)).toMatch(/^relay listening at https:\/\/relay\.example\/market {3}\(backend: memory\)$/)
    expect(await brief.exited).toEqual({ code: 0, signal: null })
    expect(await brief.line(5)).toMatch(/stopped \(1 s passed\)$/)
  })

  test('in-process, on the memory backend: listens, serves, stops after --for', async () => {
    const r = await inProcess(['--for', '2'], async (url) => {
      expect(await subscribeAndCast(url)).toMatchObject({ delivered: 1 })
    })
    expect([r.code, r.stderr]).toEqual([0, ''])
    expect(r.stdout.trim().split('\n').at(-1)).toBe('{"event":"stopped","reason":"2 s passed"}')
  })

  test('--backend nats: on a NATS server; a server it cannot reach is ERR_UNREACHABLE before it listens', async () => {
    const nats = await testNats('intentcast relay --backend nats')
    if (nats === undefined) return
    try {
      const r = await inProcess(['--backend', 'nats', '--nats', nats.url, '--for', '3'], async (url) => {
        expect(await subscribeAndCast(url)).toMatchObject({ delivered: 1 })
      })
      expect([r.code, r.stderr]).toEqual([0, ''])
      expect(r.stdout).toContain('"backend":"nats"')
    } finally {
      await nats.close()
    }
    const unreachable = await run('relay', '--backend', 'nats', '--nats', 'nats://127.0.0.1:1')
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr).toMatch(
      /^intentcast relay: ERR_UNREACHABLE: cannot reach NATS at nats:\/\/127\.0\.0\.1:1/,
    )
  })
})
