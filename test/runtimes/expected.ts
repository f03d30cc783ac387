/** What every runtime's fixtures must report: the same answers everywhere. */
import { expect } from 'vitest'
import type { ExchangeResult, RedirectResult } from './fixtures/exchange.js'
import { ELSEWHERE } from './fixtures/serve.js'
import type { SmokeResult } from './fixtures/smoke.js'

/** What a fixture that serves reports: its smoke test (when it ran one), the exchange, the redirect. */
export interface Served {
  readonly smoke?: SmokeResult
  readonly exchange: ExchangeResult
  readonly redirect: RedirectResult
}

export const SMOKE: SmokeResult = {
  jws: { format: 'jws', issuer: true, item: 'cargo bike' },
  cose: { format: 'cose', issuer: true, item: 'cargo bike' },
  tampered: ['ERR_SIGNATURE_INVALID', 'ERR_SIGNATURE_INVALID'],
  sealed: true,
  terms: ['lit', 'partial', 'dark'],
}

export const EXCHANGE: ExchangeResult = {
  offer: '1890.00',
  agreement: { signers: 2, item: 'cargo bike', price: '1890.00' },
  reverified: true,
}

/** The wallet refused the redirect itself, naming it, rather than following it (or failing to). */
export function expectRedirectRefused(result: RedirectResult): void {
  expect(result.code).toBe('ERR_UNREACHABLE')
  expect(result.message).toContain(`with a redirect (307 to ${ELSEWHERE})`)
}
