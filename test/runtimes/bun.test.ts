/**
 * Bun (the `bun` npm package) on the built package: the smoke test, then Bun.serve serving a
 * vendor to a wallet in the same process over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, compile, consumer, QUIET_ENV, resultOf, run, type Consumer } from './consumer.js'
import { EXCHANGE, expectRedirectRefused, SMOKE, type Served } from './expected.js'

let project: Consumer
beforeAll(async () => {
  project = await consumer()
  await compile(project.dir, ['bun'])
})
afterAll(() => project?.remove())

describe('bun', () => {
  it('smoke test, then Bun.serve: a vendor answering a wallet over HTTP', async () => {
    const result = resultOf<Served>(await run(BIN.bun, ['bun.mjs'], { cwd: project.dir, env: QUIET_ENV }))
    expect(result.smoke).toEqual(SMOKE)
    expect(result.exchange).toEqual(EXCHANGE)
    expectRedirectRefused(result.redirect)
  })
})
