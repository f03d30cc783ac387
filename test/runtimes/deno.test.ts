/**
 * Deno (the `deno` npm package) on the built package, resolved through node_modules as for an npm
 * user. Verifying needs no permission at all: no --allow-env (a dependency reading an environment
 * variable at import would ask for it), no --allow-read, no --allow-net. Serving a vendor with Deno.serve to a
 * wallet in the same process needs --allow-net to the loopback address only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, compile, consumer, QUIET_ENV, resultOf, run, type Consumer } from './consumer.js'
import { EXCHANGE, expectRedirectRefused, SMOKE, type Served } from './expected.js'

let project: Consumer
beforeAll(async () => {
  project = await consumer()
  await compile(project.dir, ['deno-verify', 'deno-serve'])
})
afterAll(() => project?.remove())

describe('deno', () => {
  it('keys, sign, verify (JWS and COSE), seal, matchTerms: with no permission flag', async () => {
    const output = await run(BIN.deno, ['run', 'deno-verify.mjs'], { cwd: project.dir, env: QUIET_ENV })
    expect(resultOf(output)).toEqual(SMOKE)
    expect(output.stderr).not.toMatch(/NotCapable|permission/i)
  })

  it('Deno.serve: a vendor answering a wallet over HTTP, with --allow-net=127.0.0.1 only', async () => {
    const output = await run(BIN.deno, ['run', '--allow-net=127.0.0.1', 'deno-serve.mjs'], {
      cwd: project.dir,
      env: QUIET_ENV,
    })
    const result = resultOf<Served>(output)
    expect(result.exchange).toEqual(EXCHANGE)
    expectRedirectRefused(result.redirect)
  })
})
