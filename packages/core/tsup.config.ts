import { defineConfig } from 'tsup'

// Two builds from one source: the server build (Node, Deno, Bun) resolves `#crypto-default` to
// the node:crypto backend, the browser build to WebCrypto with a lazily loaded noble fallback, so
// a browser bundle never contains `node:*`. Selection happens through package.json "imports"
// conditions, the same mechanism bundlers and vitest use on the sources.
const common = {
  format: ['esm', 'cjs'] as const,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral' as const,
  external: ['@noble/hashes', 'node:crypto'],
}

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' }, dts: true, clean: true },
  {
    ...common,
    entry: { browser: 'src/index.ts' },
    splitting: true,
    dts: false,
    esbuildOptions(options) {
      options.conditions = ['browser']
    },
  },
])
