import { coreApp } from '../packages/core/test/support/app.ts'
import { startNodeServer, type RunningServer } from '../packages/core/test/support/server.ts'
import { axiosApp } from '../packages/axios/test/support/app.ts'
import { createApp as fetchApp, FETCH_MOUNT } from '../packages/fetch/test/support/app.ts'
import { presetsApp, PRESETS_MOUNT } from '../packages/fetch/test/presets-support.ts'
import { REFERENCE_MOUNT, referenceProxy, startReferenceServers, type ReferenceServers } from '../packages/core/test/reference/reference-servers.ts'

/**
 * The browser project cannot listen on a port, so this global setup (run by vitest in Node)
 * serves the test applications on the loopback port chosen in vitest.workspace.ts, in another
 * origin than the page (CORS is part of what the browser tests prove). Each package's app is
 * mounted under its own path prefix (`/fetch/…`: packages/fetch/test/support/app.ts, which
 * also serves /fetch/no-expose without Access-Control-Expose-Headers; `/axios/…`:
 * packages/axios/test/support/app.ts; `/presets/…`: packages/fetch/test/presets-support.ts, one
 * verifier per preset of @signet/core, for both wrappers' presets.test.ts); the rest goes to core's.
 *
 * `/ref/<reference>/…` is the transparent CORS proxy of packages/core/test/reference/reference-servers.ts
 * in front of the five Python reference servers, which this setup starts (python3) and stops in
 * teardown (wrappers-browser.test.ts). If they cannot start, `/ref/…` answers 503 with the reason
 * and only that test fails.
 */
let server: RunningServer | undefined
let references: ReferenceServers | undefined

export async function setup(): Promise<void> {
  const port = Number(process.env.SIGNET_BROWSER_SERVER_PORT)
  const core = coreApp()
  const fetchTests = fetchApp()
  const axiosTests = axiosApp()
  const presetTests = presetsApp()
  let failure = 'the Python reference servers are not running'
  try {
    references = await startReferenceServers()
  } catch (err) {
    failure = `the Python reference servers could not start: ${err instanceof Error ? err.message : String(err)}`
    console.warn(`browser-global-setup: ${failure}`)
  }
  const referenceTests = referenceProxy(references?.targets, failure)
  try {
    server = await startNodeServer((request) => {
      const path = new URL(request.url).pathname
      if (path.startsWith('/axios/')) return axiosTests(request)
      if (path.startsWith(`${PRESETS_MOUNT}/`)) return presetTests(request)
      if (path.startsWith(`${REFERENCE_MOUNT}/`)) return referenceTests(request)
      return path.startsWith(`${FETCH_MOUNT}/`) ? fetchTests(request) : core(request)
    }, port)
  } catch (err) {
    await references?.stop()
    throw err
  }
}

export async function teardown(): Promise<void> {
  await server?.close()
  await references?.stop()
}
