import { defineConfig } from 'tsup'

export default defineConfig([
  {
    // The library: platform-neutral, so one build serves Node, browsers and edge runtimes.
    entry: {
      index: 'src/index.ts',
      crypto: 'src/crypto/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    // node:crypto is loaded lazily by the native backend, so bundles for browsers never pull it in.
    external: ['node:crypto'],
    treeshake: true,
    splitting: true,
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
