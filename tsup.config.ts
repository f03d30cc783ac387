import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    crypto: 'src/crypto/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // node:crypto is loaded lazily by the native backend, so bundles for browsers never pull it in.
  external: ['node:crypto'],
  treeshake: true,
  splitting: true,
})
