/**
 * A vendor under test may answer anything: a problem body that is not a JSON object fails the
 * check with a sentence, never with the TypeError or SyntaxError of reading it.
 */
import { describe, expect, it } from 'vitest'
import { expectHttpProblem, expectProblem, type Probe } from '../../src/conformance/probe.js'
import { CheckFailure } from '../../src/conformance/report.js'

const answer = (status: number, body: string): Probe => ({
  status,
  headers: new Headers({ 'content-type': 'application/problem+json' }),
  mediaType: 'application/problem+json',
  body: new TextEncoder().encode(body),
})

describe('problem answers a hostile vendor sends', () => {
  it.each(['null', '[1]', '{"type":', '"about:blank"', '\xff'])('%s', (body) => {
    expect(() => expectHttpProblem(answer(404, body), 404)).toThrow(
      new CheckFailure("the 404 problem's body is not a JSON object"),
    )
    expect(() => expectProblem(answer(400, body), 400, 'ERR_MALFORMED')).toThrow(CheckFailure)
  })
})
