#!/usr/bin/env node
// Where Signet's time goes in Chromium: signs the GET request of the benchmark in a loop in headless
// Debian Chromium with the CDP sampling profiler on (every 50 µs, around the loop only) and lists
// the functions with the most self time. Native frames (subtle.sign, URL, encodeInto) show under
// their own names. Reads the BUILT @signet/core (browser build); prints, writes nothing.
//
//   node bench/profile-browser.mjs [--calls 100000] [--top 25]
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { CHROMIUM_ARGS } from './lib/browser.mjs'

const benchDir = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const value = (n, d) => {
  const i = args.indexOf(n)
  return i === -1 ? d : Number(args[i + 1])
}
const calls = value('--calls', 100_000)
const top = value('--top', 25)

const entry = `
import { signRequest } from '@signet/core'
import { ACCESS_KEY_ID, SECRET, GET_URL } from ${JSON.stringify(join(benchDir, 'lib/fixtures.mjs'))}
const key = { id: ACCESS_KEY_ID, secret: SECRET }
const headers = { accept: 'application/json' }
globalThis.__loop = async (n) => {
  const t = performance.now()
  for (let i = 0; i < n; i++) await signRequest({ method: 'GET', url: GET_URL, headers }, { key })
  return ((performance.now() - t) * 1000) / n
}
`
const built = await esbuild.build({
  stdin: { contents: entry, resolveDir: benchDir, loader: 'js' },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['browser'],
  target: 'es2022',
  write: false,
  logLevel: 'error',
})
const js = built.outputFiles[0].contents
const server = createServer((req, res) => {
  if (req.url === '/loop.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
  else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>signet profile</title><script type="module" src="/loop.js"></script>')
}).listen(0, '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))

const { chromium } = await import('playwright')
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS })
try {
  const page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${server.address().port}/`)
  await page.waitForFunction(() => typeof globalThis.__loop === 'function')
  await page.evaluate((n) => globalThis.__loop(n), Math.min(calls, 30_000)) // warm-up, not profiled
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 })
  await cdp.send('Profiler.start')
  const perCall = await page.evaluate((n) => globalThis.__loop(n), calls)
  const { profile } = await cdp.send('Profiler.stop')
  const hits = new Map()
  for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1)
  const self = new Map()
  for (const node of profile.nodes) {
    const n = hits.get(node.id)
    if (!n) continue
    const { functionName, url, lineNumber } = node.callFrame
    const where = url ? `${url.split('/').pop()}:${lineNumber + 1}` : 'native'
    const name = `${functionName || '(anonymous)'} (${where})`
    self.set(name, (self.get(name) ?? 0) + n)
  }
  console.log(`rfc9421 GET sign in Chromium ${browser.version()}: ${perCall.toFixed(2)} µs/call (wall, profiler on)`)
  for (const [name, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * n) / profile.samples.length).toFixed(1).padStart(6)}%  ${name}`)
} finally {
  await browser.close()
  server.close()
}
