import { coreApp } from '../packages/core/test/support/app.ts'
import { startNodeServer, type RunningServer } from '../packages/core/test/support/server.ts'

/**
 * The browser project cannot listen on a port, so this global setup (run by vitest in Node)
 * serves the test applications on the loopback port chosen in vitest.workspace.ts, in another
 * origin than the page (CORS is part of what the browser tests prove).
 */
let server: RunningServer | undefined

export async function setup(): Promise<void> {
  const port = Number(process.env.SIGNET_BROWSER_SERVER_PORT)
  const core = coreApp()
  server = await startNodeServer((request) => core(request), port)
}

export async function teardown(): Promise<void> {
  await server?.close()
}
