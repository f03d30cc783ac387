import { defineConfig } from 'tsup'

export default defineConfig([
  {
    // The library: platform-neutral, so one build serves Node, browsers and edge runtimes.
    entry: {
      index: 'src/index.ts',
      crypto: 'src/crypto/index.ts',
      cose: 'src/cose/index.ts',
      terms: 'src/terms/index.ts',
      seal: 'src/seal/index.ts',
      disclose: 'src/disclose/index.ts',
      vendor: 'src/vendor/index.ts',
      wallet: 'src/wallet/index.ts',
      relay: 'src/relay/index.ts',
      // NatsRelayBackend alone, so that `intentcast/relay` never loads the NATS client.
      'relay-nats': 'src/relay/nats.ts',
      'r-button': 'src/r-button/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    // No `external`: the native backend reaches node:crypto through process.getBuiltinModule, never
    // by import, so a bundler has no Node built-in to resolve; an import of one fails this build.
    treeshake: true,
    splitting: true,
  },
  {
    // <r-button> as one self-contained, minified module for a page's <script type="module">,
    // with no build step on the page's side: one file, importing nothing. A page that serves
    // only this file must get a working button, so nothing may be split into a chunk (the
    // pure-JS Ed25519 fallback included: it is 7 KB of the 25 KB budget, and a browser without
    // native Ed25519 that 404s on a chunk shows no button at all). test/browser/bundle-size.test.ts
    // fails on a second output file, on any import in this one, and above 25 KB min+gzip.
    entry: { 'r-button.browser': 'src/r-button/browser.ts' },
    format: ['esm'],
    splitting: false,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    minify: true,
    noExternal: [/.*/],
    // No `external`: nothing in the element may reach node:crypto (or any node: module). If a
    // change pulls one in, esbuild fails to resolve it for the browser and the build stops,
    // rather than shipping an import the page cannot satisfy.
  },
  {
    // The `intentcast` command: Node only, ESM, with a shebang.
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
])
