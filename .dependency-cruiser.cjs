// @ts-check
/**
 * The shape of src/, checked in CI by `npm run lint:deps` (depcruise src --config .dependency-cruiser.cjs).
 *
 * dependency-cruiser reads the TypeScript sources before compilation (tsPreCompilationDeps), so
 * `import type` and `export type … from` count like any other dependency: a type-only import
 * upward is still an upward import (the declaration files would carry it).
 *
 * Rules:
 *   no-circular              no module cycles anywhere in src (type-only edges included)
 *   layer-<folder>           no folder imports a folder of a higher layer (generated from LAYERS)
 *   vendor-not-wallet, …     the two halves of a layer never import each other
 *   barrel-reexports-own-folder  src/X/index.ts re-exports (export … from) only src/X/*
 *   barrel-imports-own-folder    … and imports nothing from another folder but errors.ts and lib/
 *   every-module-in-a-layer      a module in no layer would escape the layer rules
 *   no-package-root-inside   nothing in src imports the package root src/index.ts
 *   root-not-entries         src/index.ts never pulls in another entry (terms, cose, crypto, vendor,
 *                            wallet, r-button), the cli or the internal http
 *   no-node-builtins         node:* (and bare Node builtins) only in the cli, http/node.ts and
 *                            crypto/native.ts (crypto/native-hash.ts, seal-crypto.ts: a type reference only)
 *   not-to-unresolvable      every import resolves (a typo'd path would silently pass the rest)
 */

/**
 * The layers of src/, lowest first. A folder (or top-level file) may import its own layer's
 * members and anything in a lower layer, never a higher one. Members of one layer that must not
 * import each other either are listed in SIBLINGS_APART below.
 *
 * - errors.ts, lib/: the error type and leaf helpers (bytes, base64url, json, limits, time)
 * - crypto/: Ed25519 and SHA-256 backends
 * - keys/: key pairs, did:key, key resolution, signers
 * - cose/: CBOR and COSE (RFC 9052)
 * - model/: the zod schemas and the protocol's tables (kinds, roster, catalog, media types)
 * - replay/: replay stores
 * - envelope/: signing, countersigning and verify
 * - seal/: signed messages encrypted to one recipient (JWE), opened and verified (`intentcast/seal`)
 * - disclose/: selective disclosure (RFC 9901 disclosures, digest sets, agreement presentations);
 *   it reads the errors, lib, crypto, model and envelope below it (`intentcast/disclose`)
 * - thread/: threads of messages, and their text records
 * - agreements/: agreement stores, which both sides keep
 * - terms/: matching and negotiation (the `intentcast/terms` entry)
 * - link/: intentcast: URIs and base45
 * - http/: internal HTTP helpers shared by vendor and wallet (no entry of its own)
 * - vendor/, wallet/, relay/: the two reference sides and the market between them (entries
 *   `intentcast/vendor`, `intentcast/wallet`, `intentcast/relay`)
 * - conformance/: the conformance kit, which drives a vendor and judges a wallet over HTTP
 *   (`intentcast conformance`; no entry of its own)
 * - r-button/, cli/: the browser element and the command (top of the stack)
 */
const LAYERS = [
  ['errors.ts', 'lib'],
  ['crypto'],
  ['keys'],
  ['cose'],
  ['model'],
  ['replay'],
  ['envelope'],
  ['seal'],
  ['disclose'],
  ['thread'],
  ['agreements'],
  ['terms'],
  ['link'],
  ['http'],
  ['vendor', 'wallet', 'relay'],
  ['conformance'],
  ['r-button', 'cli'],
]

/** Members of one layer that never import each other (in either direction). */
const SIBLINGS_APART = [
  ['vendor', 'wallet', 'relay'],
  ['r-button', 'cli'],
]

/** The entries (or internals) that the package root src/index.ts must not re-export or import. */
const NOT_IN_ROOT = [
  'vendor',
  'wallet',
  'relay',
  'r-button',
  'cli',
  'conformance',
  'http',
  'terms',
  'cose',
  'crypto',
  'seal',
  'disclose',
]

/** Where node:* may be imported at run time, and why. */
const NODE_ALLOWED = [
  // The command runs only under Node: node:fs, node:path, node:util, and node:http and node:net
  // for `serve-vendor`.
  '^src/cli/',
  // The node:http adapter of the vendor and relay handlers (`toNodeListener`); type-only today.
  '^src/http/node\\.ts$',
  // The native crypto backend: a dynamic import('node:crypto'), only when running under Node,
  // so browser bundles never load it (tsup marks node:crypto external).
  '^src/crypto/native\\.ts$',
]

