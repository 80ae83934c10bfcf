import { defineConfig } from 'tsup'

// Two builds from one source: the server build (Node, Deno, Bun) resolves `#crypto-default` to
// the node:crypto backend, the browser build to WebCrypto with a lazily loaded noble fallback, so
// a browser bundle never contains `node:*`. Selection happens through package.json "imports"
// conditions, the same mechanism bundlers and vitest use on the sources.
//
// Each build has two entries, the full one and `@signet/core/sign` (src/sign-entry, the small
// signer), with code splitting in both formats: the modules they share (errors.ts, so the one
// SignetError class) are one chunk, and `instanceof SignetError` holds across the two entries.
// Declarations are one self-contained file per entry (one dts entry per build, so no shared
// declaration chunk: Deno does not resolve a .d.ts chunk imported as ./chunk.js).
const common = {
  format: ['esm', 'cjs'] as const,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral' as const,
  external: ['@noble/hashes', 'node:crypto'],
  splitting: true,
}

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts', sign: 'src/sign-entry/index.ts' }, dts: { entry: { index: 'src/index.ts' } }, clean: true },
  {
    ...common,
    entry: { browser: 'src/index.ts', 'sign.browser': 'src/sign-entry/index.ts' },
    dts: { entry: { sign: 'src/sign-entry/index.ts' } },
    esbuildOptions(options) {
      options.conditions = ['browser']
    },
  },
])
