/**
 * The conformance kit (issue 14): `runVendorConformance` drives a live vendor endpoint through
 * the HTTP binding and judges every answer against the spec; `createWalletConformance` stands up
 * a conformance vendor for a wallet under test and judges what the wallet sends. Both produce a
 * `ConformanceReport`: one result per check, each naming its spec section. The `intentcast
 * conformance` command is its front end; the kit itself is internal (no package entry).
 * @module
 */
export { runVendorConformance, type VendorConformanceOptions } from './vendor.js'
export {
  createWalletConformance,
  WALLET_STEPS,
  type WalletConformance,
  type WalletConformanceOptions,
} from './wallet.js'
export { formatReport, type CheckResult, type CheckSpec, type CheckStatus, type ConformanceReport } from './report.js'
export type { ConformanceFetch } from './probe.js'
