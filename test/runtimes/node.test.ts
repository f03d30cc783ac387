/**
 * Node on the built package, as an installed copy: the ES module build and the CommonJS build
 * each make keys, sign, verify (JWS and COSE), seal, match terms, and serve a vendor to a wallet
 * over node:http. The rest of the suite runs the sources; this runs what npm ships.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compile, consumer, QUIET_ENV, resultOf, run, type Consumer } from './consumer.js'
import { EXCHANGE, expectRedirectRefused, SMOKE, type Served } from './expected.js'

let project: Consumer
beforeAll(async () => {
  project = await consumer()
  await Promise.all([compile(project.dir, ['node']), compile(project.dir, ['node'], 'cjs')])
})
afterAll(() => project?.remove())

describe('node', () => {
  for (const file of ['node.mjs', 'node.cjs']) {
    it(`${file}: smoke test, then a vendor on node:http answering a wallet`, async () => {
      const result = resultOf<Served>(await run(process.execPath, [file], { cwd: project.dir, env: QUIET_ENV }))
      expect(result.smoke).toEqual(SMOKE)
      expect(result.exchange).toEqual(EXCHANGE)
      expectRedirectRefused(result.redirect)
    })
  }
})
