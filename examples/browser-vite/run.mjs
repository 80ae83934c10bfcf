// Runs the example: the API server (api-server.mjs), Vite's dev server for the page, and real
// Chromium (through playwright) opening the page; passes when the page's result says PASS.
//   node run.mjs           headless check, exits 1 on failure (what CI runs)
//   node run.mjs --serve   keeps both servers running: open the printed URL in your browser
// Chromium: /usr/bin/chromium, or CHROMIUM_PATH.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'
import { startApiServer } from './api-server.mjs'

const root = fileURLToPath(new URL('.', import.meta.url))
const serveOnly = process.argv.includes('--serve')

const apiServer = await startApiServer(serveOnly ? 8787 : 0)
const vite = await createServer({
  root,
  configFile: false,
  logLevel: serveOnly ? 'info' : 'error',
  server: { host: '127.0.0.1', port: serveOnly ? 5173 : 0 },
})
await vite.listen()
const pageUrl = `${vite.resolvedUrls.local[0]}?api=${encodeURIComponent(apiServer.url)}`

if (serveOnly) {
  console.log(`page ${pageUrl}\nAPI  ${apiServer.url}\n(Ctrl+C to stop)`)
} else {
  let exitCode = 1
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
  let browser
  try {
    if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (set CHROMIUM_PATH; on Debian/Ubuntu: apt-get install chromium)`)
    const { chromium } = await import('playwright')
    browser = await chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    })
    const page = await browser.newPage()
    const problems = []
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`))
    await page.goto(pageUrl)
    await page.waitForFunction(() => /^(PASS|FAIL)/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 30_000 })
    const status = await page.textContent('#status')
    const lines = await page.$$eval('#log > div', (divs) => divs.map((d) => d.textContent))
    console.log(`Chromium ${browser.version()} on ${pageUrl}`)
    for (const line of lines) console.log(`  ${line}`)
    console.log(status)
    exitCode = status.startsWith('PASS') ? 0 : 1
    // (The replay check makes the browser log one expected 401.)
    if (exitCode !== 0) for (const p of problems) console.log(`  (${p})`)
  } catch (err) {
    console.error('browser-vite example failed:', err)
  } finally {
    await browser?.close()
    await vite.close()
    await apiServer.close()
  }
  process.exit(exitCode)
}
