/** Where the tests run, and the server they talk to. */
import type { RunningServer } from './server.ts'

const g = globalThis as { Deno?: unknown; Bun?: unknown; document?: unknown; window?: unknown }

export const isBrowser = g.window !== undefined && g.document !== undefined
export const runtime: 'browser' | 'deno' | 'bun' | 'node' = isBrowser ? 'browser' : g.Deno !== undefined ? 'deno' : g.Bun !== undefined ? 'bun' : 'node'

/** The app's mount path (app.ts `FETCH_MOUNT`; not imported from there, which pulls in node:crypto). */
const MOUNT = '/fetch'

/** A server, and `url`: the base of the fetch test app on it (`http://127.0.0.1:<port>/fetch`). */
export interface TestServer extends RunningServer {
  /** `http://127.0.0.1:<port>`: the server's origin, without the mount path. */
  readonly origin: string
}

/**
 * The test server: in browsers, the one tools/browser-global-setup.ts started (its URL is injected
 * by vitest.workspace.ts); elsewhere a fresh server on a free loopback port.
 */
export async function testServer(): Promise<TestServer> {
  if (isBrowser) {
    const env = (import.meta as unknown as { env?: Record<string, string | undefined> }).env
    const origin = env?.VITE_SIGNET_SERVER_URL
    if (!origin) throw new Error('VITE_SIGNET_SERVER_URL is not set: the browser project of vitest.workspace.ts defines it')
    return { origin, url: origin + MOUNT, close: async () => undefined }
  }
  const [{ startServer }, { createApp }] = await Promise.all([import('./server.ts'), import('./app.ts')])
  const server = await startServer(createApp())
  return { origin: server.url, url: server.url + MOUNT, close: () => server.close() }
}

/** A second server on another port (another origin), for cross-origin redirects. Not in browsers. */
export const otherOriginServer = testServer

/** `it` where `condition` holds, `it.skip` elsewhere (the subset every runner supports). */
export function itWhen<T extends { skip: unknown }>(it: T, condition: boolean): T {
  return condition ? it : (it.skip as T)
}
