// Runs the suite in headless Debian Chromium: bundles lib/browser-entry.mjs with esbuild for the
// browser (conditions browser, so @signet/core resolves to its browser build: WebCrypto, noble
// loaded lazily), serves it on 127.0.0.1 (a secure context, so crypto.subtle exists), drives
// /usr/bin/chromium with playwright and collects the result through page.evaluate.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { bytesOfSize, hugeBytesFor } from './fixtures.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const benchDir = join(here, '..')
const cacheDir = join(benchDir, '.cache')

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking']

export async function bundleBrowser() {
  const out = join(cacheDir, 'browser', 'bench.js')
  await esbuild.build({
    entryPoints: [join(here, 'browser-entry.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    target: 'es2022',
    outfile: out,
    // Splitting off: one file, plus the core's lazy noble chunks inlined as dynamic imports.
    nodePaths: [join(benchDir, '..', 'packages', 'core', 'node_modules')],
    logLevel: 'error',
    sourcemap: false,
    minify: false,
  })
  return out
}

function serve(files) {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const path = new URL(req.url, 'http://x').pathname
      const file = files[path]
      if (!file) {
        res.writeHead(404).end()
        return
      }
      // Cross-origin isolation: performance.now() resolution goes from 100 µs to 5 µs.
      res.writeHead(200, {
        'content-type': file.type,
        'cache-control': 'no-store',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      })
      res.end(file.body)
    })
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

export async function runBrowser({ quick, only, log = () => {}, executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium' }) {
  const { chromium } = await import('playwright')
  const bundle = await bundleBrowser()
  const sigv4Bundle = join(cacheDir, 'sigv4.mjs')
  const page = `<!doctype html><meta charset="utf-8"><title>signet bench</title>
<script>globalThis.__SIGNET_SIGV4_URL__ = ${existsSync(sigv4Bundle) ? "'/sigv4.mjs'" : 'undefined'}</script>
<input type="file" id="huge">
<script type="module" src="/bench.js"></script>`
  const files = {
    '/': { type: 'text/html', body: page },
    '/favicon.ico': { type: 'image/x-icon', body: '' },
    '/bench.js': { type: 'text/javascript', body: readFileSync(bundle) },
  }
  if (existsSync(sigv4Bundle)) files['/sigv4.mjs'] = { type: 'text/javascript', body: readFileSync(sigv4Bundle) }
  const server = await serve(files)
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
  const tmp = mkdtempSync(join(tmpdir(), 'signet-bench-chromium-'))
  try {
    const tab = await browser.newPage()
    tab.on('console', (m) => log(`  [chromium] ${m.text()}`))
    tab.on('pageerror', (e) => log(`  [chromium error] ${e.message}`))
    await tab.goto(`http://127.0.0.1:${server.address().port}/`)
    await tab.waitForFunction(() => globalThis.__benchReady === true, null, { timeout: 60_000 })
    if (!only || only.includes('huge')) {
      // The huge body as a file the page is given, as a user's upload would be (see browser-entry.mjs).
      const file = join(tmp, 'huge.bin')
      writeFileSync(file, bytesOfSize(hugeBytesFor(quick)))
      await tab.setInputFiles('#huge', file)
    }
    const result = await tab.evaluate((opts) => globalThis.__runBench(opts), { quick, only })
    result.info.chromiumPath = executablePath
    result.info.browserVersion = browser.version()
    return result
  } finally {
    await browser.close()
    rmSync(tmp, { recursive: true, force: true })
    server.close()
  }
}
