import { describe, it } from 'vitest'
import { runtime } from '../support/server.ts'
import { REFERENCE_MOUNT } from './reference-servers.ts'
import { referenceWrapperSuite } from './wrappers-suite.ts'

/**
 * createSignedFetch and signAxios (xhr and fetch adapters) in Chromium against the five Python
 * reference servers. A page cannot spawn processes: tools/browser-global-setup.ts starts the
 * Python servers and mounts the transparent CORS proxy of reference-servers.ts at `/ref/` on the
 * browser project's loopback server, so every request goes through it (mode `pass`, or a
 * `tamper-*` mode that changes one byte on the way). Elsewhere: wrappers.node.test.ts.
 */
if (runtime === 'browser') {
  const origin = (import.meta as unknown as { env: Record<string, string | undefined> }).env.VITE_SIGNET_SERVER_URL
  referenceWrapperSuite('Signet wrappers in Chromium against the Python reference servers', async () => ({
    direct: (reference) => `${origin}${REFERENCE_MOUNT}/${reference.id}/pass`,
    proxied: (reference, mode) => `${origin}${REFERENCE_MOUNT}/${reference.id}/${mode}`,
    stop: async () => undefined,
  }))
} else {
  describe.skip('Signet wrappers in Chromium against the Python reference servers (Chromium only; see wrappers.node.test.ts)', () => {
    it('runs in the browser project', () => undefined)
  })
}
