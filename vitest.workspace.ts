import { playwright } from '@vitest/browser-playwright'
import { readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TestProjectInlineConfiguration } from 'vitest/config'
import { freePort } from './tools/free-port.ts'

/**
 * Vitest ≥4 no longer reads this file by itself; `vitest.config.ts` imports `projects` from it.
 * Node and Chromium run the same test files; Deno and Bun run them through their own runners
 * (`tools/deno-vitest-shim.ts`, and Bun's built-in `vitest` mapping).
 */
const include = ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts']

// The browser tests talk to a real loopback server in another origin (CORS is part of what they
// prove). The port is chosen here so the page can be told where the server is before it loads.
const browserServerPort = Number(process.env.SIGNET_BROWSER_SERVER_PORT ?? (await freePort()))
process.env.SIGNET_BROWSER_SERVER_PORT = String(browserServerPort)

// The browser cannot list directories; give it the vector folders' listings up front.
const vectorsDir = fileURLToPath(new URL('../shared/schemes/vectors/', import.meta.url))
function listDirs(rel: string, out: Record<string, string[]>): Record<string, string[]> {
  const names = readdirSync(vectorsDir + rel).sort()
  out[rel.replace(/\/$/, '')] = names
  for (const n of names) if (statSync(`${vectorsDir}${rel}${n}`).isDirectory()) listDirs(`${rel}${n}/`, out)
  return out
}
const vectorIndex = listDirs('', {})

export const projects: TestProjectInlineConfiguration[] = [
  {
    test: {
      name: 'node',
      include,
      environment: 'node',
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  },
  {
    server: { fs: { allow: ['..'] } },
    // Pre-bundled up front, so Vite does not reload the page mid-run when a test first imports them.
    optimizeDeps: { include: ['fast-check'] },
    define: {
      'import.meta.env.VITE_SIGNET_SERVER_URL': JSON.stringify(`http://127.0.0.1:${browserServerPort}`),
      'import.meta.env.VITE_SIGNET_VECTORS_DIR': JSON.stringify(vectorsDir),
      'import.meta.env.VITE_SIGNET_VECTORS_INDEX': JSON.stringify(JSON.stringify(vectorIndex)),
    },
    test: {
      name: 'browser',
      include,
      exclude: ['**/*.node.test.ts'],
      globalSetup: ['tools/browser-global-setup.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        instances: [{ browser: 'chromium' }],
        provider: playwright({
          launchOptions: {
            executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
            args: [
              '--no-sandbox',
              '--disable-dev-shm-usage',
              '--disable-gpu',
              '--disable-background-networking',
              '--disable-component-update',
              '--disable-sync',
              '--no-first-run',
            ],
          },
        }),
      },
    },
  },
]
