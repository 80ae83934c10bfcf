// Bundled by esbuild (platform browser, conditions browser) and loaded by a page; run.mjs calls
// window.__runBench through playwright and collects the JSON.
import { browserLimitCases, browserPeerCases } from './cases-browser.mjs'
import { runSuite } from './suite.mjs'

globalThis.__runBench = async ({ quick, only }) => {
  const logs = []
  const result = await runSuite({
    runtime: 'chromium',
    quick,
    // Timer resolution is 5 µs even cross-origin isolated: time more calls per sample.
    batchScale: 4,
    only,
    limitCases: browserLimitCases,
    peerCases: browserPeerCases,
    // The huge body as a user's upload: a file-backed File, which Chromium reads from disk. (A Blob
    // made in memory from 256 MiB cannot be read back in this headless Chromium: NotReadableError
    // above ~100 MiB.)
    hugeBlob: document.querySelector('#huge')?.files?.[0],
    log: (m) => {
      logs.push(m)
      console.log(m)
    },
  })
  result.info = { runtime: 'chromium', version: navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1], engine: 'V8', userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, secureContext: isSecureContext, crossOriginIsolated }
  return result
}
globalThis.__benchReady = true
