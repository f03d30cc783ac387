/**
 * What the conformance tests share: our own vendor handler as the vendor under test, reached
 * in-process (handlers are fetch-standard, so no port is needed), and a report's failed ids.
 */
import { MemoryThreadStore, createVendorHandler, type VendorHandler } from '../../src/vendor/index.js'
import type { ConformanceFetch } from '../../src/conformance/probe.js'
import type { ConformanceReport } from '../../src/conformance/report.js'
import { generateKeyPair, type KeyPair } from '../../src/index.js'
import { vendorOptions, type VendorExtras } from '../vendor/support.js'

/** The origin the in-process vendor answers at. */
export const ORIGIN = 'https://vendor.example'

/** A fetch that hands each request to `handler` in this process. */
export const inProcess =
  (handler: (request: Request) => Promise<Response>): ConformanceFetch =>
  (url, init) =>
    handler(new Request(url, init))

export interface ReferenceVendor {
  readonly key: KeyPair
  readonly handler: VendorHandler
  readonly threads: MemoryThreadStore
}

/** Our own vendor: offers at 1900.00, agrees to any counter, in-memory stores the test can read. */
export async function referenceVendor(extra: VendorExtras = {}): Promise<ReferenceVendor> {
  const key = await generateKeyPair()
  const threads = new MemoryThreadStore()
  const handler = createVendorHandler(
    vendorOptions(key, '1900.00', {
      http: { origin: ORIGIN },
      ...extra,
      stores: { threads, ...extra.stores },
      on: { counter: () => 'agree', ...extra.on },
    }),
  )
  await handler.ready
  return { key, handler, threads }
}

/** The ids of the checks with `status`, in order. */
export const idsOf = (report: ConformanceReport, status: 'pass' | 'fail' | 'skip'): string[] =>
  report.checks.filter((c) => c.status === status).map((c) => c.id)
