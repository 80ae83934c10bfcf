import { coreApp } from '../packages/core/test/support/app.ts'
import { startNodeServer, type RunningServer } from '../packages/core/test/support/server.ts'
import { axiosApp } from '../packages/axios/test/support/app.ts'
import { createApp as fetchApp, FETCH_MOUNT } from '../packages/fetch/test/support/app.ts'

/**
 * The browser project cannot listen on a port, so this global setup (run by vitest in Node)
 * serves the test applications on the loopback port chosen in vitest.workspace.ts, in another
 * origin than the page (CORS is part of what the browser tests prove). Each package's app is
 * mounted under its own path prefix (`/fetch/…`: packages/fetch/test/support/app.ts, which
 * also serves /fetch/no-expose without Access-Control-Expose-Headers; `/axios/…`:
 * packages/axios/test/support/app.ts); the rest goes to core's.
 */
let server: RunningServer | undefined

export async function setup(): Promise<void> {
  const port = Number(process.env.SIGNET_BROWSER_SERVER_PORT)
  const core = coreApp()
  const fetchTests = fetchApp()
  const axiosTests = axiosApp()
  server = await startNodeServer((request) => {
    const path = new URL(request.url).pathname
    if (path.startsWith('/axios/')) return axiosTests(request)
    return path.startsWith(`${FETCH_MOUNT}/`) ? fetchTests(request) : core(request)
  }, port)
}

export async function teardown(): Promise<void> {
  await server?.close()
}
