import { startServer } from '../support/server.ts'
import { REFERENCE_MOUNT, referenceProxy, startReferenceServers } from './reference-servers.ts'
import { referenceWrapperSuite } from './wrappers-suite.ts'

/**
 * createSignedFetch and signAxios (http and fetch adapters) against the five Python reference
 * servers, in Node, Deno and Bun: accepted requests go straight to the Python server; tampered
 * ones go through a loopback proxy (reference-servers.ts `referenceProxy`) that changes one byte
 * of the body or query after the wrapper signed and sent it. Chromium: wrappers-browser.test.ts.
 */
referenceWrapperSuite('Signet wrappers against the Python reference servers', async () => {
  const python = await startReferenceServers()
  let proxy: Awaited<ReturnType<typeof startServer>>
  try {
    proxy = await startServer(referenceProxy(python.targets))
  } catch (err) {
    await python.stop()
    throw err
  }
  const proxyUrl = proxy.url
  return {
    direct: (reference) => python.targets.get(reference.id)!,
    proxied: (reference, mode) => `${proxyUrl}${REFERENCE_MOUNT}/${reference.id}/${mode}`,
    async stop() {
      await proxy.close()
      await python.stop()
    },
  }
})