/** Escape a file or folder name for a regular expression. */
const esc = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The regular expression matching one layer member: `lib` → src/lib/…, `errors.ts` → src/errors.ts. */
const member = (name) => (name.endsWith('.ts') ? `src/${esc(name)}` : `src/${esc(name)}/`)
const anyOf = (names) => `^(${names.map(member).join('|')})`

/** One rule per layer that has something above it: its members may not import any higher layer. */
const layerRules = LAYERS.slice(0, -1).map((layer, index) => {
  const higher = LAYERS.slice(index + 1).flat()
  return {
    name: `layer-${layer.map((name) => name.replace(/\.ts$/, '')).join('+')}`,
    comment: `${layer.join(', ')} sit below ${higher.join(', ')} and must not import them (see LAYERS).`,
    severity: 'error',
    from: { path: anyOf(layer) },
    to: { path: anyOf(higher) },
  }
})

/** Both directions of each pair in SIBLINGS_APART. */
const siblingRules = SIBLINGS_APART.flatMap(([a, b]) => [
  [a, b],
  [b, a],
]).map(([from, to]) => ({
  name: `${from}-not-${to}`,
  comment: `${from}/ and ${to}/ share a layer but are independent: ${from}/ must not import ${to}/.`,
  severity: 'error',
  from: { path: anyOf([from]) },
  to: { path: anyOf([to]) },
}))

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'No module cycles in src. A cycle makes load order matter (a value read before its module ' +
        'has run is undefined) and defeats the layering; type-only edges count too, since the ' +
        'emitted .d.ts files keep them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    ...siblingRules,
    {
      name: 'barrel-reexports-own-folder',
      comment:
        'A folder barrel src/X/index.ts re-exports only files of src/X/: what an entry exposes ' +
        'from another folder belongs to that folder’s own entry (or the package root). ' +
        'dependency-cruiser tells `export … from` (dependencyType "export") from `import`, so ' +
        'only re-exports are checked here; imports are covered by the layer rules.',
      severity: 'error',
      from: { path: '^src/([^/]+)/index\\.ts$' },
      to: { dependencyTypes: ['export'], pathNot: '^src/$1/' },
    },
    {
      name: 'barrel-imports-own-folder',
      comment:
        'A folder barrel may not import another folder and export what it imported either ' +
        '(`import { x } from "../model/deal.js"; export { x }` is a re-export in disguise). ' +
        'Only the error type and the leaf helpers of lib/ may be imported, by a barrel that ' +
        'holds implementation of its own (crypto/index.ts).',
      severity: 'error',
      from: { path: '^src/([^/]+)/index\\.ts$' },
      to: { path: '^src/', pathNot: ['^src/$1/', '^src/errors\\.ts$', '^src/lib/'] },
    },
    {
      name: 'every-module-in-a-layer',
      comment:
        'A module outside every layer of LAYERS would be unconstrained (lib → src/util → http ' +
        'would pass). A new folder is added to LAYERS, where its place is decided.',
      severity: 'error',
      from: { path: '^src/', pathNot: [anyOf(LAYERS.flat()), '^src/index\\.ts$'] },
      to: {},
    },
    {
      name: 'no-package-root-inside',
      comment:
        'src/index.ts is the package root: it sits on top of the library layers and only ' +
        're-exports. Code in src imports the module that defines a thing, never the root.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'root-not-entries',
      comment:
        `The package root src/index.ts may re-export any folder except ${NOT_IN_ROOT.join(', ')}: ` +
        'vendor, wallet and r-button are entries of their own, the cli is the bin, http is internal.',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: anyOf(NOT_IN_ROOT) },
    },
    {
      name: 'no-node-builtins',
      comment:
        'The library is platform-neutral (tsup builds it with platform: "neutral" for browsers ' +
        'and edge runtimes). Node builtins only where listed in NODE_ALLOWED, plus a type ' +
        'reference in src/crypto/native-hash.ts and src/crypto/seal-crypto.ts (next rule).',
      severity: 'error',
      from: { path: '^src/', pathNot: [...NODE_ALLOWED, '^src/crypto/(native-hash|seal-crypto)\\.ts$'] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'native-hash-node-types-only',
      comment:
        'src/crypto/native-hash.ts and seal-crypto.ts receive node:crypto from crypto/native.ts once it has loaded; ' +
        'it names its type (`typeof import("node:crypto")`, erased at compile time) and must never ' +
        'load it itself. Catches a static import of a builtin here. Blind spot (dependency-cruiser ' +
        '17.4): it keeps one dependency per specifier and type-only flag, and `typeof import()` ' +
        'is not flagged type-only, so a later dynamic `import("node:crypto")` in this same file ' +
        'would merge into the type reference and pass (checked by planting one).',
      severity: 'error',
      from: { path: '^src/crypto/(native-hash|seal-crypto)\\.ts$' },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only', 'type-import'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves to a file or an installed package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
}
